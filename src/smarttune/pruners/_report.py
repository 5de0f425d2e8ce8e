"""Report intermediate values of several objectives, and ask the study's pruner about them.

Optuna's ``trial.report(value, step)`` and ``trial.should_prune()`` raise
``NotImplementedError`` in a multi-objective study. These two functions read the same way and
work in both kinds of study::

    for epoch in range(epochs):
        accuracy, seconds = train_one_epoch()
        smarttune.pruners.report(trial, (accuracy, seconds), epoch)
        if smarttune.pruners.should_prune(trial):
            raise optuna.TrialPruned()

In a multi-objective study the vector of step ``s`` is stored in the trial's system attribute
``smarttune.mo:step:<s>`` (a list of floats in the order of ``study.directions``), so every
worker sharing the storage sees it, and ``should_prune`` calls the study's pruner (e.g.
:class:`~smarttune.pruners.MOASHAPruner`) on the latest trial. In a single-objective study both
functions are Optuna's own: ``report`` calls ``trial.report`` with the one value.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from typing import TYPE_CHECKING

from smarttune._validation import shown
from smarttune.exceptions import InvalidParameterError

if TYPE_CHECKING:
    import optuna
    from optuna.trial import FrozenTrial

__all__ = ["STEP_KEY_PREFIX", "report", "reported_values", "should_prune"]

#: Prefix of the trial system attributes holding one step's vector of intermediate values.
STEP_KEY_PREFIX = "smarttune.mo:step:"


def report(trial: optuna.Trial, values: float | Sequence[float], step: int) -> None:
    """Report the objectives' intermediate values at ``step`` (one value per direction).

    A step reported twice keeps its first vector, as Optuna keeps a step's first value.

    Raises:
        InvalidParameterError: If ``step`` is not a non-negative int, or ``values`` does not
            hold one real number per objective of the study.
    """
    directions = trial.study.directions
    vector = _as_vector(values, len(directions))
    if isinstance(step, bool) or not isinstance(step, numbers.Integral) or step < 0:
        raise InvalidParameterError(
            f"The 'step' parameter of report() must be an int in the range [0, inf). "
            f"Got {shown(step)} instead."
        )
    if len(directions) == 1:
        trial.report(vector[0], int(step))
        return
    key = f"{STEP_KEY_PREFIX}{int(step)}"
    if key not in trial.storage.get_trial_system_attrs(trial._trial_id):
        trial.storage.set_trial_system_attr(trial._trial_id, key, vector)


def should_prune(trial: optuna.Trial) -> bool:
    """Return the study pruner's verdict on ``trial`` as it is now in the storage."""
    if len(trial.study.directions) == 1:
        return trial.should_prune()
    latest = trial.storage.get_trial(trial._trial_id)
    return bool(trial.study.pruner.prune(trial.study, latest))


def reported_values(trial: FrozenTrial) -> dict[int, list[float]]:
    """Return the vectors reported for ``trial``, by step (Optuna's values for one objective)."""
    vectors = {
        int(key[len(STEP_KEY_PREFIX) :]): [float(v) for v in value]
        for key, value in trial.system_attrs.items()
        if key.startswith(STEP_KEY_PREFIX)
    }
    if not vectors:
        vectors = {step: [float(v)] for step, v in trial.intermediate_values.items()}
    return dict(sorted(vectors.items()))


def _as_vector(values: float | Sequence[float], n_objectives: int) -> list[float]:
    items: object = [values] if isinstance(values, numbers.Real) else values
    if (
        isinstance(items, Sequence)
        and not isinstance(items, (str, bytes))
        and len(items) == n_objectives
        and all(isinstance(v, numbers.Real) and not isinstance(v, bool) for v in items)
    ):
        vector = [float(v) for v in items]
        return [v if math.isfinite(v) else math.nan for v in vector]
    raise InvalidParameterError(
        f"The 'values' parameter of report() must be a sequence of {n_objectives} real "
        f"numbers (one per objective of the study). Got {shown(values)} instead."
    )
