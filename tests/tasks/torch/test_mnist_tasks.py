"""mnist-alexnet and mnist-cnn-grid on a few hundred images of the bundled subset."""

from __future__ import annotations

import time
from typing import Any

import optuna
import pytest

torch = pytest.importorskip(
    "torch", reason="the torch tasks need the torch extra (pip install 'smarttune[torch]')"
)

from smarttune.exceptions import InvalidParameterError  # noqa: E402
from smarttune.pruners import GradientFlatnessPruner  # noqa: E402
from smarttune.tasks import get_task  # noqa: E402
from smarttune.tasks.torch._alexnet import MnistAlexNetTask, MnistCnnGridTask  # noqa: E402

pytestmark = pytest.mark.torch

TINY: dict[str, Any] = {"max_train_rows": 256, "epochs": 2}
GOOD = {"learning_rate": 3e-3, "batch_size": 32, "dropout": 0.1, "weight_decay": 1e-5}
SLOW = {"learning_rate": 1e-4, "batch_size": 256, "dropout": 0.7, "weight_decay": 1e-5}
HISTORY_KEYS = {"epoch", "train_loss", "train_acc", "val_loss", "val_acc"}


def run(task: Any, *params: dict[str, Any], **study_args: Any) -> optuna.Study:
    study = optuna.create_study(direction=task.direction, **study_args)
    for p in params:
        study.enqueue_trial(p)
    study.optimize(task, n_trials=len(params) or 2)
    return study


def test_alexnet_two_trial_study_logs_history() -> None:
    start = time.perf_counter()
    task = get_task("mnist-alexnet", **TINY)
    study = run(task, sampler=optuna.samplers.RandomSampler(seed=0))
    assert time.perf_counter() - start < 20
    for trial in study.trials:
        assert trial.state == optuna.trial.TrialState.COMPLETE and 0.0 <= trial.value <= 1.0
        history = trial.user_attrs["history"]
        assert [r["epoch"] for r in history] == [1, 2] and set(history[0]) == HISTORY_KEYS
        assert trial.intermediate_values == {r["epoch"]: r["val_acc"] for r in history}
        assert trial.value == history[-1]["val_acc"]
    assert task.meta_features() == {"n_rows": 256.0, "n_features": 784.0, "n_classes": 10.0}


def test_median_pruner_prunes_the_slow_configuration() -> None:
    task = MnistAlexNetTask(**TINY)
    pruner = optuna.pruners.MedianPruner(n_startup_trials=1, n_warmup_steps=0)
    study = run(task, GOOD, SLOW, pruner=pruner)
    assert [t.state for t in study.trials] == [
        optuna.trial.TrialState.COMPLETE,
        optuna.trial.TrialState.PRUNED,
    ]
    assert study.trials[1].intermediate_values.keys() == {1}


def test_same_params_and_seed_give_the_same_score() -> None:
    first, second = run(MnistAlexNetTask(seed=3, **TINY), GOOD, GOOD).trials
    other = run(MnistAlexNetTask(seed=3, **TINY), GOOD).trials[0]  # a new task object
    assert first.value == second.value == other.value
    assert first.user_attrs["history"] == other.user_attrs["history"]


def test_training_stops_early_once_the_loss_flattens() -> None:
    # 128 images are learnt by heart in about ten epochs; the loss then stops falling.
    task = MnistAlexNetTask(max_train_rows=128, epochs=30)
    trial = run(task, GOOD).trials[0]
    stopped = trial.user_attrs["stopped_early_at"]
    assert 4 <= stopped < 30 and len(trial.user_attrs["history"]) == stopped
    full = run(MnistAlexNetTask(max_train_rows=64, epochs=4, early_stopping=False), GOOD)
    assert len(full.trials[0].user_attrs["history"]) == 4


def test_fidelity_scales_the_epochs() -> None:
    assert MnistAlexNetTask(epochs=4, fidelity=0.5).n_epochs == 2
    assert MnistAlexNetTask(epochs=4, fidelity=0.01).n_epochs == 1
    trial = run(MnistAlexNetTask(max_train_rows=64, epochs=4, fidelity=0.25), GOOD).trials[0]
    assert len(trial.user_attrs["history"]) == 1


def test_final_fit_returns_test_metrics() -> None:
    task = MnistAlexNetTask(max_train_rows=256, epochs=5, final_epochs=1)
    metrics = task.final_fit(GOOD)
    assert set(metrics) == {"test_loss", "test_accuracy"}
    assert 0.2 < metrics["test_accuracy"] <= 1.0  # 10% is chance


def test_cnn_grid_search_space_runs_with_the_grid_sampler() -> None:
    task = get_task("mnist-cnn-grid", max_train_rows=128, epochs=1)
    assert isinstance(task, MnistCnnGridTask)
    sampler = optuna.samplers.GridSampler(task.search_space, seed=0)
    study = run(task, sampler=sampler)
    assert all(t.params.keys() == task.search_space.keys() for t in study.trials)
    assert set(task.final_fit(study.trials[0].params)) == {"test_loss", "test_accuracy"}


def test_flatness_pruner_prunes_a_task_trial() -> None:
    # A threshold this high calls any curve flat: the trial is pruned at its second epoch.
    pruner = GradientFlatnessPruner(window=2, patience=1, threshold=10.0)
    study = run(MnistCnnGridTask(max_train_rows=64, epochs=3), pruner=pruner)
    assert all(t.state == optuna.trial.TrialState.PRUNED for t in study.trials)
    assert all(max(t.intermediate_values) == 2 for t in study.trials)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (
            {"subset": "small"},
            r"'subset' parameter of MnistAlexNetTask must be one of \{'bundled', 'full'\}",
        ),
        (
            {"epochs": 0},
            r"'epochs' parameter of MnistAlexNetTask must be an int in the range \[1, inf\)",
        ),
        ({"device": "tpu"}, r"'device' .* one of \{'auto', 'cpu', 'cuda'\}"),
        ({"max_train_rows": 0}, r"'max_train_rows'"),
        ({"final_epochs": 1.5}, r"'final_epochs'"),
        ({"early_stopping": 1}, r"'early_stopping'"),
    ],
)
def test_invalid_options(options: dict[str, Any], message: str) -> None:
    with pytest.raises(InvalidParameterError, match=message):
        MnistAlexNetTask(**options)


def test_full_mnist_split(shared_data_dir: Any) -> None:
    splits = MnistAlexNetTask(subset="full", data_dir=shared_data_dir).load_splits()
    ((train, val),) = splits.folds
    assert (len(train), len(val), len(splits.train_val), len(splits.test)) == (
        50000,
        10000,
        60000,
        10000,
    )


@pytest.mark.gpu
@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")
def test_alexnet_trains_on_the_gpu() -> None:
    task = MnistAlexNetTask(device="cuda", **TINY)
    trial = run(task, GOOD).trials[0]
    assert trial.state == optuna.trial.TrialState.COMPLETE
    assert task.final_fit(GOOD)["test_accuracy"] > 0.2
