"""The worker side: run one job's trial in this process.

The process is a pool process, a Ray task's worker or the ``smarttune worker`` command.
"""

from __future__ import annotations

from contextlib import contextmanager, suppress
from typing import TYPE_CHECKING

from smarttune.execution._base import Outcome, StudySpec, TrialJob
from smarttune.execution._guard import FAIL_REASON_KEY, guard_objective
from smarttune.execution._heartbeat import beating, every_interval
from smarttune.execution._liveness import interrupts_held
from smarttune.execution._recovery import (
    RetryDeadTrial,
    claim_trial,
    fail_stale_trials,
    tag_trial,
)
from smarttune.execution._storage import open_shared_storage, supports_heartbeat
from smarttune.execution._tracking import exit_as_error
from smarttune.pruners import resolve_pruner
from smarttune.samplers import resolve_sampler

if TYPE_CHECKING:
    from collections.abc import Iterator

    import optuna

__all__ = ["derive_seed", "open_spec_storage", "run_job"]

_STUDIES: dict[tuple[str, str, int | None, int | None], optuna.Study] = {}


def run_job(job: TrialJob) -> Outcome:
    """Run the trial of ``job`` and report how it ended.

    Without ``job.trial_id`` the worker claims the study's next trial (a WAITING retry first)
    with the job's tag written in the same storage operation, so a trial is never RUNNING
    without an owner to blame; it runs and tells it, with heartbeats on RDB storages.
    With it (batch mode) the worker runs the trial the driver asked for and leaves the tell to
    the driver, so the sampler only ever runs in the driver.
    """
    if job.trial_id is None:
        return _run_next_trial(job)
    return _run_assigned_trial(job, job.trial_id)


def derive_seed(seed: int | None, index: int) -> int | None:
    """A seed for the ``index``-th job or trial of a run seeded with ``seed`` (None: None)."""
    if seed is None:
        return None
    return (seed * 1_000_003 + index * 7_919 + 1) % 2**32


def open_spec_storage(spec: StudySpec) -> optuna.storages.BaseStorage:
    """The study's storage, with the spec's heartbeat and retry settings."""
    return open_shared_storage(
        spec.storage,
        heartbeat_interval=spec.heartbeat_interval,
        grace_period=spec.grace_period,
        max_retries=spec.max_retries,
    )


def _run_next_trial(job: TrialJob) -> Outcome:
    import optuna

    spec = job.study
    study = _study(spec, _sampler(spec.sampler, job.sampler_seed))
    fail_stale_trials(study, RetryDeadTrial(max_retries=spec.max_retries))  # as optimize does
    trial = optuna.Trial(study, claim_trial(study, job.token))
    outcome = _evaluate(trial, job.token, spec)
    state = optuna.trial.TrialState[outcome.state]
    value = outcome.value if state == optuna.trial.TrialState.COMPLETE else None
    study.tell(trial, value, state=state, skip_if_finished=True)
    return outcome


def _run_assigned_trial(job: TrialJob, trial_id: int) -> Outcome:
    import optuna

    spec = job.study
    # Parameters the driver did not fix are drawn from a sampler seeded by the trial alone, so
    # they do not depend on which worker runs it.
    study = _study(spec, optuna.samplers.RandomSampler(seed=job.sampler_seed))
    study.get_trials(deepcopy=False)  # RDB storages cache trials: learn of the driver's new one
    tag_trial(study._storage, trial_id, job.token)
    return _evaluate(optuna.Trial(study, trial_id), job.token, spec)


def _evaluate(trial: optuna.Trial, token: str, spec: StudySpec) -> Outcome:
    """Run the objective on ``trial`` under heartbeats; the tell is the caller's.

    ``sys.exit()`` in the objective fails the trial with its reason; an interrupt (SIGINT, or
    SIGTERM in a pool worker) fails it as interrupted and propagates.
    """
    import optuna

    with _heartbeat(trial.storage, trial._trial_id, spec.heartbeat_interval):
        try:
            value = guard_objective(exit_as_error(spec.objective))(trial)
        except optuna.TrialPruned:
            return Outcome(token, trial._trial_id, "PRUNED")
        except Exception:  # recorded on the trial by the guard
            return Outcome(token, trial._trial_id, "FAIL")
        except KeyboardInterrupt as exc:
            _fail_interrupted(trial, exc)
            raise
    return Outcome(token, trial._trial_id, "COMPLETE", value)


def _fail_interrupted(trial: optuna.Trial, exc: KeyboardInterrupt) -> None:
    import optuna

    storage = trial.storage
    reason = f"interrupted ({exc.args[0] if exc.args else 'SIGINT'})"
    with interrupts_held(), suppress(optuna.exceptions.UpdateFinishedTrialError):
        storage.set_trial_system_attr(trial._trial_id, FAIL_REASON_KEY, reason)
        storage.set_trial_state_values(trial._trial_id, optuna.trial.TrialState.FAIL)


def _study(spec: StudySpec, sampler: optuna.samplers.BaseSampler) -> optuna.Study:
    """The study, loaded once per process (its storage cache then follows only new trials)."""
    import optuna

    key = (spec.storage, spec.study_name, spec.heartbeat_interval, spec.grace_period)
    study = _STUDIES.get(key)
    if study is None:
        study = optuna.load_study(study_name=spec.study_name, storage=open_spec_storage(spec))
        _STUDIES[key] = study
    study.sampler = sampler
    study.pruner = resolve_pruner(spec.pruner)
    return study


def _sampler(
    sampler: str | optuna.samplers.BaseSampler, seed: int | None
) -> optuna.samplers.BaseSampler:
    if isinstance(sampler, str):
        return resolve_sampler(sampler, seed=seed)
    sampler.reseed_rng()  # workers sharing one pickled instance must not propose alike
    return sampler


@contextmanager
def _heartbeat(
    storage: optuna.storages.BaseStorage, trial_id: int, interval: int | None
) -> Iterator[None]:
    """Optuna's heartbeats on an RDB storage opened with them, else smarttune's (if asked)."""
    if supports_heartbeat(storage):
        with _optuna_heartbeat(storage, trial_id):
            yield
    elif interval:
        with beating(storage, trial_id, float(interval)):
            yield
    else:
        yield


@contextmanager
def _optuna_heartbeat(storage: optuna.storages.BaseStorage, trial_id: int) -> Iterator[None]:
    interval = float(storage.heartbeat_interval)  # type: ignore[attr-defined]

    def beat() -> None:
        storage.record_heartbeat(trial_id)  # type: ignore[attr-defined]

    with every_interval(beat, interval, f"heartbeat-{trial_id}"):
        yield
