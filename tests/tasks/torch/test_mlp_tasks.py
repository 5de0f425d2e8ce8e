"""fashion-mlp and housing-mlp on the shared dataset copies (skipped without them)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import optuna
import pytest

torch = pytest.importorskip(
    "torch", reason="the torch tasks need the torch extra (pip install 'smarttune[torch]')"
)

from smarttune.exceptions import InvalidParameterError  # noqa: E402
from smarttune.tasks import get_task  # noqa: E402
from smarttune.tasks.torch._fashion_mlp import FashionMlpTask  # noqa: E402
from smarttune.tasks.torch._housing_mlp import HousingMlpTask  # noqa: E402

pytestmark = pytest.mark.torch

FASHION = {"n_layers": 2, "units_0": 64, "dropout_0": 0.2, "units_1": 32, "dropout_1": 0.3,
           "optimizer": "Adam", "learning_rate": 3e-3}  # fmt: skip
HOUSING = {"n_layers": 2, "units_0": 64, "units_1": 32, "optimizer": "Adam", "learning_rate": 3e-3}
HOUSING_SLOW = {"n_layers": 0, "optimizer": "SGD", "learning_rate": 1e-4}


def run(task: Any, *params: dict[str, Any], **study_args: Any) -> optuna.Study:
    study = optuna.create_study(direction=task.direction, **study_args)
    for p in params:
        study.enqueue_trial(p)
    study.optimize(task, n_trials=len(params) or 2)
    return study


def test_fashion_two_trial_study_and_final_fit(shared_data_dir: Path) -> None:
    task = get_task("fashion-mlp", data_dir=shared_data_dir, max_train_rows=1000, epochs=3)
    study = run(task, FASHION, sampler=optuna.samplers.RandomSampler(seed=0))
    study.optimize(task, n_trials=1)
    trials = study.trials
    assert all(t.state == optuna.trial.TrialState.COMPLETE for t in trials)
    assert all(len(t.user_attrs["history"]) == 3 for t in trials)
    assert {"n_layers", "optimizer", "learning_rate"} <= trials[1].params.keys()
    assert trials[0].value > 0.6  # 10% is chance
    metrics = task.final_fit(FASHION)
    assert set(metrics) == {"test_loss", "test_accuracy"} and metrics["test_accuracy"] > 0.6
    assert task.meta_features() == {"n_rows": 1000.0, "n_features": 784.0, "n_classes": 10.0}


@pytest.mark.parametrize(("subset", "sizes"), [("sample", (10000, 5000)), ("full", (50000, 10000))])
def test_fashion_subsets(shared_data_dir: Path, subset: str, sizes: tuple[int, int]) -> None:
    splits = FashionMlpTask(subset=subset, data_dir=shared_data_dir).load_splits()
    ((train, val),) = splits.folds
    assert (len(train), len(val)) == sizes and len(splits.test) == 10000
    assert train.X.shape[1] == 784 and len(splits.train_val) == sum(sizes)


def test_fashion_is_deterministic(shared_data_dir: Path) -> None:
    values = [
        run(FashionMlpTask(data_dir=shared_data_dir, max_train_rows=500, epochs=2), FASHION)
        .trials[0]
        .value
        for _ in range(2)
    ]
    assert values[0] == values[1]


def test_housing_two_trial_study_reports_rmse_and_r2(shared_data_dir: Path) -> None:
    task = get_task("housing-mlp", data_dir=shared_data_dir, max_train_rows=2000, epochs=5)
    study = run(task, HOUSING, HOUSING_SLOW, pruner=optuna.pruners.MedianPruner(n_startup_trials=1))
    good, slow = study.trials
    assert good.state == optuna.trial.TrialState.COMPLETE
    assert slow.state == optuna.trial.TrialState.PRUNED  # far worse after the first epoch
    assert 40_000 < good.value < 120_000  # dollars
    assert good.user_attrs["val_r2"] == good.user_attrs["history"][-1]["val_r2"] > 0.3
    assert set(good.user_attrs["history"][0]) == {
        "epoch",
        "train_loss",
        "val_loss",
        "val_rmse",
        "val_r2",
    }
    metrics = task.final_fit(HOUSING)
    assert set(metrics) == {"test_loss", "test_rmse", "test_r2"} and metrics["test_r2"] > 0.3
    assert task.meta_features() == {"n_rows": 2000.0, "n_features": 13.0}


def test_housing_splits_preprocess_on_training_rows_only(shared_data_dir: Path) -> None:
    splits = HousingMlpTask(data_dir=shared_data_dir).load_splits()
    ((train, val),) = splits.folds
    assert (len(train), len(val), len(splits.test)) == (12384, 4128, 4128)
    for data in (train, val, splits.train_val, splits.test):
        assert not torch.isnan(data.X).any()
    # Inputs and targets are standardised with the training part's moments.
    assert np.allclose(train.X.mean(0).numpy(), 0.0, atol=1e-4)
    assert abs(float(val.X.mean())) > 1e-4
    assert abs(float(train.y.mean())) < 1e-4 and train.y_std > 50_000
    assert splits.train_val.y_std != train.y_std


def test_housing_cross_validation(shared_data_dir: Path) -> None:
    task = HousingMlpTask(data_dir=shared_data_dir, cv=3, max_train_rows=1000, epochs=2)
    assert [len(val) for _, val in task.load_splits().folds] == [5504, 5504, 5504]
    trial = run(task, HOUSING).trials[0]
    assert trial.state == optuna.trial.TrialState.COMPLETE and trial.value > 0
    with pytest.raises(InvalidParameterError, match=r"'cv' parameter of HousingMlpTask"):
        HousingMlpTask(cv=1)
