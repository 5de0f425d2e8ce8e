"""The executor base class: settings common to every executor, and the run they share."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import TYPE_CHECKING, Any

from smarttune._validation import Constraint, Interval, validate_params
from smarttune.execution._base import OBJECTIVE_KEY, PRUNER_KEY, SAMPLER_KEY, StudySpec
from smarttune.execution._driver import drive
from smarttune.execution._worker import open_spec_storage
from smarttune.pruners import resolve_pruner
from smarttune.samplers import resolve_sampler

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from contextlib import AbstractContextManager

    import optuna

    from smarttune.execution._driver import Pool

__all__ = ["Executor"]

COMMON_CONSTRAINTS: dict[str, list[Constraint | None]] = {
    "max_retries": [Interval(int, 0, None)],
    "batch_size": [Interval(int, 1, None), None],
    "heartbeat_interval": [Interval(int, 1, None), None],
    "grace_period": [Interval(int, 1, None), None],
}


class Executor(ABC):
    """Runs the trials of a study in workers that share its storage.

    Args:
        max_retries: How many times a trial whose worker died is run again with the same
            parameters (0: never).
        batch_size: None for free-running workers; an int for the deterministic batch mode,
            where a seeded parallel run proposes the same configurations as a serial one.
        heartbeat_interval: Seconds between heartbeats of each running trial on RDB storages
            (SQLite, PostgreSQL), so that a trial whose machine vanished is failed and retried
            after ``grace_period``; None records no heartbeat.
        grace_period: Seconds without a heartbeat before a running trial counts as dead (None:
            twice the interval).
    """

    def __init__(
        self,
        *,
        max_retries: int = 1,
        batch_size: int | None = None,
        heartbeat_interval: int | None = None,
        grace_period: int | None = None,
    ) -> None:
        self.max_retries = max_retries
        self.batch_size = batch_size
        self.heartbeat_interval = heartbeat_interval
        self.grace_period = grace_period

    def _validate_common(self) -> None:
        validate_params(
            {
                "max_retries": self.max_retries,
                "batch_size": self.batch_size,
                "heartbeat_interval": self.heartbeat_interval,
                "grace_period": self.grace_period,
            },
            COMMON_CONSTRAINTS,
            owner=type(self).__name__,
        )

    @abstractmethod
    def _pool(self) -> AbstractContextManager[Pool]:
        """Start the workers; stop them on exit."""

    def run(
        self,
        *,
        storage: str,
        study_name: str,
        objective: Callable[[optuna.Trial], float],
        sampler: str | optuna.samplers.BaseSampler = "tpe",
        pruner: str | optuna.pruners.BasePruner | None = None,
        seed: int | None = None,
        n_trials: int | None = None,
        timeout: float | None = None,
        callbacks: Sequence[Callable[[optuna.Study, optuna.trial.FrozenTrial], None]] = (),
    ) -> optuna.Study:
        """Run trials of the study ``study_name`` in ``storage``; return the study.

        Trials run until ``n_trials`` of them settle or ``timeout`` seconds pass.
        The study records how to run its trials (objective spec, sampler and pruner names) so
        that ``smarttune worker`` can join it.
        """
        import optuna

        self._validate_common()
        spec = StudySpec(
            storage, study_name, objective, sampler, pruner, seed,
            self.heartbeat_interval, self.grace_period, self.max_retries,
        )  # fmt: skip
        study = optuna.load_study(
            study_name=study_name,
            storage=open_spec_storage(spec),
            sampler=resolve_sampler(sampler, seed=seed),
            pruner=resolve_pruner(pruner),
        )
        _record_recipe(study, spec)
        with self._pool() as pool:
            drive(
                pool, study, spec, n_trials=n_trials, timeout=timeout,
                batch_size=self.batch_size, callbacks=callbacks,
            )  # fmt: skip
        return study

    def __repr__(self) -> str:
        settings = ", ".join(f"{k}={v!r}" for k, v in self._settings().items())
        return f"{type(self).__name__}({settings})"

    def _settings(self) -> dict[str, Any]:
        return {
            "max_retries": self.max_retries,
            "batch_size": self.batch_size,
            "heartbeat_interval": self.heartbeat_interval,
            "grace_period": self.grace_period,
        }


def _record_recipe(study: optuna.Study, spec: StudySpec) -> None:
    to_dict = getattr(spec.objective, "to_dict", None)
    if callable(to_dict):
        study._storage.set_study_system_attr(study._study_id, OBJECTIVE_KEY, to_dict())
    if isinstance(spec.sampler, str):
        study._storage.set_study_system_attr(study._study_id, SAMPLER_KEY, spec.sampler)
    if isinstance(spec.pruner, str):
        study._storage.set_study_system_attr(study._study_id, PRUNER_KEY, spec.pruner)
