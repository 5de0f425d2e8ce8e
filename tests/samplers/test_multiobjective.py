from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import optuna
import pytest
from optuna.samplers import BaseSampler, RandomSampler
from optuna.trial import FrozenTrial

from smarttune._pareto import as_losses, hypervolume
from smarttune.samplers import BayesianBanditSampler, HybridSampler
from smarttune.samplers._multiobjective import (
    chebyshev,
    nsga_fitness,
    random_weights,
    scalarized_observations,
)

FAST_HYBRID = {"population_size": 16, "generations": 2}
FAST_BANDIT = {
    "n_startup_trials": 5,
    "n_candidates": 64,
    "learner_params": {"epochs": 20, "warm_start_steps": 10, "n_members": 3},
}


def zdt1(trial: optuna.Trial, dim: int = 4) -> tuple[float, float]:
    x = np.array([trial.suggest_float(f"x{i}", 0.0, 1.0) for i in range(dim)])
    g = 1.0 + 9.0 * float(x[1:].mean())
    return float(x[0]), g * (1.0 - float(np.sqrt(x[0] / g)))


def front_hypervolume(study: optuna.Study, reference: Sequence[float]) -> float:
    directions = [d.name.lower() for d in study.directions]
    values = [t.values for t in study.trials if t.values is not None]
    return hypervolume(as_losses(values, directions), reference)


def test_random_weights_lie_on_the_simplex() -> None:
    rng = np.random.default_rng(0)
    for m in (2, 3, 4):
        w = random_weights(m, rng)
        assert w.shape == (m,) and np.all(w >= 0) and w.sum() == pytest.approx(1.0)


def test_chebyshev_is_the_weighted_max_plus_a_small_sum() -> None:
    losses = np.array([[0.2, 0.8], [0.5, 0.5]])
    np.testing.assert_allclose(
        chebyshev(losses, np.array([0.5, 0.5])), [0.4 + 0.05 * 0.5, 0.25 + 0.05 * 0.5]
    )


def test_nsga_fitness_orders_fronts_then_puts_infeasible_last() -> None:
    losses = np.array([[0.0, 1.0], [1.0, 0.0], [1.0, 1.0], [0.0, 0.0]])
    violation = np.array([0.0, 0.0, 0.0, 2.0])
    fitness = nsga_fitness(losses, violation)
    assert min(fitness[0], fitness[1]) > fitness[2] > fitness[3]


def _study_with(values: list[tuple[float, float]], constraints: list[float]) -> optuna.Study:
    study = optuna.create_study(directions=["maximize", "minimize"])
    for i, (v, c) in enumerate(zip(values, constraints, strict=True)):
        trial = study.ask()
        trial.suggest_float("x", 0.0, 1.0)
        study._storage.set_trial_system_attr(trial._trial_id, "constraints", (c,))
        study.tell(trial, list(v))
        assert study.trials[i].values == list(v)
    return study


def test_infeasible_trials_score_below_every_feasible_trial() -> None:
    # The infeasible trial dominates all others but violates its constraint.
    study = _study_with([(0.5, 5.0), (0.6, 4.0), (0.99, 0.1), (0.1, 9.0)], [0, 0, 3.0, 0])
    space = {"x": optuna.distributions.FloatDistribution(0.0, 1.0)}
    for seed in range(5):
        seen = scalarized_observations(study, space, np.random.default_rng(seed))
        assert seen.scores[2] < seen.scores[[0, 1, 3]].min()
        assert seen.fitness[2] < seen.fitness[[0, 1, 3]].min()
        assert seen.scores[1] > seen.scores[3]  # trial 1 dominates trial 3


def _hybrid() -> BaseSampler:
    return HybridSampler(seed=0, **FAST_HYBRID)


@pytest.mark.parametrize("seed", [0, 1])
def test_hybrid_covers_more_hypervolume_than_random_on_zdt1(seed: int) -> None:
    results = {}
    for name, sampler in {
        "hybrid": HybridSampler(seed=seed, **FAST_HYBRID),
        "random": RandomSampler(seed=seed),
    }.items():
        study = optuna.create_study(directions=["minimize", "minimize"], sampler=sampler)
        study.optimize(zdt1, n_trials=30)
        results[name] = front_hypervolume(study, [1.1, 11.0])
    assert results["hybrid"] > results["random"]


@pytest.mark.parametrize(
    "make",
    [_hybrid, lambda: BayesianBanditSampler(seed=0, **FAST_BANDIT)],
    ids=["hybrid", "bandit"],
)
@pytest.mark.parametrize("n_objectives", [2, 3, 4])
def test_two_to_four_objectives_complete(
    make: Callable[[], BaseSampler], n_objectives: int
) -> None:
    def objective(trial: optuna.Trial) -> list[float]:
        x = trial.suggest_float("x", -2.0, 2.0)
        y = trial.suggest_int("y", 0, 4)
        return [(x - k) ** 2 + y for k in range(n_objectives)]

    study = optuna.create_study(directions=["minimize"] * n_objectives, sampler=make())
    study.optimize(objective, n_trials=12)
    assert all(t.state == optuna.trial.TrialState.COMPLETE for t in study.trials)
    # after the initial design, the trials are proposed by the model or the genetic step
    phases = {t.system_attrs.get("smarttune.hybrid:phase") for t in study.trials[8:]}
    assert isinstance(study.sampler, BayesianBanditSampler) or phases <= {"bandit", "genetic"}


@pytest.mark.parametrize(
    "make",
    [
        lambda f: HybridSampler(seed=0, constraints_func=f, **FAST_HYBRID),
        lambda f: BayesianBanditSampler(seed=0, constraints_func=f, **FAST_BANDIT),
    ],
    ids=["hybrid", "bandit"],
)
def test_constraints_steer_proposals_to_the_feasible_region(
    make: Callable[[Callable[[FrozenTrial], Sequence[float]]], BaseSampler],
) -> None:
    def constraint(trial: FrozenTrial) -> Sequence[float]:
        return (trial.params["x0"] - 0.3,)  # feasible when x0 <= 0.3

    def run(sampler: BaseSampler) -> optuna.Study:
        study = optuna.create_study(directions=["minimize", "minimize"], sampler=sampler)
        study.optimize(zdt1, n_trials=30)
        return study

    def feasible_share(study: optuna.Study) -> float:
        late = study.trials[10:]
        return sum(t.params["x0"] <= 0.3 for t in late) / len(late)

    ours = run(make(constraint))
    assert all("constraints" in t.system_attrs for t in ours.trials)  # Optuna's record
    share = feasible_share(ours)
    assert share > 0.5 and share > feasible_share(run(RandomSampler(seed=0)))
