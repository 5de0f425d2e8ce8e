"""A TuRBO-style trust region for the hybrid's Thompson sampling.

After Eriksson et al. ("Scalable Global Optimization via Local Bayesian Optimization",
NeurIPS 2019): a box centred on the incumbent, with side ``length`` in the unit cube, stretched
per coordinate by the GP's lengthscales (``length * l_i / geomean(l)``). ``success_tolerance``
consecutive improvements double the length (up to ``max_length``), ``failure_tolerance``
consecutive non-improvements halve it, and a length below ``min_length`` resets it to the
initial length (TuRBO restarts its model there; here the model keeps every observation). An
improvement beats the best value by more than ``1e-3 * |best|``, TuRBO's rule.

The state is a pure function of the trial history, replayed from the storage's trials in
trial-number order, so every worker sharing a study derives the same region.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = ["RegionState", "region_box", "replay_region"]

FloatArray = np.ndarray[Any, np.dtype[np.float64]]


@dataclass(frozen=True)
class RegionState:
    """The trust region after a history: side length, counters and resets so far."""

    length: float
    successes: int = 0
    failures: int = 0
    resets: int = 0


def replay_region(
    values: Sequence[float],
    n_startup: int,
    dim: int,
    *,
    initial_length: float = 0.8,
    min_length: float = 0.5**7,
    max_length: float = 1.6,
    success_tolerance: int = 3,
) -> RegionState:
    """The region after the observed ``values`` (higher is better, in trial order).

    The first ``n_startup`` values set the initial best; each later one counts as a success or
    a failure. The failure tolerance is ``max(4, dim)``, TuRBO's rule for one trial at a time.
    """
    failure_tolerance = max(4, dim)
    best = max(values[:n_startup], default=-math.inf)
    state = RegionState(initial_length)
    for value in values[n_startup:]:
        improved = value > best + 1e-3 * abs(best) if math.isfinite(best) else True
        best = max(best, value)
        successes = state.successes + 1 if improved else 0
        failures = 0 if improved else state.failures + 1
        length = state.length
        if successes >= success_tolerance:
            length, successes = min(2.0 * length, max_length), 0
        if failures >= failure_tolerance:
            length, failures = length / 2.0, 0
        resets = state.resets
        if length < min_length:
            length, resets = initial_length, resets + 1
        state = RegionState(length, successes, failures, resets)
    return state


def region_box(
    centre: FloatArray, length: float, lengthscales: FloatArray, numeric: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """``(lower, upper)``: the box of side ``length`` around ``centre``, clipped to the cube.

    Args:
        centre: The incumbent's unit-cube point, ``(d,)``.
        length: The side length before stretching.
        lengthscales: The GP's lengthscales of the numeric coordinates, ``(k,)``.
        numeric: Boolean mask ``(d,)`` of the numeric coordinates (categoricals keep [0, 1]).
    """
    lower, upper = np.zeros(len(centre)), np.ones(len(centre))
    if len(lengthscales):
        weights = lengthscales / np.exp(np.mean(np.log(lengthscales)))
        half = 0.5 * length * weights
        lower[numeric] = np.clip(centre[numeric] - half, 0.0, 1.0)
        upper[numeric] = np.clip(centre[numeric] + half, 0.0, 1.0)
    return lower, upper
