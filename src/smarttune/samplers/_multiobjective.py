"""Several objectives and constraints for the model-based samplers: one scalar score per trial.

HybridSampler and BayesianBanditSampler model one score per trial. In a study with 2 to
:data:`MAX_OBJECTIVES` objectives, or with Optuna's ``constraints_func``, every proposal turns
the completed trials' objective vectors into scores as ParEGO does (Knowles, "ParEGO: a hybrid
algorithm with on-line landscape approximation for expensive multiobjective optimization
problems", IEEE TEC 2006), with the weights drawn afresh for each proposal as in Paria,
Kandasamy and Póczos ("A flexible framework for multi-objective Bayesian optimization using
random scalarizations", UAI 2019):

1. The objectives become losses (maximized ones negated), each scaled to [0, 1] by its minimum
   and maximum over the trials.
2. A weight vector ``w`` is drawn uniformly from the simplex (Dirichlet(1, ..., 1)), and each
   trial's loss vector ``f`` becomes the augmented Chebyshev scalarization
   ``max_k w_k f_k + rho * sum_k w_k f_k`` with ``rho = 0.05`` (ParEGO's value).
3. Constraints (Optuna's ``constraints_func``: a trial is feasible when every value is <= 0):
   an infeasible trial's scalarization is raised above every feasible one's, by one plus its
   total violation scaled to [0, 1], so the model learns to avoid infeasible regions and ranks
   the less infeasible trials higher. Trials without recorded constraints count as feasible.
4. The scores to maximise are the Gaussian-copula transform of the negated scalarization.

The genetic steps use NSGA-II's crowded comparison instead (Deb et al. 2002): a trial's fitness
is minus its non-domination rank among the feasible trials (infeasible ones rank below all of
them, by violation), with the crowding distance within a front breaking ties.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from optuna.samplers._base import _process_constraints_after_trial
from optuna.study._constrained_optimization import _CONSTRAINTS_KEY
from optuna.trial import TrialState

from smarttune._pareto import as_losses, crowding_distance, nondominated_ranks
from smarttune.exceptions import MultiObjectiveError
from smarttune.samplers._common import copula_scores

if TYPE_CHECKING:
    from optuna.distributions import BaseDistribution
    from optuna.study import Study
    from optuna.trial import FrozenTrial

__all__ = [
    "MAX_OBJECTIVES",
    "ConstraintsFunc",
    "ScalarizedObservations",
    "after_trial_constraints",
    "check_objectives",
    "chebyshev",
    "nsga_fitness",
    "random_weights",
    "scalarized_observations",
    "uses_scalarization",
    "violations",
]

FloatArray = np.ndarray[Any, np.dtype[np.float64]]
ConstraintsFunc = Callable[["FrozenTrial"], Sequence[float]]
#: The most objectives the model-based samplers accept.
MAX_OBJECTIVES = 4
_RHO = 0.05


def check_objectives(study: Study, sampler_name: str) -> None:
    """Raise :class:`MultiObjectiveError` if ``study`` has more than :data:`MAX_OBJECTIVES`."""
    n = len(study.directions)
    if n > MAX_OBJECTIVES:
        raise MultiObjectiveError(
            f"{sampler_name} supports 1 to {MAX_OBJECTIVES} objectives; study "
            f"'{study.study_name}' has {n}. Use optuna.samplers.NSGAIIISampler for many "
            "objectives."
        )


def uses_scalarization(study: Study, constraints_func: ConstraintsFunc | None) -> bool:
    """Whether proposals need this module: several objectives, or constraints."""
    return len(study.directions) > 1 or constraints_func is not None


def after_trial_constraints(
    constraints_func: ConstraintsFunc | None, study: Study, trial: FrozenTrial, state: TrialState
) -> None:
    """Record ``constraints_func(trial)`` in the trial, as Optuna's own samplers do."""
    if constraints_func is not None:
        _process_constraints_after_trial(constraints_func, study, trial, state)


@dataclass(frozen=True)
class ScalarizedObservations:
    """Completed trials with one score each for the model and one fitness for the GA.

    Attributes:
        trials: The completed trials that cover the search space.
        scores: Copula scores of the random Chebyshev scalarization (higher is better).
        fitness: NSGA-II crowded-comparison fitness (higher is better).
        weights: The scalarization's weights.
    """

    trials: list[FrozenTrial]
    scores: FloatArray
    fitness: FloatArray
    weights: FloatArray

    def __len__(self) -> int:
        return len(self.trials)


def scalarized_observations(
    study: Study, search_space: Mapping[str, BaseDistribution], rng: np.random.Generator
) -> ScalarizedObservations:
    """Score the completed trials covering ``search_space`` under a fresh random scalarization."""
    states = (TrialState.COMPLETE,)
    trials = [
        t
        for t in study._get_trials(deepcopy=False, states=states, use_cache=True)
        if t.values is not None and search_space.keys() <= t.params.keys()
    ]
    directions = [d.name.lower() for d in study.directions]
    weights = random_weights(len(directions), rng)
    if not trials:
        empty = np.empty(0)
        return ScalarizedObservations(trials, empty, empty, weights)
    losses = _scaled(as_losses([t.values for t in trials], directions))
    violation = violations(trials)
    scalar = _penalized(chebyshev(losses, weights), violation)
    scores = copula_scores(-np.nan_to_num(scalar, nan=np.inf, posinf=np.inf))
    return ScalarizedObservations(trials, scores, nsga_fitness(losses, violation), weights)


def random_weights(n_objectives: int, rng: np.random.Generator) -> FloatArray:
    """A weight vector drawn uniformly from the simplex."""
    weights: FloatArray = rng.dirichlet(np.ones(n_objectives))
    return weights


def chebyshev(losses: FloatArray, weights: FloatArray, rho: float = _RHO) -> FloatArray:
    """The augmented Chebyshev scalarization of each row of ``losses`` (lower is better)."""
    weighted = losses * weights
    scalar: FloatArray = weighted.max(axis=1) + rho * weighted.sum(axis=1)
    return scalar


def violations(trials: Sequence[FrozenTrial]) -> FloatArray:
    """Each trial's total constraint violation (0 when feasible or unconstrained)."""
    totals = []
    for trial in trials:
        values = trial.system_attrs.get(_CONSTRAINTS_KEY) or ()
        totals.append(float(np.sum(np.clip(np.asarray(values, dtype=float), 0.0, None))))
    return np.asarray(totals, dtype=float)


def nsga_fitness(losses: FloatArray, violation: FloatArray) -> FloatArray:
    """NSGA-II's crowded comparison as a number: higher for a better rank, then less crowding."""
    fitness = np.empty(len(losses))
    feasible = violation <= 0
    ranks = nondominated_ranks(losses[feasible])
    crowd = np.zeros(len(ranks))
    for rank in np.unique(ranks):
        members = ranks == rank
        distance = crowding_distance(losses[feasible][members])
        crowd[members] = np.minimum(distance, 1e6) / (1.0 + np.minimum(distance, 1e6))
    fitness[feasible] = -ranks + crowd * 0.5
    worst = float(fitness[feasible].min()) if feasible.any() else 0.0
    fitness[~feasible] = worst - 1.0 - _unit(violation[~feasible])
    return fitness


def _penalized(scalar: FloatArray, violation: FloatArray) -> FloatArray:
    infeasible = violation > 0
    if not infeasible.any():
        return scalar
    feasible_top = float(scalar[~infeasible].max()) if (~infeasible).any() else 0.0
    penalized = scalar.copy()
    penalized[infeasible] = feasible_top + 1.0 + _unit(violation[infeasible])
    return penalized


def _scaled(losses: FloatArray) -> FloatArray:
    finite = np.where(np.isfinite(losses), losses, np.nan)
    low, high = np.nanmin(finite, axis=0), np.nanmax(finite, axis=0)
    span = np.where(high > low, high - low, 1.0)
    scaled: FloatArray = (losses - low) / span
    return scaled


def _unit(values: FloatArray) -> FloatArray:
    top = float(values.max()) if len(values) else 0.0
    unit: FloatArray = values / top if top > 0 else np.zeros_like(values)
    return unit
