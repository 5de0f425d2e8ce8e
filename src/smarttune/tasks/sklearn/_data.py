"""Data protocol of the scikit-learn tasks: seeded 60/20/20 splits and fidelity subsamples.

Splits are stratified by class on classification data and plain shuffles on regression data.
Both are cached per process (by dataset and seed) and read-only, so tasks share them.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from smarttune.tasks.sklearn._catalog import REGRESSION_DATASETS

if TYPE_CHECKING:
    from numpy.typing import NDArray

__all__ = ["MIN_ROWS_PER_CLASS", "MIN_ROWS_REGRESSION", "Splits", "load_splits", "subsample"]

#: A fidelity subsample keeps at least this many rows of each class (or all of a smaller one).
MIN_ROWS_PER_CLASS = 5
#: A fidelity subsample of regression data keeps at least this many rows.
MIN_ROWS_REGRESSION = 20


@dataclass(frozen=True)
class Splits:
    """Train (60%), validation (20%) and test (20%) rows of one dataset."""

    X_train: NDArray[np.float64]
    y_train: NDArray[Any]
    X_val: NDArray[np.float64]
    y_val: NDArray[Any]
    X_test: NDArray[np.float64]
    y_test: NDArray[Any]
    classification: bool

    def refit_rows(self) -> tuple[NDArray[np.float64], NDArray[Any]]:
        """Return train + validation features and targets, for the final refit."""
        return np.vstack([self.X_train, self.X_val]), np.concatenate([self.y_train, self.y_val])


@functools.lru_cache(maxsize=64)
def load_splits(dataset: str, seed: int) -> Splits:
    """Return the seeded splits of ``dataset`` (a key of ``_catalog.DATASETS``)."""
    from sklearn.model_selection import train_test_split

    from smarttune.datasets import load_sklearn

    data = load_sklearn(dataset.replace("-", "_"))
    classification = dataset not in REGRESSION_DATASETS
    X_rest, X_test, y_rest, y_test = train_test_split(
        data.X,
        data.y,
        test_size=0.2,
        stratify=data.y if classification else None,
        random_state=seed,
    )
    X_train, X_val, y_train, y_val = train_test_split(
        X_rest,
        y_rest,
        test_size=0.25,
        stratify=y_rest if classification else None,
        random_state=seed,
    )
    arrays = [X_train, y_train, X_val, y_val, X_test, y_test]
    for array in arrays:
        array.flags.writeable = False
    return Splits(X_train, y_train, X_val, y_val, X_test, y_test, classification)


def subsample(
    X: NDArray[np.float64], y: NDArray[Any], fraction: float, *, classification: bool, seed: int
) -> tuple[NDArray[np.float64], NDArray[Any]]:
    """Keep about ``fraction`` of the rows, stratified by class, seeded.

    Each class keeps ``round(fraction * count)`` rows but at least :data:`MIN_ROWS_PER_CLASS`
    (regression data: at least :data:`MIN_ROWS_REGRESSION` rows in all). Subsamples are nested:
    with the same seed, a smaller fraction keeps a subset of the rows of a larger one.

    Returns:
        The kept rows of ``X`` and ``y``, in their original order.
    """
    if fraction >= 1.0:
        return X, y
    rng = np.random.default_rng(seed)
    if classification:
        groups = [np.flatnonzero(y == label) for label in np.unique(y)]
        floor = MIN_ROWS_PER_CLASS
    else:
        groups = [np.arange(len(y))]
        floor = MIN_ROWS_REGRESSION
    kept = [
        rng.permutation(rows)[: max(min(floor, len(rows)), math.floor(fraction * len(rows) + 0.5))]
        for rows in groups
    ]
    index = np.sort(np.concatenate(kept))
    return X[index], y[index]
