"""HybridSampler: genetic exploration, then Bayesian-bandit refinement of the region found."""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from optuna.samplers import BaseSampler
from optuna.trial import TrialState

from smarttune._validation import Constraint, InstanceOf, Interval, validate_params
from smarttune.exceptions import InvalidParameterError
from smarttune.knowledge import TaskKnowledge
from smarttune.samplers._bandit import BayesianBanditSampler
from smarttune.samplers._common import (
    check_single_objective,
    copula_scores,
)
from smarttune.samplers._fidelity import default_min_observations, observations
from smarttune.samplers._genetic import GeneticSampler
from smarttune.samplers._hybrid._region import trust_region
from smarttune.samplers._hybrid._switch import SwitchDecision, decide_switch
from smarttune.space import SpaceEncoder

if TYPE_CHECKING:
    from optuna.distributions import BaseDistribution
    from optuna.study import Study
    from optuna.trial import FrozenTrial

__all__ = ["PHASE_KEY", "SWITCH_KEY", "HybridSampler", "PriorObservations"]

FloatArray = np.ndarray[Any, np.dtype[np.float64]]

#: Study system attr recording the switch to the bandit phase: trial number, generation, reason.
SWITCH_KEY = "smarttune.hybrid:switch"
#: Trial system attr naming the phase that proposed the trial: ``"genetic"`` or ``"bandit"``.
PHASE_KEY = "smarttune.hybrid:phase"


@dataclass(frozen=True)
class PriorObservations:
    """Scored configurations from earlier studies: the prior a knowledge base hands over.

    Attributes:
        params: Configurations (parameter name to value); parameters outside the current search
            space are ignored, absent ones are imputed by the surrogate.
        scores: One score per configuration, **higher is better**, on any scale (only their
            order within the prior matters).
    """

    params: Sequence[Mapping[str, Any]]
    scores: Sequence[float]

    def __post_init__(self) -> None:
        if len(self.params) != len(self.scores):
            raise InvalidParameterError(
                f"PriorObservations needs one score per configuration; got "
                f"{len(self.params)} configurations and {len(self.scores)} scores."
            )


#: The MetaLearner's settings in the refinement phase: 150 warm-start steps per trial fit the
#: ensemble closer than the learner's default 50 (measured with benchmarks/hybrid_ablation.py).
LEARNER_DEFAULTS: dict[str, Any] = {"warm_start_steps": 150}
#: Beyond this many observations the warm-start steps shrink in proportion (to at least
#: ``_MIN_FIT_STEPS``), so that a suggestion's cost stays flat as the study grows.
_FULL_FIT_OBSERVATIONS = 300
_MIN_FIT_STEPS = 50

_CONSTRAINTS: dict[str, list[Constraint | None]] = {
    "population_size": [Interval(int, 2, None)],
    "min_generations": [Interval(int, 1, None)],
    "max_generations": [Interval(int, 1, None)],
    "stagnation_tolerance": [Interval(float, 0, 1)],
    "stagnation_patience": [Interval(int, 1, None)],
    "diversity_floor": [Interval(float, 0, 1)],
    "region_quantile": [Interval(float, 0, 1, closed="right")],
    "region_margin": [Interval(float, 0, None)],
    "region_min_width": [Interval(float, 0, 1)],
    "n_candidates": [Interval(int, 8, None)],
    "n_elites": [Interval(int, 1, None)],
    "warm_start": [InstanceOf(list, tuple), None],
    "prior": [InstanceOf(PriorObservations), None],
    "knowledge": [InstanceOf(TaskKnowledge), None],
    "genetic_params": [InstanceOf(Mapping), None],
    "learner_params": [InstanceOf(Mapping), None],
    "seed": [Interval(int, 0, 2**32 - 1), None],
}


class HybridSampler(BaseSampler):
    """Genetic exploration, then Thompson-sampling refinement inside the best region.

    **Phase 1 — explore.** A :class:`~smarttune.samplers.GeneticSampler` evolves a population
    (quasi-random generation 0, tournament selection, SBX crossover, type-aware mutation,
    elitism) whose generations live in the storage.

    **The switch** is decided from the data after every finished generation by
    :func:`~smarttune.samplers._hybrid._switch.decide_switch`: after ``min_generations``, when
    the last ``stagnation_patience`` generations improved the best value by at most
    ``stagnation_tolerance`` of the total improvement, or the population's diversity fell below
    ``diversity_floor``; at the latest after ``max_generations``. The first worker to decide
    records it in the study (:data:`SWITCH_KEY`), and every worker follows that record.

    **Phase 2 — exploit.** Each trial fits the :class:`~smarttune.surrogates.MetaLearner`
    (a deep ensemble, warm-started) to every completed trial, draws one function from its
    posterior and proposes its maximiser among candidates bred from the elites — Thompson
    sampling (Thompson, 1933; Russo et al., 2018) as in
    :class:`~smarttune.samplers.BayesianBanditSampler` — confined to a trust region: the box
    around the top ``region_quantile`` of trials, widened by ``region_margin`` (after TuRBO,
    Eriksson et al., NeurIPS 2019). The region shrinks as better trials arrive.

    **Knowledge-base hooks.** ``warm_start`` configurations are evaluated first (trial ``i``
    takes configuration ``i``; they join generation 0, so good ones become parents); ``prior``
    observations from earlier studies join the surrogate's training data in phase 2, their
    scores rank-transformed on their own. ``knowledge=kb.transfer(task)`` fills both from a
    :class:`~smarttune.knowledge.KnowledgeBase`: its recommendations go first, and the
    meta-model's predictions on past configurations become the prior.

    Parameters outside the intersection search space (conditional or dynamic ones) are inherited
    from genetic parents in both phases. Each trial records its phase in :data:`PHASE_KEY`.
    Failed and pruned trials count as unfit in the genetic phase. The surrogate follows BOHB's
    multi-fidelity rule (Falkner et al., ICML 2018; :mod:`smarttune.samplers._fidelity`): it is
    fitted on COMPLETE trials once ``dimension + 1`` of them exist, before that on the highest
    intermediate step with that many observations of COMPLETE and PRUNED trials, so it learns
    from what Optuna's successive-halving and Hyperband pruners stopped. Single-objective
    studies only.

    Args:
        population_size: Trials per generation of the genetic phase.
        min_generations: Generations always explored before a switch.
        max_generations: Generations after which the switch happens regardless.
        stagnation_tolerance: Improvement, as a fraction of the total so far, below which a
            generation counts as stagnant.
        stagnation_patience: Consecutive stagnant generations that trigger the switch.
        diversity_floor: Population diversity (1 = uniform random) below which the population
            counts as converged.
        region_quantile: Fraction of the best trials the refinement box is drawn around.
        region_margin: Relative widening of the box on each side.
        region_min_width: Smallest width of the box in each numeric coordinate (unit cube).
        n_candidates: Candidates scored by each posterior draw.
        n_elites: Best trials the candidates are bred from.
        warm_start: Configurations to evaluate first.
        prior: Scored configurations from earlier studies.
        knowledge: A knowledge base's transfer for this task
            (:meth:`smarttune.knowledge.KnowledgeBase.transfer`): its recommended
            configurations are evaluated first (before ``warm_start``), and its predicted
            scores become the ``prior`` when none is given.
        genetic_params: Further keyword arguments of the :class:`GeneticSampler`.
        learner_params: Keyword arguments of the :class:`~smarttune.surrogates.MetaLearner`,
            over :data:`LEARNER_DEFAULTS`.
        seed: Seed for reproducible serial runs.

    Raises:
        InvalidParameterError: If an argument is outside its allowed set.
    """

    def __init__(
        self,
        *,
        population_size: int = 8,
        min_generations: int = 1,
        max_generations: int = 3,
        stagnation_tolerance: float = 0.05,
        stagnation_patience: int = 1,
        diversity_floor: float = 0.1,
        region_quantile: float = 0.35,
        region_margin: float = 0.5,
        region_min_width: float = 0.05,
        n_candidates: int = 1024,
        n_elites: int = 5,
        warm_start: Sequence[Mapping[str, Any]] | None = None,
        prior: PriorObservations | None = None,
        knowledge: TaskKnowledge | None = None,
        genetic_params: Mapping[str, Any] | None = None,
        learner_params: Mapping[str, Any] | None = None,
        seed: int | None = None,
    ) -> None:
        params = dict(locals())
        del params["self"]
        validate_params(params, _CONSTRAINTS, owner="HybridSampler")
        if max_generations < min_generations:
            raise InvalidParameterError(
                f"The 'max_generations' parameter of HybridSampler must be an int in the range "
                f"[{min_generations}, inf) (at least min_generations). Got {max_generations} "
                "instead."
            )
        self.population_size = population_size
        self.min_generations = min_generations
        self.max_generations = max_generations
        self.stagnation_tolerance = stagnation_tolerance
        self.stagnation_patience = stagnation_patience
        self.diversity_floor = diversity_floor
        self.region_quantile = region_quantile
        self.region_margin = region_margin
        self.region_min_width = region_min_width
        self.n_candidates = n_candidates
        self.n_elites = n_elites
        self.warm_start = [dict(c) for c in warm_start or ()]
        self.prior = prior
        self.knowledge = knowledge
        if knowledge is not None:  # the knowledge base's recommendations go first
            self.warm_start = [*(dict(c) for c in knowledge.warm_start), *self.warm_start]
            if prior is None and knowledge.prior_params:
                self.prior = PriorObservations(knowledge.prior_params, knowledge.prior_scores)
        self.seed = seed
        genetic = {"tournament_size": min(3, population_size), **dict(genetic_params or {})}
        self._genetic = GeneticSampler(population_size=population_size, seed=seed, **genetic)
        self._bandit = BayesianBanditSampler(
            n_startup_trials=1,
            n_candidates=n_candidates,
            n_elites=n_elites,
            learner_params={**LEARNER_DEFAULTS, **dict(learner_params or {})},
            seed=seed,
        )
        self._lock = threading.RLock()
        self._decided: dict[tuple[int, int], tuple[int, SwitchDecision]] = {}
        self._prior_cache: dict[tuple[Any, ...], tuple[FloatArray, FloatArray]] = {}

    # ----------------------------------------------------------------- Optuna's hooks

    def reseed_rng(self) -> None:
        """Reseed both phases' generators (called by Optuna for ``n_jobs > 1``)."""
        self._genetic.reseed_rng()
        self._bandit.reseed_rng()

    def infer_relative_search_space(
        self, study: Study, trial: FrozenTrial
    ) -> dict[str, BaseDistribution]:
        """Return the intersection search space of the completed trials, minus fixed values."""
        check_single_objective(study, "HybridSampler")
        return self._genetic.infer_relative_search_space(study, trial)

    def sample_relative(
        self, study: Study, trial: FrozenTrial, search_space: dict[str, BaseDistribution]
    ) -> dict[str, Any]:
        """Return a warm-start configuration, a genetic child, or a bandit proposal."""
        check_single_objective(study, "HybridSampler")
        in_bandit_phase = self._in_bandit_phase(study, trial)
        phase = "bandit" if in_bandit_phase else "genetic"
        study._storage.set_trial_system_attr(trial._trial_id, PHASE_KEY, phase)
        params: dict[str, Any] | None = None
        if in_bandit_phase and search_space:
            params = self._refine(study, search_space)
        if params is None:
            params = self._genetic.sample_relative(study, trial, search_space)
        warm = self._warm_config(trial)
        if warm:
            params.update(_valid_subset(warm, search_space))
        return params

    def sample_independent(
        self,
        study: Study,
        trial: FrozenTrial,
        param_name: str,
        param_distribution: BaseDistribution,
    ) -> Any:
        """Return the warm-start value, else inherit the parameter from genetic parents."""
        check_single_objective(study, "HybridSampler")
        warm = _valid_subset(self._warm_config(trial) or {}, {param_name: param_distribution})
        if param_name in warm:
            return warm[param_name]
        return self._genetic.sample_independent(study, trial, param_name, param_distribution)

    def after_trial(
        self,
        study: Study,
        trial: FrozenTrial,
        state: TrialState,
        values: Sequence[float] | None,
    ) -> None:
        """Let the genetic phase forget the finished trial's cached state."""
        self._genetic.after_trial(study, trial, state, values)

    # ----------------------------------------------------------------- public state

    @property
    def genetic(self) -> GeneticSampler:
        """The sampler of the exploration phase (its generations, stats and population)."""
        return self._genetic

    def switch_record(self, study: Study) -> dict[str, Any] | None:
        """Return the recorded switch (trial, generation, reason), or None while exploring."""
        record = study._storage.get_study_system_attrs(study._study_id).get(SWITCH_KEY)
        return dict(record) if record is not None else None

    # ----------------------------------------------------------------- internals

    def _in_bandit_phase(self, study: Study, trial: FrozenTrial) -> bool:
        """Follow the recorded switch, or decide it from the finished generations."""
        if self.switch_record(study) is not None:
            return True
        stats = self._genetic.generation_stats(study)
        key = (id(study._storage), study._study_id)
        with self._lock:
            cached = self._decided.get(key)
            if cached is None or cached[0] != len(stats):
                decision = decide_switch(
                    stats,
                    min_generations=self.min_generations,
                    max_generations=self.max_generations,
                    tolerance=self.stagnation_tolerance,
                    patience=self.stagnation_patience,
                    diversity_floor=self.diversity_floor,
                )
                self._decided[key] = cached = (len(stats), decision)
        if not cached[1].switch:
            return False
        if self.switch_record(study) is None:  # another worker may have just recorded it
            record: dict[str, int | str] = {
                "trial": trial.number,
                "generation": len(stats),
                "reason": cached[1].reason,
            }
            study._storage.set_study_system_attr(study._study_id, SWITCH_KEY, record)
        return True

    def _refine(
        self, study: Study, search_space: dict[str, BaseDistribution]
    ) -> dict[str, Any] | None:
        """The bandit step inside the trust region; None when too few trials completed."""
        encoder = SpaceEncoder(search_space)
        needed = default_min_observations(encoder.dim)  # BOHB's rule: see samplers/_fidelity.py
        seen = observations(study, search_space, min_observations=needed)
        trials = seen.trials
        if len(trials) < 2:
            return None
        X = self._bandit.encode_trials(study, encoder, trials)
        y = seen.scores(study.direction)
        region = trust_region(
            X,
            y,
            quantile=self.region_quantile,
            min_points=min(len(trials), max(3, self.n_elites)),
            margin=self.region_margin,
            min_width=self.region_min_width,
            is_categorical=encoder.is_categorical,
        )
        prior = self._encoded_prior(encoder)
        if prior is not None:
            X, y = np.vstack([X, prior[0]]), np.concatenate([y, prior[1]])
        unit = self._bandit.propose_unit(
            study, encoder, X, y, region=region, fit_steps=self._fit_steps(len(X))
        )
        return encoder.decode(unit)

    def _encoded_prior(self, encoder: SpaceEncoder) -> tuple[FloatArray, FloatArray] | None:
        """The prior's unit-cube rows and copula scores in ``encoder``'s space (cached)."""
        if self.prior is None or len(self.prior.params) == 0:
            return None
        key = tuple(encoder.search_space.items())
        with self._lock:
            if key not in self._prior_cache:
                rows = encoder.encode_many(list(self.prior.params))
                scores = copula_scores(np.asarray(self.prior.scores, dtype=float))
                self._prior_cache = {key: (rows, scores)}  # one space at a time
            return self._prior_cache[key]

    def _fit_steps(self, n_observations: int) -> int | None:
        """Warm-start steps for ``n_observations``: the learner's own up to 300, then fewer."""
        if n_observations <= _FULL_FIT_OBSERVATIONS:
            return None
        steps = self._bandit.learner_steps * _FULL_FIT_OBSERVATIONS // n_observations
        return max(_MIN_FIT_STEPS, steps)

    def _warm_config(self, trial: FrozenTrial) -> dict[str, Any] | None:
        return self.warm_start[trial.number] if trial.number < len(self.warm_start) else None


def _valid_subset(
    config: Mapping[str, Any], search_space: Mapping[str, BaseDistribution]
) -> dict[str, Any]:
    """The entries of ``config`` that are admissible values of ``search_space``."""
    valid: dict[str, Any] = {}
    for name, dist in search_space.items():
        if name not in config:
            continue
        try:
            if dist._contains(dist.to_internal_repr(config[name])):
                valid[name] = config[name]
        except (ValueError, TypeError):
            continue
    return valid
