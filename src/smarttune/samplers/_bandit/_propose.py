"""One Thompson-sampling step in the unit cube, independent of any study.

The step fits a surrogate to the observations, draws one function from its posterior and returns
the candidate where that function is largest (Thompson, 1933; Russo et al., "A Tutorial on
Thompson Sampling", 2018). The candidates are type-aware mutations and uniform crossovers of the
elites (local exploitation) and scrambled Sobol points (global exploration), optionally confined
to a *region*, per-coordinate bounds in the unit cube. Nothing here reads a study, so that a
hybrid sampler can run the bandit step inside a region of its own choosing.
"""

from __future__ import annotations

import inspect
from typing import TYPE_CHECKING, Any

import numpy as np
from scipy.stats import qmc

from smarttune.space import SpaceEncoder, mutate_unit

if TYPE_CHECKING:
    from smarttune.surrogates import MetaLearner

__all__ = ["candidate_points", "propose", "select_elites", "sobol_points"]

FloatArray = np.ndarray[Any, np.dtype[np.float64]]
Region = tuple[FloatArray, FloatArray]

#: Mutation (scale, rate) pairs cycled over the mutants: small moves of many coordinates and
#: larger moves of few, both of which help on smooth and on separable objectives.
_MUTATIONS = ((0.02, 1.0), (0.05, 0.5), (0.1, 0.3), (0.2, 0.2))
#: SciPy 1.15 renamed the ``seed`` argument of the QMC engines to ``rng``.
_SCIPY_RNG_KEYWORD = "rng" if "rng" in inspect.signature(qmc.Sobol).parameters else "seed"


def propose(
    encoder: SpaceEncoder,
    X_observed: FloatArray,
    y_observed: FloatArray,
    elites: FloatArray,
    rng: np.random.Generator,
    *,
    learner: MetaLearner,
    n_candidates: int = 1024,
    region: Region | None = None,
    fit_steps: int | None = None,
) -> FloatArray:
    """Return the unit-cube point that maximises one posterior draw among fresh candidates.

    The learner is refitted with :meth:`~smarttune.surrogates.MetaLearner.partial_fit` (a warm
    start when it was fitted before on inputs of the same width), then one function is drawn
    with :meth:`~smarttune.surrogates.MetaLearner.sample_posterior`. Candidates that round to an
    observed configuration are dropped unless nothing else is left.

    Args:
        encoder: The encoder of the search space.
        X_observed: Observed unit-cube points, ``(n, d)`` with ``n >= 1``.
        y_observed: Their scores, ``(n,)``, finite, **higher is better**.
        elites: The points to mutate and cross over, ``(k, d)`` (typically the best observed).
        rng: The generator of the candidates and of the posterior draw.
        learner: The surrogate, refitted in place.
        n_candidates: Roughly how many candidates to score.
        region: Optional ``(lower, upper)`` bounds, each ``(d,)`` in [0, 1]; candidates are
            drawn or clipped inside them.
        fit_steps: Warm-start steps of this refit (None: the learner's ``warm_start_steps``).

    Returns:
        A point of ``[0, 1]^d`` (inside ``region`` when given), to decode with ``encoder``.
    """
    learner.partial_fit(encoder.features(X_observed), y_observed, n_steps=fit_steps)
    candidates = candidate_points(encoder, elites, rng, n_candidates=n_candidates, region=region)
    fresh = _unseen(encoder, candidates, X_observed)
    if fresh.any():
        candidates = candidates[fresh]
    draw = learner.sample_posterior(encoder.features(encoder.snap(candidates)), rng)
    best: FloatArray = candidates[int(np.argmax(draw))]
    return best


def candidate_points(
    encoder: SpaceEncoder,
    elites: FloatArray,
    rng: np.random.Generator,
    *,
    n_candidates: int,
    region: Region | None = None,
) -> FloatArray:
    """Return about ``n_candidates`` points: half mutants, a quarter crossovers and Sobol points.

    Mutants come from :func:`smarttune.space.mutate_unit` at scales relative to the region's
    width; crossovers mix two distinct elites coordinate-wise (uniform crossover). Without
    elites, or with one, the share of crossovers goes to Sobol points or mutants.
    """
    lower, upper = _bounds(encoder.dim, region)
    elites = np.clip(np.atleast_2d(elites), lower, upper) if len(elites) else elites
    n_sobol = n_candidates // 4 if len(elites) else n_candidates
    parts = [sobol_points(encoder.dim, n_sobol, rng, region=region)]
    if len(elites):
        n_cross = n_candidates // 4 if len(elites) > 1 else 0
        n_mutants = n_candidates - n_sobol - n_cross
        parts.append(_mutants(encoder, elites, rng, n_mutants, float(np.mean(upper - lower))))
        if n_cross:
            parts.append(_crossovers(elites, rng, n_cross))
    return np.clip(np.vstack(parts), lower, upper)


def sobol_points(
    dim: int, n: int, rng: np.random.Generator, *, region: Region | None = None, skip: int = 0
) -> FloatArray:
    """Return ``n`` scrambled Sobol points (Owen scrambling seeded from ``rng``) in ``region``.

    ``skip`` fast-forwards the sequence, so that point ``i`` of a fixed-seed sequence can be
    drawn on its own (trial ``i`` of a quasi-random start).
    """
    if n <= 0 or dim == 0:
        return np.empty((max(n, 0), dim))
    seed = int(rng.integers(2**32))
    engine = qmc.Sobol(dim, scramble=True, **{_SCIPY_RNG_KEYWORD: seed})
    if skip:  # scipy warns only about a first draw whose size is not a power of two
        engine.fast_forward(skip)
        points = engine.random(n)
    else:
        points = engine.random_base2(int(np.ceil(np.log2(n))))[:n]
    lower, upper = _bounds(dim, region)
    return np.asarray(lower + (upper - lower) * points, dtype=float)


def select_elites(X: FloatArray, y: FloatArray, n_elites: int) -> FloatArray:
    """Return the ``n_elites`` rows of ``X`` with the highest ``y``, best first."""
    order = np.argsort(-np.asarray(y, dtype=float), kind="stable")[:n_elites]
    return np.asarray(X, dtype=float)[order]


def _mutants(
    encoder: SpaceEncoder, elites: FloatArray, rng: np.random.Generator, n: int, width: float
) -> FloatArray:
    parents = rng.integers(len(elites), size=n)
    out = np.empty((n, encoder.dim))
    for i, p in enumerate(parents):
        scale, rate = _MUTATIONS[i % len(_MUTATIONS)]
        out[i] = mutate_unit(encoder, elites[p], rng, scale=scale * width, rate=rate)
    return out


def _crossovers(elites: FloatArray, rng: np.random.Generator, n: int) -> FloatArray:
    first = rng.integers(len(elites), size=n)
    second = (first + rng.integers(1, len(elites), size=n)) % len(elites)
    take_first = rng.random((n, elites.shape[1])) < 0.5
    return np.where(take_first, elites[first], elites[second])


def _unseen(encoder: SpaceEncoder, candidates: FloatArray, observed: FloatArray) -> FloatArray:
    """Mask of the candidates whose rounded configuration has not been observed."""
    seen = {row.tobytes() for row in encoder.snap(observed)}
    return np.array([row.tobytes() not in seen for row in encoder.snap(candidates)], dtype=bool)


def _bounds(dim: int, region: Region | None) -> Region:
    if region is None:
        return np.zeros(dim), np.ones(dim)
    lower, upper = (np.clip(np.asarray(b, dtype=float), 0.0, 1.0) for b in region)
    return lower, np.maximum(upper, lower)
