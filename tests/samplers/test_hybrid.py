from __future__ import annotations

import math
import multiprocessing
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import optuna
import pytest
from optuna.samplers import BaseSampler
from optuna.testing.pytest_samplers import (
    BasicSamplerTestCase,
    RelativeSamplerTestCase,
    SingleOnlySamplerTestCase,
)
from optuna.trial import TrialState

from smarttune import tune
from smarttune.exceptions import InvalidParameterError, MultiObjectiveError
from smarttune.samplers import HybridSampler, PriorObservations, resolve_sampler
from smarttune.samplers._hybrid import PHASE_KEY, SWITCH_KEY


class TestHybridConformanceExploring(
    BasicSamplerTestCase, RelativeSamplerTestCase, SingleOnlySamplerTestCase
):
    @pytest.fixture
    def sampler(self) -> Callable[[], BaseSampler]:
        return lambda: HybridSampler(population_size=4, seed=0)


class TestHybridConformanceRefining(BasicSamplerTestCase, RelativeSamplerTestCase):
    """The bandit phase from the second generation on, so the suites exercise it too."""

    @pytest.fixture
    def sampler(self) -> Callable[[], BaseSampler]:
        return lambda: HybridSampler(
            population_size=2, min_generations=1, max_generations=1, n_candidates=64, seed=0
        )


def sphere(trial: optuna.Trial, dim: int = 5) -> float:
    x = np.array([trial.suggest_float(f"x{i}", -5.0, 5.0) for i in range(dim)])
    return float(np.sum((x - 1.3) ** 2))


def run(
    sampler: BaseSampler, objective: Callable[[optuna.Trial], float], n: int, **kw: Any
) -> optuna.Study:
    study = optuna.create_study(sampler=sampler, **kw)
    study.optimize(objective, n_trials=n, catch=(Exception,))
    return study


def test_is_the_default_of_tune_and_the_name_hybrid() -> None:
    assert isinstance(resolve_sampler("hybrid", seed=0), HybridSampler)
    study = tune(sphere, n_trials=3, direction="minimize", progress=False)
    assert isinstance(study.sampler, HybridSampler)


def test_explores_then_refines_and_records_the_switch() -> None:
    sampler = HybridSampler(population_size=5, min_generations=2, max_generations=3, seed=1)
    study = run(sampler, sphere, 40)
    record = sampler.switch_record(study)
    assert record is not None
    assert study._storage.get_study_system_attrs(study._study_id)[SWITCH_KEY] == record
    assert 2 <= record["generation"] <= 3
    phases = [t.system_attrs[PHASE_KEY] for t in study.trials]
    switch_at = phases.index("bandit")
    assert set(phases[:switch_at]) == {"genetic"}
    assert set(phases[switch_at:]) == {"bandit"}
    assert switch_at == record["trial"]


def test_a_stagnant_search_switches_early_with_the_reason() -> None:
    def flat(trial: optuna.Trial) -> float:
        trial.suggest_float("x", 0, 1)
        return 1.0

    sampler = HybridSampler(population_size=4, min_generations=2, max_generations=8, seed=0)
    study = run(sampler, flat, 20)
    record = sampler.switch_record(study)
    assert record is not None
    assert record["generation"] == 2
    assert str(record["reason"]).startswith(("stagnation", "population converged"))


def test_an_improving_search_keeps_exploring_until_max_generations() -> None:
    counter = {"n": 0}

    def improving(trial: optuna.Trial) -> float:  # every trial is better than all before it
        trial.suggest_float("x", 0, 1)
        counter["n"] += 1
        return -(float(counter["n"]) ** 2)

    sampler = HybridSampler(
        population_size=4, min_generations=1, max_generations=4, diversity_floor=0.0, seed=0
    )
    study = run(sampler, improving, 24)
    record = sampler.switch_record(study)
    assert record is not None
    assert record["reason"] == "max_generations=4 reached"


def test_beats_random_search_on_a_smooth_function() -> None:
    hybrid = [run(HybridSampler(seed=s), sphere, 60).best_value for s in range(3)]
    random = [run(optuna.samplers.RandomSampler(seed=s), sphere, 60).best_value for s in range(3)]
    assert np.mean(hybrid) < 0.3 * np.mean(random)


def test_seed_makes_serial_runs_reproducible() -> None:
    first = run(HybridSampler(population_size=4, max_generations=2, seed=7), sphere, 16)
    second = run(HybridSampler(population_size=4, max_generations=2, seed=7), sphere, 16)
    assert [t.params for t in first.trials] == [t.params for t in second.trials]


def test_maximize_and_minimize_agree() -> None:
    def neg(trial: optuna.Trial) -> float:
        return -sphere(trial)

    low = run(HybridSampler(population_size=4, max_generations=2, seed=3), sphere, 16)
    high = run(
        HybridSampler(population_size=4, max_generations=2, seed=3), neg, 16, direction="maximize"
    )
    assert [t.params for t in low.trials] == [t.params for t in high.trials]


def test_warm_start_configurations_are_evaluated_first() -> None:
    warm = [
        {"lr": 1e-3, "layers": 2, "units_0": 64, "units_1": 16, "opt": "adam"},
        {"lr": 1e-2, "layers": 1, "units_0": 8, "opt": "not-a-choice"},
    ]

    def net(trial: optuna.Trial) -> float:
        lr = trial.suggest_float("lr", 1e-5, 1e-1, log=True)
        layers = trial.suggest_int("layers", 1, 3)
        units = [trial.suggest_int(f"units_{i}", 4, 128, log=True) for i in range(layers)]
        trial.suggest_categorical("opt", ["adam", "sgd"])
        return math.log10(lr) + sum(units) / 100

    study = run(
        HybridSampler(population_size=4, warm_start=warm, seed=0), net, 6, direction="minimize"
    )
    assert study.trials[0].params == warm[0]
    second = study.trials[1].params
    assert {k: second[k] for k in ("lr", "layers", "units_0")} == {
        "lr": 1e-2,
        "layers": 1,
        "units_0": 8,
    }
    assert second["opt"] in ("adam", "sgd")  # the invalid warm value was not used


def test_prior_observations_steer_the_refinement() -> None:
    """A prior that ranks the optimum first helps; the same points ranked wrongly do not."""
    optimum = {f"x{i}": 1.3 for i in range(5)}
    decoys = [{f"x{i}": float(v) for i in range(5)} for v in (-4.0, -3.0, 4.0)]
    helpful = PriorObservations(params=[optimum, *decoys], scores=[10.0, 0.0, 0.0, 0.0])
    harmful = PriorObservations(params=[optimum, *decoys], scores=[0.0, 10.0, 0.0, 0.0])

    def refined_losses(prior: PriorObservations | None) -> list[float]:
        losses: list[float] = []
        for seed in (0, 1):
            sampler = HybridSampler(
                population_size=4, min_generations=1, max_generations=1, prior=prior, seed=seed
            )
            study = run(sampler, sphere, 24)
            losses += [t.value for t in study.trials if t.system_attrs[PHASE_KEY] == "bandit"]
        return losses

    with_help = np.median(refined_losses(helpful))
    assert with_help < 0.75 * np.median(refined_losses(None))
    assert with_help < 0.75 * np.median(refined_losses(harmful))


def test_prior_needs_one_score_per_configuration() -> None:
    with pytest.raises(
        InvalidParameterError,
        match=r"one score per configuration; got 2 configurations and 1 scores",
    ):
        PriorObservations(params=[{}, {}], scores=[1.0])


def test_failed_pruned_and_nan_trials_are_survived() -> None:
    def flaky(trial: optuna.Trial) -> float:
        value = sphere(trial, dim=3)
        if trial.number % 5 == 1:
            raise RuntimeError("boom")
        if trial.number % 5 == 2:
            return math.nan
        if trial.number % 5 == 3:
            raise optuna.TrialPruned()
        return value

    study = run(HybridSampler(population_size=4, max_generations=2, seed=0), flaky, 30)
    states = [t.state for t in study.trials]
    assert states.count(TrialState.COMPLETE) == 12
    assert states.count(TrialState.FAIL) == 12
    assert states.count(TrialState.PRUNED) == 6


def test_dynamic_search_space_in_both_phases() -> None:
    def mlp(trial: optuna.Trial) -> float:
        layers = trial.suggest_int("layers", 1, 3)
        total = 0.0
        for i in range(layers):
            total += (trial.suggest_int(f"units_{i}", 4, 128, log=True) - 32) ** 2
            total += trial.suggest_float(f"dropout_{i}", 0.2, 0.5)
        return total + trial.suggest_float("lr", 1e-5, 1e-1, log=True)

    sampler = HybridSampler(population_size=4, min_generations=1, max_generations=2, seed=0)
    study = run(sampler, mlp, 30, direction="minimize")
    assert all(t.state == TrialState.COMPLETE for t in study.trials)
    assert sampler.switch_record(study) is not None
    assert len({t.params["layers"] for t in study.trials}) > 1


def test_multi_objective_is_refused() -> None:
    study = optuna.create_study(directions=["minimize", "maximize"], sampler=HybridSampler())
    with pytest.raises(
        MultiObjectiveError, match=r"HybridSampler supports single-objective studies only"
    ):
        study.ask().suggest_float("x", 0, 1)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        (
            {"population_size": 1},
            r"'population_size' parameter of HybridSampler must be an int in the range \[2, inf\)\. Got 1",
        ),
        (
            {"min_generations": 3, "max_generations": 2},
            r"'max_generations' parameter of HybridSampler must be an int in the range \[3, inf\)",
        ),
        ({"region_quantile": 0.0}, r"'region_quantile' .* \(0, 1\]\. Got 0\.0"),
        ({"warm_start": "x"}, r"'warm_start' parameter"),
        (
            {"prior": [1]},
            r"'prior' parameter of HybridSampler must be an instance of .*PriorObservations",
        ),
        ({"seed": -1}, r"'seed'"),
    ],
)
def test_invalid_arguments(kwargs: dict[str, Any], match: str) -> None:
    with pytest.raises(InvalidParameterError, match=match):
        HybridSampler(**kwargs)


def _hybrid_worker(url: str, n_trials: int) -> None:
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    study = optuna.load_study(
        study_name="shared",
        storage=url,
        sampler=HybridSampler(population_size=4, min_generations=1, max_generations=2),
    )
    study.optimize(sphere, n_trials=n_trials)


def test_two_processes_share_one_switch(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    optuna.create_study(study_name="shared", storage=url)
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_hybrid_worker, args=(url, 14)) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=240)
        assert worker.exitcode == 0
    study = optuna.load_study(study_name="shared", storage=url)
    assert len(study.trials) == 28
    record = study._storage.get_study_system_attrs(study._study_id)[SWITCH_KEY]
    later = [t for t in study.trials if t.number > record["trial"] + 2]
    assert later
    assert all(t.system_attrs[PHASE_KEY] == "bandit" for t in later)
