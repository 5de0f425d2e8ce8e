"""``tune(..., directions=[...])``: a multi-objective study, run serially in this process.

The objective returns one number per direction (a tuple or list). What ``tune()`` guarantees
for one objective holds here too: a trial that raises, returns the wrong number of values, or
a NaN or infinite value is FAIL with its reason (one line on standard error), the study
records what it tunes (the directions joined by commas as its ``direction``) and refuses
another objective's trials, and a resumed study must have the same directions. Trials run in
this process (``n_jobs`` 1), with no progress bar: a multi-objective study has a Pareto front,
not one best value to show.
"""

from __future__ import annotations

import math
import sys
import traceback
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from smarttune._failures import FailureReporter, one_line_failures
from smarttune._target import claim_study, target_of
from smarttune._validation import shown
from smarttune.exceptions import InvalidParameterError, TrialValueError
from smarttune.execution._guard import FAIL_REASON_KEY, TRACEBACK_KEY
from smarttune.pruners import resolve_pruner
from smarttune.samplers import resolve_sampler
from smarttune.storage import check_study_name, open_storage

if TYPE_CHECKING:
    import optuna

__all__ = ["check_directions", "tune_multi_objective"]

_DIRECTIONS = ("maximize", "minimize")


def check_directions(directions: object, name: str = "directions") -> list[str]:
    """Return ``directions`` as a list of ``"maximize"``/``"minimize"`` (at least two).

    A string is split at commas. Raises:
        InvalidParameterError: If it is not 2 or more of those words.
    """
    items = directions.split(",") if isinstance(directions, str) else directions
    words = [str(d).strip().lower() for d in items] if isinstance(items, (list, tuple)) else []
    if len(words) < 2 or any(w not in _DIRECTIONS for w in words):
        raise InvalidParameterError(
            f"The '{name}' parameter must be 2 or more of 'maximize' and 'minimize' "
            f"(e.g. 'maximize,minimize'). Got {shown(directions)} instead."
        )
    return words


def tune_multi_objective(
    objective: Callable[[optuna.Trial], Sequence[float]],
    directions: Sequence[str],
    *,
    n_trials: int | None,
    timeout: float | None,
    sampler: str | optuna.samplers.BaseSampler,
    pruner: str | optuna.pruners.BasePruner | None,
    storage: str | optuna.storages.BaseStorage | None,
    study_name: str | None,
    seed: int | None,
    verbose: bool,
) -> optuna.Study:
    """Run the multi-objective study described in the module docstring and return it."""
    import optuna

    wanted = check_directions(list(directions))
    check_study_name(storage, study_name)
    study = optuna.create_study(
        storage=open_storage(storage),
        sampler=resolve_sampler(sampler, seed=seed),
        pruner=resolve_pruner(pruner),
        study_name=study_name,
        directions=[optuna.study.StudyDirection[w.upper()] for w in wanted],
        load_if_exists=True,
    )
    existing = [d.name.lower() for d in study.directions]
    if existing != wanted:
        raise InvalidParameterError(
            f"The 'directions' parameter must match the existing study {study.study_name!r}, "
            f"which is {','.join(existing)!r}. Got {','.join(wanted)!r} instead."
        )
    claim_study(study, target_of(objective, ",".join(wanted)), storage=storage)
    reporter = FailureReporter(_to_stderr, verbose=verbose)
    with one_line_failures():
        study.optimize(
            guard_vector(objective, len(wanted)),
            n_trials=n_trials,
            timeout=timeout,
            catch=(Exception,),
            callbacks=[reporter],
        )
    return study


def guard_vector(
    objective: Callable[[optuna.Trial], Sequence[float]], n_objectives: int
) -> Callable[[optuna.Trial], list[float]]:
    """Wrap ``objective``: record why a trial failed; refuse a wrong or non-finite vector."""
    import optuna

    def guarded(trial: optuna.Trial) -> list[float]:
        try:
            return _as_vector(objective(trial), n_objectives)
        except optuna.TrialPruned:
            raise
        except Exception as exc:
            storage, trial_id = trial.storage, trial._trial_id
            storage.set_trial_system_attr(trial_id, FAIL_REASON_KEY, f"{type(exc).__name__}: {exc}")
            storage.set_trial_system_attr(trial_id, TRACEBACK_KEY, traceback.format_exc()[-20000:])
            raise

    return guarded


def _as_vector(value: Any, n_objectives: int) -> list[float]:
    try:
        numbers = [float(v) for v in value]
    except (TypeError, ValueError):
        numbers = []
    if len(numbers) != n_objectives:
        raise TrialValueError(
            f"The objective must return {n_objectives} numbers (one per direction); it "
            f"returned {shown(value)}."
        )
    if not all(math.isfinite(v) for v in numbers):
        raise TrialValueError(f"The objective returned {numbers!r}, not finite numbers.")
    return numbers


def _to_stderr(line: str) -> None:
    print(line, file=sys.stderr, flush=True)
