"""HybridSampler: a GP performance model, Thompson sampling, and a genetic algorithm."""

from __future__ import annotations

import threading
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import numpy as np
from optuna.distributions import FloatDistribution, IntDistribution
from optuna.samplers import BaseSampler, RandomSampler
from optuna.search_space import IntersectionSearchSpace
from optuna.study import StudyDirection
from optuna.trial import TrialState

from smarttune._validation import Constraint, InstanceOf, Interval, IsCallable, validate_params
from smarttune.exceptions import InvalidParameterError
from smarttune.knowledge import TaskKnowledge
from smarttune.samplers._bandit import sobol_points
from smarttune.samplers._common import PicklableLock, copula_scores, yeo_johnson_scores
from smarttune.samplers._fidelity import (
    FIDELITY_KEY,
    FidelityObservations,
    default_min_observations,
    observations,
    with_pruned_as_worst,
)
from smarttune.samplers._hybrid._acquisition import (
    EvolutionSettings,
    Region,
    breed,
    numeric_feature_columns,
)
from smarttune.samplers._hybrid._decide import GENETIC, INITIAL, MODEL, StepDecision, decide_step
from smarttune.samplers._hybrid._model import GPModel, UnitPriorMean
from smarttune.samplers._hybrid._region import RegionState, region_box, replay_region
from smarttune.samplers._multiobjective import (
    ConstraintsFunc,
    after_trial_constraints,
    check_objectives,
    scalarized_observations,
    uses_scalarization,
)
from smarttune.space import SpaceEncoder

if TYPE_CHECKING:
    from optuna.distributions import BaseDistribution
    from optuna.study import Study
    from optuna.trial import FrozenTrial

__all__ = [
    "DECISION_KEY",
    "PHASE_KEY",
    "PROPOSAL_KEY",
    "SWITCH_KEY",
    "HybridSampler",
    "PriorObservations",
]

FloatArray = np.ndarray[Any, np.dtype[np.float64]]

#: Study system attr: the first trial the model proposed (trial number, reason; first writer wins).
SWITCH_KEY = "smarttune.hybrid:switch"
#: Trial system attr naming the component that proposed the trial: ``"warm-start"``,
#: ``"initial"`` (quasi-random design), ``"genetic"`` (model-free child) or ``"bandit"``
#: (Thompson sampling on the GP).
PHASE_KEY = "smarttune.hybrid:phase"
#: Trial system attr: what decided the component (reason, leave-one-out Spearman, threshold).
DECISION_KEY = "smarttune.hybrid:decision"
#: Trial system attr: the relative parameters proposed, written before the trial suggests them,
#: so that other workers see a running trial's point even before its ``params`` are stored.
PROPOSAL_KEY = "smarttune.hybrid:proposal"
WARM_START = "warm-start"


@dataclass(frozen=True)
class PriorObservations:
    """Scored configurations from earlier studies (kept for compatibility; see HybridSampler).

    Attributes:
        params: Configurations (parameter name to value).
        scores: One score per configuration, higher is better.
    """

    params: Sequence[Mapping[str, Any]]
    scores: Sequence[float]

    def __post_init__(self) -> None:
        if len(self.params) != len(self.scores):
            raise InvalidParameterError(
                f"PriorObservations needs one score per configuration; got "
                f"{len(self.params)} configurations and {len(self.scores)} scores."
            )


_CONSTRAINTS: dict[str, list[Constraint | None]] = {
    "n_startup_trials": [Interval(int, 1, None), None],
    "loo_threshold": [Interval(float, -1, 1)],
    "population_size": [Interval(int, 2, None)],
    "generations": [Interval(int, 0, None)],
    "n_elites": [Interval(int, 1, None)],
    "max_observations": [Interval(int, 10, None)],
    "trust_region": [InstanceOf(bool)],
    "posterior_scale": [Interval(float, 0, 1, closed="right")],
    "warm_start": [InstanceOf(list, tuple), None],
    "prior": [InstanceOf(PriorObservations), None],
    "knowledge": [InstanceOf(TaskKnowledge), None],
    "constraints_func": [IsCallable(), None],
    "seed": [Interval(int, 0, 2**32 - 1), None],
}


class HybridSampler(PicklableLock, BaseSampler):
    """Thompson sampling on a Gaussian process, draws maximised by a genetic algorithm.

    **Initial design.** The first ``n_startup_trials`` trials (default: the dimension plus
    one, between 5 and 20) take points of one scrambled Sobol sequence, trial ``i`` point
    ``i``, so parallel workers do not collide.

    **Learned performance model.** Then every trial fits a
    :class:`~smarttune.surrogates.GaussianProcess` (ARD Matérn-5/2 with the dimension-scaled
    lengthscale prior of Hvarfner et al., ICML 2024; MAP hyperparameters by L-BFGS-B;
    categoricals one-hot) to the trials' values after a Yeo-Johnson transform (or to their
    Gaussian-copula scores, Salinas et al., ICML 2020, when a knowledge prior mean is used), on
    the ``max_observations`` nearest to the incumbent when there are more.

    **Bayesian bandit.** The trial is an arm pull of Thompson sampling (Thompson, 1933; Russo et
    al., 2018): one function is drawn from the GP posterior (random Fourier features plus the
    exact update of Wilson et al., ICML 2020) and its maximiser is proposed. Running trials enter
    the model at their posterior mean, and a proposal that rounds to an observed or running
    configuration is replaced by the best distinct one, so parallel workers do not propose the
    same point.

    **Genetic algorithm.** The draw is maximised by a genetic algorithm on the draw
    (``population_size`` members, ``generations`` generations, seeded with Sobol points and
    perturbations of the ``n_elites`` best trials) followed by L-BFGS-B on the continuous
    coordinates, which reaches the bounds exactly. The genetic algorithm spends real
    evaluations only while the model ranks the data poorly: when the exact leave-one-out
    predictions' Spearman correlation with the scores is below ``loo_threshold``, the trial is
    a model-free child of the trials instead (tournament, crossover, mutation).

    Each trial records the component that proposed it in :data:`PHASE_KEY` and what decided it
    in :data:`DECISION_KEY`; the first model proposal is recorded in the study
    (:data:`SWITCH_KEY`). The model follows BOHB's multi-fidelity rule (Falkner et al., ICML
    2018; :mod:`smarttune.samplers._fidelity`), so with successive-halving or Hyperband pruners
    it learns from pruned trials' intermediate values. Parameters outside the intersection
    search space come from a seeded :class:`~optuna.samplers.RandomSampler`.

    **Several objectives and constraints.** With 2 to 4 objectives, or a ``constraints_func``
    (Optuna's constraint API: values <= 0 are feasible), each proposal fits the GP to a random
    augmented Chebyshev scalarization of the completed trials' objectives, infeasible trials
    penalized, and the genetic children are bred by NSGA-II's crowded comparison (see
    :mod:`smarttune.samplers._multiobjective`); the model is fitted on completed trials only,
    without the trust region or a knowledge prior mean.

    **Knowledge-base hooks.** ``knowledge=kb.transfer(task)``: its ``warm_start``
    configurations are evaluated first (values outside the space are clipped or skipped), then
    ``warm_start``; when the knowledge has a ``prior_mean(encoder, X, y)`` method that returns a
    function, the GP fits the residual of that prior mean, recomputed at each fit. ``prior``
    observations (and ``knowledge.prior_scores``) are accepted for compatibility but are not
    used as training data: they were predictions, not observations.

    Args:
        n_startup_trials: Trials of the initial design (None: sized from the dimension).
        loo_threshold: Leave-one-out Spearman correlation below which a genetic child is
            evaluated instead of a Thompson proposal.
        population_size: Members of the genetic algorithm on each posterior draw.
        generations: Its generations per draw.
        n_elites: Best trials the genetic algorithm's local starting points perturb.
        max_observations: The most trials the GP is fitted on (the nearest to the incumbent).
        warm_start: Configurations to evaluate first.
        prior: Deprecated and ignored (see above).
        knowledge: A knowledge base's transfer for this task.
        constraints_func: Optuna's constraint function of a finished trial (values <= 0 are
            feasible), or None.
        seed: Seed for reproducible serial runs.

    Raises:
        InvalidParameterError: If an argument is outside its allowed set.
    """

    def __init__(
        self,
        *,
        n_startup_trials: int | None = None,
        loo_threshold: float = 0.3,
        population_size: int = 64,
        generations: int = 10,
        n_elites: int = 5,
        max_observations: int = 300,
        trust_region: bool = True,
        posterior_scale: float = 1.0,
        warm_start: Sequence[Mapping[str, Any]] | None = None,
        prior: PriorObservations | None = None,
        knowledge: TaskKnowledge | None = None,
        constraints_func: ConstraintsFunc | None = None,
        seed: int | None = None,
    ) -> None:
        validate_params(dict(locals()), _CONSTRAINTS, owner="HybridSampler")
        if prior is not None:
            warnings.warn(
                "HybridSampler(prior=...) is deprecated since smarttune 0.1.0 and ignored: "
                "predicted scores are not observations; pass knowledge= with a prior_mean.",
                FutureWarning,
                stacklevel=2,
            )
        self.n_startup_trials = n_startup_trials
        self.loo_threshold = loo_threshold
        self.n_elites = n_elites
        self.max_observations = max_observations
        self.trust_region = trust_region
        self.posterior_scale = posterior_scale
        self.settings = EvolutionSettings(population=population_size, generations=generations)
        self.knowledge = knowledge
        first = list(knowledge.warm_start) if knowledge is not None else []
        self.warm_start = [dict(c) for c in (*first, *(warm_start or ()))]
        self.prior = prior
        self.constraints_func = constraints_func
        self.seed = seed
        self._rng = np.random.default_rng(seed)
        self._sobol_seed = int(self._rng.integers(2**32))
        self._random_sampler = RandomSampler(seed=seed)
        self._search_space = IntersectionSearchSpace()
        self._lock = threading.RLock()
        self._models: dict[tuple[Any, ...], GPModel] = {}

    # ----------------------------------------------------------------- Optuna's hooks

    def reseed_rng(self) -> None:
        """Draw fresh generators (called by Optuna for ``n_jobs > 1``)."""
        with self._lock:
            self._rng = np.random.default_rng()
            self._random_sampler.reseed_rng()

    def infer_relative_search_space(
        self, study: Study, trial: FrozenTrial
    ) -> dict[str, BaseDistribution]:
        """Return the intersection search space of the completed trials, minus fixed values."""
        check_objectives(study, "HybridSampler")
        with self._lock:
            space = self._search_space.calculate(study, use_cache=True)
        return {name: dist for name, dist in space.items() if not dist.single()}

    def sample_relative(
        self, study: Study, trial: FrozenTrial, search_space: dict[str, BaseDistribution]
    ) -> dict[str, Any]:
        """Return a warm-start configuration, an initial-design point, a child or a proposal."""
        check_objectives(study, "HybridSampler")
        warm = _admissible(self._warm_config(trial) or {}, search_space)
        if not search_space:  # the first trials: every parameter is sampled independently
            step = WARM_START if self._warm_config(trial) else INITIAL
            self._record(study, trial, StepDecision(step, "no relative search space yet"))
            return {}
        encoder = SpaceEncoder(search_space)
        with self._lock, _one_blas_thread():
            decision, unit = self._propose(study, trial, encoder)
        if warm:
            decision = StepDecision(WARM_START, f"warm-start configuration {trial.number}")
        params = {**encoder.decode(unit), **warm}
        self._record(study, trial, decision)
        study._storage.set_trial_system_attr(trial._trial_id, PROPOSAL_KEY, params)
        return params

    def sample_independent(
        self,
        study: Study,
        trial: FrozenTrial,
        param_name: str,
        param_distribution: BaseDistribution,
    ) -> Any:
        """Return the warm-start value, else sample the parameter uniformly at random."""
        check_objectives(study, "HybridSampler")
        warm = _admissible(self._warm_config(trial) or {}, {param_name: param_distribution})
        if param_name in warm:
            return warm[param_name]
        return self._random_sampler.sample_independent(study, trial, param_name, param_distribution)

    def after_trial(
        self,
        study: Study,
        trial: FrozenTrial,
        state: TrialState,
        values: Sequence[float] | None,
    ) -> None:
        """Record the trial's constraint values when a ``constraints_func`` was given."""
        after_trial_constraints(self.constraints_func, study, trial, state)

    # ----------------------------------------------------------------- public state

    def switch_record(self, study: Study) -> dict[str, Any] | None:
        """Return the first model proposal's record (trial, reason), or None before it."""
        record = study._storage.get_study_system_attrs(study._study_id).get(SWITCH_KEY)
        return dict(record) if record is not None else None

    def startup_trials(self, dim: int) -> int:
        """The size of the initial design for a ``dim``-dimensional space."""
        if self.n_startup_trials is not None:
            return self.n_startup_trials
        return int(np.clip(dim + 1, 5, 20))

    # ----------------------------------------------------------------- internals

    def _propose(
        self, study: Study, trial: FrozenTrial, encoder: SpaceEncoder
    ) -> tuple[StepDecision, FloatArray]:
        """Decide the component and let it propose a unit-cube point."""
        if uses_scalarization(study, self.constraints_func):
            return self._propose_scalarized(study, trial, encoder)
        space = encoder.search_space
        seen = observations(study, space, min_observations=default_min_observations(encoder.dim))
        n_startup = self.startup_trials(encoder.dim)
        n_observed = len(seen)  # the phase decision counts real observations only
        seen = with_pruned_as_worst(study, space, seen)
        rho: float | None = None
        if n_observed >= n_startup:
            study._storage.set_trial_system_attr(trial._trial_id, FIDELITY_KEY, seen.step)
            X = encoder.encode_many([t.params for t in seen.trials])
            raw = np.asarray(seen.values, dtype=float)
            values = -raw if study.direction == StudyDirection.MINIMIZE else raw
            copula = copula_scores(values)
            prior_mean = self._prior_mean(encoder, X, copula)
            # the transfer hook's models live on the copula scale; otherwise Yeo-Johnson
            y = copula if prior_mean is not None else yeo_johnson_scores(values)
            model = self._model(study, encoder)
            rho = model.fit(X, y, prior_mean)
        decision = decide_step(n_observed, n_startup, rho, self.loo_threshold)
        if decision.step == INITIAL:
            return decision, self._initial_point(trial, encoder)
        pending = _pending_rows(study, trial, encoder)
        exclude = np.vstack([X, pending])
        if decision.step == GENETIC:
            return decision, _unseen_child(encoder, X, y, exclude, self._rng)
        region = None
        if self.trust_region:
            region, state = self._region(study, encoder, model, seen, n_startup)
            decision = replace(decision, region_length=state.length, region_resets=state.resets)
        unit = model.propose(pending, exclude, self._rng, self.n_elites, region)
        return decision, unit

    def _propose_scalarized(
        self, study: Study, trial: FrozenTrial, encoder: SpaceEncoder
    ) -> tuple[StepDecision, FloatArray]:
        """The same components on a random scalarization of several objectives/constraints."""
        seen = scalarized_observations(study, encoder.search_space, self._rng)
        n_startup = self.startup_trials(encoder.dim)
        rho: float | None = None
        if len(seen) >= n_startup:
            X = encoder.encode_many([t.params for t in seen.trials])
            model = self._model(study, encoder)
            rho = model.fit(X, seen.scores, None)
        decision = decide_step(len(seen), n_startup, rho, self.loo_threshold)
        if decision.step == INITIAL:
            return decision, self._initial_point(trial, encoder)
        pending = _pending_rows(study, trial, encoder)
        exclude = np.vstack([X, pending])
        if decision.step == GENETIC:
            return decision, _unseen_child(encoder, X, seen.fitness, exclude, self._rng)
        return decision, model.propose(pending, exclude, self._rng, self.n_elites)

    def _initial_point(self, trial: FrozenTrial, encoder: SpaceEncoder) -> FloatArray:
        """Point ``trial.number`` of the initial design's scrambled Sobol sequence."""
        start = np.random.default_rng(self._sobol_seed)
        point: FloatArray = sobol_points(encoder.dim, 1, start, skip=trial.number)[0]
        return point

    def _region(
        self,
        study: Study,
        encoder: SpaceEncoder,
        model: GPModel,
        seen: FidelityObservations,
        n_startup: int,
    ) -> tuple[Region, RegionState]:
        """The trust region replayed from the observations, around the incumbent."""
        order = np.argsort([t.number for t in seen.trials], kind="stable")
        sign = -1.0 if study.direction == StudyDirection.MINIMIZE else 1.0
        values = [sign * float(seen.values[i]) for i in order]
        state = replay_region(values, n_startup, encoder.dim)
        incumbent = int(order[int(np.argmax(values))])
        centre = encoder.encode(seen.trials[incumbent].params)
        lengthscales = model.lengthscales[numeric_feature_columns(encoder)]
        return region_box(centre, state.length, lengthscales, ~encoder.is_categorical), state

    def _model(self, study: Study, encoder: SpaceEncoder) -> GPModel:
        """The cached model of this study and space (a fresh one for a new space)."""
        key = (id(study._storage), study._study_id, tuple(encoder.search_space.items()))
        if key not in self._models:
            self._models = {
                key: GPModel(
                    encoder,
                    max_observations=self.max_observations,
                    settings=self.settings,
                    posterior_scale=self.posterior_scale,
                )
            }
        return self._models[key]

    def _prior_mean(
        self, encoder: SpaceEncoder, X: FloatArray, y: FloatArray
    ) -> UnitPriorMean | None:
        """The knowledge's prior mean for this space and data, when it offers one."""
        hook = getattr(self.knowledge, "prior_mean", None)
        if hook is None:
            return None
        mean: UnitPriorMean | None = hook(encoder, X, y)
        return mean

    def _record(self, study: Study, trial: FrozenTrial, decision: StepDecision) -> None:
        storage = study._storage
        storage.set_trial_system_attr(trial._trial_id, PHASE_KEY, decision.step)
        record = {
            "reason": decision.reason,
            "loo_spearman": decision.loo_spearman,
            "threshold": self.loo_threshold,
            "region_length": decision.region_length,
            "region_resets": decision.region_resets,
        }
        storage.set_trial_system_attr(trial._trial_id, DECISION_KEY, record)
        if decision.step == MODEL and self.switch_record(study) is None:
            switch: dict[str, int | str] = {"trial": trial.number, "reason": decision.reason}
            storage.set_study_system_attr(study._study_id, SWITCH_KEY, switch)

    def _warm_config(self, trial: FrozenTrial) -> dict[str, Any] | None:
        return self.warm_start[trial.number] if trial.number < len(self.warm_start) else None


_CONTROLLER: list[Any] = []


def _one_blas_thread() -> Any:
    """Limit BLAS to one thread: on a GP's small matrices threads cost more than they save."""
    if not _CONTROLLER:
        from threadpoolctl import ThreadpoolController  # scikit-learn's dependency

        _CONTROLLER.append(ThreadpoolController())
    return _CONTROLLER[0].limit(limits=1, user_api="blas")


def _pending_rows(study: Study, trial: FrozenTrial, encoder: SpaceEncoder) -> FloatArray:
    """Unit-cube rows of the other running trials (their proposals, or their parameters)."""
    running = study._get_trials(deepcopy=False, states=(TrialState.RUNNING,), use_cache=False)
    rows = []
    for other in running:
        params = {**other.system_attrs.get(PROPOSAL_KEY, {}), **other.params}
        if other.number != trial.number and encoder.search_space.keys() <= params.keys():
            rows.append(params)
    return encoder.encode_many(rows)


def _unseen_child(
    encoder: SpaceEncoder,
    X: FloatArray,
    y: FloatArray,
    exclude: FloatArray,
    rng: np.random.Generator,
) -> FloatArray:
    """A genetic child of the observations that rounds to no excluded configuration."""
    seen = {row.tobytes() for row in encoder.snap(exclude)}
    children = breed(encoder, X, y, rng)
    for _ in range(10):
        for child, snapped in zip(children, encoder.snap(children), strict=True):
            if snapped.tobytes() not in seen:
                unseen: FloatArray = child
                return unseen
        children = breed(encoder, X, y, rng)
    first: FloatArray = children[0]
    return first


def _admissible(
    config: Mapping[str, Any], search_space: Mapping[str, BaseDistribution]
) -> dict[str, Any]:
    """``config``'s values admissible in ``search_space``: numbers clipped, the rest skipped."""
    valid: dict[str, Any] = {}
    for name, dist in search_space.items():
        if name not in config:
            continue
        value = config[name]
        if isinstance(dist, (FloatDistribution, IntDistribution)):
            value = _clipped(dist, value)
        try:
            if value is not None and dist._contains(dist.to_internal_repr(value)):
                valid[name] = value
        except (ValueError, TypeError):
            continue
    return valid


def _clipped(dist: FloatDistribution | IntDistribution, value: Any) -> Any:
    """A number clipped to the distribution's range (and rounded for integers), else None."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.number)):
        return None
    clipped = min(max(float(value), dist.low), dist.high)
    if isinstance(dist, IntDistribution):
        steps = round((clipped - dist.low) / dist.step)
        return int(min(dist.low + steps * dist.step, dist.high))
    if dist.step is not None:
        steps = round((clipped - dist.low) / dist.step)
        return float(min(dist.low + steps * dist.step, dist.high))
    return clipped
