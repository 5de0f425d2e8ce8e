"""Cheap objectives for the comparison tests (loaded as ``path/objectives.py:function``)."""

from __future__ import annotations

from typing import Any


def mixed(trial: Any) -> float:
    """A quadratic over a log-float, an int and a category with a conditional parameter."""
    x = trial.suggest_float("x", 1e-3, 1e1, log=True)
    n = trial.suggest_int("n", 1, 8)
    kind = trial.suggest_categorical("kind", ["a", "b"])
    extra = trial.suggest_float("extra", -1.0, 1.0) if kind == "b" else 0.5
    return (x - 1.0) ** 2 + (n - 3) ** 2 + extra**2


def failing_sometimes(trial: Any) -> float:
    x = trial.suggest_float("x", 0.0, 1.0)
    if x > 0.8:
        raise RuntimeError("diverged")
    return x
