"""The region the bandit phase refines: a box around the best trials, in the unit cube."""

from __future__ import annotations

from typing import Any

import numpy as np

from smarttune.samplers._bandit import Region

__all__ = ["trust_region"]

FloatArray = np.ndarray[Any, np.dtype[np.float64]]


def trust_region(
    X: FloatArray,
    scores: FloatArray,
    *,
    quantile: float,
    min_points: int,
    margin: float,
    min_width: float,
    is_categorical: np.ndarray[Any, np.dtype[np.bool_]],
) -> Region:
    """Return ``(lower, upper)``: the bounding box of the best points, widened.

    The box spans the top ``quantile`` of ``X`` by score (at least ``min_points`` points),
    widened on each side by ``margin`` times its width and to at least ``min_width`` in every
    coordinate, then clipped to [0, 1]. As the search finds better points the box shrinks
    around them, as the trust regions of TuRBO do (Eriksson et al., "Scalable Global
    Optimization via Local Bayesian Optimization", NeurIPS 2019). Categorical coordinates keep
    their full range: their order carries no meaning.

    Args:
        X: Observed unit-cube points, ``(n, d)``; NaN marks an absent parameter.
        scores: Their scores, ``(n,)``, higher is better.
        quantile: Fraction of the points that defines the box, in (0, 1].
        min_points: The box covers at least this many points (or all of them).
        margin: Relative widening on each side.
        min_width: Smallest width of a numeric coordinate.
        is_categorical: ``(d,)`` mask of categorical coordinates.
    """
    n = X.shape[0]
    k = min(n, max(min_points, int(np.ceil(quantile * n))))
    best = X[np.argsort(-scores, kind="stable")[:k]]
    missing = np.isnan(best)
    low = np.where(missing, np.inf, best).min(axis=0, initial=np.inf)
    high = np.where(missing, -np.inf, best).max(axis=0, initial=-np.inf)
    absent = ~np.isfinite(low)  # no best point has this parameter: keep its full range
    low = np.where(absent, 0.0, low)
    high = np.where(absent, 1.0, high)
    width = high - low
    pad = np.maximum(margin * width, (min_width - width) / 2.0)
    low, high = np.clip(low - pad, 0.0, 1.0), np.clip(high + pad, 0.0, 1.0)
    low = np.where(is_categorical, 0.0, low)
    high = np.where(is_categorical, 1.0, high)
    return low, high
