"""The arrays a cross-task meta-model learns from: encoded configurations and meta-features."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from smarttune.space import SpaceEncoder

if TYPE_CHECKING:
    from optuna.distributions import BaseDistribution

    from smarttune.knowledge._records import StudyRecord

__all__ = ["FamilyEncoder", "union_space"]

FloatArray = np.ndarray[Any, np.dtype[np.float64]]

#: Meta-features that span orders of magnitude enter the models as ``log1p``.
_LOG_SCALED = frozenset({"n_rows", "n_features", "n_classes"})


def union_space(records: Sequence[StudyRecord]) -> dict[str, BaseDistribution]:
    """Every parameter of ``records``' spaces, sorted by name.

    A categorical parameter gets the union of its choices (a decision tree's criteria differ
    between classification and regression); otherwise the first study's distribution wins.
    """
    from optuna.distributions import CategoricalDistribution

    space: dict[str, BaseDistribution] = {}
    for record in records:
        for name, dist in record.space.items():
            known = space.setdefault(name, dist)
            if isinstance(known, CategoricalDistribution) and isinstance(
                dist, CategoricalDistribution
            ):
                extra = [c for c in dist.choices if c not in known.choices]
                if extra:
                    space[name] = CategoricalDistribution([*known.choices, *extra])
    return dict(sorted(space.items()))


class FamilyEncoder:
    """Turns the configurations and meta-features of one family's studies into model inputs.

    Configurations go through :class:`~smarttune.space.SpaceEncoder` over the union of the
    studies' spaces (unit cube, log scales, one-hot categoricals, 0.5 for an absent numeric
    parameter); meta-features are the union of the studies' keys, ``log1p`` for counts, with
    a missing value replaced by the mean over the studies.

    Args:
        records: The studies of one family.
    """

    def __init__(self, records: Sequence[StudyRecord]) -> None:
        self.space = union_space(records)
        self.encoder = SpaceEncoder(self.space)
        self.meta_names = sorted({k for r in records for k in r.meta_features})
        rows = np.array([self._raw_meta(r.meta_features) for r in records]).reshape(
            len(records), len(self.meta_names)
        )
        self._meta_fill = np.zeros(len(self.meta_names))
        if len(records):
            with np.errstate(invalid="ignore"):
                means = np.nanmean(np.where(np.isnan(rows), np.nan, rows), axis=0)
            self._meta_fill = np.nan_to_num(means)

    def configs(self, params: Sequence[Mapping[str, Any]]) -> FloatArray:
        """Encoded surrogate features of configurations, ``(n, feature_dim)``."""
        unit = np.vstack([self._encode(p) for p in params]) if params else np.empty((0, 0))
        return self.encoder.features(unit.reshape(len(params), self.encoder.dim))

    def meta(self, meta_features: Mapping[str, float]) -> FloatArray:
        """The meta-feature vector of a task, ``(len(meta_names),)``."""
        raw = self._raw_meta(meta_features)
        return np.where(np.isnan(raw), self._meta_fill, raw)

    def _raw_meta(self, meta_features: Mapping[str, float]) -> FloatArray:
        values = []
        for name in self.meta_names:
            value = float(meta_features.get(name, math.nan))
            values.append(math.log1p(max(value, 0.0)) if name in _LOG_SCALED else value)
        return np.array(values, dtype=float)

    def _encode(self, params: Mapping[str, Any]) -> FloatArray:
        """The unit-cube point; a value outside a categorical's choices counts as absent."""
        out = np.full(self.encoder.dim, np.nan)
        for i, name in enumerate(self.encoder.names):
            if name in params:
                try:
                    out[i] = self.encoder.encode({name: params[name]})[i]
                except (ValueError, TypeError):
                    continue
        return out
