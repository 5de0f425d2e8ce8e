from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from optuna.distributions import CategoricalDistribution, FloatDistribution, IntDistribution

from smarttune.exceptions import InvalidParameterError
from smarttune.space import SpaceEncoder, mutate_unit

SPACE = {
    "lr": FloatDistribution(1e-5, 1e-1, log=True),
    "layers": IntDistribution(1, 3),
    "batch": IntDistribution(32, 256, log=True),
    "drop": FloatDistribution(0.0, 0.5, step=0.1),
    "units": IntDistribution(4, 128, step=4),
    "opt": CategoricalDistribution(["adam", "sgd", "rmsprop"]),
    "x": FloatDistribution(-1.0, 1.0),
    "fixed": FloatDistribution(2.0, 2.0),
}


def test_round_trip_of_admissible_values() -> None:
    enc = SpaceEncoder(SPACE)
    params = {
        "lr": 1e-3,
        "layers": 2,
        "batch": 64,
        "drop": 0.3,
        "units": 40,
        "opt": "sgd",
        "x": 0.25,
        "fixed": 2.0,
    }
    back = enc.decode(enc.encode(params))
    assert back["lr"] == pytest.approx(1e-3)
    assert back["drop"] == pytest.approx(0.3)
    assert {k: v for k, v in back.items() if k not in ("lr", "drop", "x")} == {
        "layers": 2,
        "batch": 64,
        "units": 40,
        "opt": "sgd",
        "fixed": 2.0,
    }
    assert back["x"] == pytest.approx(0.25)


def test_log_scale_is_linear_in_the_exponent() -> None:
    enc = SpaceEncoder({"lr": FloatDistribution(1e-4, 1e-2, log=True)})
    assert enc.encode({"lr": 1e-3})[0] == pytest.approx(0.5)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.floats(0, 1), min_size=8, max_size=8))
def test_every_unit_point_decodes_into_the_space(unit: list[float]) -> None:
    enc = SpaceEncoder(SPACE)
    params = enc.decode(np.array(unit))
    for name, dist in SPACE.items():
        assert dist._contains(dist.to_internal_repr(params[name])), (name, params[name])
    # snapping then decoding is stable
    assert enc.decode(enc.snap(np.array(unit))) == params


def test_missing_parameters_encode_as_nan_and_features_impute() -> None:
    enc = SpaceEncoder(SPACE)
    unit = enc.encode({"lr": 1e-3})
    assert np.isnan(unit[1:]).all()
    feats = enc.features(unit)
    assert feats.shape == (1, enc.feature_dim)
    assert enc.feature_dim == 7 + 3
    opt_cols = feats[0, 5:8]
    assert (opt_cols == 0).all()


def test_features_one_hot_for_categoricals() -> None:
    enc = SpaceEncoder({"opt": CategoricalDistribution(["a", "b"]), "x": FloatDistribution(0, 1)})
    feats = enc.features(enc.encode_many([{"opt": "b", "x": 0.2}, {"opt": "a", "x": 0.9}]))
    np.testing.assert_allclose(feats, [[0, 1, 0.2], [1, 0, 0.9]])
    assert enc.encode_many([]).shape == (0, 2)
    assert SpaceEncoder({}).features(np.empty((3, 0))).shape == (3, 0)


def test_unknown_distribution_is_refused() -> None:
    with pytest.raises(InvalidParameterError, match="distribution of parameter 'x' must be"):
        SpaceEncoder({"x": object()})  # type: ignore[dict-item]


def test_mutation_respects_types_and_always_changes_something() -> None:
    enc = SpaceEncoder(SPACE)
    rng = np.random.default_rng(0)
    parent = enc.snap(
        enc.encode(
            {
                "lr": 1e-3,
                "layers": 2,
                "batch": 64,
                "drop": 0.3,
                "units": 40,
                "opt": "sgd",
                "x": 0.0,
                "fixed": 2.0,
            }
        )
    )
    changed = 0
    for _ in range(200):
        child = mutate_unit(enc, parent, rng, scale=0.1, rate=0.3)
        assert ((child >= 0) & (child <= 1)).all()
        if enc.decode(child) != enc.decode(parent):
            changed += 1
    assert changed >= 190  # only the single fixed-value coordinate can make a no-op


def test_categorical_mutation_picks_another_choice() -> None:
    enc = SpaceEncoder({"opt": CategoricalDistribution(["a", "b", "c"])})
    rng = np.random.default_rng(1)
    parent = enc.encode({"opt": "b"})
    seen = {
        enc.decode(mutate_unit(enc, parent, rng, scale=0.1, rate=1.0))["opt"] for _ in range(50)
    }
    assert seen == {"a", "c"}


def test_mutation_of_empty_space() -> None:
    enc = SpaceEncoder({})
    assert mutate_unit(enc, np.empty(0), np.random.default_rng(0), scale=0.1, rate=0.5).shape == (
        0,
    )
