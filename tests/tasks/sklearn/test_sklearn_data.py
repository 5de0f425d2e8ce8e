from __future__ import annotations

import warnings

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning

from smarttune.tasks.sklearn._data import (
    MIN_ROWS_PER_CLASS,
    MIN_ROWS_REGRESSION,
    load_splits,
    subsample,
)
from smarttune.tasks.sklearn._fitting import fit


def test_splits_are_60_20_20_stratified_seeded_and_read_only() -> None:
    splits = load_splits("wine", 0)
    sizes = (len(splits.y_train), len(splits.y_val), len(splits.y_test))
    assert sizes == (106, 36, 36) and sum(sizes) == 178
    shares = [np.bincount(y) / len(y) for y in (splits.y_train, splits.y_val, splits.y_test)]
    assert np.allclose(shares[0], shares[1], atol=0.03) and np.allclose(
        shares[0], shares[2], atol=0.03
    )
    assert load_splits("wine", 0) is splits
    assert not np.array_equal(load_splits("wine", 1).y_test, splits.y_test)
    with pytest.raises(ValueError, match="read-only"):
        splits.X_train[0, 0] = 1.0
    X, y = splits.refit_rows()
    assert X.shape == (142, 13) and y.shape == (142,)


def test_subsample_is_stratified_nested_and_keeps_a_floor_per_class() -> None:
    splits = load_splits("iris", 0)
    X, y = splits.X_train, splits.y_train
    X_small, y_small = subsample(X, y, 0.3, classification=True, seed=0)
    assert np.bincount(y_small).tolist() == [9, 9, 9]
    X_tiny, y_tiny = subsample(X, y, 0.01, classification=True, seed=0)
    assert np.bincount(y_tiny).tolist() == [MIN_ROWS_PER_CLASS] * 3
    rows = {tuple(r) for r in X_small}
    assert {tuple(r) for r in X_tiny} <= rows  # nested
    assert np.array_equal(subsample(X, y, 0.3, classification=True, seed=0)[0], X_small)
    assert not np.array_equal(subsample(X, y, 0.3, classification=True, seed=1)[0], X_small)
    assert subsample(X, y, 1.0, classification=True, seed=0)[0] is X


def test_subsample_of_regression_rows() -> None:
    splits = load_splits("diabetes", 0)
    X, y = splits.X_train, splits.y_train
    assert len(subsample(X, y, 0.5, classification=False, seed=0)[1]) == round(len(y) / 2)
    assert len(subsample(X, y, 0.001, classification=False, seed=0)[1]) == MIN_ROWS_REGRESSION


def test_fit_silences_only_convergence_warnings() -> None:
    class Warns:
        def __init__(self, category: type[Warning]) -> None:
            self.category = category

        def fit(self, X: object, y: object) -> Warns:
            warnings.warn("stopped early", self.category, stacklevel=2)
            return self

    model = Warns(ConvergenceWarning)
    assert fit(model, None, None) is model
    with pytest.raises(UserWarning, match="stopped early"):
        fit(Warns(UserWarning), None, None)
