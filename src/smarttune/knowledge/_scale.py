"""Predicted scores back in a task's own units, from the past studies of that very task.

The meta-models predict a *normalized* score (:func:`~smarttune.knowledge.normalized_scores`:
1 at a study's best value, 0 at or below its 10 % quantile), which is comparable across
datasets but is not an accuracy or a loss. When the knowledge base holds studies of the task
itself (a ``tune --learn`` run of it, say), the same normalization applied to their values
pooled gives the map back: a predicted score ``s`` is the value ``zero + s * (one - zero)``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from smarttune.knowledge._records import NORMALIZATION_QUANTILE, StudyRecord

__all__ = ["ValueScale", "value_scale"]


@dataclass(frozen=True)
class ValueScale:
    """The task's values at normalized scores 0 and 1.

    Attributes:
        zero: The value at score 0: the pooled values' 10 % quantile in the task's direction
            (the 10 % quantile when maximizing, the 90 % quantile when minimizing).
        one: The value at score 1: the best pooled value.
        n_studies: How many past studies of the task the values come from.
        n_trials: How many trials.
    """

    zero: float
    one: float
    n_studies: int
    n_trials: int

    def value(self, score: float) -> float:
        """The value of a predicted normalized ``score``, clipped to ``[0, 1]`` first (NaN stays).

        Clipping keeps the value within the range the past studies reached: a prediction
        above 1 says "at least as good as the best seen", not an accuracy above it.
        """
        if math.isnan(score):
            return math.nan
        return self.zero + min(max(score, 0.0), 1.0) * (self.one - self.zero)


def value_scale(records: Sequence[StudyRecord], task: str, direction: str) -> ValueScale | None:
    """The scale of ``task`` from the ``records`` of it in ``direction``; None if there are none.

    Its studies' values are pooled and normalized as one study would be (the quantile is
    :data:`~smarttune.knowledge._records.NORMALIZATION_QUANTILE`).
    """
    same = [r for r in records if r.task == task and r.direction == direction]
    if not same:
        return None
    values = np.concatenate([np.asarray(r.values, dtype=float) for r in same])
    sign = -1.0 if direction == "minimize" else 1.0
    oriented = sign * values
    zero = sign * float(np.quantile(oriented, NORMALIZATION_QUANTILE))
    one = sign * float(oriented.max())
    return ValueScale(zero, one, len(same), len(values))
