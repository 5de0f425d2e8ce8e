"""Encode Optuna parameters to the unit hypercube and back (see the package docstring)."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from optuna.distributions import (
    BaseDistribution,
    CategoricalDistribution,
    FloatDistribution,
    IntDistribution,
)

from smarttune.exceptions import InvalidParameterError

__all__ = ["SpaceEncoder"]

FloatArray = np.ndarray[Any, np.dtype[np.float64]]


class SpaceEncoder:
    """A bijection (up to rounding) between parameter dicts and points of ``[0, 1]^d``.

    Args:
        search_space: Parameter names mapped to Optuna distributions. The order of the mapping
            fixes the order of the coordinates.

    Raises:
        InvalidParameterError: If a distribution is of a type Optuna does not define.
    """

    def __init__(self, search_space: Mapping[str, BaseDistribution]) -> None:
        for name, dist in search_space.items():
            if not isinstance(dist, (FloatDistribution, IntDistribution, CategoricalDistribution)):
                raise InvalidParameterError(
                    f"The distribution of parameter '{name}' must be a FloatDistribution, "
                    f"IntDistribution or CategoricalDistribution. Got {dist!r} instead."
                )
        self.search_space: dict[str, BaseDistribution] = dict(search_space)
        self.names: list[str] = list(self.search_space)
        self.is_categorical = np.array(
            [isinstance(d, CategoricalDistribution) for d in self.search_space.values()],
            dtype=bool,
        )
        self._is_log = np.array(
            [bool(getattr(d, "log", False)) for d in self.search_space.values()], dtype=bool
        )
        #: Number of admissible values of each coordinate (0 for continuous floats).
        self.n_levels = np.array([_n_levels(d) for d in self.search_space.values()], dtype=np.int64)

    @property
    def dim(self) -> int:
        """The number of coordinates (parameters)."""
        return len(self.names)

    @property
    def feature_dim(self) -> int:
        """The width of :meth:`features` (categoricals expanded to one-hot)."""
        return int(
            sum(int(k) if c else 1 for k, c in zip(self.n_levels, self.is_categorical, strict=True))
        )

    def encode(self, params: Mapping[str, Any]) -> FloatArray:
        """Return the unit-cube point of ``params``; absent parameters become NaN."""
        out = np.full(self.dim, np.nan)
        for i, (name, dist) in enumerate(self.search_space.items()):
            if name in params:
                out[i] = _encode_one(dist, params[name])
        return out

    def encode_many(self, params_list: Sequence[Mapping[str, Any]]) -> FloatArray:
        """Encode several parameter dicts into an ``(n, dim)`` array."""
        if not params_list:
            return np.empty((0, self.dim))
        return np.vstack([self.encode(p) for p in params_list])

    def decode(self, unit: FloatArray) -> dict[str, Any]:
        """Return the parameter dict nearest to the unit-cube point ``unit`` (clipped)."""
        u = np.clip(np.asarray(unit, dtype=float), 0.0, 1.0)
        return {
            name: _decode_one(dist, float(u[i]))
            for i, (name, dist) in enumerate(self.search_space.items())
        }

    def snap(self, unit: FloatArray) -> FloatArray:
        """Round points to the centres of admissible values (for dedup and surrogates)."""
        u = np.clip(np.atleast_2d(np.asarray(unit, dtype=float)), 0.0, 1.0)
        # Equal-width levels (categoricals, linear ints and steps) snap in one vectorised step.
        equal = (self.n_levels > 0) & ~self._is_log
        if equal.any():
            k = self.n_levels[equal].astype(float)
            idx = np.minimum(np.floor(u[:, equal] * k), k - 1)
            u[:, equal] = (idx + 0.5) / k
        # Log-scaled ints have unequal levels: round-trip each value through its distribution.
        for j in np.flatnonzero((self.n_levels > 0) & self._is_log):
            dist = self.search_space[self.names[j]]
            u[:, j] = [_encode_one(dist, _decode_one(dist, float(x))) for x in u[:, j]]
        result: FloatArray = u.reshape(np.shape(unit)) if np.ndim(unit) == 1 else u
        return result

    def features(self, unit: FloatArray) -> FloatArray:
        """Surrogate inputs: numeric coordinates as they are, categoricals one-hot.

        NaN (absent conditional parameters) becomes 0.5 for numeric coordinates and all-zero for
        categorical ones.
        """
        u = np.atleast_2d(np.asarray(unit, dtype=float))
        columns: list[FloatArray] = []
        for j in range(self.dim):
            col = u[:, j]
            if self.is_categorical[j]:
                k = int(self.n_levels[j])
                onehot = np.zeros((u.shape[0], k))
                ok = ~np.isnan(col)
                idx = np.minimum(np.floor(np.clip(col[ok], 0, 1) * k), k - 1).astype(int)
                onehot[np.flatnonzero(ok), idx] = 1.0
                columns.append(onehot)
            else:
                columns.append(np.where(np.isnan(col), 0.5, col)[:, None])
        if not columns:
            return np.empty((u.shape[0], 0))
        return np.hstack(columns)


def _n_levels(dist: BaseDistribution) -> int:
    if isinstance(dist, CategoricalDistribution):
        return len(dist.choices)
    if isinstance(dist, IntDistribution):
        if dist.log:
            return dist.high - dist.low + 1
        return (dist.high - dist.low) // dist.step + 1
    if isinstance(dist, FloatDistribution) and dist.step is not None:
        return round((dist.high - dist.low) / dist.step) + 1
    return 0


def _bounds(dist: FloatDistribution | IntDistribution) -> tuple[float, float]:
    """Return the (transformed) interval whose unit image is [0, 1]."""
    low, high = float(dist.low), float(dist.high)
    if isinstance(dist, IntDistribution):
        low, high = low - 0.5, high + 0.5
    if dist.log:  # Optuna guarantees low > 0 for log scales, hence low - 0.5 >= 0.5 for ints
        return math.log(low), math.log(high)
    return low, high


def _encode_one(dist: BaseDistribution, value: Any) -> float:
    if isinstance(dist, CategoricalDistribution):
        k = len(dist.choices)
        return (dist.to_internal_repr(value) + 0.5) / k
    assert isinstance(dist, (FloatDistribution, IntDistribution))
    levels = _n_levels(dist)
    if levels and not dist.log:
        step = dist.step if dist.step is not None else 1
        idx = round((float(value) - dist.low) / step)
        return (idx + 0.5) / levels
    if levels == 1 or dist.low == dist.high:
        return 0.5
    lo, hi = _bounds(dist)
    x = math.log(float(value)) if dist.log else float(value)
    return min(max((x - lo) / (hi - lo), 0.0), 1.0)


def _decode_one(dist: BaseDistribution, u: float) -> Any:
    if isinstance(dist, CategoricalDistribution):
        k = len(dist.choices)
        return dist.choices[min(int(u * k), k - 1)]
    assert isinstance(dist, (FloatDistribution, IntDistribution))
    levels = _n_levels(dist)
    if levels and not dist.log:
        step = dist.step if dist.step is not None else 1
        idx = min(int(u * levels), levels - 1)
        value = dist.low + idx * step
        if isinstance(dist, IntDistribution):
            return int(value)
        return float(min(max(value, dist.low), dist.high))
    if dist.low == dist.high:
        return dist.low
    lo, hi = _bounds(dist)
    x = lo + u * (hi - lo)
    value = math.exp(x) if dist.log else x
    if isinstance(dist, IntDistribution):
        return int(min(max(round(value), dist.low), dist.high))
    return float(min(max(value, dist.low), dist.high))
