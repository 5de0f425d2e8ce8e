"""``report(trial, step, value)``: the one call a training loop makes each epoch.

It reports the value to Optuna (so the study's pruner can stop a poor trial: raises
:class:`optuna.TrialPruned`) and feeds the trial's :class:`GradientEarlyStopping` rule (so a
trial whose curve has flattened stops training and completes with the score it has). Every
framework callback of this package calls it.
"""

from __future__ import annotations

import copy
import math
import threading
import weakref
from typing import TYPE_CHECKING, Any

from smarttune.exceptions import InvalidParameterError
from smarttune.pruners import GradientEarlyStopping

if TYPE_CHECKING:
    import optuna

__all__ = ["STOPPED_EARLY_KEY", "report"]

#: Trial user attribute: the step at which early stopping ended training.
STOPPED_EARLY_KEY = "stopped_early_at"

_STOPPERS: weakref.WeakKeyDictionary[Any, GradientEarlyStopping] = weakref.WeakKeyDictionary()
_LOCK = threading.Lock()


def report(
    trial: optuna.Trial,
    step: int,
    value: Any,
    *,
    early_stopping: bool | GradientEarlyStopping = True,
) -> bool:
    """Report ``value`` at ``step``; prune, or say whether the curve has flattened.

    Args:
        trial: The running trial (a :class:`optuna.trial.FixedTrial` works too: nothing is
            pruned).
        step: The epoch (or any increasing step number).
        value: The monitored score: a number or a one-element tensor / array.
        early_stopping: True for the default rule (:class:`GradientEarlyStopping` with the
            study's direction), False for none, or a rule to copy for this trial.

    Returns:
        True when training should stop early: the rule has seen its curve flatten, or the
        value is not finite (a diverged loss). The trial's user attribute
        ``stopped_early_at`` records the step.

    Raises:
        optuna.TrialPruned: When the study's pruner prunes the trial at this step.
        InvalidParameterError: If ``value`` is not a number.
    """
    import optuna

    number = _as_float(value)
    if math.isfinite(number):
        trial.report(number, step)
        if trial.should_prune():
            raise optuna.TrialPruned(f"Trial pruned at step {step} with value {number:.6g}.")
    stopper = _stopper(trial, early_stopping)
    stop = stopper.update(number) if stopper is not None else not math.isfinite(number)
    if stop and STOPPED_EARLY_KEY not in trial.user_attrs:
        trial.set_user_attr(STOPPED_EARLY_KEY, step)
    return stop


def _as_float(value: Any) -> float:
    if hasattr(value, "detach"):  # a tensor: no gradient is needed to read it
        value = value.detach()
    try:
        return float(value.item() if hasattr(value, "item") else value)
    except (TypeError, ValueError, RuntimeError) as exc:
        raise InvalidParameterError(
            f"The 'value' parameter of report() must be a number or a one-element tensor. "
            f"Got {value!r} instead."
        ) from exc


def _stopper(
    trial: optuna.Trial, early_stopping: bool | GradientEarlyStopping
) -> GradientEarlyStopping | None:
    if early_stopping is False:
        return None
    with _LOCK:
        stopper = _STOPPERS.get(trial)
        if stopper is None:
            if isinstance(early_stopping, GradientEarlyStopping):
                stopper = copy.deepcopy(early_stopping)
                stopper.reset()
            else:
                stopper = GradientEarlyStopping(direction=_direction(trial))
            _STOPPERS[trial] = stopper
        return stopper


def _direction(trial: Any) -> str:
    study = getattr(trial, "study", None)
    if study is None or len(study.directions) != 1:
        return "minimize"
    return str(study.direction.name.lower())
