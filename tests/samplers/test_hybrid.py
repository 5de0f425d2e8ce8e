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
    MultiObjectiveSamplerTestCase,
    RelativeSamplerTestCase,
)
from optuna.trial import TrialState

from smarttune import tune
from smarttune.exceptions import InvalidParameterError, MultiObjectiveError
from smarttune.knowledge import TaskKnowledge
from smarttune.samplers import HybridSampler, PriorObservations, resolve_sampler
from smarttune.samplers._hybrid import DECISION_KEY, PHASE_KEY, SWITCH_KEY
from smarttune.space import SpaceEncoder

FAST: dict[str, Any] = {"population_size": 16, "generations": 2}


class TestHybridConformanceStartup(
    BasicSamplerTestCase, RelativeSamplerTestCase, MultiObjectiveSamplerTestCase
):
    @pytest.fixture
    def sampler(self) -> Callable[[], BaseSampler]:
        return lambda: HybridSampler(seed=0, **FAST)


class TestHybridConformanceModel(BasicSamplerTestCase, RelativeSamplerTestCase):
    """The model from the second trial on, so the suites exercise the GP and the GA."""

    @pytest.fixture
    def sampler(self) -> Callable[[], BaseSampler]:
        return lambda: HybridSampler(n_startup_trials=1, loo_threshold=-1.0, seed=0, **FAST)


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


def test_initial_design_then_model_and_every_decision_recorded() -> None:
    sampler = HybridSampler(seed=1, **FAST)
    study = run(sampler, sphere, 14)
    phases = [t.system_attrs.get(PHASE_KEY) for t in study.trials]
    # trial 0 has no relative search space yet; trials 1..5 complete the 6-point design (d=5)
    assert phases[1:6] == ["initial"] * 5
    assert set(phases[6:]) <= {"bandit", "genetic"}
    assert "bandit" in phases[6:]
    for trial in study.trials[6:]:
        decision = trial.system_attrs[DECISION_KEY]
        assert decision["threshold"] == 0.3
        assert -1.0 <= decision["loo_spearman"] <= 1.0
        assert (decision["loo_spearman"] >= 0.3) == (trial.system_attrs[PHASE_KEY] == "bandit")
    record = sampler.switch_record(study)
    assert record is not None
    assert record == study._storage.get_study_system_attrs(study._study_id)[SWITCH_KEY]
    assert record["trial"] == phases.index("bandit")


def test_a_model_that_ranks_badly_hands_trials_to_the_genetic_step() -> None:
    rng = np.random.default_rng(0)

    def noise(trial: optuna.Trial) -> float:
        trial.suggest_float("x", 0, 1)
        trial.suggest_float("y", 0, 1)
        return float(rng.standard_normal())

    def smooth(trial: optuna.Trial) -> float:
        return sphere(trial, dim=2)

    study = run(HybridSampler(seed=0, **FAST), noise, 30)
    phases = [t.system_attrs.get(PHASE_KEY) for t in study.trials[5:]]
    smooth_phases = [
        t.system_attrs.get(PHASE_KEY) for t in run(HybridSampler(seed=0, **FAST), smooth, 30).trials
    ]
    assert phases.count("genetic") >= 5
    assert smooth_phases.count("genetic") <= 1
    genetic = [t for t in study.trials if t.system_attrs.get(PHASE_KEY) == "genetic"]
    reasons = {str(t.system_attrs[DECISION_KEY]["reason"]) for t in genetic}
    assert all(r.startswith("leave-one-out Spearman") for r in reasons)


def test_beats_random_search_on_a_smooth_function() -> None:
    hybrid = [run(HybridSampler(seed=s, **FAST), sphere, 40).best_value for s in range(2)]
    random = [run(optuna.samplers.RandomSampler(seed=s), sphere, 40).best_value for s in range(2)]
    assert np.mean(hybrid) < 0.3 * np.mean(random)


def test_reaches_an_optimum_in_a_corner_exactly() -> None:
    def corner(trial: optuna.Trial) -> float:
        return sum(trial.suggest_float(f"x{i}", 0.0, 1.0) for i in range(3))

    study = run(HybridSampler(seed=0, **FAST), corner, 25)
    assert study.best_value == 0.0


def test_seed_makes_serial_runs_reproducible() -> None:
    first = run(HybridSampler(seed=7, **FAST), sphere, 10)
    second = run(HybridSampler(seed=7, **FAST), sphere, 10)
    assert [t.params for t in first.trials] == [t.params for t in second.trials]


def test_maximize_and_minimize_agree() -> None:
    def neg(trial: optuna.Trial) -> float:
        return -sphere(trial)

    low = run(HybridSampler(seed=3, **FAST), sphere, 10)
    high = run(HybridSampler(seed=3, **FAST), neg, 10, direction="maximize")
    assert [t.params for t in low.trials] == [t.params for t in high.trials]


def test_running_trials_are_never_proposed_twice() -> None:
    """Batch asks on a small discrete space: the pending trials' points are not repeated."""
    study = optuna.create_study(sampler=HybridSampler(n_startup_trials=3, seed=0, **FAST))
    for _ in range(4):
        trial = study.ask()
        study.tell(trial, trial.suggest_int("a", 0, 5) + trial.suggest_int("b", 0, 5))
    batch = [study.ask() for _ in range(8)]
    points = [(t.suggest_int("a", 0, 5), t.suggest_int("b", 0, 5)) for t in batch]
    seen = {(t.params["a"], t.params["b"]) for t in study.trials if t.state.is_finished()}
    assert len(set(points)) == len(points)
    assert not set(points) & seen


def test_warm_start_configurations_are_evaluated_first_clipped_or_skipped() -> None:
    warm = [
        {"lr": 1e-3, "layers": 2, "units_0": 64, "units_1": 16, "opt": "adam"},
        {"lr": 5.0, "layers": 1, "units_0": 8, "opt": "not-a-choice"},
    ]

    def net(trial: optuna.Trial) -> float:
        lr = trial.suggest_float("lr", 1e-5, 1e-1, log=True)
        layers = trial.suggest_int("layers", 1, 3)
        units = [trial.suggest_int(f"units_{i}", 4, 128, log=True) for i in range(layers)]
        trial.suggest_categorical("opt", ["adam", "sgd"])
        return math.log10(lr) + sum(units) / 100

    study = run(HybridSampler(warm_start=warm, seed=0, **FAST), net, 6, direction="minimize")
    assert study.trials[0].params == warm[0]
    second = study.trials[1].params
    assert {k: second[k] for k in ("lr", "layers", "units_0")} == {
        "lr": 1e-1,  # clipped to the range
        "layers": 1,
        "units_0": 8,
    }
    assert second["opt"] in ("adam", "sgd")  # the invalid choice was skipped
    assert study.trials[1].system_attrs[PHASE_KEY] == "warm-start"


class _KnowledgeWithPriorMean(TaskKnowledge):
    calls: int = 0

    def prior_mean(
        self, encoder: SpaceEncoder, X: np.ndarray[Any, Any], y: np.ndarray[Any, Any]
    ) -> Callable[[np.ndarray[Any, Any]], np.ndarray[Any, Any]]:
        assert X.shape[1] == encoder.dim and len(X) == len(y)
        type(self).calls += 1
        return lambda unit: -np.sum((unit - 0.63) ** 2, axis=1) * 10.0  # x = 1.3 in [-5, 5]


def test_a_knowledge_prior_mean_is_the_gp_prior_mean_at_every_fit() -> None:
    def model_losses(knowledge: TaskKnowledge | None) -> list[float]:
        losses: list[float] = []
        for seed in (0, 1):
            sampler = HybridSampler(knowledge=knowledge, loo_threshold=-1.0, seed=seed, **FAST)
            study = run(sampler, sphere, 16)
            losses += [t.value for t in study.trials if t.system_attrs.get(PHASE_KEY) == "bandit"]
        return losses

    knowledge = _KnowledgeWithPriorMean(warm_start=[])
    with_prior = np.median(model_losses(knowledge))
    assert _KnowledgeWithPriorMean.calls == 2 * 10  # one per model fit (16 - 6 trials, 2 seeds)
    assert with_prior < 0.5 * np.median(model_losses(None))


def test_knowledge_without_prior_mean_warm_starts_only() -> None:
    knowledge = TaskKnowledge(
        warm_start=[{"x0": 1.3, "x1": 1.3}], prior_params=[{}], prior_scores=[1.0]
    )
    study = run(HybridSampler(knowledge=knowledge, seed=0, **FAST), lambda t: sphere(t, 2), 8)
    assert study.trials[0].params == {"x0": 1.3, "x1": 1.3}


def test_prior_observations_are_deprecated_and_ignored() -> None:
    prior = PriorObservations(params=[{"x0": 1.0}], scores=[1.0])
    with pytest.warns(FutureWarning, match=r"prior=\.\.\.\) is deprecated since smarttune 0\.1\.0"):
        HybridSampler(prior=prior)


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

    study = run(HybridSampler(seed=0, **FAST), flaky, 30)
    states = [t.state for t in study.trials]
    assert states.count(TrialState.COMPLETE) == 12
    assert states.count(TrialState.FAIL) == 12
    assert states.count(TrialState.PRUNED) == 6


def test_dynamic_and_categorical_search_space() -> None:
    def mlp(trial: optuna.Trial) -> float:
        layers = trial.suggest_int("layers", 1, 3)
        total = 0.0
        for i in range(layers):
            total += (trial.suggest_int(f"units_{i}", 4, 128, log=True) - 32) ** 2
            total += trial.suggest_float(f"dropout_{i}", 0.2, 0.5)
        total += 1e4 * (trial.suggest_categorical("opt", ["adam", "sgd", "rms"]) != "sgd")
        return total + trial.suggest_float("lr", 1e-5, 1e-1, log=True)

    sampler = HybridSampler(n_startup_trials=5, seed=0, **FAST)
    study = run(sampler, mlp, 25, direction="minimize")
    assert all(t.state == TrialState.COMPLETE for t in study.trials)
    assert sampler.switch_record(study) is not None
    assert len({t.params["layers"] for t in study.trials}) > 1
    assert study.best_params["opt"] == "sgd"


def test_more_than_four_objectives_are_refused() -> None:
    study = optuna.create_study(directions=["minimize"] * 5, sampler=HybridSampler())
    with pytest.raises(
        MultiObjectiveError, match=r"HybridSampler supports 1 to 4 objectives; study .* has 5\."
    ):
        study.ask().suggest_float("x", 0, 1)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        (
            {"population_size": 1},
            r"'population_size' parameter of HybridSampler must be an int in the range \[2, inf\)\. Got 1",
        ),
        ({"n_startup_trials": 0}, r"'n_startup_trials' .* \[1, inf\) or None\. Got 0"),
        ({"loo_threshold": 2.0}, r"'loo_threshold' .* \[-1, 1\]\. Got 2\.0"),
        ({"max_observations": 5}, r"'max_observations' .* \[10, inf\)\. Got 5"),
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
        study_name="shared", storage=url, sampler=HybridSampler(n_startup_trials=4, **FAST)
    )
    study.optimize(sphere, n_trials=n_trials)


def test_two_processes_share_one_study_and_one_switch_record(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    optuna.create_study(study_name="shared", storage=url)
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_hybrid_worker, args=(url, 8)) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=240)
        assert worker.exitcode == 0
    study = optuna.load_study(study_name="shared", storage=url)
    record = study._storage.get_study_system_attrs(study._study_id)[SWITCH_KEY]
    assert study.trials[record["trial"]].system_attrs[PHASE_KEY] == "bandit"
    params = [tuple(t.params.values()) for t in study.trials]
    assert len(set(params)) == len(params) == 16
