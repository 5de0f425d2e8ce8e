"""Meta-features of a dataset for the knowledge base: simple statistics and two landmarkers.

Landmarkers (Pfahringer, Bensusan and Giraud-Carrier, 2000, "Meta-learning by landmarking
various learning algorithms") are the cross-validated scores of very cheap learners: here
1-nearest-neighbour on standardized features and a depth-1 decision stump, 3-fold, on at most
:data:`LANDMARK_ROWS` rows. All of it takes well under a second on the bundled datasets.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

import numpy as np

from smarttune.tasks.sklearn._data import load_splits
from smarttune.tasks.sklearn._fitting import single_threaded

if TYPE_CHECKING:
    from numpy.typing import NDArray

__all__ = ["LANDMARK_ROWS", "meta_features"]

#: Landmarkers run on a seeded subsample of at most this many rows.
LANDMARK_ROWS = 1000


def meta_features(dataset: str, seed: int) -> dict[str, float]:
    """Describe the training split of ``dataset`` (cached per dataset and seed).

    Returns:
        ``n_rows``, ``n_features``, ``n_classes`` (0 for regression), ``is_regression`` (0 or
        1), ``class_entropy`` (normalized to [0, 1]; 0 for regression), ``imbalance_ratio``
        (smallest over largest class count; 0 for regression), ``mean_abs_correlation``
        (between non-constant features), ``landmark_1nn`` and ``landmark_stump`` (accuracy, or
        R^2 for regression).
    """
    return dict(_cached(dataset, seed))


@functools.lru_cache(maxsize=64)
def _cached(dataset: str, seed: int) -> tuple[tuple[str, float], ...]:
    splits = load_splits(dataset, seed)
    X, y, classification = splits.X_train, splits.y_train, splits.classification
    features = {
        "n_rows": float(X.shape[0]),
        "n_features": float(X.shape[1]),
        **_target_statistics(y, classification),
        "mean_abs_correlation": _mean_abs_correlation(X),
        **_landmarks(X, y, classification, seed),
    }
    return tuple(features.items())


def _target_statistics(y: NDArray[Any], classification: bool) -> dict[str, float]:
    if not classification:
        return {
            "n_classes": 0.0,
            "is_regression": 1.0,
            "class_entropy": 0.0,
            "imbalance_ratio": 0.0,
        }
    counts = np.unique(y, return_counts=True)[1]
    shares = counts / counts.sum()
    entropy = -float(np.sum(shares * np.log(shares)))
    return {
        "n_classes": float(len(counts)),
        "is_regression": 0.0,
        "class_entropy": entropy / np.log(len(counts)) if len(counts) > 1 else 0.0,
        "imbalance_ratio": float(counts.min() / counts.max()),
    }


def _mean_abs_correlation(X: NDArray[np.float64]) -> float:
    varying = X[:, X.std(axis=0) > 0]
    if varying.shape[1] < 2:
        return 0.0
    standardized = (varying - varying.mean(axis=0)) / varying.std(axis=0)
    correlation = standardized.T @ standardized / len(standardized)
    upper = np.triu_indices(correlation.shape[0], k=1)
    return float(np.mean(np.abs(correlation[upper])))


def _landmarks(
    X: NDArray[np.float64], y: NDArray[Any], classification: bool, seed: int
) -> dict[str, float]:
    from sklearn.model_selection import KFold, StratifiedKFold, cross_val_score
    from sklearn.neighbors import KNeighborsClassifier, KNeighborsRegressor
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler
    from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

    if len(y) > LANDMARK_ROWS:
        keep = np.sort(np.random.default_rng(seed).permutation(len(y))[:LANDMARK_ROWS])
        X, y = X[keep], y[keep]
    if classification:
        folds: Any = StratifiedKFold(3, shuffle=True, random_state=seed)
        learners = (KNeighborsClassifier(1), DecisionTreeClassifier(max_depth=1, random_state=seed))
    else:
        folds = KFold(3, shuffle=True, random_state=seed)
        learners = (KNeighborsRegressor(1), DecisionTreeRegressor(max_depth=1, random_state=seed))
    nearest = make_pipeline(StandardScaler(), learners[0])
    with single_threaded():
        return {
            "landmark_1nn": float(np.mean(cross_val_score(nearest, X, y, cv=folds))),
            "landmark_stump": float(np.mean(cross_val_score(learners[1], X, y, cv=folds))),
        }
