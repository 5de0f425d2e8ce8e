from __future__ import annotations

import io

import optuna
from rich.console import Console

from smarttune.progress import StudyProgress


def test_progress_counts_trials_and_shows_best() -> None:
    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=False, width=100)
    study = optuna.create_study(direction="maximize")
    with StudyProgress(5, console=console) as bar:
        study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=5, callbacks=[bar.callback])
    assert bar.completed == 5
    text = buffer.getvalue()
    assert "5/5" in text
    assert f"best {study.best_value:.6g}" in text


def test_progress_before_any_completed_trial_and_disabled() -> None:
    buffer = io.StringIO()
    study = optuna.create_study()

    def failing(trial: optuna.Trial) -> float:
        raise ValueError("no")

    with StudyProgress(None, console=Console(file=buffer), enabled=False) as bar:
        study.optimize(failing, n_trials=2, catch=(ValueError,), callbacks=[bar.callback])
    assert bar.completed == 2
    assert buffer.getvalue() == ""
