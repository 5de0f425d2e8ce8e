"""The failure capture every trial runs under, wherever it runs (thread, process, Ray task)."""

from __future__ import annotations

import math
import traceback
from typing import TYPE_CHECKING, Any

from smarttune.exceptions import TrialValueError

if TYPE_CHECKING:
    from collections.abc import Callable

    import optuna

__all__ = ["FAIL_REASON_KEY", "TRACEBACK_KEY", "guard_objective"]

#: Trial system attribute holding why a trial failed (the exception, or the non-finite value).
FAIL_REASON_KEY = "smarttune:fail_reason"
#: Trial system attribute holding the full traceback of a trial whose objective raised.
TRACEBACK_KEY = "smarttune:traceback"
#: The most characters of a traceback kept in storage (its end, where the error is).
_TRACEBACK_CHARS = 20_000


def guard_objective(
    objective: Callable[[optuna.Trial], float],
) -> Callable[[optuna.Trial], float]:
    """Wrap ``objective`` so that a failure is recorded on its trial before Optuna fails it.

    The wrapper stores the reason under :data:`FAIL_REASON_KEY`, the full traceback under
    :data:`TRACEBACK_KEY` (the study's log of failures), and re-raises; a NaN or infinite
    return value becomes a :class:`TrialValueError`. ``optuna.TrialPruned`` and
    ``KeyboardInterrupt`` pass through untouched.
    """
    import optuna

    def guarded(trial: optuna.Trial) -> float:
        try:
            value = objective(trial)
            number = _as_float(value)
            if not math.isfinite(number):
                raise TrialValueError(f"The objective returned {number!r}, not a finite number.")
        except optuna.TrialPruned:
            raise
        except Exception as exc:
            _record_fail_reason(trial, f"{type(exc).__name__}: {exc}", traceback.format_exc())
            raise
        return number

    return guarded


def _as_float(value: Any) -> float:
    try:
        return float(value)
    except (TypeError, ValueError) as exc:
        raise TrialValueError(
            f"The objective must return a number; it returned {value!r}."
        ) from exc


def _record_fail_reason(trial: optuna.Trial, reason: str, trace: str) -> None:
    # Trial.set_system_attr is deprecated in Optuna; the storage call is the supported path.
    trial.storage.set_trial_system_attr(trial._trial_id, FAIL_REASON_KEY, reason[:2000])
    trial.storage.set_trial_system_attr(trial._trial_id, TRACEBACK_KEY, trace[-_TRACEBACK_CHARS:])
