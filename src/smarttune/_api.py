"""``smarttune.tune``: the one-call entry point over an Optuna study."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from smarttune._validation import (
    Constraint,
    InstanceOf,
    Interval,
    IsCallable,
    Options,
    validate_params,
)
from smarttune.exceptions import InvalidParameterError, TrialValueError
from smarttune.progress import StudyProgress
from smarttune.pruners import resolve_pruner
from smarttune.samplers import resolve_sampler
from smarttune.storage import open_storage

if TYPE_CHECKING:
    import optuna

__all__ = ["FAIL_REASON_KEY", "tune"]

#: Trial system attribute holding why a trial failed (the exception, or the non-finite value).
FAIL_REASON_KEY = "smarttune:fail_reason"

_TUNE_CONSTRAINTS: dict[str, list[Constraint | None]] = {
    "objective": [IsCallable()],
    "n_trials": [Interval(int, 1, None), None],
    "timeout": [Interval(float, 0, None, closed="neither"), None],
    "study_name": [InstanceOf(str), None],
    "direction": [Options(("maximize", "minimize"))],
    "n_jobs": [Interval(int, 1, None), Options((-1,))],
    "seed": [Interval(int, 0, 2**32 - 1), None],
    "progress": [InstanceOf(bool)],
}


def tune(
    objective: Callable[[optuna.Trial], float],
    *,
    n_trials: int | None = None,
    timeout: float | None = None,
    sampler: str | optuna.samplers.BaseSampler = "hybrid",
    pruner: str | optuna.pruners.BasePruner | None = None,
    storage: str | optuna.storages.BaseStorage | None = None,
    study_name: str | None = None,
    direction: str = "maximize",
    n_jobs: int = 1,
    seed: int | None = None,
    progress: bool = True,
) -> optuna.Study:
    """Optimize ``objective`` and return the Optuna study holding every trial.

    The study is created, or resumed when ``storage`` already holds a study named
    ``study_name``; ``n_trials`` then adds that many trials to it. A trial whose objective
    raises an exception or returns NaN or ±inf is marked FAIL, with the reason in its system
    attribute :data:`FAIL_REASON_KEY`, and the study goes on; finished trials are never lost.
    On Ctrl-C the running trial is marked FAIL and ``KeyboardInterrupt`` propagates; calling
    ``tune`` again with the same storage and study name continues the study.

    Args:
        objective: A function of an :class:`optuna.Trial` returning a float.
        n_trials: Trials to add; None runs until ``timeout`` (or forever without one).
        timeout: Seconds after which no new trial starts; None for no limit.
        sampler: A sampler name from :data:`smarttune.samplers.SAMPLER_NAMES` or an Optuna
            sampler instance.
        pruner: None (no pruning), a name from :data:`smarttune.pruners.PRUNER_NAMES` or an
            Optuna pruner instance.
        storage: None (in memory), a storage URL (see :mod:`smarttune.storage`) or an Optuna
            storage instance.
        study_name: The study's name in ``storage``; None lets Optuna generate one.
        direction: ``"maximize"`` or ``"minimize"``; must match a resumed study's direction.
        n_jobs: Parallel trials in this process (threads, as in Optuna); -1 for one per CPU.
        seed: Seeds a sampler built from its name; serial runs with a seed are reproducible.
        progress: Show a live progress bar on standard error.

    Returns:
        The :class:`optuna.Study`.

    Raises:
        InvalidParameterError: A parameter outside its allowed set, or a direction that does not
            match the resumed study.
        UnknownNameError: An unknown sampler or pruner name.
        StorageError: A storage that cannot be opened.
    """
    validate_params(
        {
            "objective": objective,
            "n_trials": n_trials,
            "timeout": timeout,
            "study_name": study_name,
            "direction": direction,
            "n_jobs": n_jobs,
            "seed": seed,
            "progress": progress,
        },
        _TUNE_CONSTRAINTS,
        owner="tune()",
    )
    study = create_or_load_study(
        storage=storage,
        study_name=study_name,
        direction=direction,
        sampler=resolve_sampler(sampler, seed=seed),
        pruner=resolve_pruner(pruner),
    )
    with StudyProgress(n_trials, enabled=progress) as bar:
        study.optimize(
            guard_objective(objective),
            n_trials=n_trials,
            timeout=timeout,
            n_jobs=n_jobs,
            catch=(Exception,),
            callbacks=[bar.callback],
        )
    return study


def create_or_load_study(
    *,
    storage: str | optuna.storages.BaseStorage | None,
    study_name: str | None,
    direction: str,
    sampler: optuna.samplers.BaseSampler,
    pruner: optuna.pruners.BasePruner,
) -> optuna.Study:
    """Create the study, or load it when it exists and its direction matches ``direction``.

    Raises:
        InvalidParameterError: If an existing study of that name has the other direction.
        StorageError: If the storage cannot be opened.
    """
    import optuna

    study = optuna.create_study(
        storage=open_storage(storage),
        sampler=sampler,
        pruner=pruner,
        study_name=study_name,
        direction=optuna.study.StudyDirection[direction.upper()],
        load_if_exists=True,
    )
    existing = study.direction.name.lower()
    if existing != direction:
        raise InvalidParameterError(
            f"The 'direction' parameter must match the existing study {study.study_name!r}, "
            f"which is {existing!r}. Got {direction!r} instead."
        )
    return study


def guard_objective(
    objective: Callable[[optuna.Trial], float],
) -> Callable[[optuna.Trial], float]:
    """Wrap ``objective`` so that a failure is recorded on its trial before Optuna fails it.

    The wrapper stores the reason under :data:`FAIL_REASON_KEY` and re-raises; a NaN or infinite
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
            _record_fail_reason(trial, f"{type(exc).__name__}: {exc}")
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


def _record_fail_reason(trial: optuna.Trial, reason: str) -> None:
    # Trial.set_system_attr is deprecated in Optuna; the storage call is the supported path.
    trial.storage.set_trial_system_attr(trial._trial_id, FAIL_REASON_KEY, reason[:2000])
