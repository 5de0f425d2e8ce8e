"""SmartSearchCV against RandomizedSearchCV: attributes, results, scoring, refit, failures."""

from __future__ import annotations

from typing import Any

import numpy as np
import optuna
import pytest
from scipy import stats
from sklearn.base import clone
from sklearn.datasets import load_iris, make_regression
from sklearn.exceptions import FitFailedWarning
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.model_selection import KFold, RandomizedSearchCV, StratifiedKFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC

from smarttune.exceptions import InvalidParameterError, UnknownNameError
from smarttune.sklearn import SmartSearchCV

X_IRIS, Y_IRIS = load_iris(return_X_y=True)
CV = StratifiedKFold(3, shuffle=True, random_state=0)


def _pair(space: dict[str, Any], n: int, sampler: Any = "hybrid", **kwargs: Any) -> tuple[Any, Any]:
    smart = SmartSearchCV(
        SVC(), space, n_trials=n, cv=CV, random_state=0, sampler=sampler, **kwargs
    )
    rand = RandomizedSearchCV(SVC(), space, n_iter=n, cv=CV, random_state=0, **kwargs)
    return smart.fit(X_IRIS, Y_IRIS), rand.fit(X_IRIS, Y_IRIS)


def test_attributes_match_randomized_search() -> None:
    space = {"C": stats.loguniform(1e-2, 1e2), "kernel": ["rbf", "linear"]}
    smart, rand = _pair(space, 6, return_train_score=True)
    assert list(smart.cv_results_) == list(rand.cv_results_)
    for key, expected in rand.cv_results_.items():
        got = smart.cv_results_[key]
        assert type(got) is type(expected), key
        assert np.shape(got) == np.shape(expected), key
        if hasattr(expected, "dtype"):
            assert got.dtype == expected.dtype, key
    for name in ("best_index_", "best_params_", "best_score_", "refit_time_", "n_splits_"):
        assert type(getattr(smart, name)) is type(getattr(rand, name)), name
    assert smart.n_splits_ == rand.n_splits_ == 3
    assert smart.multimetric_ is rand.multimetric_ is False
    assert set(smart.best_params_) == set(rand.best_params_) == {"C", "kernel"}
    assert smart.best_score_ == smart.cv_results_["mean_test_score"][smart.best_index_]
    assert smart.best_score_ == np.max(smart.cv_results_["mean_test_score"])
    assert smart.cv_results_["rank_test_score"][smart.best_index_] == 1
    np.testing.assert_array_equal(smart.classes_, rand.classes_)
    assert smart.n_features_in_ == rand.n_features_in_ == 4
    assert smart.best_estimator_.get_params()["C"] == smart.best_params_["C"]
    assert smart.predict(X_IRIS).shape == rand.predict(X_IRIS).shape
    assert smart.score(X_IRIS, Y_IRIS) == smart.best_estimator_.score(X_IRIS, Y_IRIS)
    assert isinstance(smart.study_, optuna.Study)
    assert len(smart.study_.trials) == 6


def test_same_candidates_give_the_same_fold_scores() -> None:
    """Every candidate of a 4-point list space: the numbers must equal RandomizedSearchCV's."""
    grid = [0.01, 0.1, 1.0, 10.0]
    smart, rand = _pair({"C": grid}, 4, sampler=optuna.samplers.GridSampler({"C": grid}, seed=0))
    by_c = {p["C"]: i for i, p in enumerate(rand.cv_results_["params"])}
    assert sorted(p["C"] for p in smart.cv_results_["params"]) == sorted(by_c)
    for i, params in enumerate(smart.cv_results_["params"]):
        j = by_c[params["C"]]
        for key in ("split0_test_score", "split2_test_score", "mean_test_score"):
            assert smart.cv_results_[key][i] == rand.cv_results_[key][j]
    assert smart.best_score_ == rand.best_score_


def test_pipeline_with_scipy_list_and_optuna_distributions_and_clone() -> None:
    pipe = make_pipeline(StandardScaler(), LogisticRegression(max_iter=500))
    space = {
        "logisticregression__C": optuna.distributions.FloatDistribution(1e-3, 1e2, log=True),
        "logisticregression__fit_intercept": [True, False],
        "standardscaler__with_mean": [True, False],
        "logisticregression__tol": stats.uniform(1e-4, 1e-3),
    }
    search = SmartSearchCV(pipe, space, n_trials=5, cv=3, sampler="tpe", random_state=1)
    copy = clone(search)
    assert copy.get_params()["n_trials"] == 5 and copy.param_distributions is not space
    copy.set_params(n_trials=3, estimator__logisticregression__max_iter=300)
    assert copy.n_trials == 3 and copy.estimator.steps[1][1].max_iter == 300
    search.fit(X_IRIS, Y_IRIS)
    assert set(search.best_params_) == set(space)
    assert 1e-4 <= search.best_params_["logisticregression__tol"] <= 1.1e-3
    assert search.best_score_ > 0.8
    assert not hasattr(copy, "cv_results_")


def test_seeded_searches_are_reproducible() -> None:
    space = {"C": stats.loguniform(1e-2, 1e2)}
    first = SmartSearchCV(SVC(), space, n_trials=4, cv=CV, random_state=3).fit(X_IRIS, Y_IRIS)
    second = SmartSearchCV(SVC(), space, n_trials=4, cv=CV, random_state=3).fit(X_IRIS, Y_IRIS)
    assert first.cv_results_["params"] == second.cv_results_["params"]


def test_multimetric_scoring_and_refit() -> None:
    scoring = {"acc": "accuracy", "f1": "f1_macro"}
    space = {"C": [0.01, 1.0, 10.0]}
    smart, rand = _pair(space, 3, scoring=scoring, refit="f1")
    assert list(smart.cv_results_) == list(rand.cv_results_)
    assert "mean_test_f1" in smart.cv_results_ and "rank_test_acc" in smart.cv_results_
    assert smart.multimetric_ and set(smart.scorer_) == {"acc", "f1"}
    assert smart.best_score_ == np.max(smart.cv_results_["mean_test_f1"])
    # The study optimizes the refit metric.
    assert smart.study_.best_value == pytest.approx(smart.best_score_)

    no_refit = SmartSearchCV(SVC(), space, n_trials=2, cv=CV, scoring=scoring, refit=False)
    no_refit.fit(X_IRIS, Y_IRIS)
    assert not hasattr(no_refit, "best_estimator_") and not hasattr(no_refit, "best_index_")
    with pytest.raises(ValueError, match="multi-metric scoring, the parameter refit"):
        SmartSearchCV(SVC(), space, n_trials=2, scoring=scoring).fit(X_IRIS, Y_IRIS)


def test_callable_refit_picks_the_index() -> None:
    search = SmartSearchCV(
        SVC(), {"C": [0.01, 1.0, 10.0]}, n_trials=3, cv=CV, refit=lambda results: 0
    ).fit(X_IRIS, Y_IRIS)
    assert search.best_index_ == 0 and not hasattr(search, "best_score_")
    assert search.best_params_ == search.cv_results_["params"][0]


class _PruneAfterFirstFold(optuna.pruners.BasePruner):
    """Prunes every trial but the first as soon as it has one reported fold."""

    def prune(self, study: optuna.Study, trial: optuna.trial.FrozenTrial) -> bool:
        return trial.number > 0 and len(trial.intermediate_values) >= 1


def test_pruner_stops_candidates_between_folds() -> None:
    search = SmartSearchCV(
        SVC(), {"C": stats.loguniform(1e-2, 1e2)}, n_trials=4, cv=CV, pruner=_PruneAfterFirstFold()
    ).fit(X_IRIS, Y_IRIS)
    states = [t.state for t in search.study_.trials]
    assert states == [optuna.trial.TrialState.COMPLETE] + [optuna.trial.TrialState.PRUNED] * 3
    assert all(list(t.intermediate_values) == [0] for t in search.study_.trials[1:])
    assert list(search.study_.trials[0].intermediate_values) == [0, 1, 2]
    assert len(search.cv_results_["params"]) == 1 and search.best_index_ == 0


def test_median_pruner_prunes_poor_candidates() -> None:
    X, y = make_regression(n_samples=120, n_features=5, noise=5.0, random_state=0)
    pruner = optuna.pruners.MedianPruner(n_startup_trials=2, n_warmup_steps=0)
    space = {"alpha": [1e-3, 1e5, 1e-2, 1e6, 1e-1, 1e7]}
    search = SmartSearchCV(
        Ridge(), space, n_trials=6, cv=KFold(4), pruner=pruner, sampler="random", random_state=0
    ).fit(X, y)
    pruned = search.study_.get_trials(states=(optuna.trial.TrialState.PRUNED,))
    assert pruned, "huge ridge penalties score far below the median and must be pruned"
    assert all(t.params["alpha"] >= 1e5 for t in pruned)
    assert len(search.cv_results_["params"]) == 6 - len(pruned)


class _FailsOnNegative(Ridge):
    def fit(self, X: Any, y: Any, sample_weight: Any = None) -> Any:
        if self.alpha < 0:
            raise RuntimeError("negative alpha")
        return super().fit(X, y, sample_weight)


def test_error_score_and_failures() -> None:
    X, y = make_regression(n_samples=60, n_features=3, random_state=0)
    space = {"alpha": [-1.0, 1.0]}
    with pytest.warns(FitFailedWarning, match="fits failed"):
        search = SmartSearchCV(
            _FailsOnNegative(),
            space,
            n_trials=2,
            cv=3,
            error_score=-5.0,
            sampler=optuna.samplers.GridSampler({"alpha": [-1.0, 1.0]}),
        ).fit(X, y)
    scores = dict(
        zip(
            [p["alpha"] for p in search.cv_results_["params"]],
            search.cv_results_["mean_test_score"],
            strict=True,
        )
    )
    assert scores[-1.0] == -5.0 and search.best_params_ == {"alpha": 1.0}
    with pytest.raises(RuntimeError, match="negative alpha"):
        SmartSearchCV(_FailsOnNegative(), {"alpha": [-1.0]}, n_trials=1, error_score="raise").fit(
            X, y
        )
    with pytest.raises(ValueError, match="All the 3 fits failed"):
        SmartSearchCV(_FailsOnNegative(), {"alpha": [-1.0]}, n_trials=1, cv=3).fit(X, y)


def test_fit_params_and_groups_are_routed() -> None:
    weights = np.ones(len(Y_IRIS))
    groups = np.arange(len(Y_IRIS)) % 3
    from sklearn.model_selection import GroupKFold

    search = SmartSearchCV(
        LogisticRegression(max_iter=300), {"C": [0.1, 1.0]}, n_trials=2, cv=GroupKFold(3)
    ).fit(X_IRIS, Y_IRIS, sample_weight=weights, groups=groups)
    assert search.n_splits_ == 3 and search.best_score_ > 0.8


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"n_trials": 0}, r"'n_trials' parameter of SmartSearchCV must be an int in the range"),
        ({"n_trials": None}, r"'n_trials' parameter .* when 'timeout' is None"),
        ({"timeout": -1.0}, r"'timeout' parameter of SmartSearchCV must be a float"),
        ({"error_score": "zero"}, r"'error_score' parameter of SmartSearchCV"),
        ({"pruner": 3}, r"'pruner' parameter"),
        ({"param_distributions": {"C": object()}}, r"distribution of 'C' in 'param_distributions'"),
        ({"param_distributions": []}, r"'param_distributions' parameter of SmartSearchCV must be"),
        ({"estimator": "svc"}, r"'estimator' parameter of SmartSearchCV must be an object"),
    ],
)
def test_invalid_arguments_are_named(kwargs: dict[str, Any], match: str) -> None:
    arguments: dict[str, Any] = {"estimator": SVC(), "param_distributions": {"C": [1.0]}}
    arguments.update(kwargs)
    with pytest.raises(InvalidParameterError, match=match):
        SmartSearchCV(**arguments).fit(X_IRIS, Y_IRIS)


def test_unknown_sampler_name_is_named() -> None:
    with pytest.raises(UnknownNameError, match="Unknown sampler 'nope'"):
        SmartSearchCV(SVC(), {"C": [1.0]}, sampler="nope").fit(X_IRIS, Y_IRIS)


def test_timeout_alone_bounds_the_search() -> None:
    search = SmartSearchCV(SVC(), {"C": [1.0, 2.0]}, n_trials=None, timeout=0.3, cv=2)
    search.fit(X_IRIS, Y_IRIS)
    assert len(search.study_.trials) >= 1


def test_parallel_trials_fill_every_row_and_restore_optuna_logging() -> None:
    optuna.logging.set_verbosity(optuna.logging.INFO)
    try:
        search = SmartSearchCV(
            SVC(), {"C": stats.loguniform(1e-2, 1e2)}, n_trials=4, cv=CV, n_jobs=2, sampler="random"
        ).fit(X_IRIS, Y_IRIS)
        assert optuna.logging.get_verbosity() == optuna.logging.INFO
    finally:
        optuna.logging.set_verbosity(optuna.logging.WARNING)
    assert len(search.cv_results_["params"]) == 4
    assert [t.number for t in search.study_.trials] == [0, 1, 2, 3]
