"""The demo's profiles: budgets, pruners, the epoch budget end to end and torch threads."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import optuna
import pytest

from smarttune._demo_profiles import (
    PROFILES,
    PUBLISHED,
    DemoProfile,
    budget_spent,
    epochs_trained,
    make_pruner,
    remaining_trials,
)
from smarttune.demo import FINAL_KEY, run_demo

EPOCH_BUDGET = DemoProfile(
    "tiny-epochs",
    "bundled",
    epochs=3,
    final_epochs=2,
    population_size=2,
    min_generations=1,
    max_generations=1,
    bandit_iterations=0,
    max_train_rows=150,
    pruner="hyperband",
    search_epochs=7,
    retrain_all_rows=True,
)


def test_standard_searches_a_subset_by_hyperband_and_retrains_10_epochs_on_full_mnist() -> None:
    standard = PROFILES["standard"]
    assert (standard.subset, standard.final_epochs, standard.pruner) == ("full", 10, "hyperband")
    assert standard.max_train_rows is not None and standard.max_train_rows < 50000
    assert standard.search_epochs is not None and standard.on_full_mnist
    assert standard.retrain_all_rows
    assert not PROFILES["quick"].on_full_mnist
    assert PUBLISHED.test_accuracy == 0.9886


def test_hyperband_runs_over_the_profiles_epochs_and_the_others_use_the_median_rule() -> None:
    hyperband = make_pruner(PROFILES["standard"])
    assert isinstance(hyperband, optuna.pruners.HyperbandPruner)
    assert hyperband._max_resource == PROFILES["standard"].epochs
    assert hyperband._min_resource == 1
    assert isinstance(make_pruner(PROFILES["quick"]), optuna.pruners.MedianPruner)


def add_trial(study: optuna.Study, epochs: int, state: str = "COMPLETE") -> None:
    trial = study.ask()
    trial.set_user_attr("history", [{"epoch": e} for e in range(1, epochs + 1)])
    if state == "PRUNED":
        study.tell(trial, state=optuna.trial.TrialState.PRUNED)
    else:
        study.tell(trial, 0.9)


def test_an_epoch_budget_counts_the_epochs_of_complete_and_pruned_trials() -> None:
    study = optuna.create_study(direction="maximize")
    add_trial(study, 3)
    add_trial(study, 1, "PRUNED")
    study.ask()  # running: not counted
    assert epochs_trained(study) == 4
    assert not budget_spent(study, EPOCH_BUDGET)
    assert remaining_trials(study, EPOCH_BUDGET) is None
    add_trial(study, 3)
    assert budget_spent(study, EPOCH_BUDGET)


def test_a_trial_budget_counts_trials_left() -> None:
    study = optuna.create_study(direction="maximize")
    add_trial(study, 1)
    assert remaining_trials(study, PROFILES["quick"]) == PROFILES["quick"].max_trials - 1


@pytest.mark.torch
def test_an_epoch_budget_stops_the_search_and_the_retrain_uses_every_row(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    torch = pytest.importorskip("torch", reason="the torch extra is not installed")
    from smarttune.tasks.torch._alexnet import MnistAlexNetTask

    seen: dict[str, Any] = {}
    original = MnistAlexNetTask.final_fit

    def spy(self: MnistAlexNetTask, params: dict[str, Any]) -> dict[str, float]:
        seen.update(rows=self.max_train_rows, threads=torch.get_num_threads())
        return original(self, params)

    monkeypatch.setattr(MnistAlexNetTask, "final_fit", spy)
    threads_before = torch.get_num_threads()
    lines: list[str] = []
    result = run_demo(
        EPOCH_BUDGET,
        storage=f"sqlite:///{tmp_path / 'd.db'}",
        study_name="e",
        device="cpu",
        out_dir=tmp_path / "out",
        progress=False,
        echo=lines.append,
        sampler="random",
        threads=1,
    )
    trials = result.study.trials
    assert result.search_epochs == epochs_trained(result.study) >= 7
    assert result.search_epochs - len(trials[-1].user_attrs["history"]) < 7  # stopped at once
    assert lines[0].startswith("smarttune demo (tiny-epochs): RandomSampler on mnist-alexnet")
    assert lines[0].endswith(
        "7 of 7 search epochs left (150 training images, hyperband over 1-3 epochs)"
    )
    assert seen == {"rows": None, "threads": 1}
    assert torch.get_num_threads() == threads_before
    assert [r["epoch"] for r in result.final_history] == [1.0, 2.0]
    stored = result.study.user_attrs[FINAL_KEY]
    assert stored["history"] == result.final_history
    assert stored["test_metrics"] == result.test_metrics
    assert result.figure is not None and result.figure.read_bytes()[:4] == b"\x89PNG"
