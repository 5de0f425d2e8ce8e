"""The MNIST and Fashion-MNIST tasks stop training by the gradient-flatness rule."""

from __future__ import annotations

from pathlib import Path

import optuna
import pytest

pytest.importorskip("torch", reason="the torch tasks need the torch extra")

from smarttune.pruners import GradientEarlyStopping
from smarttune.tasks import get_task

pytestmark = pytest.mark.torch

STALLED = {"n_layers": 1, "units_0": 8, "dropout_0": 0.2, "optimizer": "SGD",
           "learning_rate": 1e-5}  # fmt: skip


@pytest.mark.parametrize("name", ["fashion-mlp", "mnist-alexnet"])
def test_the_image_tasks_use_gradient_early_stopping(name: str) -> None:
    stopper = get_task(name, device="cpu")._stopper()  # type: ignore[attr-defined]
    assert isinstance(stopper, GradientEarlyStopping)
    assert (stopper.window, stopper.threshold, stopper.patience) == (3, 0.01, 2)
    assert get_task(name, device="cpu", early_stopping=False)._stopper() is None  # type: ignore[attr-defined]


def test_fashion_mlp_stops_a_stalled_run_early(shared_data_dir: Path) -> None:
    task = get_task("fashion-mlp", data_dir=shared_data_dir, max_train_rows=200, epochs=12)
    study = optuna.create_study(direction="maximize", pruner=optuna.pruners.NopPruner())
    study.enqueue_trial(STALLED)
    study.optimize(task.objective, n_trials=1)
    trial = study.trials[0]
    # The loss barely moves at learning rate 1e-5: flat at the first check (3 epochs) and the
    # next, so patience 2 stops after epoch 4 instead of 12.
    assert trial.user_attrs["stopped_early_at"] == 4
    assert len(trial.user_attrs["history"]) == 4
