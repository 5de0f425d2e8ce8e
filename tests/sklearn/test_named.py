from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.datasets import load_iris
from sklearn.tree import DecisionTreeClassifier

from smarttune.exceptions import InvalidParameterError
from smarttune.sklearn import SmartSearchCV
from smarttune.sklearn._named import named_portfolio, named_space, portfolio_params
from smarttune.sklearn._space import SPACE_PARAM, build_space

_XGB_PARAMS = [
    "booster",
    "n_estimators",
    "learning_rate",
    "gamma",
    "reg_lambda",
    "reg_alpha",
    "subsample",
    "max_depth",
    "min_child_weight",
    "colsample_bytree",
    "colsample_bylevel",
    "rate_drop",
    "skip_drop",
]


class StandInXGB(ClassifierMixin, BaseEstimator):  # type: ignore[misc]
    """XGBClassifier's parameter names (xgboost is optional); fits a depth-limited tree."""

    def __init__(self, **params: Any) -> None:
        for name in _XGB_PARAMS:
            setattr(self, name, params.get(name))

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        return {name: getattr(self, name) for name in _XGB_PARAMS}

    def set_params(self, **params: Any) -> StandInXGB:
        for name, value in params.items():
            assert name in _XGB_PARAMS, name
            setattr(self, name, value)
        return self

    def fit(self, X: Any, y: Any) -> StandInXGB:
        depth = self.max_depth if self.max_depth is not None else 1
        self.tree_ = DecisionTreeClassifier(max_depth=depth, random_state=0).fit(X, y)
        self.classes_ = self.tree_.classes_
        return self

    def predict(self, X: Any) -> Any:
        return self.tree_.predict(X)


def _trial_params(search: SmartSearchCV) -> list[dict[str, Any]]:
    return [dict(p) for p in search.cv_results_["params"]]


def test_xgboost_name_starts_with_the_portfolio_in_xgboost_names() -> None:
    X, y = load_iris(return_X_y=True)
    search = SmartSearchCV(
        StandInXGB(), "xgboost", n_trials=10, sampler="random", random_state=0, cv=3
    ).fit(X, y)
    params = _trial_params(search)
    expected = named_portfolio("xgboost")
    assert len(params) == 10
    for got, want in zip(params[:8], expected, strict=True):
        assert got.keys() == want.keys()
        for key, value in want.items():
            assert got[key] == (pytest.approx(value) if isinstance(value, float) else value)
    assert params[8] not in expected and params[9] not in expected
    assert "nrounds" not in params[0] and "n_estimators" in params[0]


def test_fewer_trials_than_the_portfolio_take_its_first_ones() -> None:
    X, y = load_iris(return_X_y=True)
    search = SmartSearchCV(DecisionTreeClassifier(random_state=0), "decision_tree", n_trials=3)
    search.set_params(sampler="random", random_state=0, cv=3).fit(X, y)
    assert _trial_params(search) == named_portfolio("decision_tree", 3)
    assert len(search.study_.trials) == 3


def test_unknown_space_name_is_rejected() -> None:
    X, y = load_iris(return_X_y=True)
    search = SmartSearchCV(DecisionTreeClassifier(), "random_forest", n_trials=2)
    with pytest.raises(
        InvalidParameterError, match=r"as a name, must be one of .* Got 'random_forest'"
    ):
        search.fit(X, y)


def test_xgboost_space_asks_tree_parameters_only_of_tree_boosters() -> None:
    spaces = named_space("xgboost")
    boosters = [next(iter(space["booster"].choices)) for space in spaces]  # type: ignore[attr-defined]
    assert boosters == ["gblinear", "gbtree", "dart"]
    assert "max_depth" not in spaces[0] and "max_depth" in spaces[1]
    assert "rate_drop" in spaces[2] and "rate_drop" not in spaces[1]


def test_portfolio_params_pick_the_booster_sub_space_and_clip() -> None:
    space = build_space(named_space("xgboost"), owner="test")
    config = {"booster": "gblinear", "n_estimators": 10, "reg_lambda": 1.0, "reg_alpha": 1.0}
    params = portfolio_params(space, {**config, "subsample": 1.5})
    assert params is not None
    assert params[SPACE_PARAM] == 0
    assert params["subsample"] == 1.0
    assert portfolio_params(space, {**config, "subsample": 0.5, "max_depth": 3}) is None
    assert portfolio_params(space, {**config, "subsample": 0.5, "booster": "x"}) is None


def test_every_shipped_configuration_fits_its_named_space() -> None:
    for name in ("xgboost", "decision_tree"):
        space = build_space(named_space(name), owner="test")
        for config in named_portfolio(name, 16):
            assert portfolio_params(space, config) is not None, config
    assert np.isfinite(
        [c["learning_rate"] for c in named_portfolio("xgboost") if "learning_rate" in c]
    ).all()
