"""Fault tolerance: fail the trials of dead workers and retry them with the same parameters.

A trial whose worker died (a killed process, a lost Ray node, a driver crash) is left RUNNING in
the storage. It is found in one of three ways, and failed exactly once whichever finds it first
(the storage refuses a second state change):

* the driver that handed the job to a worker sees the worker go and fails the trials that carry
  the job's token (:func:`fail_job_trials`);
* a driver starting on the same host fails the trials of local worker processes that no longer
  exist (:func:`fail_orphaned_trials`) — this covers a crashed driver and its workers;
* heartbeats: a trial whose heartbeat is older than the grace period is failed by the next
  worker or driver that calls :func:`fail_stale_trials` (Optuna's heartbeats on RDB storages,
  :mod:`smarttune.execution._heartbeat` on every storage, journal and Redis included).

:func:`recover_trials` runs the last two checks; every run calls it when it opens a study,
serial runs included, so a trial left RUNNING by a killed process is failed by the next run.

Then :class:`RetryDeadTrial` adds a WAITING copy with the same parameters, which the next
``study.ask()`` of any worker picks up: the pattern of Optuna's
``RetryHeartbeatStaleTrialCallback``, with the number of retries bounded.
"""

from __future__ import annotations

import os
import socket
import warnings
from datetime import datetime
from typing import TYPE_CHECKING, Any

from smarttune._storage_rdb import sqlite_claim_lock
from smarttune.execution._base import RETRY_HISTORY_KEY, RETRY_OF_KEY, WORKER_KEY
from smarttune.execution._guard import FAIL_REASON_KEY
from smarttune.execution._heartbeat import HEARTBEAT_KEY, is_silent

if TYPE_CHECKING:
    from collections.abc import Callable

    import optuna

__all__ = [
    "RetryDeadTrial",
    "claim_trial",
    "fail_job_trials",
    "fail_orphaned_trials",
    "fail_stale_trials",
    "is_alive",
    "process_identity",
    "recover_trials",
    "tag_trial",
]

_HOST = socket.gethostname()
# Keys that describe one attempt and must not be copied onto its retry.
_PER_ATTEMPT_KEYS = (WORKER_KEY, FAIL_REASON_KEY, HEARTBEAT_KEY)


class RetryDeadTrial:
    """Re-queue a trial whose worker died, with the same parameters, at most ``max_retries`` times.

    Args:
        max_retries: How many times one configuration is retried; 0 disables retries.
    """

    def __init__(self, *, max_retries: int = 1) -> None:
        self.max_retries = max_retries

    def __call__(self, study: optuna.Study, trial: optuna.trial.FrozenTrial) -> bool:
        """Add the WAITING retry of ``trial`` to ``study`` unless its retries are spent.

        Returns:
            Whether a retry was added.
        """
        import optuna

        history = [*trial.system_attrs.get(RETRY_HISTORY_KEY, []), trial.number]
        if len(history) > self.max_retries:
            return False
        attrs = {k: v for k, v in trial.system_attrs.items() if k not in _PER_ATTEMPT_KEYS}
        attrs.update({RETRY_OF_KEY: history[0], RETRY_HISTORY_KEY: history})
        study.add_trial(
            optuna.trial.create_trial(
                state=optuna.trial.TrialState.WAITING,
                params=trial.params,
                distributions=trial.distributions,
                user_attrs=trial.user_attrs,
                system_attrs=attrs,
            )
        )
        return True


def process_identity() -> str:
    """This process as ``pid@start``.

    ``start`` is its start time in clock ticks (Linux), so that a recycled process id is not
    mistaken for the original process.
    """
    pid = os.getpid()
    return f"{pid}@{_start_time(pid)}"


def tag_trial(storage: optuna.storages.BaseStorage, trial_id: int, token: str) -> None:
    """Record on the trial which job, host and process run it."""
    storage.set_trial_system_attr(trial_id, WORKER_KEY, _worker_tag(token))


def claim_trial(study: optuna.Study, token: str) -> int:
    """Take the study's next trial for the job ``token``; return its id.

    A WAITING trial (a retry, an enqueued configuration) is taken first, as ``study.ask()``
    does, and tagged; otherwise a new RUNNING trial is created with the tag in the same storage
    operation.
    """
    import optuna

    storage = study._storage
    with sqlite_claim_lock(storage):  # SQLite: two processes must not both take one trial
        waiting = study.get_trials(deepcopy=False, states=(optuna.trial.TrialState.WAITING,))
        for trial in waiting:
            try:
                running = optuna.trial.TrialState.RUNNING
                if storage.set_trial_state_values(trial._trial_id, running):
                    tag_trial(storage, trial._trial_id, token)
                    return trial._trial_id
            except optuna.exceptions.UpdateFinishedTrialError:
                continue
    template = optuna.trial.FrozenTrial(
        number=-1,
        state=optuna.trial.TrialState.RUNNING,
        value=None,
        datetime_start=datetime.now(),
        datetime_complete=None,
        params={},
        distributions={},
        user_attrs={},
        system_attrs={WORKER_KEY: _worker_tag(token)},
        intermediate_values={},
        trial_id=-1,
    )
    return storage.create_new_trial(study._study_id, template_trial=template)


def _worker_tag(token: str) -> dict[str, str]:
    return {"job": token, "host": _HOST, "process": process_identity()}


def fail_job_trials(
    study: optuna.Study, token: str, reason: str, retry: RetryDeadTrial
) -> tuple[int, int]:
    """Fail the running trials of the lost job ``token`` and retry them.

    Returns:
        How many of the job's trials are settled (finished before the loss, or failed with no
        retry left) and how many were queued for a retry.
    """
    finished = [
        t
        for t in study.get_trials(deepcopy=False)
        if t.state.is_finished() and _tag(t).get("job") == token
    ]
    failed, retried = _fail_running(
        study, lambda trial: _tag(trial).get("job") == token, reason, retry
    )
    return len(finished) + failed - retried, retried


def fail_orphaned_trials(study: optuna.Study, retry: RetryDeadTrial) -> tuple[int, int]:
    """Fail the running trials whose process on this host no longer exists.

    Returns:
        How many trials were failed and how many of them queued for a retry.
    """

    def orphaned(trial: optuna.trial.FrozenTrial) -> bool:
        tag = _tag(trial)
        return tag.get("host") == _HOST and not is_alive(str(tag.get("process", "")))

    return _fail_running(study, orphaned, "its process is gone (killed or crashed)", retry)


def fail_stale_trials(study: optuna.Study, retry: RetryDeadTrial | None = None) -> int:
    """Fail the running trials whose heartbeat stopped; return how many.

    Runs Optuna's check (RDB storages opened with heartbeats, which retry through the storage's
    callback) and smarttune's (any storage; retried with ``retry``, default one retry).
    """
    import optuna

    with warnings.catch_warnings():  # experimental in Optuna; the behaviour is what we rely on
        warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
        optuna.storages.fail_stale_trials(study)
    retry = RetryDeadTrial() if retry is None else retry
    return _fail_running(study, is_silent, "its heartbeat stopped", retry)[0]


def recover_trials(study: optuna.Study, retry: RetryDeadTrial) -> int:
    """Fail (and retry) the trials of dead local processes and of silent heartbeats.

    Returns:
        How many trials were failed.
    """
    return fail_orphaned_trials(study, retry)[0] + fail_stale_trials(study, retry)


def _fail_running(
    study: optuna.Study,
    selected: Callable[[optuna.trial.FrozenTrial], bool],
    reason: str,
    retry: RetryDeadTrial,
) -> tuple[int, int]:
    import optuna

    storage = study._storage
    running = study.get_trials(deepcopy=False, states=(optuna.trial.TrialState.RUNNING,))
    failed = retried = 0
    for trial in running:
        if not selected(trial):
            continue
        try:
            storage.set_trial_system_attr(trial._trial_id, FAIL_REASON_KEY, f"lost: {reason}")
            if not storage.set_trial_state_values(trial._trial_id, optuna.trial.TrialState.FAIL):
                continue
        except optuna.exceptions.UpdateFinishedTrialError:
            continue  # finished meanwhile, or failed by someone else: theirs to retry
        failed += 1
        retried += retry(study, storage.get_trial(trial._trial_id))
    return failed, retried


def _tag(trial: optuna.trial.FrozenTrial) -> dict[str, Any]:
    tag = trial.system_attrs.get(WORKER_KEY)
    return tag if isinstance(tag, dict) else {}


def _start_time(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return "?"
    return fields[19]  # field 22 of stat(5); fields[0] is field 3


def is_alive(identity: str) -> bool:
    """Whether the local process ``pid@start`` still runs (True when that cannot be told)."""
    pid_text, _, start = identity.partition("@")
    if not pid_text.isdigit():
        return True  # not ours to judge
    pid = int(pid_text)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    if start in ("", "?"):
        return True
    try:
        with open(f"/proc/{pid}/stat") as stat:
            after = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return False
    return after[0] != "Z" and after[19] == start
