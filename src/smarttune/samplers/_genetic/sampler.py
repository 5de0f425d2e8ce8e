"""GeneticSampler: a generational genetic algorithm whose population lives in the storage."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

import numpy as np
from optuna.samplers import BaseSampler
from optuna.search_space import IntersectionSearchSpace

from smarttune._validation import Constraint, Interval, Options, validate_params
from smarttune.samplers._common import check_single_objective
from smarttune.samplers._genetic import operators as ops
from smarttune.samplers._genetic.population import (
    PARENTS_KEY,
    GenerationData,
    GenerationStats,
    Populations,
    has_valid,
)
from smarttune.space import SpaceEncoder, mutate_unit

if TYPE_CHECKING:
    from collections.abc import Sequence

    from optuna.distributions import BaseDistribution
    from optuna.study import Study
    from optuna.trial import FrozenTrial, TrialState

__all__ = ["GeneticSampler"]

FloatArray = np.ndarray[Any, np.dtype[np.float64]]
_MAX_CACHED_TRIALS = 4096

_CONSTRAINTS: dict[str, list[Constraint | None]] = {
    "population_size": [Interval(int, 2, None)],
    "n_elites": [Interval(int, 0, None), None],
    "tournament_size": [Interval(int, 1, None)],
    "crossover": [Options(ops.CROSSOVERS)],
    "crossover_prob": [Interval(float, 0, 1)],
    "sbx_eta": [Interval(float, 0, None)],
    "blx_alpha": [Interval(float, 0, None)],
    "mutation_scale": [Interval(float, 0, 1, closed="right")],
    "mutation_rate": [Interval(float, 0, 1)],
    "mutation_decay": [Interval(float, 0, 1, closed="right")],
    "seed": [Interval(int, 0, None), None],
}


class GeneticSampler(BaseSampler):
    """A genetic algorithm (Holland, 1975; Goldberg, 1989) over Optuna search spaces.

    Individuals are points of the unit cube of :class:`smarttune.space.SpaceEncoder` (log scales
    linear, integers and categoricals as equal-width cells). Generation 0 is a scrambled Sobol'
    design indexed by trial number. Each later child draws two parents from the current parent
    population by tournament selection (Miller & Goldberg, 1995), crosses them with probability
    ``crossover_prob`` and mutates the result with :func:`smarttune.space.mutate_unit` (Gaussian in
    the encoded space, at least one step for integers, resampling for categoricals) at the scale
    and rate of :func:`~smarttune.samplers._genetic.operators.mutation_schedule`: both decay by
    ``mutation_decay`` per generation, the scale down to 0.001 and the rate down to ``1 / d``.

    When ``population_size`` trials of a generation have finished (failed and pruned trials are
    finished but unfit), the next parent population is selected from the previous one plus every
    newly finished trial: the ``n_elites`` fittest survive, the other places go to the fittest
    offspring (``n_elites=None``: all places to the fittest, i.e. elitist (mu + lambda)).
    Generations live in study and trial system attrs, so processes sharing a storage evolve one
    population (see :mod:`smarttune.samplers._genetic.population`).

    Parameters outside the intersection search space (conditional or dynamic ones, e.g. the
    units of a variable number of layers) are inherited from the first parent that has a value
    valid for them, mutated with the current rate, or else drawn uniformly in the unit cube.

    Args:
        population_size: Trials per generation and size of the parent population.
        n_elites: How many of the fittest survive selection whatever their generation; None
            for all (mu + lambda). At most ``population_size``.
        tournament_size: Contestants per tournament (at most ``population_size``).
        crossover: ``"sbx"`` (Deb & Agrawal, 1995), ``"blx"`` (BLX-alpha, Eshelman & Schaffer,
            1993), ``"single_point"`` (Holland, 1975) or ``"uniform"`` (Syswerda, 1989).
        crossover_prob: Probability that a child is a crossover rather than a mutated copy.
        sbx_eta: Distribution index of SBX; larger keeps children closer to their parents.
        blx_alpha: How far BLX-alpha extends the parents' interval on each side.
        mutation_scale: Initial standard deviation of numeric mutations, in unit-cube units.
        mutation_rate: Initial per-parameter mutation probability.
        mutation_decay: Factor applied to scale and rate at every generation.
        seed: Seed for reproducible serial runs; each trial draws from a generator seeded by
            ``(seed, trial number)``, so workers sharing a seed never breed identical children.

    Raises:
        InvalidParameterError: If an argument is outside its allowed set.
    """

    def __init__(
        self,
        *,
        population_size: int = 10,
        n_elites: int | None = None,
        tournament_size: int = 3,
        crossover: ops.CrossoverName = "sbx",
        crossover_prob: float = 0.9,
        sbx_eta: float = 10.0,
        blx_alpha: float = 0.5,
        mutation_scale: float = 0.2,
        mutation_rate: float = 0.5,
        mutation_decay: float = 0.9,
        seed: int | None = None,
    ) -> None:
        params = dict(locals())
        del params["self"]
        _validate(params)
        self.population_size = population_size
        self.n_elites = n_elites
        self.tournament_size = tournament_size
        self.crossover = crossover
        self.crossover_prob = crossover_prob
        self.sbx_eta = sbx_eta
        self.blx_alpha = blx_alpha
        self.mutation_scale = mutation_scale
        self.mutation_rate = mutation_rate
        self.mutation_decay = mutation_decay
        self.seed = seed
        self._init_state()

    def _init_state(self) -> None:
        entropy = np.random.SeedSequence(self.seed).entropy
        self._entropy: int = int(entropy)  # type: ignore[arg-type]
        self._sobol_seed = int(np.random.default_rng([self._entropy, 1]).integers(2**31))
        n_elites = self.population_size if self.n_elites is None else self.n_elites
        self._populations = Populations(self.population_size, n_elites)
        self._spaces: dict[tuple[int, int], IntersectionSearchSpace] = {}
        self._rngs: dict[int, np.random.Generator] = {}
        self._parents: dict[int, list[FrozenTrial]] = {}
        self._generations: dict[tuple[Any, ...], GenerationData] = {}
        self._lock = threading.RLock()

    def __getstate__(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.get_params()}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._init_state()

    def get_params(self) -> dict[str, Any]:
        """Return the constructor arguments this sampler was built with."""
        names = list(_CONSTRAINTS)
        return {name: getattr(self, name) for name in names}

    def reseed_rng(self) -> None:
        """Draw fresh entropy for the per-trial generators (the Sobol' scramble is kept)."""
        with self._lock:
            self._entropy = int(np.random.SeedSequence().entropy)  # type: ignore[arg-type]
            self._rngs.clear()

    # ----------------------------------------------------------------- Optuna hooks

    def infer_relative_search_space(
        self, study: Study, trial: FrozenTrial
    ) -> dict[str, BaseDistribution]:
        """Return the intersection search space without single-value distributions."""
        check_single_objective(study, "GeneticSampler")
        key = (id(study._storage), study._study_id)
        with self._lock:
            space = self._spaces.setdefault(key, IntersectionSearchSpace())
            full = space.calculate(study, use_cache=True)
        return {name: dist for name, dist in full.items() if not dist.single()}

    def sample_relative(
        self, study: Study, trial: FrozenTrial, search_space: dict[str, BaseDistribution]
    ) -> dict[str, Any]:
        """Breed the trial's parameters in ``search_space`` (Sobol' in generation 0)."""
        check_single_objective(study, "GeneticSampler")
        with self._lock:
            generation = self._populations.generation_of(study, trial)
            rng = self._rng(trial)
            if not search_space:
                if generation > 0:
                    self._select_parents(study, trial, generation)
                return {}
            encoder = SpaceEncoder(search_space)
            if generation == 0:
                unit = ops.sobol_point(encoder.dim, trial.number, self._sobol_seed)
            else:
                unit = self._breed(study, trial, generation, encoder, rng)
            return encoder.decode(unit)

    def sample_independent(
        self,
        study: Study,
        trial: FrozenTrial,
        param_name: str,
        param_distribution: BaseDistribution,
    ) -> Any:
        """Inherit the parameter from a parent (mutated at the current rate), else draw it."""
        check_single_objective(study, "GeneticSampler")
        encoder = SpaceEncoder({param_name: param_distribution})
        with self._lock:
            generation = self._populations.generation_of(study, trial)
            rng = self._rng(trial)
            if generation > 0:
                for parent in self._select_parents(study, trial, generation):
                    if has_valid(parent, param_name, param_distribution):
                        unit = encoder.encode(parent.params)
                        scale, rate = self.mutation_schedule(generation, len(parent.params))
                        if rng.random() < rate:
                            unit = mutate_unit(encoder, unit, rng, scale=scale, rate=1.0)
                        return encoder.decode(unit)[param_name]
            return encoder.decode(rng.random(1))[param_name]

    def after_trial(
        self,
        study: Study,
        trial: FrozenTrial,
        state: TrialState,
        values: Sequence[float] | None,
    ) -> None:
        """Forget the finished trial's cached generator, parents and tag."""
        with self._lock:
            self._rngs.pop(trial._trial_id, None)
            self._parents.pop(trial._trial_id, None)
            self._populations.forget(trial._trial_id)

    # ----------------------------------------------------------------- public state

    def generation(self, study: Study) -> int:
        """Return the index of the generation new trials of ``study`` are bred in (0 first)."""
        with self._lock:
            return self._populations.current(study)

    def population(self, study: Study) -> list[FrozenTrial]:
        """Return the current parent population, fittest first (empty in generation 0).

        Like :meth:`generation`, this first records the next generation if one just completed.
        """
        with self._lock:
            record = self._populations.record(study, self._populations.current(study))
            return self._populations.trials(study, record.population) if record else []

    def elites(self, study: Study) -> list[FrozenTrial]:
        """Return the ``n_elites`` fittest of :meth:`population` (all of it if None)."""
        population = self.population(study)
        return population if self.n_elites is None else population[: self.n_elites]

    def generation_stats(self, study: Study) -> list[GenerationStats]:
        """Return the statistics of every completed generation, oldest first.

        ``improvement`` (change of the population's best value) and ``diversity`` (spread of the
        population in the unit cube) are the signals to switch from exploration to exploitation.
        """
        with self._lock:
            self._populations.current(study)
            return [record.stats for record in self._populations.records(study)]

    def mutation_schedule(self, generation: int, dim: int) -> tuple[float, float]:
        """Return the mutation ``(scale, rate)`` for children of ``generation`` in ``dim`` dims."""
        return ops.mutation_schedule(
            generation,
            dim,
            scale=self.mutation_scale,
            rate=self.mutation_rate,
            decay=self.mutation_decay,
        )

    # ----------------------------------------------------------------- breeding

    def _rng(self, trial: FrozenTrial) -> np.random.Generator:
        """The trial's own generator, seeded by ``(seed, trial number)``."""
        if trial._trial_id not in self._rngs:
            if len(self._rngs) > _MAX_CACHED_TRIALS:  # trials sampled but never told
                self._rngs.clear()
                self._parents.clear()
            self._rngs[trial._trial_id] = np.random.default_rng([self._entropy, 0, trial.number])
        return self._rngs[trial._trial_id]

    def _select_parents(self, study: Study, trial: FrozenTrial, generation: int) -> list[Any]:
        """Pick (once per trial) two parents by tournament and record them in storage."""
        if trial._trial_id in self._parents:
            return self._parents[trial._trial_id]
        data = self._generation_data(study, generation)
        rng = self._rng(trial)
        first = ops.tournament(data.fitness, self.tournament_size, rng)
        second = ops.tournament(data.fitness, self.tournament_size, rng, exclude=first)
        parents = [data.population[first], data.population[second]]
        ids = [p._trial_id for p in parents]
        study._storage.set_trial_system_attr(trial._trial_id, PARENTS_KEY, ids)
        self._parents[trial._trial_id] = parents
        return parents

    def _generation_data(self, study: Study, generation: int) -> GenerationData:
        """Return the parent population of ``generation`` and its fitness (cached)."""
        record = self._populations.record(study, generation)
        if record is None:
            raise RuntimeError(f"Generation {generation} has no record in the study.")
        key = (id(study._storage), study._study_id, generation, record.population)
        if key not in self._generations:
            if len(self._generations) > 8:
                self._generations.clear()
            population = self._populations.trials(study, record.population)
            self._generations[key] = GenerationData(population, study.direction)
        return self._generations[key]

    def _breed(
        self,
        study: Study,
        trial: FrozenTrial,
        generation: int,
        encoder: SpaceEncoder,
        rng: np.random.Generator,
    ) -> FloatArray:
        parents = self._select_parents(study, trial, generation)
        data = self._generation_data(study, generation)
        units = data.encoded(encoder)
        u1, u2 = (units[data.index[p._trial_id]] for p in parents)
        if rng.random() < self.crossover_prob:
            child = ops.crossover(
                self.crossover,
                u1,
                u2,
                rng,
                categorical=encoder.is_categorical,
                eta=self.sbx_eta,
                alpha=self.blx_alpha,
            )
        else:
            child = np.where(np.isnan(u1), u2, u1)
        missing = np.isnan(child)
        child[missing] = rng.random(int(missing.sum()))
        scale, rate = self.mutation_schedule(generation, encoder.dim)
        return mutate_unit(encoder, child, rng, scale=scale, rate=rate)


def _validate(params: dict[str, Any]) -> None:
    validate_params(params, _CONSTRAINTS, owner="GeneticSampler")
    size = params["population_size"]
    upto_size: dict[str, list[Constraint | None]] = {
        "n_elites": [Interval(int, 0, size), None],
        "tournament_size": [Interval(int, 1, size)],
    }
    validate_params(params, upto_size, owner="GeneticSampler")
