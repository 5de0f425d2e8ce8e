"""The Bayesian-bandit sampler: Thompson sampling over a deep-ensemble surrogate."""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
from optuna.samplers import BaseSampler, RandomSampler
from optuna.search_space import IntersectionSearchSpace
from optuna.trial import TrialState

from smarttune._validation import Constraint, InstanceOf, Interval, IsCallable, validate_params
from smarttune.exceptions import InvalidParameterError
from smarttune.samplers._bandit._propose import Region, propose, select_elites, sobol_points
from smarttune.samplers._common import PicklableLock
from smarttune.samplers._fidelity import FIDELITY_KEY, default_min_observations, observations
from smarttune.samplers._multiobjective import (
    ConstraintsFunc,
    after_trial_constraints,
    check_objectives,
    scalarized_observations,
    uses_scalarization,
)
from smarttune.space import SpaceEncoder
from smarttune.surrogates import MetaLearner

if TYPE_CHECKING:
    from optuna.distributions import BaseDistribution
    from optuna.study import Study
    from optuna.trial import FrozenTrial

__all__ = ["BayesianBanditSampler"]

FloatArray = np.ndarray[Any, np.dtype[np.float64]]

_PARAMS: dict[str, list[Constraint | None]] = {
    "n_startup_trials": [Interval(int, 1, None)],
    "n_candidates": [Interval(int, 8, None)],
    "n_elites": [Interval(int, 1, None)],
    "learner_params": [InstanceOf(Mapping), None],
    "constraints_func": [IsCallable(), None],
    "seed": [Interval(int, 0, None), None],
}


class BayesianBanditSampler(PicklableLock, BaseSampler):
    """Thompson sampling with a deep-ensemble surrogate, over the intersection search space.

    Each trial is an arm pull of a continuum-armed bandit. Once ``n_startup_trials`` trials have
    completed, every trial refits a :class:`~smarttune.surrogates.MetaLearner` (warm-started from
    the previous trial's weights) on the completed trials, draws one function from its posterior
    (one ensemble member, as in ensemble sampling: Lu & Van Roy, "Ensemble Sampling", NeurIPS
    2017), and proposes the candidate that maximises the draw (Thompson, "On the likelihood that
    one unknown probability exceeds another", Biometrika 1933; Russo et al., "A Tutorial on
    Thompson Sampling", 2018). Candidates are mutations and crossovers of the ``n_elites`` best
    trials plus scrambled Sobol points (see :func:`propose`). Before that, the relative search
    space is sampled quasi-randomly: trial number ``i`` gets point ``i`` of a scrambled Sobol
    sequence, so that parallel workers do not collide.

    Scope and contracts:

    * Only the intersection search space of the completed trials is modelled (single-value
      distributions are left out); other parameters, such as conditional ones, come from a
      seeded :class:`~optuna.samplers.RandomSampler` through :meth:`sample_independent`.
    * Multi-fidelity (BOHB's rule, Falkner et al., ICML 2018; see
      :mod:`smarttune.samplers._fidelity`): the surrogate is fitted on COMPLETE trials when at
      least ``max(n_startup_trials, dimension + 1)`` of them exist, else on the highest
      intermediate step (of COMPLETE and PRUNED trials) that has that many observations, so
      that with Optuna's successive-halving or Hyperband pruners the pruned trials still teach
      it; values at one step are compared only with each other. The step used is recorded in
      the trial system attr ``smarttune.fidelity:step`` (-1: final values). Failed trials
      carry no value and are ignored.
    * Objective values become scores to maximise (minimised objectives are negated), then are
      replaced by normal quantiles of their ranks (a Gaussian-copula transform, Salinas et al.,
      ICML 2020), so that neither the objective's scale nor its outliers matter.
    * Several objectives (2 to 4) or a ``constraints_func`` (Optuna's constraint API): each
      proposal fits the surrogate to a random augmented Chebyshev scalarization of the
      completed trials' objectives, infeasible trials penalized (ParEGO with random weights;
      see :mod:`smarttune.samplers._multiobjective`); completed trials only. More than 4
      objectives raise :class:`~smarttune.exceptions.MultiObjectiveError`.
    * Nothing needs to be shared through the storage: the surrogate's weights are a cache that
      each worker rebuilds from the trials, so many processes can share a study.

    With a ``seed``, a serial run is reproducible. The sampler is thread-safe (``n_jobs > 1``),
    though then the order of trials, hence the result, depends on scheduling.

    Args:
        n_startup_trials: Completed trials needed before the surrogate is used.
        n_candidates: Roughly how many candidates each posterior draw is evaluated on.
        n_elites: How many of the best trials the candidates are bred from.
        learner_params: Keyword arguments of the :class:`~smarttune.surrogates.MetaLearner`
            (its ``seed`` excepted, which is derived from this sampler's ``seed``).
        constraints_func: Optuna's constraint function of a finished trial (values <= 0 are
            feasible), or None.
        seed: Seed of every random choice; None for fresh entropy.

    Raises:
        InvalidParameterError: If an argument is outside its allowed set.
    """

    def __init__(
        self,
        *,
        n_startup_trials: int = 10,
        n_candidates: int = 1024,
        n_elites: int = 5,
        learner_params: Mapping[str, Any] | None = None,
        constraints_func: ConstraintsFunc | None = None,
        seed: int | None = None,
    ) -> None:
        validate_params(locals(), _PARAMS, owner="BayesianBanditSampler")
        self._learner_params = dict(learner_params or {})
        self._learner_params.pop("seed", None)
        try:
            MetaLearner(**self._learner_params)
        except TypeError as error:
            raise InvalidParameterError(
                f"The 'learner_params' parameter of BayesianBanditSampler must hold MetaLearner "
                f"arguments. Got {learner_params!r} instead ({error})."
            ) from None
        self.n_startup_trials = n_startup_trials
        self.n_candidates = n_candidates
        self.n_elites = n_elites
        self.constraints_func = constraints_func
        self.seed = seed
        self._rng = np.random.default_rng(seed)
        self._sobol_seed = int(self._rng.integers(2**32))
        self._random_sampler = RandomSampler(seed=seed)
        self._search_space = IntersectionSearchSpace()
        self._lock = threading.RLock()
        self._cache_key: tuple[Any, ...] | None = None
        self._learner: MetaLearner | None = None
        self._encoded: dict[int, FloatArray] = {}

    def reseed_rng(self) -> None:
        """Draw fresh seeds for every generator (called by Optuna for ``n_jobs > 1``)."""
        with self._lock:
            self._rng = np.random.default_rng()
            self._random_sampler.reseed_rng()

    def infer_relative_search_space(
        self, study: Study, trial: FrozenTrial
    ) -> dict[str, BaseDistribution]:
        """Return the intersection search space of the completed trials, minus fixed values."""
        check_objectives(study, "BayesianBanditSampler")
        with self._lock:
            space = self._search_space.calculate(study, use_cache=True)
        return {name: dist for name, dist in space.items() if not dist.single()}

    def sample_relative(
        self, study: Study, trial: FrozenTrial, search_space: dict[str, BaseDistribution]
    ) -> dict[str, Any]:
        """Return a Sobol point before ``n_startup_trials``, then a Thompson-sampling proposal."""
        check_objectives(study, "BayesianBanditSampler")
        if not search_space:
            return {}
        encoder = SpaceEncoder(search_space)
        if uses_scalarization(study, self.constraints_func):
            return encoder.decode(self._scalarized_unit(study, trial, encoder))
        needed = max(self.n_startup_trials, default_min_observations(encoder.dim))
        seen = observations(study, search_space, min_observations=needed)
        with self._lock:
            if len(seen) < self.n_startup_trials:
                start = np.random.default_rng(self._sobol_seed)
                unit = sobol_points(encoder.dim, 1, start, skip=trial.number)[0]
            else:
                study._storage.set_trial_system_attr(trial._trial_id, FIDELITY_KEY, seen.step)
                X = self.encode_trials(study, encoder, seen.trials)
                unit = self.propose_unit(study, encoder, X, seen.scores(study.direction))
        return encoder.decode(unit)

    def sample_independent(
        self,
        study: Study,
        trial: FrozenTrial,
        param_name: str,
        param_distribution: BaseDistribution,
    ) -> Any:
        """Sample a parameter outside the relative search space uniformly at random."""
        check_objectives(study, "BayesianBanditSampler")
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

    def _scalarized_unit(
        self, study: Study, trial: FrozenTrial, encoder: SpaceEncoder
    ) -> FloatArray:
        """A Sobol point, then Thompson sampling on a random scalarization of the objectives."""
        with self._lock:
            seen = scalarized_observations(study, encoder.search_space, self._rng)
            if len(seen) < self.n_startup_trials:
                start = np.random.default_rng(self._sobol_seed)
                unit: FloatArray = sobol_points(encoder.dim, 1, start, skip=trial.number)[0]
                return unit
            X = self.encode_trials(study, encoder, seen.trials)
            return self.propose_unit(study, encoder, X, seen.scores)

    @property
    def learner_steps(self) -> int:
        """The warm-start steps per refit of this sampler's MetaLearner."""
        steps = self._learner_params.get("warm_start_steps")
        return int(steps) if steps is not None else int(MetaLearner().warm_start_steps)

    def encode_trials(
        self, study: Study, encoder: SpaceEncoder, trials: list[FrozenTrial]
    ) -> FloatArray:
        """Return the unit-cube rows of ``trials`` (cached per trial for this study and space)."""
        with self._lock:
            self._cached_learner(study, encoder)  # resets the row cache when the space changed
            return np.vstack([self._encode(encoder, t) for t in trials])

    def propose_unit(
        self,
        study: Study,
        encoder: SpaceEncoder,
        X: FloatArray,
        y: FloatArray,
        *,
        region: Region | None = None,
        fit_steps: int | None = None,
    ) -> FloatArray:
        """One Thompson-sampling step on observations ``(X, y)``, optionally inside ``region``.

        The hook :class:`~smarttune.samplers.HybridSampler` calls in its refinement phase: the
        surrogate of ``study`` and ``encoder``'s space is refitted (warm-started) on ``X`` (unit
        cube rows) and ``y`` (scores, higher is better), and the maximiser of one posterior draw
        among candidates bred from the ``n_elites`` best rows is returned. ``fit_steps``
        overrides the learner's warm-start steps for this refit.
        """
        with self._lock:
            learner = self._cached_learner(study, encoder)
            return propose(
                encoder,
                X,
                y,
                select_elites(X, y, self.n_elites),
                self._rng,
                learner=learner,
                n_candidates=self.n_candidates,
                region=region,
                fit_steps=fit_steps,
            )

    def _cached_learner(self, study: Study, encoder: SpaceEncoder) -> MetaLearner:
        """Return the learner of this study and space; a fresh one when either changed."""
        key = (id(study._storage), study._study_id, tuple(encoder.search_space.items()))
        if key != self._cache_key or self._learner is None:
            seed = int(self._rng.integers(2**32))
            self._learner = MetaLearner(**self._learner_params, seed=seed)
            self._cache_key = key
            self._encoded = {}
        return self._learner

    def _encode(self, encoder: SpaceEncoder, trial: FrozenTrial) -> FloatArray:
        row = self._encoded.get(trial._trial_id)
        if row is None:
            row = self._encoded[trial._trial_id] = encoder.encode(trial.params)
        return row
