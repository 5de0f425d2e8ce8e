"""Objectives the execution tests run in worker processes and Ray tasks (loaded by file spec).

Settings come from environment variables, which worker processes inherit, or from the JSON
file named by ``SMARTTUNE_TEST_SETTINGS`` (so Ray tests keep one runtime environment, and warm
workers, across tests):
``SMARTTUNE_TEST_LOG`` — a file each finished evaluation appends ``number params`` to;
``SMARTTUNE_TEST_SLEEP`` — seconds each evaluation sleeps; ``SMARTTUNE_TEST_KILL_AT`` and
``SMARTTUNE_TEST_MARKER`` — the trial number whose first attempt kills its own process with
SIGKILL, and the marker file that makes it happen once; ``SMARTTUNE_TEST_SLOW_FROM`` — the
first trial number of :func:`slow_from` that sleeps ``SMARTTUNE_TEST_SLEEP`` seconds;
``SMARTTUNE_TEST_EXIT_AT`` — the trial number whose first attempt of :func:`exits` calls
``sys.exit(3)``, or of :func:`hard_exit` ``os._exit(3)``.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import time
from pathlib import Path

import optuna


def quadratic(trial: optuna.Trial) -> float:
    x = trial.suggest_float("x", -5, 5)
    y = trial.suggest_int("y", 0, 10)
    kind = trial.suggest_categorical("kind", ["a", "b"])
    _maybe_die(trial)
    time.sleep(float(_setting("SMARTTUNE_TEST_SLEEP") or "0"))
    value = (x - 1) ** 2 + (y - 3) ** 2 + (0.5 if kind == "b" else 0.0)
    _log(trial, value)
    return value


def cheap(trial: optuna.Trial) -> float:
    return trial.suggest_float("x", 0, 1)


def slow_from(trial: optuna.Trial) -> float:
    """Fast until trial ``SMARTTUNE_TEST_SLOW_FROM``, then ``SMARTTUNE_TEST_SLEEP`` seconds."""
    x = trial.suggest_float("x", 0, 1)
    if trial.number >= int(_setting("SMARTTUNE_TEST_SLOW_FROM") or "0"):
        time.sleep(float(_setting("SMARTTUNE_TEST_SLEEP") or "0"))
    _log(trial, x)
    return x


def exits(trial: optuna.Trial) -> float:
    x = trial.suggest_float("x", 0, 1)
    if trial.number == int(_setting("SMARTTUNE_TEST_EXIT_AT") or "-1"):
        sys.exit(3)
    _log(trial, x)
    return x


def hard_exit(trial: optuna.Trial) -> float:
    x = trial.suggest_float("x", 0, 1)
    marker = _setting("SMARTTUNE_TEST_MARKER")
    if trial.number == int(_setting("SMARTTUNE_TEST_EXIT_AT") or "-1") and marker:
        try:
            Path(marker).touch(exist_ok=False)
        except FileExistsError:
            pass
        else:
            os._exit(3)
    _log(trial, x)
    return x


def _maybe_die(trial: optuna.Trial) -> None:
    kill_at = _setting("SMARTTUNE_TEST_KILL_AT")
    marker = _setting("SMARTTUNE_TEST_MARKER")
    if kill_at is None or marker is None or trial.number != int(kill_at):
        return
    try:
        Path(marker).touch(exist_ok=False)
    except FileExistsError:
        return
    os.kill(os.getpid(), signal.SIGKILL)


def _log(trial: optuna.Trial, value: float) -> None:
    path = _setting("SMARTTUNE_TEST_LOG")
    if path:
        with open(path, "a") as log:
            log.write(json.dumps({"number": trial.number, "params": trial.params}) + "\n")


def _setting(name: str) -> str | None:
    settings = os.environ.get("SMARTTUNE_TEST_SETTINGS")
    if settings and Path(settings).exists():
        value = json.loads(Path(settings).read_text()).get(name)
        return None if value is None else str(value)
    return os.environ.get(name)
