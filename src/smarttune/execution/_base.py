"""The contract between a driver, its executor and the workers that run trials.

A **driver** (``tune()``, ``smarttune tune``) owns the budget: it decides how many trials start,
hands each one to the executor as a :class:`TrialJob` and counts what comes back. An
**executor** (:class:`~smarttune.execution.LocalExecutor`,
:class:`~smarttune.execution.RayExecutor`) only moves jobs to workers and reports each one as
finished or as lost with its worker. A **worker** (a process, a Ray task, ``smarttune worker``)
opens the storage by URL and runs one trial per job.

Everything several processes must agree on lives in the storage, never in a driver's memory:

* ``smarttune:worker`` (trial system attr) — the job token, host and process that run the trial;
  a driver that loses the job fails exactly the trials carrying its token;
* ``smarttune:retry_of`` / ``smarttune:retry_history`` — on a retried trial, the number of the
  trial whose worker died, and every attempt before it;
* ``smarttune:objective``, ``smarttune:sampler``, ``smarttune:pruner`` (study system attrs) —
  how to run the study's trials, so ``smarttune worker`` can join it from any machine.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import optuna

__all__ = ["Finished", "Outcome", "StudySpec", "TrialJob"]

WORKER_KEY = "smarttune:worker"
RETRY_OF_KEY = "smarttune:retry_of"
RETRY_HISTORY_KEY = "smarttune:retry_history"
OBJECTIVE_KEY = "smarttune:objective"
SAMPLER_KEY = "smarttune:sampler"
PRUNER_KEY = "smarttune:pruner"


@dataclass(frozen=True)
class StudySpec:
    """What a worker needs to run trials of a study: all of it picklable.

    Attributes:
        storage: The storage URL (workers open it themselves).
        study_name: The study's name in ``storage``.
        objective: A picklable callable of a trial (an importable function or an
            :class:`~smarttune.execution.ObjectiveSpec`).
        sampler: A sampler name, resolved in each worker, or a picklable sampler instance.
        pruner: A pruner name, a picklable pruner instance, or None.
        seed: The run's seed; workers derive their samplers' seeds from it.
        heartbeat_interval: Seconds between heartbeats of a running trial (RDB storages).
        grace_period: Seconds without a heartbeat after which a running trial is stale.
        max_retries: How many times a trial whose worker died is run again.
    """

    storage: str
    study_name: str
    objective: Callable[[optuna.Trial], float]
    sampler: str | optuna.samplers.BaseSampler = "tpe"
    pruner: str | optuna.pruners.BasePruner | None = None
    seed: int | None = None
    heartbeat_interval: int | None = None
    grace_period: int | None = None
    max_retries: int = 1


@dataclass(frozen=True)
class TrialJob:
    """One trial to run.

    Attributes:
        study: The study.
        token: A unique token; the worker tags the trial with it.
        sampler_seed: The seed of the sampler this job's worker builds (None: unseeded).
        trial_id: In batch mode, the trial the driver already asked for; None lets the worker
            ask the study for the next trial itself.
    """

    study: StudySpec
    token: str
    sampler_seed: int | None = None
    trial_id: int | None = None


@dataclass(frozen=True)
class Outcome:
    """What a worker reports after running a job's trial.

    Attributes:
        token: The job's token.
        trial_id: The trial it ran, or None if it ran none (the study was deleted).
        state: ``"COMPLETE"``, ``"PRUNED"`` or ``"FAIL"``.
        value: The objective's value (batch mode: the driver tells it), or None.
    """

    token: str
    trial_id: int | None
    state: str
    value: float | None = None


@dataclass(frozen=True)
class Finished:
    """A job the executor is done with: its outcome, or why its worker was lost."""

    token: str
    outcome: Outcome | None
    lost: str | None = None
