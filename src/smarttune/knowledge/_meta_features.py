"""Meta-features of a dataset: simple statistics and two landmarkers, from plain arrays.

Landmarkers (Pfahringer, Bensusan and Giraud-Carrier, "Meta-learning by landmarking various
learning algorithms", ICML 2000) are the cross-validated scores of very cheap learners: here
1-nearest-neighbour on standardized features and a depth-1 decision stump, 3-fold, on at most
:data:`LANDMARK_ROWS` rows. Together with the size of the data, its class balance and its
feature correlation they place a dataset among the ones a knowledge base has seen. It all takes
well under a second on datasets of a few thousand rows.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["LANDMARK_ROWS", "META_FEATURE_NAMES", "dataset_meta_features"]

#: Landmarkers run on a seeded subsample of at most this many rows.
LANDMARK_ROWS = 1000
#: The keys :func:`dataset_meta_features` returns, in a fixed order.
META_FEATURE_NAMES: tuple[str, ...] = (
    "n_rows",
    "n_features",
    "n_classes",
    "is_regression",
    "class_entropy",
    "imbalance_ratio",
    "mean_abs_correlation",
    "landmark_1nn",
    "landmark_stump",
)

FloatArray = np.ndarray[Any, np.dtype[np.float64]]


def dataset_meta_features(
    X: Any, y: Any, *, classification: bool, seed: int = 0
) -> dict[str, float]:
    """Describe a training set by the meta-features of :data:`META_FEATURE_NAMES`.

    Args:
        X: Features, ``(n, d)``, finite.
        y: Targets, ``(n,)``: class labels when ``classification``, else real numbers.
        classification: Whether ``y`` holds classes.
        seed: Seed of the landmarkers' subsample and folds.

    Returns:
        ``n_rows``, ``n_features``, ``n_classes`` (0 for regression), ``is_regression`` (0 or
        1), ``class_entropy`` (normalized to [0, 1]; 0 for regression), ``imbalance_ratio``
        (smallest over largest class count; 0 for regression), ``mean_abs_correlation``
        (between non-constant features), ``landmark_1nn`` and ``landmark_stump`` (accuracy, or
        R^2 for regression).
    """
    features = np.asarray(X, dtype=float)
    targets = np.asarray(y)
    return {
        "n_rows": float(features.shape[0]),
        "n_features": float(features.shape[1]),
        **_target_statistics(targets, classification),
        "mean_abs_correlation": _mean_abs_correlation(features),
        **_landmarks(features, targets, classification, seed),
    }


def _target_statistics(y: np.ndarray[Any, Any], classification: bool) -> dict[str, float]:
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
        "class_entropy": float(entropy / np.log(len(counts))) if len(counts) > 1 else 0.0,
        "imbalance_ratio": float(counts.min() / counts.max()),
    }


def _mean_abs_correlation(X: FloatArray) -> float:
    varying = X[:, X.std(axis=0) > 0]
    if varying.shape[1] < 2:
        return 0.0
    standardized = (varying - varying.mean(axis=0)) / varying.std(axis=0)
    correlation = standardized.T @ standardized / len(standardized)
    upper = np.triu_indices(correlation.shape[0], k=1)
    return float(np.mean(np.abs(correlation[upper])))


def _landmarks(
    X: FloatArray, y: np.ndarray[Any, Any], classification: bool, seed: int
) -> dict[str, float]:
    from sklearn.model_selection import KFold, StratifiedKFold, cross_val_score
    from sklearn.neighbors import KNeighborsClassifier, KNeighborsRegressor
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler
    from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor
    from threadpoolctl import threadpool_limits

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
    with threadpool_limits(limits=1):
        return {
            "landmark_1nn": float(np.mean(cross_val_score(nearest, X, y, cv=folds))),
            "landmark_stump": float(np.mean(cross_val_score(learners[1], X, y, cv=folds))),
        }
