"""Meta-features of a bundled dataset's training split, for the knowledge base.

The features themselves (simple statistics and two landmarkers) are computed by
:func:`smarttune.knowledge.dataset_meta_features` on the arrays, so that the built-in tasks and
the meta-dataset's studies are described by exactly the same code.
"""

from __future__ import annotations

import functools

from smarttune.tasks.sklearn._data import load_splits

__all__ = ["meta_features"]


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
    # Imported here: importing the task catalog must not import optuna (the knowledge base does).
    from smarttune.knowledge import dataset_meta_features

    splits = load_splits(dataset, seed)
    features = dataset_meta_features(
        splits.X_train, splits.y_train, classification=splits.classification, seed=seed
    )
    return tuple(features.items())
