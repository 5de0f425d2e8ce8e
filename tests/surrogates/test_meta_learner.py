from __future__ import annotations

import numpy as np
import pytest

from smarttune.exceptions import InvalidParameterError, SmartTuneError
from smarttune.surrogates import MetaLearner


def _quadratic(X: np.ndarray) -> np.ndarray:
    return 3.0 * ((X - 0.3) ** 2).sum(axis=1) - X[:, 0] * X[:, 1]


@pytest.fixture
def data() -> tuple[np.ndarray, np.ndarray]:
    X = np.random.default_rng(0).random((200, 2))
    return X, _quadratic(X)


def test_fits_a_quadratic(data: tuple[np.ndarray, np.ndarray]) -> None:
    X, y = data
    model = MetaLearner(seed=0).fit(X, y)
    X_test = np.random.default_rng(1).random((500, 2))
    y_test = _quadratic(X_test)
    mean, std = model.predict(X_test)
    r2 = 1.0 - np.mean((mean - y_test) ** 2) / np.var(y_test)
    assert r2 > 0.9
    assert mean.shape == std.shape == (500,)
    assert np.all(std > 0)


def test_uncertainty_grows_away_from_data() -> None:
    X = np.random.default_rng(0).random((100, 2)) * 0.5
    model = MetaLearner(seed=0).fit(X, _quadratic(X))
    _, std_near = model.predict(X)
    _, std_far = model.predict(X + 2.0)
    assert np.median(std_far) > 3 * np.median(std_near)


def test_posterior_draws_differ_and_are_reproducible(data: tuple[np.ndarray, np.ndarray]) -> None:
    X, y = data
    model = MetaLearner(seed=0).fit(X, y)
    draws = np.array([model.sample_posterior(X, np.random.default_rng(s)) for s in range(10)])
    assert draws.shape == (10, len(X))
    assert len({tuple(np.round(d, 12)) for d in draws}) > 1
    again = model.sample_posterior(X, np.random.default_rng(3))
    np.testing.assert_array_equal(again, draws[3])


def test_posterior_draws_average_to_the_mean(data: tuple[np.ndarray, np.ndarray]) -> None:
    X, y = data
    model = MetaLearner(n_members=3, seed=0).fit(X, y)
    members = {model.sample_posterior(X, np.random.default_rng(s)).tobytes() for s in range(50)}
    assert len(members) == 3
    mean, _ = model.predict(X)
    average = np.mean([np.frombuffer(m) for m in members], axis=0)
    np.testing.assert_allclose(average, mean, atol=1e-9)


def test_same_seed_same_model(data: tuple[np.ndarray, np.ndarray]) -> None:
    X, y = data
    a = MetaLearner(seed=7, epochs=5).fit(X, y).predict(X)
    b = MetaLearner(seed=7, epochs=5).fit(X, y).predict(X)
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])


@pytest.mark.parametrize("y", [np.array([1.5]), np.array([2.0, 2.0, 2.0])])
def test_one_observation_and_constant_targets(y: np.ndarray) -> None:
    X = np.random.default_rng(0).random((len(y), 3))
    model = MetaLearner(seed=0, epochs=10).fit(X, y)
    mean, std = model.predict(np.random.default_rng(1).random((20, 3)))
    assert np.all(np.isfinite(mean))
    assert np.all(np.isfinite(std))
    assert np.all(std > 0)
    np.testing.assert_allclose(model.predict(X)[0], y, atol=0.5)


def test_warm_start_preserves_the_function_then_trains(data: tuple[np.ndarray, np.ndarray]) -> None:
    X, y = data
    model = MetaLearner(seed=0, epochs=20).fit(X[:50], y[:50])
    before = model.predict(X)
    model.partial_fit(X, 10.0 * y + 3.0, n_steps=0)  # new scalers, same function
    after = model.predict(X)
    np.testing.assert_allclose(after[0], before[0], rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(after[1], before[1], rtol=0.02)  # the floor follows y's scale
    model.partial_fit(X, y)
    assert not np.allclose(model.predict(X)[0], before[0])


def test_warm_start_improves_the_fit(data: tuple[np.ndarray, np.ndarray]) -> None:
    X, y = data
    model = MetaLearner(seed=0, epochs=2).fit(X, y)
    error_before = np.mean((model.predict(X)[0] - y) ** 2)
    for _ in range(5):
        model.partial_fit(X, y)
    assert np.mean((model.predict(X)[0] - y) ** 2) < error_before


def test_partial_fit_refits_when_the_width_changes(data: tuple[np.ndarray, np.ndarray]) -> None:
    X, y = data
    model = MetaLearner(seed=0, epochs=2).partial_fit(X, y)
    assert model.n_features_in == 2
    X3 = np.hstack([X, X[:, :1]])
    model.partial_fit(X3, y)
    assert model.n_features_in == 3
    assert model.predict(X3)[0].shape == (len(X),)


def test_meta_features_are_appended(data: tuple[np.ndarray, np.ndarray]) -> None:
    X, y = data
    meta = np.repeat([[0.0, 1.0]], len(X), axis=0)
    model = MetaLearner(seed=0, epochs=5).fit(X, y, meta_features=meta)
    assert model.n_features_in == 4
    mean, _ = model.predict(X[:5], meta_features=meta[:5])
    assert mean.shape == (5,)
    draw = model.sample_posterior(X[:5], np.random.default_rng(0), meta_features=meta[:5])
    assert draw.shape == (5,)
    with pytest.raises(InvalidParameterError, match="2 meta-features"):
        model.predict(X[:5])


def test_get_params_reports_the_settings() -> None:
    params = MetaLearner(n_members=3, seed=1).get_params()
    assert params["n_members"] == 3
    assert params["seed"] == 1
    assert MetaLearner(**params).get_params() == params


@pytest.mark.parametrize(
    ("params", "match"),
    [
        ({"n_members": 0}, r"'n_members' parameter of MetaLearner must be an int in the range"),
        ({"hidden_units": ()}, r"'hidden_units' .* non-empty tuple of positive ints"),
        ({"hidden_units": (32, 0)}, r"'hidden_units'"),
        ({"hidden_units": [32]}, r"'hidden_units'"),
        ({"learning_rate": 0.0}, r"'learning_rate' .* \(0, inf\)"),
        ({"batch_size": 1.5}, r"'batch_size'"),
        ({"weight_decay": -1.0}, r"'weight_decay'"),
        ({"epochs": 0}, r"'epochs'"),
        ({"prior_scale": -0.1}, r"'prior_scale'"),
        ({"bootstrap": "yes"}, r"'bootstrap'"),
        ({"seed": -1}, r"'seed' .* Got -1 instead"),
    ],
)
def test_invalid_parameters(params: dict[str, object], match: str) -> None:
    with pytest.raises(InvalidParameterError, match=match):
        MetaLearner(**params)  # type: ignore[arg-type]


def test_input_errors(data: tuple[np.ndarray, np.ndarray]) -> None:
    X, y = data
    with pytest.raises(InvalidParameterError, match="not fitted"):
        MetaLearner().predict(X)
    with pytest.raises(InvalidParameterError, match="shape"):
        MetaLearner().fit(X, y[:-1])
    with pytest.raises(InvalidParameterError, match="2-D"):
        MetaLearner().fit(y, y)
    with pytest.raises(InvalidParameterError, match="finite"):
        MetaLearner().fit(X, np.where(y > 0.5, np.nan, y))
    with pytest.raises(SmartTuneError, match="fitted on 2"):
        MetaLearner(epochs=1).fit(X, y).predict(X[:, :1])
