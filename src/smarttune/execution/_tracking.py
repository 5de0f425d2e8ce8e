"""What every trial runs under, serial runs included: its owner's tag, heartbeats, exits.

A serial ``tune()`` runs trials in its own process with ``study.optimize``. So that a trial it
leaves RUNNING (the process was killed, segfaulted or called ``os._exit``) can be told apart
from one still running, each trial records, when it starts, the host, process id and process
start time that run it (``smarttune:worker``) and, on a persistent storage, a heartbeat
(``smarttune:heartbeat``); the next run on any storage fails the trials of dead local processes
and of silent heartbeats (:func:`~smarttune.execution._recovery.recover_trials`).

An objective that calls ``sys.exit()`` fails its trial with that reason instead of ending the
study (:func:`exit_as_error`).
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from smarttune.execution._guard import FAIL_REASON_KEY, guard_objective
from smarttune.execution._heartbeat import beating
from smarttune.execution._recovery import RetryDeadTrial, recover_trials, tag_trial

if TYPE_CHECKING:
    from collections.abc import Callable

    import optuna

__all__ = ["ObjectiveExited", "exit_as_error", "serial_objective"]

#: Seconds between heartbeats of a trial run by a serial ``tune()``.
SERIAL_HEARTBEAT_S = 10.0


class ObjectiveExited(RuntimeError):  # noqa: N818 - the trial's reason reads "ObjectiveExited: …"
    """The objective called ``sys.exit()`` (raised ``SystemExit``): its trial fails."""


def exit_as_error(
    objective: Callable[[optuna.Trial], float],
) -> Callable[[optuna.Trial], float]:
    """Wrap ``objective`` so that ``SystemExit`` raised in it fails the trial, not the run."""

    def run(trial: optuna.Trial) -> float:
        try:
            return objective(trial)
        except SystemExit as exc:
            raise ObjectiveExited(f"the objective called sys.exit({exc.code!r})") from None

    return run


def serial_objective(
    study: optuna.Study, objective: Callable[[optuna.Trial], float]
) -> Callable[[optuna.Trial], float]:
    """Recover ``study``'s stale trials, then wrap ``objective`` for ``study.optimize``.

    Trials left RUNNING by dead local processes or silent heartbeats are failed (not retried:
    the configuration may be what killed the process). Each trial of this run is tagged with
    this process, beats on persistent storages, and fails with its reason on ``sys.exit()``.
    """
    import optuna

    recover_trials(study, RetryDeadTrial(max_retries=0))
    token = f"serial-{uuid.uuid4().hex}"
    guarded = guard_objective(exit_as_error(objective))
    if isinstance(study._storage, optuna.storages.InMemoryStorage):
        return guarded

    def run(trial: optuna.Trial) -> float:
        tag_trial(trial.storage, trial._trial_id, token)
        with beating(trial.storage, trial._trial_id, SERIAL_HEARTBEAT_S):
            try:
                return guarded(trial)
            except KeyboardInterrupt as exc:  # Optuna fails the trial and re-raises
                reason = f"interrupted ({exc.args[0] if exc.args else 'SIGINT'})"
                trial.storage.set_trial_system_attr(trial._trial_id, FAIL_REASON_KEY, reason)
                raise

    return run
