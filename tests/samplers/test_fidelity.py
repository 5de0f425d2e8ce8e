"""BOHB's rule (fit on the highest fidelity with enough observations) and the samplers using it."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import optuna
import pytest
from optuna.distributions import BaseDistribution, FloatDistribution
from optuna.study import StudyDirection
from optuna.trial import TrialState, create_trial

from smarttune.samplers import BayesianBanditSampler, HybridSampler
from smarttune.samplers._fidelity import (
    FIDELITY_FULL,
    FIDELITY_KEY,
    default_min_observations,
    observations,
)

SPACE: dict[str, BaseDistribution] = {"x": FloatDistribution(0.0, 1.0)}
FAST = {"epochs": 20, "warm_start_steps": 10, "n_members": 3}


def add(study: optuna.Study, x: float, curve: list[float], *, complete: bool) -> None:
    study.add_trial(
        create_trial(
            params={"x": x},
            distributions=SPACE,
            intermediate_values=dict(enumerate(curve, start=1)),
            value=curve[-1] if complete else None,
            state=TrialState.COMPLETE if complete else TrialState.PRUNED,
        )
    )


def test_enough_completed_trials_are_the_full_fidelity() -> None:
    study = optuna.create_study()
    for i in range(3):
        add(study, i / 10, [5.0, 4.0 - i], complete=True)
    add(study, 0.9, [0.1], complete=False)
    seen = observations(study, SPACE, min_observations=3)
    assert seen.step == FIDELITY_FULL and seen.values == [4.0, 3.0, 2.0]


def test_too_few_completed_trials_fall_back_to_the_highest_step_with_enough() -> None:
    study = optuna.create_study(direction="maximize")
    add(study, 0.1, [0.1, 0.2, 0.3, 0.4], complete=True)
    for i in range(4):  # pruned after 1 step
        add(study, 0.2 + i / 10, [0.05 * i], complete=False)
    add(study, 0.7, [0.3, 0.5], complete=False)  # pruned after 2 steps
    add(study, 0.8, [0.2, 0.1], complete=False)
    # Step 2: the complete trial and the two pruned at step 2 -> 3 observations.
    seen = observations(study, SPACE, min_observations=3)
    assert seen.step == 2
    assert [t.params["x"] for t in seen.trials] == [0.1, 0.7, 0.8]
    assert seen.values == [0.2, 0.5, 0.1]
    # Step 1 has all seven trials.
    assert observations(study, SPACE, min_observations=4).step == 1
    # No step has eight: the single completed trial is all there is.
    fallback = observations(study, SPACE, min_observations=8)
    assert fallback.step == FIDELITY_FULL and len(fallback) == 1


def test_a_completed_trial_that_stopped_early_counts_at_later_steps() -> None:
    study = optuna.create_study()
    add(study, 0.1, [3.0, 2.0], complete=True)  # early stopping after 2 steps
    add(study, 0.2, [4.0, 3.0, 2.5], complete=False)
    add(study, 0.3, [4.0, 3.5, 3.0], complete=False)
    seen = observations(study, SPACE, min_observations=3)
    assert seen.step == 3 and seen.values == [2.0, 2.5, 3.0]


def test_scores_are_higher_for_better_values_in_either_direction() -> None:
    study = optuna.create_study(direction="minimize")
    for x, value in ((0.1, 3.0), (0.2, 1.0), (0.3, 2.0)):
        add(study, x, [value], complete=True)
    seen = observations(study, SPACE, min_observations=1)
    assert np.argmax(seen.scores(StudyDirection.MINIMIZE)) == 1
    assert np.argmax(seen.scores(StudyDirection.MAXIMIZE)) == 0


def test_non_finite_values_are_not_observations_and_bohb_min_is_dim_plus_one() -> None:
    study = optuna.create_study()
    add(study, 0.1, [math.inf], complete=False)
    add(study, 0.2, [1.0], complete=False)
    assert len(observations(study, SPACE, min_observations=1)) == 1
    assert default_min_observations(4) == 5


def curve_objective(trial: optuna.Trial) -> float:
    """A learning curve whose final level is best at x = 0.7 (maximised), 9 steps."""
    x = trial.suggest_float("x", 0.0, 1.0)
    y = trial.suggest_float("y", 0.0, 1.0)
    level = 1.0 - (x - 0.7) ** 2 - (y - 0.3) ** 2
    value = 0.0
    for step in range(1, 10):
        value = level * (1.0 - math.exp(-step / 2.0))
        trial.report(value, step)
        if trial.should_prune():
            raise optuna.TrialPruned()
    return value


def test_bandit_with_successive_halving_fits_on_pruned_trials() -> None:
    sampler = BayesianBanditSampler(
        n_startup_trials=4, n_candidates=64, learner_params=FAST, seed=0
    )
    pruner = optuna.pruners.SuccessiveHalvingPruner(min_resource=1, reduction_factor=3)
    study = optuna.create_study(direction="maximize", sampler=sampler, pruner=pruner)
    study.optimize(curve_objective, n_trials=20)
    states = [t.state for t in study.trials]
    assert states.count(TrialState.PRUNED) >= 5
    steps = [t.system_attrs.get(FIDELITY_KEY) for t in study.trials]
    # While fewer than 4 trials had completed, the surrogate was fitted on intermediate steps.
    assert any(s is not None and s != FIDELITY_FULL for s in steps)
    completed_before = [
        sum(u.state == TrialState.COMPLETE for u in study.trials[: t.number])
        for t in study.trials
        if t.system_attrs.get(FIDELITY_KEY) not in (None, FIDELITY_FULL)
    ]
    assert all(n < 4 for n in completed_before)


def test_hybrid_with_hyperband_feeds_pruned_trials_to_its_surrogate(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from smarttune.samplers._hybrid import sampler as hybrid_module

    sampler = HybridSampler(n_startup_trials=4, population_size=16, generations=3, seed=0)
    fitted: list[tuple[int, int]] = []
    original = hybrid_module.observations

    def spy(study: optuna.Study, space: Any, **kwargs: Any) -> Any:
        seen = original(study, space, **kwargs)
        done = sum(t.state == TrialState.COMPLETE for t in study.get_trials(deepcopy=False))
        fitted.append((len(seen), done))
        return seen

    monkeypatch.setattr(hybrid_module, "observations", spy)
    pruner = optuna.pruners.HyperbandPruner(min_resource=1, max_resource=9, reduction_factor=3)
    study = optuna.create_study(direction="maximize", sampler=sampler, pruner=pruner)
    study.optimize(curve_objective, n_trials=30)
    assert any(t.state == TrialState.PRUNED for t in study.trials), "nothing was pruned"
    # Some model fits saw more observations than there were completed trials: pruned ones
    # joined them at a lower fidelity (BOHB's rule).
    assert any(rows > done for rows, done in fitted)
    assert study.best_value > 0.8


def test_pruned_trials_join_a_full_fidelity_fit_at_the_worst_value() -> None:
    from smarttune.samplers._fidelity import with_pruned_as_worst

    space: dict[str, BaseDistribution] = {"x": FloatDistribution(0, 1)}
    study = optuna.create_study(direction="maximize")
    for x, value in [(0.1, 0.5), (0.2, 0.7), (0.3, 0.9)]:
        study.add_trial(create_trial(params={"x": x}, distributions=space, value=value))
    pruned = create_trial(
        params={"x": 0.9}, distributions=space, state=TrialState.PRUNED,
        intermediate_values={0: 0.95},
    )  # fmt: skip
    study.add_trial(pruned)
    seen = with_pruned_as_worst(study, space, observations(study, space, min_observations=2))
    assert [t.params["x"] for t in seen.trials] == [0.1, 0.2, 0.3, 0.9]
    assert seen.values == [0.5, 0.7, 0.9, 0.5]  # not its 0.95 after one step: the worst


def test_hybrid_stops_proposing_where_its_trials_are_pruned() -> None:
    def objective(trial: optuna.Trial) -> float:
        x = trial.suggest_float("x", 0, 1)
        y = trial.suggest_float("y", 0, 1)
        if x > 0.6:  # a region the pruner always stops early
            raise optuna.TrialPruned
        return x - (y - 0.5) ** 2  # rises towards the pruned region

    sampler = HybridSampler(n_startup_trials=6, seed=0)
    study = optuna.create_study(direction="maximize", sampler=sampler)
    study.optimize(objective, n_trials=30)
    late = [t.params["x"] > 0.6 for t in study.trials[15:]]
    assert sum(late) <= 5, f"{sum(late)} of the last 15 proposals in the pruned region"
