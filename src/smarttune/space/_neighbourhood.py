"""Neighbourhoods in the unit cube: type-aware mutation for the genetic and bandit samplers."""

from __future__ import annotations

from typing import Any

import numpy as np

from smarttune.space._encoding import SpaceEncoder

__all__ = ["mutate_unit"]

FloatArray = np.ndarray[Any, np.dtype[np.float64]]


def mutate_unit(
    encoder: SpaceEncoder,
    unit: FloatArray,
    rng: np.random.Generator,
    *,
    scale: float,
    rate: float,
) -> FloatArray:
    """Return a mutated copy of the unit-cube point ``unit``.

    Each coordinate mutates with probability ``rate`` (at least one always does):

    * continuous coordinates get Gaussian noise of standard deviation ``scale`` in the encoded
      space (multiplicative in value space for log-scaled parameters), reflected at the borders;
    * integer and stepped coordinates move by at least one admissible step, so a mutation never
      rounds back to the parent;
    * categorical coordinates are resampled uniformly among the *other* choices.

    Args:
        encoder: The encoder of the space ``unit`` lives in.
        unit: A point of ``[0, 1]^d`` (NaN coordinates are left as they are).
        rng: The random generator to draw from.
        scale: Standard deviation of the numeric perturbation, in unit-cube units (> 0).
        rate: Per-coordinate mutation probability in [0, 1].
    """
    child = np.array(unit, dtype=float, copy=True)
    d = encoder.dim
    if d == 0:
        return child
    mask = rng.random(d) < rate
    mask[rng.integers(d)] = True
    mask &= ~np.isnan(child)
    for j in np.flatnonzero(mask):
        levels = int(encoder.n_levels[j])
        if encoder.is_categorical[j]:
            if levels > 1:
                current = min(int(child[j] * levels), levels - 1)
                choice = int(rng.integers(levels - 1))
                choice += choice >= current
                child[j] = (choice + 0.5) / levels
            continue
        delta = rng.normal(0.0, scale)
        if levels > 1:
            min_move = 1.0 / levels
            if abs(delta) < min_move:
                delta = min_move if delta >= 0 else -min_move
        child[j] = _reflect(child[j] + delta)
    return child


def _reflect(x: float) -> float:
    """Fold ``x`` back into [0, 1] by reflection at the borders."""
    x = abs(x) % 2.0
    return 2.0 - x if x > 1.0 else x
