from __future__ import annotations

import io
import subprocess
import sys

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


# Runs tune() in a fresh interpreter (Optuna's default log level, INFO) and prints the level after.
_TUNE = """
import sys
import optuna
import smarttune
smarttune.tune(lambda t: t.suggest_float("x", 0, 1), n_trials=3, sampler="random",
               progress=sys.argv[1] == "bar")
print(optuna.logging.get_verbosity())
"""


def _tune_in_a_subprocess(progress: str) -> tuple[list[str], list[str]]:
    result = subprocess.run(
        [sys.executable, "-c", _TUNE, progress], capture_output=True, text=True, check=True
    )
    return result.stdout.splitlines(), result.stderr.splitlines()


def _trial_lines(lines: list[str]) -> list[str]:
    return [line for line in lines if "Trial " in line and " finished with value" in line]


def test_the_python_api_shows_the_bar_without_optunas_per_trial_lines() -> None:
    out, err = _tune_in_a_subprocess("bar")
    assert _trial_lines(err) == []
    assert sum("3/3" in line for line in err) == 1
    assert out == [str(optuna.logging.INFO)]  # Optuna's level is given back after the run


def test_without_the_bar_optunas_per_trial_lines_show() -> None:
    out, err = _tune_in_a_subprocess("none")
    assert len(_trial_lines(err)) == 3
    assert not any("3/3" in line for line in err)
    assert out == [str(optuna.logging.INFO)]


def test_the_bar_keeps_a_quieter_level_the_user_chose() -> None:
    optuna.logging.set_verbosity(optuna.logging.ERROR)
    with StudyProgress(1, console=Console(file=io.StringIO())):
        assert optuna.logging.get_verbosity() == optuna.logging.ERROR
    assert optuna.logging.get_verbosity() == optuna.logging.ERROR
