"""``smarttune.tune``: the one-call entry point over an Optuna study."""

from __future__ import annotations

import pickle
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from smarttune._failures import FailureReporter, one_line_failures
from smarttune._target import StudyTarget, claim_study, objective_task, target_of
from smarttune._validation import (
    Constraint,
    InstanceOf,
    Interval,
    IsCallable,
    Options,
    validate_params,
)
from smarttune.exceptions import InvalidParameterError
from smarttune.execution import (
    FAIL_REASON_KEY,
    Executor,
    LocalExecutor,
    guard_objective,
    open_shared_storage,
)
from smarttune.execution._tracking import serial_objective
from smarttune.progress import StudyProgress
from smarttune.pruners import resolve_pruner
from smarttune.samplers import resolve_sampler
from smarttune.storage import check_study_name, open_storage

if TYPE_CHECKING:
    import optuna

__all__ = ["FAIL_REASON_KEY", "create_or_load_study", "guard_objective", "preflight", "tune"]

#: Executor names ``tune()`` accepts besides an :class:`~smarttune.execution.Executor`.
EXECUTOR_NAMES = ("local", "threads", "ray")

_TUNE_CONSTRAINTS: dict[str, list[Constraint | None]] = {
    "objective": [IsCallable()],
    "n_trials": [Interval(int, 1, None), None],
    "timeout": [Interval(float, 0, None, closed="neither"), None],
    "study_name": [InstanceOf(str), None],
    "direction": [Options(("maximize", "minimize")), None],
    "n_jobs": [Interval(int, 1, None), Options((-1,))],
    "seed": [Interval(int, 0, 2**32 - 1), None],
    "progress": [InstanceOf(bool)],
    "verbose": [InstanceOf(bool)],
    "transfer": [InstanceOf(bool), InstanceOf(str)],
    "executor": [Options(EXECUTOR_NAMES), InstanceOf(Executor), None],
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
    direction: str | None = None,
    n_jobs: int = 1,
    seed: int | None = None,
    progress: bool = True,
    executor: str | Executor | None = None,
    verbose: bool = False,
    transfer: bool | str = True,
    directions: Sequence[str] | None = None,
) -> optuna.Study:
    """Optimize ``objective`` and return the Optuna study holding every trial.

    The study is created, or resumed when ``storage`` already holds a study named
    ``study_name``; ``n_trials`` then adds that many trials to it. A trial whose objective
    raises an exception or returns NaN or ±inf is marked FAIL, with the reason in its system
    attribute :data:`FAIL_REASON_KEY` and the traceback in ``smarttune:traceback``; one line
    (trial number, exception type, message) is printed on standard error instead of Optuna's
    traceback, and the study goes on; finished trials are never lost. A built-in task is
    checked before the first trial (:meth:`~smarttune.tasks.Task.check`: device, data). The
    study records what it tunes (objective, task, direction): resuming it with another
    objective raises :class:`~smarttune.exceptions.StorageError`.
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
            None: a built-in task's own direction, else ``"minimize"`` (as in Optuna).
        n_jobs: Parallel trials; -1 for one per CPU. Above 1 they run in separate processes
            (a :class:`~smarttune.execution.LocalExecutor`) when the objective can be pickled
            and the storage is a URL or None; otherwise, or with ``executor="threads"``, in
            threads of this process as in Optuna.
        seed: Seeds a sampler built from its name; serial runs with a seed are reproducible.
        progress: Show a live progress bar on standard error, instead of Optuna's per-trial
            INFO lines (which show when it is False, at Optuna's log level).
        executor: None (serial, or processes when ``n_jobs`` > 1), ``"local"`` (``n_jobs``
            processes), ``"threads"`` (``n_jobs`` threads in this process, as in Optuna),
            ``"ray"`` (a :class:`~smarttune.execution.RayExecutor` on ``RAY_ADDRESS``) or an
            :class:`~smarttune.execution.Executor`. Processes and Ray need a storage URL that
            every worker can open (None: a temporary journal file whose trials are copied into
            the returned in-memory study) and a picklable objective (a module-level function
            or an :class:`~smarttune.execution.ObjectiveSpec`).
        verbose: Print each failed trial's full traceback below its one-line summary.
        transfer: With the hybrid sampler (by name) and no executor: learn from earlier
            studies of the same search space in ``storage`` (True), in the storage at this URL,
            or not at all (False); one line on standard error names the studies used
            (see :func:`smarttune.knowledge.find_past_studies`).
        directions: Two or more of ``"maximize"``/``"minimize"`` for a multi-objective
            study whose objective returns one number per direction (see
            :mod:`smarttune._api_multi`: serial, no progress bar; not with ``direction``,
            ``n_jobs`` > 1 or an executor).

    Returns:
        The :class:`optuna.Study`.

    Raises:
        InvalidParameterError: A parameter outside its allowed set, or a direction that does not
            match the resumed study.
        UnknownNameError: An unknown sampler or pruner name.
        StorageError: A storage that cannot be opened, or a study that tunes another objective.
        SmartTuneError: A built-in task's check failed (e.g. no CUDA, a dataset missing).
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
            "verbose": verbose,
            "executor": executor,
            "transfer": transfer,
        },
        _TUNE_CONSTRAINTS,
        owner="tune()",
    )
    if directions is not None:
        return _tune_multi(objective, directions, locals())
    target = preflight(objective, storage=storage, study_name=study_name, direction=direction)
    reporter = FailureReporter(_to_stderr, verbose=verbose)
    chosen = _choose_executor(executor, n_jobs, objective, storage)
    if chosen is not None:
        return _tune_with_executor(
            chosen,
            objective,
            n_trials=n_trials,
            timeout=timeout,
            sampler=sampler,
            pruner=pruner,
            storage=storage,
            study_name=study_name,
            target=target,
            seed=seed,
            progress=progress,
            reporter=reporter,
        )
    study = create_or_load_study(
        storage=storage,
        study_name=study_name,
        direction=target.direction,
        sampler=_with_transfer(sampler, seed, transfer, storage, study_name, target, verbose),
        pruner=resolve_pruner(pruner),
        target=target,
    )
    with one_line_failures(), StudyProgress(n_trials, enabled=progress) as bar:
        study.optimize(
            serial_objective(study, objective),
            n_trials=n_trials,
            timeout=timeout,
            n_jobs=n_jobs,
            catch=(Exception,),
            callbacks=[bar.callback, reporter],
        )
    return study


def _tune_multi(
    objective: Callable[[optuna.Trial], Any], directions: Sequence[str], given: dict[str, Any]
) -> optuna.Study:
    """``tune()`` with several ``directions`` (serial only)."""
    from smarttune._api_multi import tune_multi_objective

    if given["direction"] is not None or given["n_jobs"] != 1 or given["executor"] is not None:
        raise InvalidParameterError(
            "The 'directions' parameter of tune() runs serially in this process: leave "
            "direction, executor and n_jobs (1) at their defaults. Got direction="
            f"{given['direction']!r}, n_jobs={given['n_jobs']!r}, executor={given['executor']!r}."
        )
    keys = ("n_trials", "timeout", "sampler", "pruner", "storage", "study_name", "seed")
    options = {key: given[key] for key in keys}
    return tune_multi_objective(objective, directions, verbose=given["verbose"], **options)


def preflight(
    objective: Callable[[optuna.Trial], float],
    *,
    storage: str | optuna.storages.BaseStorage | None,
    study_name: str | None,
    direction: str | None,
    check_task: bool = True,
) -> StudyTarget:
    """Check before the first trial what can be known then; return what the study tunes.

    A built-in task (or its bound ``objective``) runs :meth:`~smarttune.tasks.Task.check`; an
    existing study named ``study_name`` must have ``direction`` and tune ``objective``.
    Nothing is created.

    Args:
        objective: The objective ``tune`` will run.
        storage: As in :func:`tune`.
        study_name: As in :func:`tune`.
        direction: As in :func:`tune`; None picks the task's direction, else ``"minimize"``.
        check_task: Run the task's check here (False when trials run on other machines).

    Returns:
        The study's :class:`~smarttune._target.StudyTarget`, with the direction resolved.

    Raises:
        SmartTuneError: One line naming what is wrong and the fix.
    """
    task = objective_task(objective)
    target = target_of(objective, direction or (task.direction if task else "minimize"))
    if task is not None and check_task:
        task.check()
    existing = _existing_study(storage, study_name)
    if existing is not None:
        _check_direction(existing, target.direction)
        claim_study(existing, target, storage=storage, record=False)
    return target


def _existing_study(
    storage: str | optuna.storages.BaseStorage | None, study_name: str | None
) -> optuna.Study | None:
    """The study ``study_name`` in ``storage`` if it exists, without creating anything."""
    import optuna

    if storage is None or study_name is None:
        return None
    opened = _open(storage)
    try:
        opened.get_study_id_from_name(study_name)
    except KeyError:
        return None
    return optuna.load_study(study_name=study_name, storage=opened)


def _open(storage: str | optuna.storages.BaseStorage | None) -> optuna.storages.BaseStorage:
    shared = isinstance(storage, str) and storage.startswith(("redis://", "grpc://"))
    return open_shared_storage(storage) if shared else open_storage(storage)  # type: ignore[arg-type,return-value]


def _check_direction(study: optuna.Study, direction: str) -> None:
    existing = study.direction.name.lower()
    if existing != direction:
        raise InvalidParameterError(
            f"The 'direction' parameter must match the existing study {study.study_name!r}, "
            f"which is {existing!r}. Got {direction!r} instead."
        )


def _with_transfer(
    sampler: str | optuna.samplers.BaseSampler,
    seed: int | None,
    transfer: bool | str,
    storage: str | optuna.storages.BaseStorage | None,
    study_name: str | None,
    target: StudyTarget,
    verbose: bool,
) -> optuna.samplers.BaseSampler:
    """The sampler, a HybridSampler given the past studies when ``transfer`` finds some."""
    source = storage if transfer is True else transfer or None
    if sampler != "hybrid" or source is None:
        return resolve_sampler(sampler, seed=seed)
    from smarttune.knowledge import find_past_studies, study_space
    from smarttune.samplers import HybridSampler

    existing = _existing_study(storage, study_name)
    found = find_past_studies(
        _open(source),
        objective=target.objective,
        direction=target.direction,
        exclude=study_name if source is storage else None,
        search_space=study_space(existing) if existing is not None else None,
    )
    for line in found.lines(verbose=verbose):
        _to_stderr(line)
    return HybridSampler(knowledge=found.knowledge, seed=seed)


def _to_stderr(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def create_or_load_study(
    *,
    storage: str | optuna.storages.BaseStorage | None,
    study_name: str | None,
    direction: str,
    sampler: optuna.samplers.BaseSampler,
    pruner: optuna.pruners.BasePruner,
    target: StudyTarget | None = None,
) -> optuna.Study:
    """Create the study, or load it when it exists and its direction matches ``direction``.

    With ``target``, the study records what it tunes, or is checked against its record.

    Raises:
        InvalidParameterError: If an existing study of that name has the other direction.
        StorageError: If the storage cannot be opened, or the study tunes another objective.
    """
    import optuna

    check_study_name(storage, study_name)
    study = optuna.create_study(
        storage=_open(storage),
        sampler=sampler,
        pruner=pruner,
        study_name=study_name,
        direction=optuna.study.StudyDirection[direction.upper()],
        load_if_exists=True,
    )
    _check_direction(study, direction)
    if target is not None:
        claim_study(study, target, storage=storage)
    return study


def _choose_executor(
    executor: str | Executor | None,
    n_jobs: int,
    objective: Callable[[optuna.Trial], float],
    storage: object,
) -> Executor | None:
    """The executor to run with, or None for this process (serial, or Optuna's threads)."""
    if isinstance(executor, Executor):
        return executor
    if executor == "ray":
        from smarttune.execution.ray import RayExecutor

        return RayExecutor()
    if executor == "local":
        return LocalExecutor(n_jobs=n_jobs)
    if executor is None and n_jobs != 1 and _can_ship(objective, storage):
        return LocalExecutor(n_jobs=n_jobs)
    return None


def _can_ship(objective: Callable[[optuna.Trial], float], storage: object) -> bool:
    """Whether worker processes can receive the objective and open the storage.

    A closure, a lambda or a storage object keeps ``n_jobs`` in threads, as in Optuna.
    """
    if storage is not None and not isinstance(storage, str):
        return False
    try:
        pickle.dumps(objective)
    except (pickle.PicklingError, AttributeError, TypeError):
        return False
    return True


def _tune_with_executor(
    executor: Executor,
    objective: Callable[[optuna.Trial], float],
    *,
    storage: str | optuna.storages.BaseStorage | None,
    study_name: str | None,
    target: StudyTarget,
    progress: bool,
    n_trials: int | None,
    reporter: FailureReporter,
    **run_options: object,
) -> optuna.Study:
    """Run ``executor`` on a storage URL.

    None runs on a temporary journal file and returns the trials in an in-memory study.
    """
    import optuna

    if storage is not None and not isinstance(storage, str):
        raise InvalidParameterError(
            "The 'storage' parameter of tune() must be a URL when trials run in other "
            f"processes, so that each can open it. Got {type(storage).__name__} instead."
        )
    if storage is not None:
        return _run_executor(executor, objective, storage, study_name, target, progress,
                             n_trials, reporter, run_options)  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="smarttune-") as folder:
        url = f"journal:{Path(folder) / 'study.log'}"
        study = _run_executor(executor, objective, url, study_name, target, progress,
                              n_trials, reporter, run_options)  # fmt: skip
        memory = optuna.storages.InMemoryStorage()
        optuna.copy_study(
            from_study_name=study.study_name,
            from_storage=study._storage,
            to_storage=memory,
        )
        return optuna.load_study(study_name=study.study_name, storage=memory)


def _run_executor(
    executor: Executor,
    objective: Callable[[optuna.Trial], float],
    storage: str,
    study_name: str | None,
    target: StudyTarget,
    progress: bool,
    n_trials: int | None,
    reporter: FailureReporter,
    run_options: dict[str, object],
) -> optuna.Study:
    from smarttune.pruners import resolve_pruner as _resolve_pruner

    sampler = run_options["sampler"]
    study = create_or_load_study(
        storage=storage,
        study_name=study_name,
        direction=target.direction,
        sampler=resolve_sampler(sampler, seed=run_options["seed"]),  # type: ignore[arg-type]
        pruner=_resolve_pruner(run_options["pruner"]),  # type: ignore[arg-type]
        target=target,
    )
    with one_line_failures(), StudyProgress(n_trials, enabled=progress) as bar:
        return executor.run(
            storage=storage,
            study_name=study.study_name,
            objective=objective,
            n_trials=n_trials,
            callbacks=[bar.callback, reporter],
            **run_options,  # type: ignore[arg-type]
        )
