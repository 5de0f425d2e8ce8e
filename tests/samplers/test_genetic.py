from __future__ import annotations

import math
import multiprocessing
import pickle
import time
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

from smarttune.exceptions import InvalidParameterError, MultiObjectiveError, SmartTuneError
from smarttune.samplers._genetic import GeneticSampler
from smarttune.samplers._genetic.population import (
    GENERATION_KEY,
    PARENTS_KEY,
    RECORD_PREFIX,
    GenerationRecord,
)


class TestGeneticSamplerConformance(
    BasicSamplerTestCase, RelativeSamplerTestCase, SingleOnlySamplerTestCase
):
    @pytest.fixture(params=["sbx", "blx", "single_point", "uniform"])
    def sampler(self, request: pytest.FixtureRequest) -> Callable[[], BaseSampler]:
        crossover = request.param
        return lambda: GeneticSampler(population_size=3, crossover=crossover, seed=0)


def sphere(trial: optuna.Trial, dim: int = 5) -> float:
    x = np.array([trial.suggest_float(f"x{i}", -5.0, 5.0) for i in range(dim)])
    return float(np.sum((x - 1.3) ** 2))


def records(study: optuna.Study) -> dict[int, GenerationRecord]:
    attrs = study._storage.get_study_system_attrs(study._study_id)
    out = {}
    for key, value in attrs.items():
        if key.startswith(RECORD_PREFIX):
            record = GenerationRecord.from_json(value)
            assert key == f"{RECORD_PREFIX}{record.generation}"
            out[record.generation] = record
    return out


def assert_consistent_chain(study: optuna.Study, population_size: int) -> None:
    """The invariants every set of records in storage must satisfy, however many workers."""
    trials = {t._trial_id: t for t in study.get_trials(deepcopy=False)}
    chain = records(study)
    assert sorted(chain) == list(range(1, len(chain) + 1))
    seen: set[int] = set()
    previous: tuple[int, ...] = ()
    for g in sorted(chain):
        record = chain[g]
        assert len(record.population) == population_size
        assert set(record.population) <= set(previous) | set(record.considered)
        assert not seen & set(record.considered)  # each trial considered once
        seen |= set(record.considered)
        assert all(trials[i].state.is_finished() for i in record.considered)
        tagged = [t for t in trials.values() if t.system_attrs.get(GENERATION_KEY) == g - 1]
        assert sum(t.state.is_finished() for t in tagged) >= population_size
        previous = record.population
    for trial in trials.values():
        g = trial.system_attrs.get(GENERATION_KEY)
        for parent_id in trial.system_attrs.get(PARENTS_KEY, []):
            assert g is not None and g >= 1
            assert trials[parent_id].state.is_finished()
            assert trials[parent_id].system_attrs.get(GENERATION_KEY, -1) < g


def test_generations_advance_in_storage() -> None:
    sampler = GeneticSampler(population_size=5, seed=1)
    study = optuna.create_study(sampler=sampler)
    study.optimize(sphere, n_trials=23)

    assert sampler.generation(study) == 4
    assert sorted(records(study)) == [1, 2, 3, 4]
    tags = [t.system_attrs[GENERATION_KEY] for t in study.trials]
    assert tags == [g for g in range(5) for _ in range(5)][:23]
    assert all(PARENTS_KEY not in t.system_attrs for t in study.trials[:5])
    assert all(len(t.system_attrs[PARENTS_KEY]) == 2 for t in study.trials[5:])
    assert_consistent_chain(study, 5)

    stats = sampler.generation_stats(study)
    assert [s.generation for s in stats] == [0, 1, 2, 3]
    assert all(s.n_finished == s.n_complete == 5 for s in stats)
    assert stats[0].improvement is None
    assert all(s.improvement is not None and s.improvement >= 0 for s in stats[1:])
    assert all(0.0 <= s.diversity <= 2.0 for s in stats)


def test_a_fresh_sampler_resumes_the_stored_generation() -> None:
    study = optuna.create_study(sampler=GeneticSampler(population_size=4, seed=0))
    study.optimize(sphere, n_trials=13)
    resumed = GeneticSampler(population_size=4, seed=5)
    assert resumed.generation(study) == 3
    assert [t.number for t in resumed.population(study)] == [
        t.number
        for t in study.sampler.population(study)  # type: ignore[attr-defined]
    ]


@pytest.mark.parametrize("direction", ["minimize", "maximize"])
def test_elitism_keeps_the_best_trial(direction: str) -> None:
    sign = 1.0 if direction == "minimize" else -1.0
    sampler = GeneticSampler(population_size=6, n_elites=1, seed=3)
    study = optuna.create_study(sampler=sampler, direction=direction)
    study.optimize(lambda t: sign * sphere(t), n_trials=42)

    population = sampler.population(study)
    assert len(population) == 6
    assert population[0].number == study.best_trial.number
    assert sampler.elites(study) == population[:1]
    values = [t.value for t in population]
    assert values == sorted(values, reverse=direction == "maximize")
    bests = [s.population_best for s in sampler.generation_stats(study)]
    assert all(b is not None for b in bests)
    assert bests[-1] == study.best_value


def test_comma_selection_replaces_the_population() -> None:
    sampler = GeneticSampler(population_size=4, n_elites=0, seed=0)
    study = optuna.create_study(sampler=sampler)
    study.optimize(sphere, n_trials=12)
    assert sampler.generation(study) == 3
    newest = {t.number for t in study.trials if t.system_attrs[GENERATION_KEY] == 2}
    assert {t.number for t in sampler.population(study)} == newest
    assert sampler.elites(study) == []


def test_trials_added_by_hand_join_the_population() -> None:
    sampler = GeneticSampler(population_size=3, seed=0)
    study = optuna.create_study(sampler=sampler)
    study.enqueue_trial({f"x{i}": 1.3 for i in range(5)})
    study.optimize(sphere, n_trials=7)
    assert sampler.population(study)[0].number == 0
    assert study.best_value == 0.0


def test_seed_makes_serial_runs_reproducible() -> None:
    def run(seed: int) -> list[dict[str, Any]]:
        study = optuna.create_study(sampler=GeneticSampler(population_size=4, seed=seed))
        study.optimize(sphere, n_trials=14)
        return [t.params for t in study.trials]

    assert run(42) == run(42)
    assert run(42) != run(43)


def test_reseed_rng_changes_the_children() -> None:
    sampler = GeneticSampler(population_size=3, seed=0)
    study = optuna.create_study(sampler=sampler)
    study.optimize(sphere, n_trials=6)
    clone = pickle.loads(pickle.dumps(sampler))
    assert clone.get_params() == sampler.get_params()
    clone.reseed_rng()
    trial = study.ask()
    frozen = study._storage.get_trial(trial._trial_id)
    space = sampler.infer_relative_search_space(study, frozen)
    assert sampler.sample_relative(study, frozen, space) != clone.sample_relative(
        study, frozen, space
    )


def test_nan_raising_and_pruned_trials_are_unfit() -> None:
    def objective(trial: optuna.Trial) -> float:
        value = sphere(trial, dim=3)
        if trial.number % 5 == 1:
            return float("nan")
        if trial.number % 5 == 2:
            raise RuntimeError("diverged")
        if trial.number % 5 == 3:
            raise optuna.TrialPruned()
        return value

    sampler = GeneticSampler(population_size=4, seed=0)
    study = optuna.create_study(sampler=sampler)
    study.optimize(objective, n_trials=30, catch=(Exception,))

    states = {t.state for t in study.trials}
    assert states == {TrialState.COMPLETE, TrialState.FAIL, TrialState.PRUNED}
    assert sampler.generation(study) >= 5
    assert_consistent_chain(study, 4)
    population = sampler.population(study)
    complete = [t for t in study.trials if t.state == TrialState.COMPLETE]
    fit = [t for t in population if t.state == TrialState.COMPLETE]
    assert len(fit) == min(4, len(complete))
    assert population[: len(fit)] == fit  # unfit individuals only fill the remaining places


def test_all_failing_trials_do_not_stop_evolution() -> None:
    def objective(trial: optuna.Trial) -> float:
        sphere(trial, dim=2)
        raise ValueError("always")

    sampler = GeneticSampler(population_size=3, seed=0)
    study = optuna.create_study(sampler=sampler)
    study.optimize(objective, n_trials=10, catch=(Exception,))
    assert sampler.generation(study) == 3
    assert all(s.population_best is None for s in sampler.generation_stats(study))


def dynamic_mlp(trial: optuna.Trial) -> float:
    n_layers = trial.suggest_int("n_layers", 1, 4)
    lr = trial.suggest_float("lr", 1e-5, 1e-1, log=True)
    act = trial.suggest_categorical("activation", ["relu", "tanh", "gelu"])
    units = [trial.suggest_int(f"units_l{i}", 4, 256, log=True) for i in range(n_layers)]
    loss = (math.log10(lr) + 3.0) ** 2 + (act != "gelu") * 0.5 + abs(n_layers - 3)
    return loss + sum((math.log2(u) - 6.0) ** 2 for u in units) / n_layers


def test_dynamic_space_inherits_parameters_from_parents() -> None:
    sampler = GeneticSampler(population_size=6, seed=0)
    study = optuna.create_study(sampler=sampler)
    study.optimize(dynamic_mlp, n_trials=60)

    assert all(t.state == TrialState.COMPLETE for t in study.trials)
    by_id = {t._trial_id: t for t in study.trials}
    candidates = inherited = 0
    for trial in study.trials[6:]:
        parents = [by_id[i] for i in trial.system_attrs[PARENTS_KEY]]
        for name in ("units_l1", "units_l2", "units_l3"):  # outside the intersection space
            if name in trial.params and any(name in p.params for p in parents):
                candidates += 1
                inherited += any(p.params.get(name) == trial.params[name] for p in parents)
    assert candidates >= 20
    assert inherited >= 0.5 * candidates  # the rest mutated at the scheduled rate
    assert study.best_value < min(t.value for t in study.trials[:6])


def test_beats_random_search_on_a_smooth_function() -> None:
    ga, rs = [], []
    for seed in range(4):
        study = optuna.create_study(sampler=GeneticSampler(seed=seed))
        study.optimize(sphere, n_trials=100)
        ga.append(study.best_value)
        study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=seed))
        study.optimize(sphere, n_trials=100)
        rs.append(study.best_value)
    assert np.mean(ga) < 0.5 * np.mean(rs)


def test_sample_relative_is_fast_after_1000_trials() -> None:
    sampler = GeneticSampler(seed=0)
    study = optuna.create_study(sampler=sampler)
    study.optimize(lambda t: sphere(t, dim=10), n_trials=1000)
    elapsed = []
    for _ in range(20):
        trial = study.ask()
        frozen = study._storage.get_trial(trial._trial_id)
        start = time.perf_counter()
        space = sampler.infer_relative_search_space(study, frozen)
        sampler.sample_relative(study, frozen, space)
        elapsed.append(time.perf_counter() - start)
        study.tell(trial, sphere(trial, dim=10))
    assert len(space) == 10
    assert np.median(elapsed) < 0.020


def test_multi_objective_study_is_refused_with_a_smarttune_error() -> None:
    study = optuna.create_study(directions=["minimize", "minimize"], sampler=GeneticSampler())
    with pytest.raises(MultiObjectiveError, match="single-objective studies only") as info:
        study.optimize(lambda t: (t.suggest_float("x", 0, 1), 0.0), n_trials=1)
    assert isinstance(info.value, SmartTuneError)
    assert isinstance(info.value, ValueError)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"population_size": 1}, r"'population_size' .* must be an int in the range \[2, inf\)"),
        ({"population_size": 4.0}, "'population_size'"),
        ({"n_elites": -1}, r"'n_elites' .* an int in the range \[0, inf\) or None"),
        ({"n_elites": 11}, r"'n_elites' .* an int in the range \[0, 10\] or None\. Got 11"),
        ({"tournament_size": 0}, r"'tournament_size' .* \[1, inf\)"),
        ({"population_size": 4, "tournament_size": 5}, r"'tournament_size' .* \[1, 4\]"),
        ({"crossover": "two_point"}, r"'crossover' .* one of \{'sbx', 'blx'"),
        ({"crossover_prob": 1.5}, r"'crossover_prob' .* \[0, 1\]"),
        ({"sbx_eta": -1.0}, "'sbx_eta'"),
        ({"blx_alpha": -0.1}, "'blx_alpha'"),
        ({"mutation_scale": 0.0}, r"'mutation_scale' .* \(0, 1\]"),
        ({"mutation_rate": 2}, "'mutation_rate'"),
        ({"mutation_decay": 0.0}, "'mutation_decay'"),
        ({"seed": -3}, "'seed'"),
        ({"seed": "7"}, "'seed'"),
    ],
)
def test_invalid_arguments_are_refused(kwargs: dict[str, Any], match: str) -> None:
    with pytest.raises(InvalidParameterError, match=match):
        GeneticSampler(**kwargs)


def test_constructor_is_keyword_only_and_stores_its_arguments() -> None:
    with pytest.raises(TypeError):
        GeneticSampler(10)  # type: ignore[misc]
    sampler = GeneticSampler(population_size=8, crossover="blx", seed=3)
    params = sampler.get_params()
    assert params["population_size"] == 8 and params["crossover"] == "blx"
    assert params["seed"] == 3 and params["n_elites"] is None


def test_workers_computing_the_same_generation_agree() -> None:
    """Selection is deterministic: racing workers with different seeds write the same record."""
    first = optuna.create_study(sampler=GeneticSampler(population_size=5, seed=0))
    first.optimize(sphere, n_trials=5)
    second = optuna.create_study()
    second.add_trials(first.trials)  # the same data in another storage, tags included
    a = GeneticSampler(population_size=5, seed=1)
    b = GeneticSampler(population_size=5, seed=2)
    assert a.generation(first) == b.generation(second) == 1
    assert [t.number for t in a.population(first)] == [t.number for t in b.population(second)]
    assert a.generation_stats(first) == b.generation_stats(second)


def test_two_samplers_sharing_a_storage_share_generations() -> None:
    storage = optuna.storages.InMemoryStorage()
    studies = [
        optuna.create_study(storage=storage, study_name="s", sampler=GeneticSampler(seed=0)),
        optuna.load_study(storage=storage, study_name="s", sampler=GeneticSampler(seed=1)),
    ]
    for i in range(60):
        studies[i % 2].optimize(sphere, n_trials=1)
    assert_consistent_chain(studies[0], 10)
    samplers = [s.sampler for s in studies]
    assert samplers[0].generation(studies[0]) == samplers[1].generation(studies[1]) == 6
    chain = records(studies[0])
    for trial in studies[0].trials[10:]:  # every child was bred from the stored population
        g = trial.system_attrs[GENERATION_KEY]
        assert set(trial.system_attrs[PARENTS_KEY]) <= set(chain[g].population)


# ----------------------------------------------------------------- several processes


def _open_storage(kind: str, path: str) -> optuna.storages.BaseStorage | str:
    if kind == "sqlite":
        return f"sqlite:///{path}"
    from optuna.storages.journal import JournalFileBackend

    return optuna.storages.JournalStorage(JournalFileBackend(path))


def _worker(kind: str, path: str, worker: int, n_trials: int, barrier: Any) -> None:
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    storage = _open_storage(kind, path)
    sampler = GeneticSampler(population_size=6, seed=worker)
    study = optuna.load_study(study_name="shared", storage=storage, sampler=sampler)

    def objective(trial: optuna.Trial) -> float:
        trial.set_user_attr("worker", worker)
        time.sleep(0.01)
        return sphere(trial, dim=3)

    barrier.wait(timeout=60)
    study.optimize(objective, n_trials=n_trials)


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["sqlite", "journal"])
def test_two_processes_evolve_one_population(kind: str, tmp_path: Path) -> None:
    path = str(tmp_path / ("study.db" if kind == "sqlite" else "journal.log"))
    storage = _open_storage(kind, path)
    optuna.create_study(study_name="shared", storage=storage)
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(2)
    processes = [
        context.Process(target=_worker, args=(kind, path, worker, 20, barrier)) for worker in (0, 1)
    ]
    for process in processes:
        process.start()
    for process in processes:
        process.join(timeout=120)
    assert [p.exitcode for p in processes] == [0, 0]

    study = optuna.load_study(study_name="shared", storage=storage)
    trials = study.get_trials(deepcopy=False)
    assert len(trials) == 40 and all(t.state == TrialState.COMPLETE for t in trials)
    assert_consistent_chain(study, 6)
    workers_by_gen: dict[int, set[int]] = {}
    for trial in trials:
        workers_by_gen.setdefault(trial.system_attrs[GENERATION_KEY], set()).add(
            trial.user_attrs["worker"]
        )
    shared = [g for g, workers in workers_by_gen.items() if workers == {0, 1}]
    assert len(shared) >= 2
    by_id = {t._trial_id: t for t in trials}
    cross_bred = [
        t
        for t in trials
        if any(
            by_id[p].user_attrs["worker"] != t.user_attrs["worker"]
            for p in t.system_attrs.get(PARENTS_KEY, [])
        )
    ]
    assert len(cross_bred) >= 5
    reader = GeneticSampler(population_size=6)
    assert reader.generation(study) == max(records(study)) >= 5
