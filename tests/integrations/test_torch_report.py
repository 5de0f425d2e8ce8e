"""smarttune.torch.report: pruning and gradient-flatness early stopping in a PyTorch loop."""

from __future__ import annotations

import math

import optuna
import pytest

import smarttune.torch as st_torch
from smarttune.exceptions import InvalidParameterError
from smarttune.pruners import GradientEarlyStopping

torch = pytest.importorskip("torch")
pytestmark = pytest.mark.torch


def _data() -> tuple[object, object]:
    generator = torch.Generator().manual_seed(0)
    X = torch.randn(256, 4, generator=generator)
    y = X @ torch.tensor([1.0, -2.0, 0.5, 3.0]) + 0.1 * torch.randn(256, generator=generator)
    return X, y


def _objective(trial: optuna.Trial, epochs: int = 12) -> float:
    X, y = _data()
    torch.manual_seed(0)
    model = torch.nn.Linear(4, 1)
    optimizer = torch.optim.SGD(
        model.parameters(), lr=trial.suggest_float("lr", 1e-6, 1.0, log=True)
    )
    loss = torch.tensor(math.inf)
    for epoch in range(epochs):
        optimizer.zero_grad()
        loss = torch.nn.functional.mse_loss(model(X)[:, 0], y)
        loss.backward()
        optimizer.step()
        if st_torch.report(trial, epoch, loss):  # a tensor that requires grad
            break
    return float(loss.detach())


def test_two_trial_study_prunes_the_poor_trial() -> None:
    study = optuna.create_study(
        pruner=optuna.pruners.MedianPruner(n_startup_trials=1, n_warmup_steps=1)
    )
    study.enqueue_trial({"lr": 0.1})
    study.enqueue_trial({"lr": 1e-6})
    study.optimize(_objective, n_trials=2)
    good, poor = study.trials
    assert good.state == optuna.trial.TrialState.COMPLETE
    assert poor.state == optuna.trial.TrialState.PRUNED
    assert max(poor.intermediate_values) < 11, "pruned before its last epoch"
    assert good.intermediate_values[0] == pytest.approx(poor.intermediate_values[0])


def test_flat_curve_stops_early_and_completes() -> None:
    study = optuna.create_study()
    study.enqueue_trial({"lr": 0.3})
    study.optimize(lambda t: _objective(t, epochs=200), n_trials=1)
    trial = study.trials[0]
    assert trial.state == optuna.trial.TrialState.COMPLETE
    stopped = trial.user_attrs[st_torch.STOPPED_EARLY_KEY]
    assert 5 <= stopped < 199 and max(trial.intermediate_values) == stopped
    assert trial.value < 0.05


def test_custom_rule_false_and_diverged_values() -> None:
    study = optuna.create_study(direction="maximize")
    trial = study.ask()
    rule = GradientEarlyStopping(direction="maximize", window=3, patience=1)
    assert [st_torch.report(trial, i, v, early_stopping=rule) for i, v in enumerate([1, 1, 1])] == [
        False,
        False,
        True,
    ]
    assert rule.n_updates == 0, "the rule given is copied per trial"
    other = study.ask()
    assert not st_torch.report(other, 0, 1.0, early_stopping=False)
    assert st_torch.report(other, 1, float("nan"), early_stopping=False)
    assert other.user_attrs[st_torch.STOPPED_EARLY_KEY] == 1
    with pytest.raises(InvalidParameterError, match="'value' parameter of report"):
        st_torch.report(other, 2, "high")
    fixed = optuna.trial.FixedTrial({})
    assert not st_torch.report(fixed, 0, torch.tensor([0.5]))
