from __future__ import annotations

import json

import numpy as np
import pytest

from smarttune.exceptions import InvalidParameterError
from smarttune.knowledge._library_names import to_library
from smarttune.knowledge._portfolio import (
    FAMILIES,
    PORTFOLIO_DIR,
    load_portfolio,
    measured_portfolio,
    normalize_rows,
)


def test_normalize_rows_maps_each_dataset_to_unit_range() -> None:
    scores = np.array([[0.5, 0.7, 0.9], [2.0, 2.0, 2.0]])
    np.testing.assert_allclose(normalize_rows(scores), [[0, 0.5, 1], [1, 1, 1]])


def test_measured_portfolio_covers_complementary_datasets() -> None:
    # Candidate 0 is best on average; candidate 2 rescues dataset 2, where 0 is worst.
    scores = np.array([[1.0, 0.9, 0.0, 0.5], [1.0, 0.9, 0.0, 0.5], [0.0, 0.2, 1.0, 0.5]])
    picks, regret = measured_portfolio(scores, 2)
    assert picks == [0, 2]
    assert regret == pytest.approx([1 / 3, 0.0])


def test_measured_portfolio_rejects_bad_input() -> None:
    with pytest.raises(InvalidParameterError, match=r"'k' parameter must be an int >= 1\. Got 0"):
        measured_portfolio(np.ones((2, 3)), 0)
    with pytest.raises(InvalidParameterError, match="'scores' parameter must be a finite 2-D"):
        measured_portfolio(np.array([[np.nan, 1.0]]), 1)


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_shipped_portfolio_is_greedy_ordered_and_attributed(family: str) -> None:
    portfolio = load_portfolio(family)
    assert portfolio.scenario == FAMILIES[family]
    assert portfolio.built_from["split"] == "dev"
    assert len(portfolio.configurations) == len(portfolio.dev_regret) == 16
    assert list(portfolio.dev_regret) == sorted(portfolio.dev_regret, reverse=True)
    readme = (PORTFOLIO_DIR / "README.md").read_text()
    assert "YAHPO Gym" in readme and "Apache License 2.0" in readme
    assert (PORTFOLIO_DIR / "LICENSE-YAHPO-GYM").is_file()


def test_shipped_portfolios_never_saw_a_test_instance() -> None:
    for family in FAMILIES:
        document = json.loads((PORTFOLIO_DIR / f"{family}.json").read_text())
        instances = set(document["built_from"]["instances"])
        assert instances and "3" not in instances and "34539" not in instances


def test_aliases_and_unknown_family() -> None:
    assert load_portfolio("decision_tree").family == "rpart"
    assert load_portfolio("rbv2_xgboost").family == "xgboost"
    with pytest.raises(InvalidParameterError, match=r"'family' parameter .* Got 'svm'"):
        load_portfolio("svm")


def test_xgboost_names_follow_the_python_package() -> None:
    config = {"booster": "gbtree", "eta": 0.1, "nrounds": 50, "lambda": 2.0, "alpha": 0.5}
    config |= {"max_depth": 4, "gamma": 0.1, "num.impute.selected.cpo": "impute.mean"}
    assert to_library("xgboost", config) == {
        "booster": "gbtree",
        "learning_rate": 0.1,
        "n_estimators": 50,
        "reg_lambda": 2.0,
        "reg_alpha": 0.5,
        "max_depth": 4,
        "gamma": 0.1,
    }


def test_rpart_maps_to_decision_tree_without_cp() -> None:
    config = {"cp": 0.01, "maxdepth": 5, "minbucket": 3, "minsplit": 1}
    assert to_library("rpart", config) == {
        "max_depth": 5,
        "min_samples_leaf": 3,
        "min_samples_split": 2,
    }


def test_mlp_maps_to_a_linear_funnel_of_the_torch_task_names() -> None:
    config = {"num_layers": 2, "max_units": 100, "max_dropout": 0.4, "learning_rate": 0.01}
    config |= {"batch_size": 64, "momentum": 0.9, "weight_decay": 1e-4}
    assert to_library("mlp", config) == pytest.approx(
        {
            "n_layers": 2,
            "units_0": 100,
            "dropout_0": 0.4,
            "units_1": 50,
            "dropout_1": 0.2,
            "optimizer": "SGD",
            "learning_rate": 0.01,
        }
    )
    with pytest.raises(InvalidParameterError, match=r"'family' parameter .* Got 'svm'"):
        to_library("svm", config)


def test_first_in_library_renames_the_first_k() -> None:
    portfolio = load_portfolio("xgboost")
    first = portfolio.first_in_library(3)
    assert len(first) == 3
    assert all("n_estimators" in c and "nrounds" not in c for c in first)
    assert portfolio.library == "xgboost.XGBClassifier"
