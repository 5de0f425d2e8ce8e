"""KerasCallback with KERAS_BACKEND=torch: a 2-trial study, pruning and early stopping."""

from __future__ import annotations

import os

import numpy as np
import optuna
import pytest

os.environ.setdefault("KERAS_BACKEND", "torch")
keras = pytest.importorskip("keras")
if keras.backend.backend() != "torch":  # pragma: no cover - keras imported earlier elsewhere
    pytest.skip("keras was imported with another backend", allow_module_level=True)

from smarttune.exceptions import InvalidParameterError  # noqa: E402
from smarttune.integrations import STOPPED_EARLY_KEY, KerasCallback  # noqa: E402

pytestmark = pytest.mark.torch

RNG = np.random.default_rng(0)
X = RNG.normal(size=(256, 4)).astype("float32")
Y = (X @ np.array([1.0, -2.0, 0.5, 3.0]) + 0.1 * RNG.normal(size=256)).astype("float32")


def _objective(trial: optuna.Trial, epochs: int = 10, monitor: str = "val_loss") -> float:
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
    lr = trial.suggest_float("lr", 1e-6, 1.0, log=True)
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=lr), loss="mse")
    history = model.fit(
        X,
        Y,
        validation_split=0.25,
        epochs=epochs,
        batch_size=64,
        verbose=0,
        callbacks=[KerasCallback(trial, monitor)],
    )
    return float(history.history["val_loss"][-1])


def test_two_trial_study_prunes_the_poor_trial() -> None:
    study = optuna.create_study(
        pruner=optuna.pruners.MedianPruner(n_startup_trials=1, n_warmup_steps=1)
    )
    study.enqueue_trial({"lr": 0.05})
    study.enqueue_trial({"lr": 1e-6})
    study.optimize(_objective, n_trials=2)
    good, poor = study.trials
    assert good.state == optuna.trial.TrialState.COMPLETE
    assert poor.state == optuna.trial.TrialState.PRUNED
    assert max(poor.intermediate_values) < 9
    assert len(good.intermediate_values) >= 2


def test_flat_validation_loss_stops_training() -> None:
    study = optuna.create_study()
    study.enqueue_trial({"lr": 0.1})
    study.optimize(lambda t: _objective(t, epochs=100), n_trials=1)
    trial = study.trials[0]
    assert trial.state == optuna.trial.TrialState.COMPLETE
    assert trial.user_attrs[STOPPED_EARLY_KEY] < 99
    assert len(trial.intermediate_values) == trial.user_attrs[STOPPED_EARLY_KEY] + 1


def test_unknown_monitor_is_named() -> None:
    study = optuna.create_study()
    with pytest.raises(InvalidParameterError, match="'monitor' parameter of KerasCallback"):
        study.optimize(lambda t: _objective(t, 1, "val_acc"), n_trials=1, catch=())
