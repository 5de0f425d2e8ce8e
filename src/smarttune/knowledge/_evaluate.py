"""Leave-one-dataset-out evaluation of the cross-task meta-models."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from smarttune.knowledge._models import MetaModel
    from smarttune.knowledge._records import StudyRecord

__all__ = ["FoldResult", "leave_one_dataset_out", "r2_score", "spearman"]

FloatArray = np.ndarray[Any, np.dtype[np.float64]]


@dataclass(frozen=True)
class FoldResult:
    """A held-out study: the meta-model's predictions against its trials' normalized scores."""

    family: str
    dataset: str
    spearman: float
    r2: float
    predicted: FloatArray
    observed: FloatArray


def spearman(a: FloatArray, b: FloatArray) -> float:
    """Spearman's rank correlation (NaN when either side is constant)."""
    from scipy.stats import spearmanr

    if np.ptp(a) == 0 or np.ptp(b) == 0:
        return float("nan")
    return float(spearmanr(a, b).statistic)


def r2_score(predicted: FloatArray, observed: FloatArray) -> float:
    """The coefficient of determination of ``predicted`` for ``observed`` (NaN if constant)."""
    total = float(np.sum((observed - observed.mean()) ** 2))
    if total == 0:
        return float("nan")
    return 1.0 - float(np.sum((observed - predicted) ** 2)) / total


def leave_one_dataset_out(
    records: Sequence[StudyRecord], make_model: Callable[[], MetaModel], *, reuse: bool = False
) -> list[FoldResult]:
    """Fit on every dataset but one, predict the held-out study's trials; one fold per study.

    Args:
        records: The studies of one family.
        make_model: A factory of fresh meta-models.
        reuse: Refit one model instance on every fold (for models that cache per study).
    """
    results = []
    shared = make_model() if reuse else None
    for held in records:
        train = [r for r in records if r.dataset != held.dataset]
        if not train:
            continue
        model = (shared if shared is not None else make_model()).fit(train)
        predicted = model.predict(list(held.params), held.meta_features)
        observed = np.asarray(held.scores, dtype=float)
        results.append(
            FoldResult(
                held.family,
                held.dataset,
                spearman(predicted, observed),
                r2_score(predicted, observed),
                predicted,
                observed,
            )
        )
    return results
