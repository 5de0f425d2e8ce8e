"""Generations of a genetic search, kept in the study's storage so that workers share them.

What lives in storage (the contract every worker relies on):

* trial system attr ``smarttune.genetic:generation`` (int): the generation a trial was bred in,
  set once, when the trial first samples;
* trial system attr ``smarttune.genetic:parents`` (list of two trial ids): its parents;
* study system attr ``smarttune.genetic:record:<g>`` for ``g >= 1``: the :class:`GenerationRecord`
  of generation ``g``, i.e. the parent population its children are bred from, the trials
  considered for the first time when it was selected, and the statistics of generation ``g - 1``.

Generation ``g`` is complete once ``population_size`` trials tagged ``g`` have finished (failed and
pruned ones count, as unfit). The first worker to notice writes record ``g + 1``, selected from the
union of record ``g``'s population and every finished trial no earlier record considered (the
offspring of ``g``, stragglers of earlier generations, and trials of other samplers). Selection is
deterministic (no random numbers, ties broken by trial number), so two workers racing to write the
same record compute the same one unless a trial finished between their reads; a worker always
re-reads the stored chain before extending it, so the chain in storage stays consistent.
"""

from __future__ import annotations

import dataclasses
import math
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
from optuna.search_space import intersection_search_space
from optuna.study import StudyDirection
from optuna.trial import TrialState

from smarttune.samplers._genetic.operators import diversity, select_survivors
from smarttune.space import SpaceEncoder

if TYPE_CHECKING:
    from optuna.distributions import BaseDistribution
    from optuna.study import Study
    from optuna.trial import FrozenTrial

__all__ = [
    "GENERATION_KEY",
    "PARENTS_KEY",
    "GenerationData",
    "GenerationRecord",
    "GenerationStats",
    "Populations",
    "encode_trials",
    "fitness",
    "has_valid",
]

GENERATION_KEY = "smarttune.genetic:generation"
PARENTS_KEY = "smarttune.genetic:parents"
RECORD_PREFIX = "smarttune.genetic:record:"

FloatArray = np.ndarray[Any, np.dtype[np.float64]]


@dataclass(frozen=True)
class GenerationStats:
    """What a finished generation achieved: the data to decide when to stop exploring.

    Attributes:
        generation: The generation whose offspring were evaluated.
        n_finished: Its finished trials (complete, failed or pruned) at selection time.
        n_complete: How many of them completed with a value.
        best_value: The best value among them (None if none completed).
        population_best: The best value in the population selected after it (None if none).
        improvement: How much ``population_best`` improved on the previous population's, in the
            study's direction (positive is better; None for the first generation or no values).
        diversity: Spread of the selected population in the unit cube over the parameters all
            its members share: mean per-coordinate standard deviation, 1 for uniform random
            points, 0 for a collapsed population.
    """

    generation: int
    n_finished: int
    n_complete: int
    best_value: float | None
    population_best: float | None
    improvement: float | None
    diversity: float


@dataclass(frozen=True)
class GenerationRecord:
    """The parent population of one generation, as stored in a study system attr."""

    generation: int
    population: tuple[int, ...]  # trial ids, fittest first
    considered: tuple[int, ...]  # trial ids first considered by this selection
    stats: GenerationStats

    def to_json(self) -> dict[str, Any]:
        """Return the JSON-serializable form stored in the study."""
        return {
            "generation": self.generation,
            "population": list(self.population),
            "considered": list(self.considered),
            "stats": dataclasses.asdict(self.stats),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> GenerationRecord:
        """Rebuild a record from :meth:`to_json`'s output."""
        return cls(
            generation=int(data["generation"]),
            population=tuple(int(i) for i in data["population"]),
            considered=tuple(int(i) for i in data["considered"]),
            stats=GenerationStats(**data["stats"]),
        )


@dataclass
class _View:
    """One worker's cached view of one study's generations."""

    records: dict[int, GenerationRecord] = field(default_factory=dict)
    considered: set[int] = field(default_factory=set)
    finished: dict[int, FrozenTrial] = field(default_factory=dict)  # scanned, by trial id
    fetched: dict[int, FrozenTrial] = field(default_factory=dict)  # read one by one
    counts: Counter[int] = field(default_factory=Counter)  # finished trials per generation tag
    tags: dict[int, int] = field(default_factory=dict)  # generation of trials tagged here
    scan_from: int = 0  # trials before this index are known finished

    @property
    def latest(self) -> int:
        return max(self.records, default=0)


class Populations:
    """Reads, extends and caches the generation records of studies (see the module docstring).

    Args:
        population_size: Trials per generation and size of each parent population.
        n_elites: How many of the fittest survive selection whatever their generation.
    """

    def __init__(self, population_size: int, n_elites: int) -> None:
        self.population_size = population_size
        self.n_elites = n_elites
        self._views: dict[tuple[int, int], _View] = {}

    def generation_of(self, study: Study, trial: FrozenTrial) -> int:
        """Return the trial's generation, tagging it with the current one on first sight."""
        view = self._view(study)
        if trial._trial_id in view.tags:
            return view.tags[trial._trial_id]
        tag = trial.system_attrs.get(GENERATION_KEY)
        if tag is None:
            tag = self.current(study)
            study._storage.set_trial_system_attr(trial._trial_id, GENERATION_KEY, tag)
        view.tags[trial._trial_id] = int(tag)
        return int(tag)

    def forget(self, trial_id: int) -> None:
        """Drop the cached tag of a finished trial (its tag is in storage)."""
        for view in self._views.values():
            view.tags.pop(trial_id, None)

    def current(self, study: Study) -> int:
        """Return the current generation, writing the records of newly completed ones."""
        view = self._view(study)
        self._scan(study, view)
        while view.counts[view.latest] >= self.population_size:
            target = view.latest + 1
            self._sync(study, view)
            if view.latest < target:
                record = self._select(study, view, target)
                key = f"{RECORD_PREFIX}{target}"
                study._storage.set_study_system_attr(study._study_id, key, record.to_json())
                self._sync(study, view)
        return view.latest

    def record(self, study: Study, generation: int) -> GenerationRecord | None:
        """Return the record of ``generation`` (None for generation 0 or an unknown one).

        A record this worker has not seen yet (a trial tagged by another worker) is read from
        storage.
        """
        view = self._view(study)
        if generation > 0 and generation not in view.records:
            self._sync(study, view)
        return view.records.get(generation)

    def records(self, study: Study) -> list[GenerationRecord]:
        """Return every record, oldest first."""
        view = self._view(study)
        return [view.records[g] for g in sorted(view.records)]

    def trials(self, study: Study, trial_ids: tuple[int, ...]) -> list[FrozenTrial]:
        """Return the finished trials with these ids, in the same order."""
        view = self._view(study)
        out = []
        for trial_id in trial_ids:
            trial = view.finished.get(trial_id) or view.fetched.get(trial_id)
            if trial is None:  # finished in another worker after this one's last scan
                trial = view.fetched[trial_id] = study._storage.get_trial(trial_id)
            out.append(trial)
        return out

    def _view(self, study: Study) -> _View:
        key = (id(study._storage), study._study_id)
        if key not in self._views:
            self._views[key] = _View()
            self._sync(study, self._views[key])
        return self._views[key]

    def _scan(self, study: Study, view: _View) -> None:
        """Count trials that finished since the last scan (one pass over the new ones)."""
        trials = study._get_trials(deepcopy=False, use_cache=True)
        for trial in trials[view.scan_from :]:
            if trial.state.is_finished() and trial._trial_id not in view.finished:
                view.finished[trial._trial_id] = trial
                tag = trial.system_attrs.get(GENERATION_KEY)
                if tag is not None:
                    view.counts[int(tag)] += 1
        while view.scan_from < len(trials) and trials[view.scan_from].state.is_finished():
            view.scan_from += 1

    def _sync(self, study: Study, view: _View) -> None:
        """Adopt the records in storage (they win over what this worker computed)."""
        attrs = study._storage.get_study_system_attrs(study._study_id)
        for key, value in attrs.items():
            if key.startswith(RECORD_PREFIX):
                record = GenerationRecord.from_json(value)
                view.records[record.generation] = record
        view.considered = {i for r in view.records.values() for i in r.considered}

    def _select(self, study: Study, view: _View, generation: int) -> GenerationRecord:
        previous = view.records.get(generation - 1)
        parents = self.trials(study, previous.population) if previous else []
        new = [t for i, t in view.finished.items() if i not in view.considered]
        pool = sorted(parents + new, key=lambda t: t.number)
        sign = -1.0 if study.direction == StudyDirection.MINIMIZE else 1.0
        fits = np.array([fitness(t, sign) for t in pool])
        new_ids = {t._trial_id for t in new}
        is_new = np.array([t._trial_id in new_ids for t in pool], dtype=bool)
        chosen = select_survivors(fits, is_new, self.population_size, self.n_elites)
        population = [pool[i] for i in chosen]
        offspring = [t for t in new if t.system_attrs.get(GENERATION_KEY) == generation - 1]
        stats = _stats(generation - 1, offspring, population, previous, sign)
        return GenerationRecord(
            generation=generation,
            population=tuple(t._trial_id for t in population),
            considered=tuple(sorted(new_ids)),
            stats=stats,
        )


def fitness(trial: FrozenTrial, sign: float) -> float:
    """Larger is better; failed, pruned and non-finite trials are unfit (``-inf``)."""
    if trial.state != TrialState.COMPLETE or trial.values is None or len(trial.values) != 1:
        return -math.inf
    value = trial.values[0]
    return sign * value if math.isfinite(value) else -math.inf


def _best(trials: list[FrozenTrial], sign: float) -> float | None:
    fits = [fitness(t, sign) for t in trials]
    best = max(fits, default=-math.inf)
    return None if best == -math.inf else sign * best


def _stats(
    generation: int,
    offspring: list[FrozenTrial],
    population: list[FrozenTrial],
    previous: GenerationRecord | None,
    sign: float,
) -> GenerationStats:
    population_best = _best(population, sign)
    before = previous.stats.population_best if previous else None
    improvement = None
    if population_best is not None and before is not None:
        improvement = sign * (population_best - before) + 0.0  # no -0.0
    shared = intersection_search_space(population) if population else {}
    units = encode_trials(SpaceEncoder(shared), population)
    return GenerationStats(
        generation=generation,
        n_finished=len(offspring),
        n_complete=sum(fitness(t, sign) > -math.inf for t in offspring),
        best_value=_best(offspring, sign),
        population_best=population_best,
        improvement=improvement,
        diversity=diversity(units),
    )


class GenerationData:
    """A parent population with its fitness and its encodings in the spaces asked for."""

    def __init__(self, population: list[FrozenTrial], direction: StudyDirection) -> None:
        sign = -1.0 if direction == StudyDirection.MINIMIZE else 1.0
        self.population = population
        self.fitness = np.array([fitness(t, sign) for t in population])
        self.index = {t._trial_id: i for i, t in enumerate(population)}
        self._units: dict[tuple[Any, ...], FloatArray] = {}

    def encoded(self, encoder: SpaceEncoder) -> FloatArray:
        """Return the population's unit-cube points (NaN where a value is absent or invalid)."""
        key = tuple(encoder.search_space.items())
        if key not in self._units:
            self._units[key] = encode_trials(encoder, self.population)
        return self._units[key]


def encode_trials(encoder: SpaceEncoder, trials: list[FrozenTrial]) -> FloatArray:
    """Encode trials' parameters, NaN where a value is absent or outside the distribution."""
    params: list[Mapping[str, Any]] = [
        {n: t.params[n] for n, d in encoder.search_space.items() if has_valid(t, n, d)}
        for t in trials
    ]
    return encoder.encode_many(params)


def has_valid(trial: FrozenTrial, name: str, dist: BaseDistribution) -> bool:
    """Whether ``trial`` has a value for ``name`` that ``dist`` admits."""
    if name not in trial.params:
        return False
    if trial.distributions.get(name) == dist:
        return True
    try:
        return bool(dist._contains(dist.to_internal_repr(trial.params[name])))
    except (ValueError, TypeError):
        return False
