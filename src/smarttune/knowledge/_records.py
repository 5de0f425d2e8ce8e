"""What a knowledge base holds: one :class:`StudyRecord` per finished study."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from smarttune.exceptions import InvalidParameterError

if TYPE_CHECKING:
    from optuna.distributions import BaseDistribution

__all__ = ["NORMALIZATION_QUANTILE", "StudyRecord", "normalized_scores"]

FloatArray = np.ndarray[Any, np.dtype[np.float64]]

#: The normalized score is 0 at (or below) this quantile of a study's values and 1 at its best.
NORMALIZATION_QUANTILE = 0.1


def normalized_scores(values: Sequence[float], direction: str) -> FloatArray:
    """Map a study's values to [0, 1]: 1 for its best, 0 at or below its 10% quantile.

    The lower reference is the :data:`NORMALIZATION_QUANTILE` quantile rather than the worst
    value, so that one catastrophic trial (an R^2 of -50) does not squash every other score
    against 1. A study whose values are all equal scores 1 everywhere.
    """
    v = np.asarray(values, dtype=float)
    if len(v) == 0:
        return np.empty(0)
    if direction == "minimize":
        v = -v
    low, high = float(np.quantile(v, NORMALIZATION_QUANTILE)), float(v.max())
    if high - low <= 1e-12 * max(1.0, abs(high)):
        return np.ones_like(v)
    return np.clip((v - low) / (high - low), 0.0, 1.0)


@dataclass(frozen=True, eq=False)
class StudyRecord:
    """A finished study: its task's description and its completed trials.

    Attributes:
        name: The study's name in its storage.
        task: The task's name, e.g. ``"svm-digits"``.
        family: The model family and search space the study tuned, e.g. ``"svm"`` or
            ``"svm-grid"``; only studies of one family are compared with each other.
        dataset: The dataset's name (leave-one-dataset-out evaluation groups by it).
        direction: ``"maximize"`` or ``"minimize"``.
        meta_features: The dataset's meta-features (see ``dataset_meta_features``).
        space: Parameter names to Optuna distributions (the union over the trials).
        params: One configuration per completed trial.
        values: The objective's value of each trial.
        seconds: Wall-clock seconds the trials took in all.
    """

    name: str
    task: str
    family: str
    dataset: str
    direction: str
    meta_features: Mapping[str, float]
    space: Mapping[str, BaseDistribution]
    params: Sequence[Mapping[str, Any]]
    values: Sequence[float]
    seconds: float = 0.0
    scores: FloatArray = field(init=False, repr=False)

    def __post_init__(self) -> None:
        if self.direction not in ("maximize", "minimize"):
            raise InvalidParameterError(
                f"The direction of study {self.name!r} must be 'maximize' or 'minimize'. "
                f"Got {self.direction!r} instead."
            )
        if len(self.params) != len(self.values) or not self.values:
            raise InvalidParameterError(
                f"Study {self.name!r} needs one value per configuration and at least one trial; "
                f"got {len(self.params)} configurations and {len(self.values)} values."
            )
        if not all(math.isfinite(v) for v in self.values):
            raise InvalidParameterError(f"Study {self.name!r} holds a non-finite value.")
        object.__setattr__(self, "scores", normalized_scores(self.values, self.direction))

    @property
    def best_index(self) -> int:
        """The index of the best trial."""
        return int(np.argmax(self.scores))

    @property
    def best_value(self) -> float:
        """The best objective value of the study."""
        return float(self.values[self.best_index])

    def top_params(self, n: int) -> list[dict[str, Any]]:
        """The ``n`` best configurations, best first (ties keep trial order)."""
        order = np.argsort(-self.scores, kind="stable")[:n]
        return [dict(self.params[i]) for i in order]
