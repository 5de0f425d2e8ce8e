"""scikit-learn's bundled datasets and the synthetic generators."""

from __future__ import annotations

import numpy as np
import pytest

from smarttune.datasets import SKLEARN_DATASETS, Dataset, load_sklearn, make_synthetic
from smarttune.exceptions import InvalidParameterError

SHAPES = {
    "breast_cancer": (569, 30, 2),
    "diabetes": (442, 10, None),
    "digits": (1797, 64, 10),
    "iris": (150, 4, 3),
    "wine": (178, 13, 3),
}


@pytest.mark.parametrize("name", sorted(SKLEARN_DATASETS))
def test_load_sklearn(name: str) -> None:
    n_samples, n_features, n_classes = SHAPES[name]
    data = load_sklearn(name)
    assert isinstance(data, Dataset)
    assert data.name == name
    assert data.X.shape == (n_samples, n_features)
    assert data.X.dtype == np.float64
    assert len(data.feature_names) == n_features
    assert all(isinstance(f, str) for f in data.feature_names)
    if n_classes is None:
        assert data.task == "regression"
        assert data.y.dtype == np.float64
        assert data.class_names is None
    else:
        assert data.task == "classification"
        assert data.y.dtype == np.int64
        assert sorted(np.unique(data.y).tolist()) == list(range(n_classes))
        assert data.class_names is not None
        assert len(data.class_names) == n_classes


def test_unknown_sklearn_name() -> None:
    with pytest.raises(InvalidParameterError, match=r"'name' parameter of load_sklearn\(\)"):
        load_sklearn("mnist")


def test_make_synthetic_classification() -> None:
    data = make_synthetic(n_samples=300, n_features=6, n_classes=3, seed=1)
    assert data.X.shape == (300, 6)
    assert data.y.dtype == np.int64
    assert sorted(np.unique(data.y).tolist()) == [0, 1, 2]
    assert data.feature_names == [f"x{i}" for i in range(6)]
    assert data.class_names == ["0", "1", "2"]


def test_make_synthetic_regression() -> None:
    data = make_synthetic("regression", n_samples=50, n_features=3, noise=0.5, seed=2)
    assert data.task == "regression"
    assert data.X.shape == (50, 3)
    assert data.y.dtype == np.float64
    assert data.class_names is None


@pytest.mark.parametrize("kind", ["classification", "regression"])
def test_make_synthetic_is_seeded(kind: str) -> None:
    first = make_synthetic(kind, n_samples=40, n_features=4, seed=7)
    again = make_synthetic(kind, n_samples=40, n_features=4, seed=7)
    other = make_synthetic(kind, n_samples=40, n_features=4, seed=8)
    np.testing.assert_array_equal(first.X, again.X)
    np.testing.assert_array_equal(first.y, again.y)
    assert not np.array_equal(first.X, other.X)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"kind": "clustering"}, "'kind' parameter"),
        ({"n_samples": 1}, r"'n_samples' parameter .* in the range \[2, inf\)"),
        ({"n_features": 3, "n_informative": 4}, r"'n_informative' parameter .* \[1, 3\]"),
        ({"noise": 1.5}, r"'noise' parameter .* \[0, 1\]"),
        ({"seed": -1}, "'seed' parameter"),
        ({"n_features": 2, "n_classes": 5}, "needs at least 3 informative features for 5 classes"),
    ],
)
def test_make_synthetic_validation(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(InvalidParameterError, match=message):
        make_synthetic(**kwargs)  # type: ignore[arg-type]


def test_dataset_checks_its_shapes() -> None:
    with pytest.raises(InvalidParameterError, match="same length"):
        Dataset("bad", np.zeros((3, 2)), np.zeros(2), ["a", "b"], "y", "regression")
    with pytest.raises(InvalidParameterError, match="1 feature names for 2 columns"):
        Dataset("bad", np.zeros((3, 2)), np.zeros(3), ["a"], "y", "regression")


def test_dataset_summary() -> None:
    data = load_sklearn("iris")
    assert (data.n_samples, data.n_features) == (150, 4)
    assert repr(data) == (
        "Dataset(name='iris', task='classification', n_samples=150, n_features=4, "
        "target_name='species')"
    )
