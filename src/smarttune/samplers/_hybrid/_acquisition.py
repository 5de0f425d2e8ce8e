"""Maximise one posterior draw: a genetic algorithm on the draw, then L-BFGS-B refinement.

This is the acquisition step of the hybrid's Thompson sampling, independent of any study. The
draw (a :class:`~smarttune.surrogates.PosteriorDraw`) costs little to evaluate, so a genetic
algorithm can afford many generations on it, as HEBO evolves its acquisition functions
(Cowen-Rivers et al., "HEBO: Pushing the Limits of Sample-Efficient Hyperparameter
Optimisation", JAIR 2022). The population starts from scrambled Sobol points (global) and
mutations of the best observed points (local), evolves by tournament selection, uniform
crossover and clipped Gaussian mutation with elitism, and the best few members are then
polished by SciPy's L-BFGS-B on the continuous coordinates, whose box constraints reach the
bounds exactly (nothing is reflected, so optima in corners are reachable). Categorical
coordinates are changed only by the genetic operators.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from scipy.optimize import minimize

from smarttune.samplers._bandit import sobol_points

if TYPE_CHECKING:
    from smarttune.space import SpaceEncoder
    from smarttune.surrogates import PosteriorDraw

__all__ = ["EvolutionSettings", "Region", "breed", "maximize_draw", "numeric_feature_columns"]

FloatArray = np.ndarray[Any, np.dtype[np.float64]]
#: ``(lower, upper)`` bounds in the unit cube, each ``(d,)``.
Region = tuple[FloatArray, FloatArray]
#: Mutation scales of the local starting points, in unit-cube units.
_LOCAL_SCALES = (0.01, 0.03, 0.1, 0.3)


@dataclass(frozen=True)
class EvolutionSettings:
    """The genetic algorithm's sizes.

    Attributes:
        n_initial: Points scored before evolution (half Sobol, half around the elites).
        population: Members kept each generation.
        generations: Generations evolved on the draw.
        n_refine: Best members polished by L-BFGS-B.
        refine_iter: L-BFGS-B iterations per polished member.
    """

    n_initial: int = 1024
    population: int = 64
    generations: int = 10
    n_refine: int = 3
    refine_iter: int = 50


def maximize_draw(
    encoder: SpaceEncoder,
    draw: PosteriorDraw,
    elites: FloatArray,
    exclude: FloatArray,
    rng: np.random.Generator,
    settings: EvolutionSettings,
    *,
    region: Region | None = None,
    with_prior_mean: bool = False,
) -> FloatArray:
    """Return the unit-cube point of highest ``draw`` found, avoiding ``exclude``'s configurations.

    Args:
        encoder: The encoder of the search space.
        draw: The posterior draw, on surrogate features.
        elites: Best observed unit-cube points, best first (may be empty).
        exclude: Unit-cube points already observed or pending; a proposal that rounds to one of
            them is taken only when nothing else was found.
        rng: The generator of the genetic operators.
        settings: The genetic algorithm's sizes.
        region: ``(lower, upper)`` unit-cube bounds the search stays in (None: the cube).
        with_prior_mean: Whether the GP has a prior mean: then the draw is scored with it, and
            the L-BFGS-B refinement (which needs the mean's gradient) is skipped.
    """

    def score(units: FloatArray) -> FloatArray:
        features = encoder.features(units)
        return draw(features) if with_prior_mean else draw.standardized(features)

    box = region if region is not None else (np.zeros(encoder.dim), np.ones(encoder.dim))
    initial = _initial(encoder, np.clip(elites, *box), rng, settings.n_initial, box)
    initial_values = score(initial)
    population, values = initial, initial_values
    keep = np.argsort(-values)[: settings.population]
    population, values = population[keep], values[keep]
    for _ in range(settings.generations):
        children = breed(encoder, population, values, rng, box)
        population = np.vstack([population, children])
        values = np.concatenate([values, score(children)])
        keep = np.argsort(-values)[: settings.population]
        population, values = population[keep], values[keep]
    if not with_prior_mean:
        for i in range(min(settings.n_refine, len(population))):
            population[i], values[i] = _refine(
                encoder, draw, population[i], settings.refine_iter, box
            )
    # the initial points back up a population that converged onto excluded configurations
    candidates = np.vstack([population, initial])
    return _best_unseen(encoder, candidates, np.concatenate([values, initial_values]), exclude)


def _initial(
    encoder: SpaceEncoder, elites: FloatArray, rng: np.random.Generator, n: int, box: Region
) -> FloatArray:
    """Sobol points and Gaussian perturbations of the elites, clipped to the box."""
    if not len(elites):
        return sobol_points(encoder.dim, n, rng, region=box)
    n_local = n // 2
    parents = elites[rng.integers(len(elites), size=n_local)]
    scales = np.asarray(_LOCAL_SCALES)[rng.integers(len(_LOCAL_SCALES), size=n_local)]
    local = parents + rng.standard_normal(parents.shape) * scales[:, None]
    local = _resample_categoricals(encoder, np.clip(local, *box), parents, rng, 0.2)
    return np.vstack([sobol_points(encoder.dim, n - n_local, rng, region=box), elites, local])


def breed(
    encoder: SpaceEncoder,
    population: FloatArray,
    values: FloatArray,
    rng: np.random.Generator,
    box: Region | None = None,
) -> FloatArray:
    """One generation of ``len(population)`` children of ``population`` (``values``: fitness).

    Binary tournaments pick the parents, uniform crossover mixes them, and each coordinate
    mutates with probability ``max(1/d, 0.2)`` by Gaussian noise of a log-uniform scale in
    [0.005, 0.2], clipped to the cube; categorical coordinates are redrawn with probability 0.1.
    """
    n, d = population.shape

    def tournament() -> FloatArray:
        a, b = rng.integers(n, size=(2, n))
        winners: FloatArray = population[np.where(values[a] >= values[b], a, b)]
        return winners

    first, second = tournament(), tournament()
    children = np.where(rng.random((n, d)) < 0.5, first, second)
    mutate = rng.random((n, d)) < max(1.0 / max(d, 1), 0.2)
    scale = np.exp(rng.uniform(np.log(0.005), np.log(0.2), size=(n, 1)))
    lower, upper = box if box is not None else (0.0, 1.0)
    moved = np.clip(children + rng.standard_normal((n, d)) * scale, lower, upper)
    children = np.where(mutate, moved, children)
    return _resample_categoricals(encoder, children, first, rng, 0.1)


def _resample_categoricals(
    encoder: SpaceEncoder,
    units: FloatArray,
    parents: FloatArray,
    rng: np.random.Generator,
    rate: float,
) -> FloatArray:
    """Categorical coordinates keep the parent's choice, or with probability ``rate`` a new one."""
    if not encoder.is_categorical.any():
        return units
    cats = encoder.is_categorical
    fresh = rng.random((len(units), int(cats.sum())))
    keep = rng.random(fresh.shape) >= rate
    units[:, cats] = np.where(keep, parents[:, cats], fresh)
    return units


def _refine(
    encoder: SpaceEncoder, draw: PosteriorDraw, start: FloatArray, max_iter: int, box: Region
) -> tuple[FloatArray, float]:
    """L-BFGS-B on the continuous coordinates of ``start``; the draw's value at the result."""
    columns = numeric_feature_columns(encoder)
    numeric = np.flatnonzero(~encoder.is_categorical)
    base = encoder.features(start)[0]
    if not len(numeric):
        return start, float(draw.standardized(base[None])[0])

    def negative(x: FloatArray) -> tuple[float, FloatArray]:
        features = base.copy()
        features[columns] = x
        value, grad = draw.value_and_gradient(features)
        return -value, -grad[columns]

    result = minimize(
        negative,
        start[numeric],
        jac=True,
        method="L-BFGS-B",
        bounds=list(zip(box[0][numeric], box[1][numeric], strict=True)),
        options={"maxiter": max_iter},
    )
    refined = start.copy()
    refined[numeric] = np.clip(result.x, box[0][numeric], box[1][numeric])
    return refined, -float(result.fun)


def numeric_feature_columns(encoder: SpaceEncoder) -> np.ndarray[Any, np.dtype[np.intp]]:
    """The feature column of each numeric coordinate (categoricals take one column per choice)."""
    widths = np.where(encoder.is_categorical, encoder.n_levels, 1)
    starts = np.concatenate([[0], np.cumsum(widths)[:-1]]).astype(np.intp)
    numeric: np.ndarray[Any, np.dtype[np.intp]] = starts[~encoder.is_categorical]
    return numeric


def _best_unseen(
    encoder: SpaceEncoder, population: FloatArray, values: FloatArray, exclude: FloatArray
) -> FloatArray:
    """The highest-valued member whose rounded configuration is not in ``exclude``."""
    order = np.argsort(-values, kind="stable")
    seen = {row.tobytes() for row in encoder.snap(exclude)} if len(exclude) else set()
    snapped = encoder.snap(population[order])
    chosen = next(
        (index for index, row in zip(order, snapped, strict=True) if row.tobytes() not in seen),
        order[0],
    )
    best: FloatArray = population[chosen]
    return best
