"""Observations at the highest fidelity with enough of them: the BOHB rule for our samplers.

With a multi-fidelity pruner (Optuna's :class:`~optuna.pruners.SuccessiveHalvingPruner` or
:class:`~optuna.pruners.HyperbandPruner`) most trials are pruned after a few steps, so a
surrogate fitted to COMPLETE trials alone sees a handful of points while the pruned trials'
intermediate values go to waste. BOHB (S. Falkner, A. Klein and F. Hutter, "BOHB: Robust and
Efficient Hyperparameter Optimization at Scale", ICML 2018) fits its model on the largest
budget that has enough observations; this module applies that rule to an Optuna study:

* A trial's *observation at step s* is its intermediate value at ``s``; a COMPLETE trial that
  reported nothing at ``s`` (it stopped earlier, e.g. by early stopping) contributes its final
  value, since its training ended there. PRUNED trials contribute only the steps they reached.
* COMPLETE trials are the full fidelity: when at least ``min_observations`` of them cover the
  search space, they and their final values are used, exactly as without a pruner.
* Otherwise the largest step at which at least ``min_observations`` trials (COMPLETE or
  PRUNED) have an observation is used, with those trials' values at that step.
* When no step qualifies, the COMPLETE trials are used however few they are.

:func:`with_pruned_as_worst` adds what a full-fidelity fit would otherwise never learn: that a
pruned trial's region is bad. Without it a Thompson sampler keeps proposing where its trials
are pruned (they never become observations), as the demo showed with every refinement trial
pruned at the corners of the space. Each PRUNED trial joins at the worst full-fidelity value,
the way Optuna's TPE ranks pruned trials below every completed one.

Scores at one step are comparable with each other, which is all a rank-based surrogate needs.
BOHB's ``min_observations`` is the dimension plus one; :func:`default_min_observations` gives it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from optuna.study import StudyDirection
from optuna.trial import TrialState

from smarttune.samplers._common import FloatArray, completed_trials_covering, copula_scores

if TYPE_CHECKING:
    from collections.abc import Mapping

    from optuna.distributions import BaseDistribution
    from optuna.study import Study
    from optuna.trial import FrozenTrial

__all__ = [
    "FIDELITY_FULL",
    "FIDELITY_KEY",
    "FidelityObservations",
    "default_min_observations",
    "observations",
    "with_pruned_as_worst",
]

#: Trial system attr: the step whose observations the surrogate was fitted on for this trial.
FIDELITY_KEY = "smarttune.fidelity:step"

#: The fidelity reported for observations taken from COMPLETE trials' final values.
FIDELITY_FULL = -1


class FidelityObservations:
    """Trials, their scores (higher is better, copula-transformed) and the fidelity used.

    Attributes:
        trials: The trials observed.
        values: Their raw values at :attr:`step` (or final values).
        step: The intermediate step the values were taken at, or :data:`FIDELITY_FULL`.
    """

    def __init__(self, trials: list[FrozenTrial], values: list[float], step: int) -> None:
        self.trials = trials
        self.values = values
        self.step = step

    def scores(self, direction: StudyDirection) -> FloatArray:
        """The values as Gaussian-copula scores to maximise."""
        raw = np.asarray(self.values, dtype=float)
        return copula_scores(-raw if direction == StudyDirection.MINIMIZE else raw)

    def __len__(self) -> int:
        return len(self.trials)


def default_min_observations(dimension: int) -> int:
    """BOHB's ``N_min``: one more observation than the search space has dimensions."""
    return dimension + 1


def observations(
    study: Study, search_space: Mapping[str, BaseDistribution], *, min_observations: int
) -> FidelityObservations:
    """The observations at the highest fidelity with at least ``min_observations`` of them."""
    complete = completed_trials_covering(study, search_space)
    full = FidelityObservations(complete, [_final(t) for t in complete], FIDELITY_FULL)
    if len(complete) >= min_observations:
        return full
    pruned = [t for t in _pruned_covering(study, search_space) if t.intermediate_values]
    step = _highest_step(complete, pruned, min_observations)
    if step is None:
        return full
    chosen: list[FrozenTrial] = []
    values: list[float] = []
    for trial in [*complete, *pruned]:
        value = _value_at(trial, step)
        if value is not None:
            chosen.append(trial)
            values.append(value)
    return FidelityObservations(chosen, values, step)


def with_pruned_as_worst(
    study: Study,
    search_space: Mapping[str, BaseDistribution],
    seen: FidelityObservations,
) -> FidelityObservations:
    """Full-fidelity ``seen`` plus every PRUNED trial of the space, valued as the worst of them.

    Observations at a lower fidelity (``seen.step`` is a step) already hold the pruned trials'
    real intermediate values and are returned unchanged, as is an empty ``seen``.
    """
    if seen.step != FIDELITY_FULL or not seen.values:
        return seen
    pruned = _pruned_covering(study, search_space)
    if not pruned:
        return seen
    worst = min(seen.values) if study.direction == StudyDirection.MAXIMIZE else max(seen.values)
    return FidelityObservations(
        [*seen.trials, *pruned], [*seen.values, *([worst] * len(pruned))], FIDELITY_FULL
    )


def _pruned_covering(
    study: Study, search_space: Mapping[str, BaseDistribution]
) -> list[FrozenTrial]:
    """The PRUNED trials that set every parameter of ``search_space``."""
    states = (TrialState.PRUNED,)
    trials = study._get_trials(deepcopy=False, states=states, use_cache=True)
    return [t for t in trials if search_space.keys() <= t.params.keys()]


def _highest_step(
    complete: list[FrozenTrial], pruned: list[FrozenTrial], min_observations: int
) -> int | None:
    steps = sorted({s for t in pruned for s in t.intermediate_values}, reverse=True)
    for step in steps:
        count = sum(_value_at(t, step) is not None for t in [*complete, *pruned])
        if count >= min_observations:
            return step
    return None


def _final(trial: FrozenTrial) -> float:
    assert trial.value is not None  # completed_trials_covering keeps trials with a value
    return float(trial.value)


def _value_at(trial: FrozenTrial, step: int) -> float | None:
    """The trial's value at ``step``: its report there, or a finished trial's final value."""
    value = trial.intermediate_values.get(step)
    if value is None and trial.state == TrialState.COMPLETE:
        reported = trial.intermediate_values
        if not reported or max(reported) < step:
            value = trial.value
    if value is None or not np.isfinite(value):
        return None
    return float(value)
