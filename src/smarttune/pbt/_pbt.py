"""PopulationBasedTraining: a population tunes its hyperparameters while it trains."""

from __future__ import annotations

import contextlib
import math
import multiprocessing
import os
import re
from concurrent.futures import Executor, Future, ProcessPoolExecutor, as_completed
from typing import TYPE_CHECKING, Any

import numpy as np
import optuna
from optuna.trial import TrialState

from smarttune._validation import Constraint, InstanceOf, Interval, Options, validate_params
from smarttune.exceptions import InvalidParameterError, StorageError
from smarttune.pbt._explore import perturb, truncation_pairs
from smarttune.pbt._records import CONFIG_KEY, SEGMENT_FIELDS, SEGMENT_KEY, Segment, segments
from smarttune.pbt._store import CheckpointStore, LocalCheckpointStore
from smarttune.pbt._worker import CheckpointTask, SegmentSpec, init_worker, run_segment
from smarttune.storage import open_storage

if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = ["PopulationBasedTraining"]

_CONSTRAINTS: dict[str, list[Constraint | None]] = {
    "population_size": [Interval(int, 2, None)],
    "perturbation_interval": [Interval(int, 1, None)],
    "quantile": [Interval(float, 0, 0.5, closed="right")],
    "resample_probability": [Interval(float, 0, 1)],
    "categorical_resample_probability": [Interval(float, 0, 1)],
    "explore": [InstanceOf(list, tuple), None],
    "checkpoint_store": [InstanceOf(CheckpointStore), None],
    "n_workers": [Interval(int, 1, None)],
    "executor": [Options(("local", "ray"))],
    "ray_address": [InstanceOf(str), None],
    "seed": [Interval(int, 0, 2**32 - 1)],
}


class PopulationBasedTraining:
    """Population-based training (M. Jaderberg et al., arXiv:1711.09846, 2017).

    ``population_size`` members start from configurations the task suggests (drawn at random)
    and train in parallel. After every ``perturbation_interval`` steps (epochs) each member is
    scored on the validation split; the bottom ``quantile`` then *exploit*: each copies the
    checkpoint (weights and optimizer statistics) and the configuration of a member drawn from
    the top ``quantile``, and *explore*: the copied parameters that match ``explore`` are
    perturbed (see :mod:`smarttune.pbt._explore`: numbers times 0.8 or 1.2, or resampled with
    ``resample_probability``; categories resampled with ``categorical_resample_probability``).
    An exploited member resumes the donor's checkpoint **with its own, perturbed
    configuration** (the learning rate in the optimizer included: Ray Tune issue #28196).

    Rounds are synchronous: all members finish an interval before any is perturbed (the
    generational variant of the paper's asynchronous scheme; results do not depend on which
    worker was faster). Every segment (one member, one interval) is an Optuna trial recorded in
    the storage with its lineage (see :mod:`smarttune.pbt._records`): :func:`lineage` and
    :func:`replay` read and retrain any member's hyperparameter schedule. Only the calling
    process writes to the storage; workers read and write checkpoints in ``checkpoint_store``.
    A run that was killed resumes from the storage and the store: finished segments are kept
    and unfinished ones (left RUNNING) are trained again with their recorded plan.

    Args:
        population_size: Members of the population.
        perturbation_interval: Steps (epochs) between exploit/explore rounds.
        quantile: Fraction of the population at each end of the ranking, in (0, 0.5].
        resample_probability: Probability that a numeric parameter is redrawn, not scaled.
        categorical_resample_probability: Probability that a categorical one is redrawn.
        explore: fnmatch patterns of the parameters to perturb; None for the task's
            ``mutable_params``. Other parameters are copied on exploit, never perturbed.
        checkpoint_store: Where checkpoints go; None for a :class:`LocalCheckpointStore` in
            ``./smarttune-pbt/<study name>``.
        n_workers: Workers training members in parallel (1 with the local executor: train in
            this process).
        executor: ``"local"`` (spawned worker processes on this machine) or ``"ray"`` (Ray
            actors on the cluster at ``ray_address``, one CPU each; the checkpoint store must
            be reachable from every node).
        ray_address: The Ray cluster for ``executor="ray"``; None for ``RAY_ADDRESS`` or a
            local Ray instance.
        seed: Seed of the initial configurations, exploit draws, perturbations and training.
    """

    def __init__(
        self,
        *,
        population_size: int = 8,
        perturbation_interval: int = 1,
        quantile: float = 0.25,
        resample_probability: float = 0.25,
        categorical_resample_probability: float = 0.5,
        explore: Sequence[str] | None = None,
        checkpoint_store: CheckpointStore | None = None,
        n_workers: int = 1,
        executor: str = "local",
        ray_address: str | None = None,
        seed: int = 0,
    ) -> None:
        params = dict(locals())
        del params["self"]
        validate_params(params, _CONSTRAINTS, owner="PopulationBasedTraining")
        self.population_size = population_size
        self.perturbation_interval = perturbation_interval
        self.quantile = float(quantile)
        self.resample_probability = float(resample_probability)
        self.categorical_resample_probability = float(categorical_resample_probability)
        self.explore = tuple(explore) if explore is not None else None
        self.checkpoint_store = checkpoint_store
        self.n_workers = n_workers
        self.executor = executor
        self.ray_address = ray_address
        self.seed = seed

    def optimize(
        self,
        task: CheckpointTask,
        *,
        n_steps: int,
        study_name: str,
        storage: str | optuna.storages.BaseStorage | None = None,
    ) -> optuna.Study:
        """Train the population for ``n_steps`` steps per member; create or resume the study.

        Raises:
            InvalidParameterError: If the task does not support checkpoints.
            StorageError: If the study exists with another population size or interval.
        """
        validate_params(
            {"n_steps": n_steps, "study_name": study_name},
            {"n_steps": [Interval(int, 1, None)], "study_name": [InstanceOf(str)]},
            owner="PopulationBasedTraining.optimize()",
        )
        if not getattr(task, "supports_checkpoints", False):
            raise InvalidParameterError(
                "The 'task' parameter of PopulationBasedTraining.optimize() must support "
                f"checkpoints (save_checkpoint/load_checkpoint). Got {task!r} instead."
            )
        study = optuna.create_study(
            study_name=study_name,
            storage=open_storage(storage),
            direction="maximize" if task.direction == "maximize" else "minimize",
            sampler=optuna.samplers.RandomSampler(seed=self.seed),
            load_if_exists=True,
        )
        self._check_config(study)
        store = self.checkpoint_store or LocalCheckpointStore(
            directory=os.path.join("smarttune-pbt", _safe(study_name))
        )
        n_rounds = math.ceil(n_steps / self.perturbation_interval)
        with self._executor(task, store) as pool:
            for round_ in range(n_rounds):
                steps = min(
                    self.perturbation_interval, n_steps - round_ * self.perturbation_interval
                )
                specs = self._plan_round(study, task, round_, steps)
                self._train(study, pool, specs)
        return study

    # ----------------------------------------------------------------- planning

    def _check_config(self, study: optuna.Study) -> None:
        config = {"population_size": self.population_size, "interval": self.perturbation_interval}
        recorded = study._storage.get_study_system_attrs(study._study_id).get(CONFIG_KEY)
        if recorded is None:
            study._storage.set_study_system_attr(study._study_id, CONFIG_KEY, config)
        elif dict(recorded) != config:
            raise StorageError(
                f"The study {study.study_name!r} was started with {dict(recorded)}; it cannot "
                f"resume with {config}."
            )

    def _plan_round(
        self, study: optuna.Study, task: CheckpointTask, round_: int, steps: int
    ) -> list[SegmentSpec]:
        """The segments of ``round_`` still to train, creating the trials not yet recorded."""
        latest = {(s.member, s.round): s for s in segments(study)}
        if round_ > 0 and all((m, round_) in latest for m in range(self.population_size)):
            plans = None  # every segment of the round is recorded already
        else:
            plans = self._decide(study, task, latest, round_)
        specs = []
        for member in range(self.population_size):
            segment = latest.get((member, round_))
            if segment is None:  # COMPLETE and FAIL segments are done, RUNNING ones retrained
                segment = self._create(study, task, member, round_, steps, plans)
            if segment.state == TrialState.RUNNING:
                specs.append(self._spec(segment, latest, steps))
        return specs

    def _decide(
        self,
        study: optuna.Study,
        task: CheckpointTask,
        latest: dict[tuple[int, int], Segment],
        round_: int,
    ) -> dict[int, tuple[Segment, dict[str, Any]]] | None:
        """Each member's parent segment and configuration for ``round_`` (exploit, explore)."""
        if round_ == 0:
            return None
        previous = [latest[(m, round_ - 1)] for m in range(self.population_size)]
        rng = np.random.default_rng([self.seed, round_])
        scores = [s.score if s.score is not None else math.nan for s in previous]
        pairs = truncation_pairs(
            scores, quantile=self.quantile, maximize=task.direction == "maximize", rng=rng
        )
        explore = self.explore if self.explore is not None else task.mutable_params
        plans = {}
        for member, own in enumerate(previous):
            if member not in pairs:
                plans[member] = (own, own.params)
                continue
            donor = previous[pairs[member]]
            params = perturb(
                donor.params,
                _trial(study, donor.trial).distributions,
                explore=explore,
                resample_probability=self.resample_probability,
                categorical_resample_probability=self.categorical_resample_probability,
                rng=rng,
            )
            plans[member] = (donor, params)
        return plans

    def _create(
        self,
        study: optuna.Study,
        task: CheckpointTask,
        member: int,
        round_: int,
        steps: int,
        plans: dict[int, tuple[Segment, dict[str, Any]]] | None,
    ) -> Segment:
        """Ask a trial for the segment and record its plan."""
        if plans is None:
            trial = study.ask()
            task.suggest(trial)
            parent, donor = None, member
        else:
            source, params = plans[member]
            study.enqueue_trial(params)
            trial = study.ask(fixed_distributions=_trial(study, source.trial).distributions)
            parent, donor = source.trial, source.member
        segment = Segment(
            trial=trial.number,
            member=member,
            round=round_,
            step=round_ * self.perturbation_interval + steps,
            parent=parent,
            donor=donor,
            seed=(self.seed + 7919 * round_ + member) % 2**32,
            checkpoint=f"study{study._study_id}-trial{trial.number}",
            params=dict(trial.params),
            score=None,
            state=TrialState.RUNNING,
        )
        record = {key: getattr(segment, key) for key in SEGMENT_FIELDS}
        study._storage.set_trial_system_attr(trial._trial_id, SEGMENT_KEY, record)
        return segment

    @staticmethod
    def _spec(segment: Segment, latest: dict[tuple[int, int], Segment], steps: int) -> SegmentSpec:
        parent = None
        if segment.parent is not None:
            parent = next(s for s in latest.values() if s.trial == segment.parent).checkpoint
        return SegmentSpec(
            trial=segment.trial,
            params=segment.params,
            seed=segment.seed,
            steps=steps,
            parent_checkpoint=parent,
            checkpoint=segment.checkpoint,
        )

    # ----------------------------------------------------------------- training

    def _executor(
        self, task: CheckpointTask, store: CheckpointStore
    ) -> contextlib.AbstractContextManager[Executor]:
        """Workers that each load the task once: Ray actors, processes, or (one) this process."""
        if self.executor == "ray":
            from smarttune.execution.ray import RayActorPool

            return RayActorPool(
                max_workers=min(self.n_workers, self.population_size),
                initializer=init_worker,
                initargs=(task, store),
                address=self.ray_address,
            )
        if self.n_workers == 1:
            init_worker(task, store)
            return contextlib.nullcontext(_InlineExecutor())
        return ProcessPoolExecutor(
            max_workers=min(self.n_workers, self.population_size),
            mp_context=multiprocessing.get_context("spawn"),
            initializer=init_worker,
            initargs=(task, store),
        )

    def _train(self, study: optuna.Study, pool: Executor, specs: list[SegmentSpec]) -> None:
        """Train the segments in parallel; record each score as it arrives."""
        futures = [pool.submit(run_segment, spec) for spec in specs]
        for future in as_completed(futures):
            self._record(study, *future.result())

    @staticmethod
    def _record(study: optuna.Study, trial_number: int, score: float) -> None:
        trial = _trial(study, trial_number)
        step = int(trial.system_attrs[SEGMENT_KEY]["step"])
        study._storage.set_trial_intermediate_value(trial._trial_id, step, score)
        if math.isfinite(score):
            study.tell(trial_number, score)
        else:
            study.tell(trial_number, state=TrialState.FAIL)

    def __repr__(self) -> str:
        return (
            f"PopulationBasedTraining(population_size={self.population_size}, "
            f"perturbation_interval={self.perturbation_interval}, quantile={self.quantile}, "
            f"n_workers={self.n_workers}, executor={self.executor!r}, seed={self.seed})"
        )


class _InlineExecutor(Executor):
    """Runs each submitted call at once, in this process (for ``n_workers=1``)."""

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Future[Any]:
        future: Future[Any] = Future()
        future.set_result(fn(*args, **kwargs))
        return future


def _trial(study: optuna.Study, number: int) -> optuna.trial.FrozenTrial:
    """The trial numbered ``number`` (trial numbers index a study's trials), not copied."""
    return study.get_trials(deepcopy=False)[number]


def _safe(name: str) -> str:
    """``name`` with characters unsafe in a directory name replaced by ``_``."""
    return re.sub(r"[^A-Za-z0-9_.-]", "_", name) or "study"
