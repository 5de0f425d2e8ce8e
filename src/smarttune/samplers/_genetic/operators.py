"""Genetic operators on points of the unit cube: pure numpy maths, no Optuna.

Every function here takes and returns plain arrays, so the operators are tested without a study.
Individuals are points of ``[0, 1]^d`` as produced by :class:`smarttune.space.SpaceEncoder`, where
log-scaled parameters are already linear; fitness is "larger is better" (the sampler negates
values of minimized studies) and ``-inf`` marks an unfit individual (a failed or pruned trial).

References:
    Holland, J. H. (1975). *Adaptation in Natural and Artificial Systems*. University of
    Michigan Press.
    Goldberg, D. E. (1989). *Genetic Algorithms in Search, Optimization and Machine Learning*.
    Addison-Wesley.
"""

from __future__ import annotations

import functools
import inspect
import math
from typing import Any, Literal

import numpy as np
from scipy.stats import qmc

__all__ = [
    "CROSSOVERS",
    "CrossoverName",
    "blx_crossover",
    "crossover",
    "diversity",
    "mutation_schedule",
    "select_survivors",
    "single_point_crossover",
    "sobol_point",
    "sbx_crossover",
    "tournament",
    "uniform_crossover",
]

FloatArray = np.ndarray[Any, np.dtype[np.float64]]
BoolArray = np.ndarray[Any, np.dtype[np.bool_]]
IntArray = np.ndarray[Any, np.dtype[np.int64]]
CrossoverName = Literal["sbx", "blx", "single_point", "uniform"]

#: The crossover names :func:`crossover` accepts.
CROSSOVERS: tuple[str, ...] = ("sbx", "blx", "single_point", "uniform")
#: The smallest mutation scale the schedule reaches (unit-cube units).
MIN_MUTATION_SCALE = 1e-3


def tournament(
    fitness: FloatArray, size: int, rng: np.random.Generator, *, exclude: int | None = None
) -> int:
    """Return the index of the fittest of ``size`` individuals drawn without replacement.

    Tournament selection (Miller & Goldberg, 1995): the selection pressure grows with ``size``
    (``1`` is a uniform draw) and does not depend on the scale of the fitness. Ties go to the
    lower index, so callers that sort individuals by age favour the elder.

    Args:
        fitness: Fitness of each individual (larger is better, ``-inf`` unfit).
        size: Number of contestants, capped at the number of eligible individuals.
        rng: The random generator to draw from.
        exclude: An index that may not take part (the other parent), if others exist.

    Reference:
        Miller, B. L. and Goldberg, D. E. (1995). Genetic algorithms, tournament selection, and
        the effects of noise. *Complex Systems*, 9(3), 193-212.
    """
    eligible = np.arange(len(fitness))
    if exclude is not None and len(fitness) > 1:
        eligible = eligible[eligible != exclude]
    contestants = np.sort(rng.choice(eligible, size=min(size, len(eligible)), replace=False))
    return int(contestants[np.argmax(fitness[contestants])])


def sbx_crossover(
    p1: FloatArray, p2: FloatArray, rng: np.random.Generator, *, eta: float
) -> tuple[FloatArray, FloatArray]:
    """Bounded simulated binary crossover in ``[0, 1]^d``.

    Each coordinate crosses with probability 1/2; children spread around the parents with a
    polynomial density whose concentration grows with the distribution index ``eta``. The spread
    is truncated to the unit interval as in Deb's bounded variant.

    Reference:
        Deb, K. and Agrawal, R. B. (1995). Simulated binary crossover for continuous search
        space. *Complex Systems*, 9(2), 115-148.
    """
    y1, y2 = np.minimum(p1, p2), np.maximum(p1, p2)
    gap = y2 - y1
    cross = (_uniform(rng, p1) < 0.5) & (gap > 1e-14)
    safe_gap = np.where(cross, gap, 1.0)
    u = _uniform(rng, p1)
    c1 = 0.5 * (y1 + y2 - _sbx_beta(1.0 + 2.0 * y1 / safe_gap, u, eta) * gap)
    c2 = 0.5 * (y1 + y2 + _sbx_beta(1.0 + 2.0 * (1.0 - y2) / safe_gap, u, eta) * gap)
    swap = _uniform(rng, p1) < 0.5
    c1, c2 = np.where(swap, c2, c1), np.where(swap, c1, c2)
    child1 = np.where(cross, np.clip(c1, 0.0, 1.0), p1)
    child2 = np.where(cross, np.clip(c2, 0.0, 1.0), p2)
    return child1, child2


def _uniform(rng: np.random.Generator, like: FloatArray) -> FloatArray:
    out: FloatArray = rng.random(len(like))
    return out


def _sbx_beta(beta: FloatArray, u: FloatArray, eta: float) -> FloatArray:
    alpha = 2.0 - beta ** -(eta + 1.0)
    low = (u * alpha) ** (1.0 / (eta + 1.0))
    high = (1.0 / np.maximum(2.0 - u * alpha, 1e-300)) ** (1.0 / (eta + 1.0))
    return np.where(u <= 1.0 / alpha, low, high)


def blx_crossover(
    p1: FloatArray, p2: FloatArray, rng: np.random.Generator, *, alpha: float
) -> tuple[FloatArray, FloatArray]:
    """Blend crossover BLX-alpha in ``[0, 1]^d``.

    Each child coordinate is uniform on the parents' interval widened by ``alpha`` times its
    length on both sides, clipped to ``[0, 1]``.

    Reference:
        Eshelman, L. J. and Schaffer, J. D. (1993). Real-coded genetic algorithms and
        interval-schemata. *Foundations of Genetic Algorithms 2*, 187-202.
    """
    low, high = np.minimum(p1, p2), np.maximum(p1, p2)
    spread = alpha * (high - low)
    low, high = low - spread, high + spread
    child1 = low + _uniform(rng, p1) * (high - low)
    child2 = low + _uniform(rng, p1) * (high - low)
    return np.clip(child1, 0.0, 1.0), np.clip(child2, 0.0, 1.0)


def single_point_crossover(
    p1: FloatArray, p2: FloatArray, rng: np.random.Generator
) -> tuple[FloatArray, FloatArray]:
    """Holland's one-point crossover: swap the tails after a random cut (Holland, 1975).

    With a single coordinate there is no cut; the parents are returned in random order.
    """
    d = len(p1)
    if d < 2:
        return (p2.copy(), p1.copy()) if rng.random() < 0.5 else (p1.copy(), p2.copy())
    cut = int(rng.integers(1, d))
    child1 = np.concatenate([p1[:cut], p2[cut:]])
    child2 = np.concatenate([p2[:cut], p1[cut:]])
    return child1, child2


def uniform_crossover(
    p1: FloatArray, p2: FloatArray, rng: np.random.Generator
) -> tuple[FloatArray, FloatArray]:
    """Uniform crossover: each coordinate comes from either parent with probability 1/2.

    Reference:
        Syswerda, G. (1989). Uniform crossover in genetic algorithms. *Proceedings of the Third
        International Conference on Genetic Algorithms*, 2-9.
    """
    swap = _uniform(rng, p1) < 0.5
    return np.where(swap, p2, p1), np.where(swap, p1, p2)


def crossover(
    name: str,
    p1: FloatArray,
    p2: FloatArray,
    rng: np.random.Generator,
    *,
    categorical: BoolArray,
    eta: float = 10.0,
    alpha: float = 0.5,
) -> FloatArray:
    """Return one child of ``p1`` and ``p2`` by the crossover called ``name``.

    Coordinates that are NaN in one parent (a parameter it did not have) are taken from the
    other; NaN in both stays NaN. Blending crossovers (``"sbx"``, ``"blx"``) treat categorical
    coordinates, whose order means nothing, by uniform exchange.

    Args:
        name: One of :data:`CROSSOVERS`.
        p1: The first parent.
        p2: The second parent.
        rng: The random generator to draw from.
        categorical: Which coordinates are categorical.
        eta: SBX distribution index.
        alpha: BLX widening factor.
    """
    a = np.where(np.isnan(p1), p2, p1)
    b = np.where(np.isnan(p2), p1, p2)
    if name == "sbx":
        c1, c2 = sbx_crossover(a, b, rng, eta=eta)
    elif name == "blx":
        c1, c2 = blx_crossover(a, b, rng, alpha=alpha)
    elif name == "single_point":
        c1, c2 = single_point_crossover(a, b, rng)
    elif name == "uniform":
        c1, c2 = uniform_crossover(a, b, rng)
    else:
        raise ValueError(f"Unknown crossover {name!r}; expected one of {CROSSOVERS}.")
    if name in ("sbx", "blx") and categorical.any():
        u1, u2 = uniform_crossover(a, b, rng)
        c1, c2 = np.where(categorical, u1, c1), np.where(categorical, u2, c2)
    return c1 if rng.random() < 0.5 else c2


def select_survivors(
    fitness: FloatArray, is_offspring: BoolArray, n_survivors: int, n_elites: int
) -> IntArray:
    """Choose the next parent population from the union of parents and offspring.

    The ``n_elites`` fittest of the whole pool always survive; the remaining places go to the
    fittest offspring, then (if offspring run short) to the fittest remaining parents, and only
    then to unfit individuals. ``n_elites == n_survivors`` is the elitist (mu + lambda) scheme,
    ``n_elites == 0`` the generational (mu, lambda) one (Goldberg, 1989, ch. 4). The choice is
    deterministic: ties keep the input order, so workers that see the same pool agree.

    Args:
        fitness: Fitness of each individual of the pool (larger is better, ``-inf`` unfit).
        is_offspring: Which individuals belong to the generation just evaluated.
        n_survivors: The population size.
        n_elites: How many of the fittest survive whatever their generation.

    Returns:
        Indices into the pool, fittest first.
    """
    order = np.argsort(-fitness, kind="stable")
    elites, rest = order[:n_elites], order[n_elites:]
    fit = fitness[rest] > -np.inf
    rank = np.where(fit & is_offspring[rest], 0, np.where(fit, 1, 2))
    filler = rest[np.argsort(rank, kind="stable")][: max(n_survivors - len(elites), 0)]
    chosen = np.concatenate([elites, filler]).astype(np.int64)
    return chosen[np.argsort(-fitness[chosen], kind="stable")]


def diversity(units: FloatArray) -> float:
    """Mean per-coordinate standard deviation of a population, scaled so uniform points give 1.

    NaN coordinates (absent parameters) are ignored; an empty population has diversity 0.
    """
    if units.size == 0:
        return 0.0
    present = ~np.isnan(units)
    counts = present.sum(axis=0)
    ok = counts > 0
    if not ok.any():
        return 0.0
    x = np.where(present, units, 0.0)[:, ok]
    n = counts[ok]
    mean = x.sum(axis=0) / n
    var = (np.where(present[:, ok], x - mean, 0.0) ** 2).sum(axis=0) / n
    return float(np.mean(np.sqrt(var)) * math.sqrt(12.0))


def mutation_schedule(
    generation: int, dim: int, *, scale: float, rate: float, decay: float
) -> tuple[float, float]:
    """Return the mutation ``(scale, rate)`` of children bred in ``generation`` (>= 1).

    Both decay geometrically with the generations, moving the search from exploration to
    refinement: ``scale_g = max(scale * decay**(g - 1), MIN_MUTATION_SCALE)`` and
    ``rate_g = max(rate * decay**(g - 1), 1 / dim)``, so on average at least one coordinate still
    mutates (and :func:`smarttune.space.mutate_unit` always mutates one).
    """
    factor = decay ** max(generation - 1, 0)
    floor_rate = 1.0 / max(dim, 1)
    return max(scale * factor, MIN_MUTATION_SCALE), min(max(rate * factor, floor_rate), 1.0)


def sobol_point(dim: int, index: int, seed: int) -> FloatArray:
    """Return point ``index`` of the scrambled Sobol' sequence of dimension ``dim``.

    Used for the first generation: consecutive trial numbers give a low-discrepancy design, and
    workers sharing a seed but not trial numbers never propose the same point.

    Reference:
        Sobol', I. M. (1967). On the distribution of points in a cube and the approximate
        evaluation of integrals. *USSR Computational Mathematics and Mathematical Physics*,
        7(4), 86-112.
    """
    if dim == 0:
        return np.empty(0)
    engine = qmc.Sobol(dim, scramble=True, **{_rng_keyword(qmc.Sobol): np.random.default_rng(seed)})
    if index:
        engine.fast_forward(index)
    point: FloatArray = engine.random(1)[0]
    return point


@functools.cache
def _rng_keyword(engine: type) -> str:
    """Return the name of ``engine``'s random-generator argument.

    SciPy 1.15 renamed the QMC engines' ``seed`` argument to ``rng``; ``pyproject.toml`` allows
    SciPy 1.10, whose engines take ``seed`` (a ``Generator`` is accepted under either name).
    """
    return "rng" if "rng" in inspect.signature(engine).parameters else "seed"
