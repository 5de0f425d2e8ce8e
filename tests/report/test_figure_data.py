"""The study figure's data step: pruned trials are drawn as pruned, apart from finished ones."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import optuna
import pytest

from smarttune.report import render_study_figure, study_records
from smarttune.report._figure_data import loss_points, score_points
from smarttune.report._study_data import TrialRecord


def _record(number: int, state: str, value: float | None, **extra: Any) -> TrialRecord:
    return TrialRecord(number, state, value, {}, None, None, **extra)


def _history(train: float, val: float) -> list[dict[str, float]]:
    return [{"epoch": 0, "train_loss": 9.0, "val_loss": 9.0}, {"epoch": 1, "train_loss": train,
            "val_loss": val}]  # fmt: skip


RECORDS = [
    _record(0, "COMPLETE", 0.90, history=_history(0.30, 0.35), intermediate={0: 0.8, 1: 0.9}),
    _record(1, "PRUNED", None, history=_history(2.20, 2.30), intermediate={0: 0.1, 1: 0.2}),
    _record(2, "COMPLETE", 0.95, history=_history(0.20, 0.25), intermediate={0: 0.9, 1: 0.95}),
    _record(3, "PRUNED", None),
    _record(4, "FAIL", None),
    _record(5, "COMPLETE", 0.93, history=_history(0.25, 0.30)),
]


def test_score_points_put_pruned_trials_at_their_last_reported_value_apart() -> None:
    points = score_points(RECORDS, maximize=True)
    assert points.complete == [(0, 0.90), (2, 0.95), (5, 0.93)]
    assert points.pruned == [(1, 0.2)]
    assert points.pruned_unreported == [3] and points.n_pruned == 2
    assert points.failed == [4]
    assert points.best == [(0, 0.90), (1, 0.90), (2, 0.95), (3, 0.95), (4, 0.95), (5, 0.95)]


def test_score_points_best_so_far_follows_the_direction() -> None:
    points = score_points(RECORDS, maximize=False)
    assert [b for _, b in points.best] == [0.90] * 6


def test_loss_points_keep_pruned_trials_out_of_the_finished_series() -> None:
    train, val = loss_points(RECORDS)
    assert (train.key, val.key) == ("train_loss", "val_loss")
    assert val.complete == [(0, 0.35), (2, 0.25), (5, 0.30)]
    assert val.pruned == [(1, 2.30)]  # the spike, on its own
    assert train.complete == [(0, 0.30), (2, 0.20), (5, 0.25)] and train.pruned == [(1, 2.20)]


def test_loss_points_are_empty_without_a_history() -> None:
    assert loss_points([_record(0, "COMPLETE", 1.0), _record(1, "PRUNED", None)]) == []


def test_a_pruned_trial_of_a_study_is_drawn_as_pruned(tmp_path: Path) -> None:
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    study = optuna.create_study(direction="maximize")
    for number in range(3):
        trial = study.ask()
        trial.set_user_attr("history", [{"epoch": 0, "val_loss": 1.0 + number}])
        trial.report(0.5 + number / 10, 0)
        if number == 1:
            study.tell(trial, state=optuna.trial.TrialState.PRUNED)
        else:
            study.tell(trial, 0.6 + number / 10)
    records = study_records(study)
    points = score_points(records, maximize=True)
    assert points.complete == [(0, pytest.approx(0.6)), (2, pytest.approx(0.8))]
    assert points.pruned == [(1, pytest.approx(0.6))]
    (val,) = loss_points(records)
    assert val.complete == [(0, 1.0), (2, 3.0)] and val.pruned == [(1, 2.0)]
    pytest.importorskip("matplotlib", reason="set up the plot extra to draw the figure")
    out = render_study_figure(records, tmp_path / "figure.png", maximize=True)
    assert out.stat().st_size > 10_000
