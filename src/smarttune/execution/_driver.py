"""The driver loop every executor shares: budget, dispatch, loss recovery, batch mode.

Free mode (the default) keeps as many jobs in flight as the executor has room for; each worker
asks the study for its next trial, so the sampler runs in the workers against the shared
storage, as in Optuna's distributed optimization.

Batch mode (``batch_size``) makes a parallel run propose exactly what a serial one proposes
(Optuna issue #3056): the driver asks ``batch_size`` trials, fixing every parameter the study
has seen so far with its own sampler, has the workers evaluate them, and tells the results in
trial order before asking the next batch. Every sampler call then sees the same history in the
same order whatever the number of workers; parameters the driver could not fix yet (the first
batch of a new study, or a branch never taken) are drawn by a per-trial seeded random sampler in
the worker. This is the batch-synchronous scheme of parallel Bayesian optimization
(Ginsbourger, Le Riche and Carraro, "Kriging is well-suited to parallelize optimization", 2010).
"""

from __future__ import annotations

import time
import uuid
import warnings
from typing import TYPE_CHECKING, Protocol

from smarttune.execution._base import Finished, Outcome, StudySpec, TrialJob
from smarttune.execution._liveness import interrupts_held
from smarttune.execution._recovery import (
    RetryDeadTrial,
    fail_job_trials,
    fail_stale_trials,
    recover_trials,
    tag_trial,
)
from smarttune.execution._worker import derive_seed

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    import optuna

__all__ = ["Pool", "drive"]

_WAIT_S = 1.0


class Pool(Protocol):
    """What an executor gives the driver: room, submission and completion of jobs."""

    def capacity(self) -> int:
        """How many jobs may be in flight now (follows the workers or cluster resources)."""

    def submit(self, job: TrialJob) -> None:
        """Start ``job`` on a free worker."""

    def wait(self, timeout: float) -> list[Finished]:
        """Return the jobs that finished or lost their worker within ``timeout`` seconds."""

    def stop(self) -> None:
        """Interrupt the jobs in flight and end the workers (the run was interrupted)."""


def drive(
    pool: Pool,
    study: optuna.Study,
    spec: StudySpec,
    *,
    n_trials: int | None,
    timeout: float | None,
    batch_size: int | None,
    callbacks: Sequence[Callable[[optuna.Study, optuna.trial.FrozenTrial], None]] = (),
) -> None:
    """Run trials of ``study`` through ``pool`` until ``n_trials`` settle or ``timeout`` passes.

    A trial settles when it ends COMPLETE, PRUNED or FAIL with no retry pending; a trial whose
    worker was lost is failed and, while its retries last, run again with the same parameters.
    On an interrupt (Ctrl-C, SIGTERM) or an error, the workers are stopped and the trials in
    flight are failed (not retried) before the exception propagates.
    """
    retry = RetryDeadTrial(max_retries=spec.max_retries)
    recover_trials(study, retry)
    loop = _Loop(pool, study, spec, retry, callbacks, timeout)
    try:
        if batch_size is None:
            loop.run_free(n_trials)
        else:
            loop.run_batches(n_trials, batch_size)
    except BaseException as exc:
        with interrupts_held():
            pool.stop()
            reason = "interrupted" if isinstance(exc, KeyboardInterrupt) else "its driver failed"
            for token in (*loop.in_flight, loop.token):
                fail_job_trials(study, token, reason, RetryDeadTrial(max_retries=0))
        raise


class _Loop:
    def __init__(
        self,
        pool: Pool,
        study: optuna.Study,
        spec: StudySpec,
        retry: RetryDeadTrial,
        callbacks: Sequence[Callable[[optuna.Study, optuna.trial.FrozenTrial], None]],
        timeout: float | None,
    ) -> None:
        self.pool, self.study, self.spec, self.retry = pool, study, spec, retry
        self.callbacks = callbacks
        self.deadline = None if timeout is None else time.monotonic() + timeout
        self.jobs_started = 0
        self.last_stale_check = time.monotonic()
        self.token = f"driver-{uuid.uuid4().hex}"
        self.in_flight: set[str] = set()

    def expired(self) -> bool:
        return self.deadline is not None and time.monotonic() >= self.deadline

    def run_free(self, n_trials: int | None) -> None:
        settled, running = 0, set[str]()
        while True:
            while (
                (n_trials is None or settled + len(running) < n_trials)
                and not self.expired()
                and len(running) < self.pool.capacity()
            ):
                running.add(self._submit(None, derive_seed(self.spec.seed, self.jobs_started)))
            if not running:
                return
            for finished in self.pool.wait(_WAIT_S):
                running.discard(finished.token)
                self.in_flight.discard(finished.token)
                settled += self._settle(finished)
            self._check_stale()

    def run_batches(self, n_trials: int | None, batch_size: int) -> None:
        settled = 0
        while (n_trials is None or settled < n_trials) and not self.expired():
            size = batch_size if n_trials is None else min(batch_size, n_trials - settled)
            space = _known_space(self.study)
            asked = [self._ask(space) for _ in range(size)]
            outcomes = self._evaluate(asked, space)
            for trial_id in sorted(outcomes):
                self._tell(outcomes[trial_id])
            settled += size

    def _evaluate(
        self, asked: list[optuna.Trial], space: dict[str, optuna.distributions.BaseDistribution]
    ) -> dict[int, Outcome]:
        pending = [trial._trial_id for trial in asked]
        number_of = {trial._trial_id: trial.number for trial in asked}
        running: dict[str, int] = {}
        outcomes: dict[int, Outcome] = {}
        while pending or running:
            while pending and len(running) < self.pool.capacity():
                trial_id = pending.pop(0)
                seed = derive_seed(self.spec.seed, number_of[trial_id])
                running[self._submit(trial_id, seed)] = trial_id
            for finished in self.pool.wait(_WAIT_S):
                trial_id = running.pop(finished.token)
                self.in_flight.discard(finished.token)
                if finished.outcome is not None:
                    outcomes[trial_id] = finished.outcome
                elif self._lose(finished):  # its retry is waiting: ask for it in its place
                    again = self._ask(space)
                    number_of[again._trial_id] = again.number
                    pending.append(again._trial_id)
        return outcomes

    def _ask(self, space: dict[str, optuna.distributions.BaseDistribution]) -> optuna.Trial:
        """Ask for a trial and tag it as the driver's until a worker takes it."""
        with warnings.catch_warnings():  # Optuna warns that heartbeats suit optimize(), not
            warnings.filterwarnings("ignore", "Heartbeat of storage", UserWarning)  # ask()
            trial = self.study.ask(space)
        tag_trial(self.study._storage, trial._trial_id, self.token)
        return trial

    def _submit(self, trial_id: int | None, seed: int | None) -> str:
        token = uuid.uuid4().hex
        self.in_flight.add(token)
        self.pool.submit(TrialJob(self.spec, token, seed, trial_id))
        self.jobs_started += 1
        return token

    def _settle(self, finished: Finished) -> int:
        if finished.outcome is None:
            reason = finished.lost or "worker lost"
            return fail_job_trials(self.study, finished.token, reason, self.retry)[0]
        if finished.outcome.trial_id is None:
            return 0
        self._notify(finished.outcome.trial_id)
        return 1

    def _lose(self, finished: Finished) -> bool:
        """Fail the lost job's trials; return whether one of them was queued for a retry."""
        reason = finished.lost or "worker lost"
        return fail_job_trials(self.study, finished.token, reason, self.retry)[1] > 0

    def _tell(self, outcome: Outcome) -> None:
        import optuna

        assert outcome.trial_id is not None
        state = optuna.trial.TrialState[outcome.state]
        number = self.study._storage.get_trial(outcome.trial_id).number
        values = outcome.value if state == optuna.trial.TrialState.COMPLETE else None
        self.study.tell(number, values, state=state, skip_if_finished=True)
        self._notify(outcome.trial_id)

    def _notify(self, trial_id: int) -> None:
        if self.callbacks:
            frozen = self.study._storage.get_trial(trial_id)
            for callback in self.callbacks:
                callback(self.study, frozen)

    def _check_stale(self) -> None:
        interval = self.spec.heartbeat_interval
        if interval is not None and time.monotonic() - self.last_stale_check >= interval:
            fail_stale_trials(self.study, self.retry)
            self.last_stale_check = time.monotonic()


def _known_space(study: optuna.Study) -> dict[str, optuna.distributions.BaseDistribution]:
    """Every parameter of the study's finished trials, first definition first."""
    import optuna

    space: dict[str, optuna.distributions.BaseDistribution] = {}
    finished = (optuna.trial.TrialState.COMPLETE, optuna.trial.TrialState.PRUNED)
    for trial in study.get_trials(deepcopy=False, states=finished):
        for name, distribution in trial.distributions.items():
            space.setdefault(name, distribution)
    return space
