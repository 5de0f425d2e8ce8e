from __future__ import annotations

import itertools
import math
import subprocess
import sys

import optuna
import pytest

from smarttune.exceptions import InvalidParameterError
from smarttune.tasks import get_task, list_tasks
from smarttune.tasks.sklearn import SklearnTask
from smarttune.tasks.sklearn._catalog import (
    DATASETS,
    GRID_MODELS,
    MODELS,
    REGRESSION_DATASETS,
    TASKS,
)
from smarttune.tasks.sklearn._models import SPECS

NAMES = [info.name for info in TASKS]
GRID_NAMES = [name for name in NAMES if name.endswith("-grid")]
CLASSIC_GRIDS = {
    "dt": {"max_depth": [None, 10, 20, 30], "min_samples_split": [2, 5, 10]},
    "rf": {"n_estimators": [10, 50, 100], "max_depth": [None, 10, 20]},
    "svm": {"C": [0.1, 1.0, 10.0], "gamma": [0.001, 0.01, 0.1]},
}
META_KEYS = {
    "n_rows",
    "n_features",
    "n_classes",
    "is_regression",
    "class_entropy",
    "imbalance_ratio",
    "mean_abs_correlation",
    "landmark_1nn",
    "landmark_stump",
}


def fast(name: str, **options: object) -> SklearnTask:
    """The task, on 30% of the training rows for the largest dataset."""
    fidelity = 0.3 if "-digits" in name else 1.0
    task = get_task(name, **{"fidelity": fidelity, **options})
    assert isinstance(task, SklearnTask)
    return task


def test_catalog_is_the_model_dataset_product() -> None:
    expected = {f"{m}-{d}" for m in MODELS for d in DATASETS}
    expected |= {f"{m}-{d}-grid" for m in GRID_MODELS for d in DATASETS}
    assert set(NAMES) == expected and len(NAMES) == len(expected) == 45
    assert {"svm-digits", "rf-breast-cancer", "dt-wine", "knn-iris", "gb-diabetes"} <= set(NAMES)
    assert set(SPECS) == set(MODELS)
    assert {m for m, spec in SPECS.items() if spec.grid is not None} == set(GRID_MODELS)
    assert {info.name for info in list_tasks()} >= set(NAMES)


def test_importing_the_catalog_imports_no_sklearn_or_optuna() -> None:
    code = "import sys, smarttune.tasks; print('sklearn' in sys.modules, 'optuna' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.split() == ["False", "False"]


@pytest.mark.parametrize("name", NAMES)
def test_every_task_runs_a_two_trial_study(name: str) -> None:
    task = fast(name)
    info = next(i for i in TASKS if i.name == name)
    assert (task.name, task.summary, task.direction) == (info.name, info.summary, "maximize")
    regression = task.dataset in REGRESSION_DATASETS
    assert task.metric == ("validation R^2" if regression else "validation accuracy")
    study = optuna.create_study(
        direction=task.direction, sampler=optuna.samplers.RandomSampler(seed=0)
    )
    study.optimize(task, n_trials=2)
    assert [t.state for t in study.trials] == [optuna.trial.TrialState.COMPLETE] * 2
    for trial in study.trials:
        assert trial.value is not None and math.isfinite(trial.value) and trial.value <= 1.0
        assert regression or trial.value >= 0.0


def test_svm_digits_keeps_its_two_parameters() -> None:
    study = optuna.create_study(direction="maximize", sampler=optuna.samplers.RandomSampler(seed=0))
    study.optimize(fast("svm-digits"), n_trials=3)
    assert all(set(t.params) == {"C", "gamma"} for t in study.trials)


@pytest.mark.parametrize("name", GRID_NAMES)
def test_grid_tasks_enumerate_exactly_the_classic_grid(name: str) -> None:
    task = fast(name)
    grid = task.search_grid()
    assert grid == CLASSIC_GRIDS[task.model]
    study = optuna.create_study(
        direction="maximize", sampler=optuna.samplers.GridSampler(grid, seed=0)
    )
    study.optimize(task, n_trials=100)  # the sampler stops the study when the grid is done
    seen = sorted((tuple(t.params[k] for k in grid) for t in study.trials), key=repr)
    assert seen == sorted(itertools.product(*grid.values()), key=repr)


def test_continuous_tasks_have_no_grid() -> None:
    assert get_task("svm-digits").search_grid() is None
    assert get_task("gb-wine").search_grid() is None


def test_final_fit_classification_metrics() -> None:
    metrics = get_task("svm-digits").final_fit({"C": 10.0, "gamma": 0.01})
    assert set(metrics) == {"test_accuracy", "test_f1_macro"}
    assert metrics["test_accuracy"] > 0.9 and 0.85 < metrics["test_f1_macro"] <= 1.0


def test_final_fit_regression_metrics() -> None:
    task = get_task("rf-diabetes")
    metrics = task.final_fit(
        {"n_estimators": 50, "max_depth": 4, "min_samples_split": 5, "max_features": 0.5}
    )
    assert set(metrics) == {"test_rmse", "test_r2"}
    assert 0.2 < metrics["test_r2"] < 1.0 and 30.0 < metrics["test_rmse"] < 80.0


@pytest.mark.parametrize("name", ["logreg-wine", "logreg-diabetes"])
@pytest.mark.parametrize("penalty", ["l1", "l2"])
def test_final_fit_takes_the_best_params_of_a_study(name: str, penalty: str) -> None:
    task = get_task(name)
    metrics = task.final_fit({"C": 1000.0, "penalty": penalty})
    assert all(math.isfinite(v) for v in metrics.values())
    study = optuna.create_study(direction="maximize", sampler=optuna.samplers.RandomSampler(seed=1))
    study.optimize(get_task("rf-wine"), n_trials=2)
    assert set(get_task("rf-wine").final_fit(study.best_params)) == {
        "test_accuracy",
        "test_f1_macro",
    }


def test_final_fit_rejects_missing_or_invalid_params() -> None:
    with pytest.raises(
        InvalidParameterError,
        match=r"final_fit\(\) of svm-digits needs the parameter 'gamma'; got \['C'\]",
    ):
        get_task("svm-digits").final_fit({"C": 1.0})
    with pytest.raises(
        InvalidParameterError,
        match=r"The 'penalty' parameter of logreg must be one of \{'l1', 'l2'\}",
    ):
        get_task("logreg-iris").final_fit({"C": 1.0, "penalty": "elasticnet"})


@pytest.mark.parametrize("name", ["rf-wine", "gb-iris", "dt-diabetes"])
def test_seeds_make_objective_values_reproducible(name: str) -> None:
    def values(seed: int) -> list[float]:
        study = optuna.create_study(
            direction="maximize", sampler=optuna.samplers.RandomSampler(seed=0)
        )
        study.optimize(get_task(name, seed=seed, fidelity=0.6), n_trials=3)
        return [t.value for t in study.trials if t.value is not None]

    assert values(3) == values(3)
    assert values(3) != values(4)  # another split


def test_fidelity_subsamples_training_rows() -> None:
    params = {"n_neighbors": 50, "weights": "uniform", "p": 2}
    full, low = get_task("knn-iris"), get_task("knn-iris", fidelity=0.05)
    assert low.fidelity_unit == "training rows"
    # 90 training rows; 5% would be 5 rows, but every class keeps at least 5 rows.
    assert low.objective(optuna.trial.FixedTrial(params)) < full.objective(
        optuna.trial.FixedTrial(params)
    )
    half = get_task("knn-digits", fidelity=0.5)
    assert 0.8 < half.objective(optuna.trial.FixedTrial({**params, "n_neighbors": 3})) <= 1.0
    assert get_task("knn-digits").final_fit(params) == half.final_fit(
        params
    )  # final fit uses all rows


@pytest.mark.parametrize("dataset", sorted(DATASETS))
def test_meta_features_are_sane_and_cached(dataset: str) -> None:
    task = get_task(f"knn-{dataset}")
    features = task.meta_features()
    assert set(features) == META_KEYS and all(isinstance(v, float) for v in features.values())
    regression = dataset in REGRESSION_DATASETS
    assert features["is_regression"] == float(regression)
    assert features["n_rows"] > 80 and features["n_features"] >= 4
    assert 0.0 < features["mean_abs_correlation"] < 1.0
    if regression:
        assert (
            features["n_classes"] == features["class_entropy"] == features["imbalance_ratio"] == 0.0
        )
        assert -1.0 < features["landmark_stump"] < features["landmark_1nn"] + 1.0
    else:
        assert features["n_classes"] >= 2 and 0.5 < features["class_entropy"] <= 1.0
        assert 0.0 < features["imbalance_ratio"] <= 1.0
        assert 0.0 < features["landmark_stump"] < features["landmark_1nn"] <= 1.0
    features["n_rows"] = -1.0  # callers get a copy of the cached values
    assert get_task(f"dt-{dataset}").meta_features() == task.meta_features() != features


def test_digits_meta_features() -> None:
    features = get_task("svm-digits").meta_features()
    assert (features["n_rows"], features["n_features"], features["n_classes"]) == (
        1077.0,
        64.0,
        10.0,
    )
    assert features["landmark_1nn"] > 0.9


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (
            {"model": "xgb", "dataset": "iris"},
            r"The 'model' parameter of SklearnTask must be one of \{'dt', ",
        ),
        (
            {"model": "svm", "dataset": "mnist"},
            r"The 'dataset' parameter of SklearnTask must be one of \{'breast-cancer', ",
        ),
        (
            {"model": "knn", "dataset": "iris", "grid": True},
            r"must be False for model 'knn', which has no classic grid",
        ),
        (
            {"model": "svm", "dataset": "iris", "grid": "yes"},
            r"The 'grid' parameter of SklearnTask must be an instance of 'bool'",
        ),
        (
            {"model": "svm", "dataset": "iris", "fidelity": 0.0},
            r"The 'fidelity' parameter of SklearnTask must be a float in the range \(0, 1\]",
        ),
    ],
)
def test_invalid_options(options: dict[str, object], message: str) -> None:
    with pytest.raises(InvalidParameterError, match=message):
        SklearnTask(**options)  # type: ignore[arg-type]


def test_repr_names_the_task() -> None:
    assert (
        repr(get_task("dt-wine-grid", seed=2))
        == "SklearnTask(name='dt-wine-grid', seed=2, fidelity=1.0)"
    )
