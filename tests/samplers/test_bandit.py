from __future__ import annotations

import math
import pickle
from collections.abc import Callable

import numpy as np
import optuna
import pytest
from optuna.distributions import CategoricalDistribution, FloatDistribution, IntDistribution
from optuna.samplers import BaseSampler, RandomSampler
from optuna.testing.pytest_samplers import (
    BasicSamplerTestCase,
    MultiObjectiveSamplerTestCase,
    RelativeSamplerTestCase,
)
from optuna.trial import Trial, TrialState

from smarttune.exceptions import InvalidParameterError, MultiObjectiveError, SmartTuneError
from smarttune.samplers._bandit import (
    BayesianBanditSampler,
    candidate_points,
    propose,
    select_elites,
    sobol_points,
)
from smarttune.space import SpaceEncoder
from smarttune.surrogates import MetaLearner

optuna.logging.set_verbosity(optuna.logging.ERROR)

FAST = {"epochs": 20, "warm_start_steps": 10, "n_members": 3}


def _fast_sampler(**kwargs: object) -> BayesianBanditSampler:
    options: dict[str, object] = {"n_startup_trials": 2, "n_candidates": 64, "learner_params": FAST}
    options.update(kwargs)
    return BayesianBanditSampler(**options)  # type: ignore[arg-type]


class TestOptunaConformance(
    BasicSamplerTestCase, RelativeSamplerTestCase, MultiObjectiveSamplerTestCase
):
    @pytest.fixture
    def sampler(self) -> Callable[[], BaseSampler]:
        return lambda: _fast_sampler(seed=0)


class TestOptunaConformanceModelFromTheFirstTrial(BasicSamplerTestCase, RelativeSamplerTestCase):
    """The same suites with the surrogate used from one completed trial on."""

    @pytest.fixture
    def sampler(self) -> Callable[[], BaseSampler]:
        return lambda: _fast_sampler(seed=0, n_startup_trials=1)


def _smooth(trial: Trial) -> float:
    x = np.array([trial.suggest_float(f"x{i}", -5.0, 5.0) for i in range(5)])
    return float(np.sum((x - 1.0) ** 2) + 0.5 * np.sum(np.sin(x)))


def _best(sampler: BaseSampler, objective: Callable[[Trial], float], n_trials: int) -> float:
    study = optuna.create_study(sampler=sampler)
    study.optimize(objective, n_trials=n_trials)
    return study.best_value


def test_beats_random_search_on_a_smooth_function() -> None:
    seeds = range(3)
    bandit = [_best(BayesianBanditSampler(seed=s), _smooth, 60) for s in seeds]
    random = [_best(RandomSampler(seed=s), _smooth, 60) for s in seeds]
    assert np.mean(bandit) < 0.6 * np.mean(random)


def test_maximising_minus_f_is_minimising_f() -> None:
    runs = []
    for direction, sign in (("minimize", 1.0), ("maximize", -1.0)):
        study = optuna.create_study(direction=direction, sampler=_fast_sampler(seed=0))
        study.optimize(lambda t, s=sign: s * _smooth(t), n_trials=12)
        runs.append([t.params for t in study.trials])
    assert runs[0] == runs[1]


def _params_of_run(seed: int) -> list[dict[str, object]]:
    def objective(trial: Trial) -> float:
        x = trial.suggest_float("x", -1.0, 1.0)
        n = trial.suggest_int("n", 1, 64, log=True)
        c = trial.suggest_categorical("c", ["a", "b", "c"])
        return x**2 + math.log(n) + (c == "b")

    study = optuna.create_study(sampler=_fast_sampler(seed=seed))
    study.optimize(objective, n_trials=12)
    return [t.params for t in study.trials]


def test_seed_makes_serial_runs_reproducible() -> None:
    assert _params_of_run(3) == _params_of_run(3)
    assert _params_of_run(3) != _params_of_run(4)


def test_failed_nan_inf_and_pruned_trials_do_not_break_it() -> None:
    def objective(trial: Trial) -> float:
        x = trial.suggest_float("x", -1.0, 1.0)
        y = trial.suggest_int("y", 0, 4)
        if trial.number % 5 == 1:
            raise RuntimeError("boom")
        if trial.number % 5 == 2:
            return float("nan")
        if trial.number % 5 == 3:
            raise optuna.TrialPruned()
        if trial.number == 9:
            return float("inf")
        return x**2 + y

    study = optuna.create_study(sampler=_fast_sampler(seed=0))
    study.optimize(objective, n_trials=25, catch=(RuntimeError,))
    states = [t.state for t in study.trials]
    assert states.count(TrialState.COMPLETE) == 10
    assert states.count(TrialState.FAIL) == 10
    assert math.isfinite(study.best_value)


def test_conditional_parameters_after_startup() -> None:
    def objective(trial: Trial) -> float:
        kind = trial.suggest_categorical("kind", ["linear", "tree"])
        if kind == "linear":
            return trial.suggest_float("alpha", 1e-4, 1.0, log=True)
        return float(trial.suggest_int("depth", 1, 8))

    study = optuna.create_study(sampler=_fast_sampler(seed=0))
    study.optimize(objective, n_trials=15)
    assert all(t.state == TrialState.COMPLETE for t in study.trials)


def test_rejects_more_than_four_objectives() -> None:
    study = optuna.create_study(directions=["minimize"] * 5, sampler=_fast_sampler())
    with pytest.raises(
        MultiObjectiveError,
        match=r"BayesianBanditSampler supports 1 to 4 objectives; study .* has 5\.",
    ):
        study.ask().suggest_float("x", 0.0, 1.0)
    assert issubclass(InvalidParameterError, SmartTuneError)


@pytest.mark.parametrize(
    ("params", "match"),
    [
        ({"n_startup_trials": 0}, r"'n_startup_trials' parameter of BayesianBanditSampler"),
        ({"n_candidates": 4}, r"'n_candidates' .* \[8, inf\)"),
        ({"n_elites": 0}, r"'n_elites'"),
        ({"seed": 1.5}, r"'seed'"),
        ({"learner_params": [1]}, r"'learner_params' .*Mapping"),
        ({"learner_params": {"depth": 3}}, r"'learner_params' .* MetaLearner arguments"),
        ({"learner_params": {"n_members": 0}}, r"'n_members' parameter of MetaLearner"),
    ],
)
def test_invalid_parameters(params: dict[str, object], match: str) -> None:
    with pytest.raises(InvalidParameterError, match=match):
        BayesianBanditSampler(**params)  # type: ignore[arg-type]


def test_survives_pickling() -> None:
    sampler = _fast_sampler(seed=0)
    study = optuna.create_study(sampler=sampler)
    study.optimize(lambda t: t.suggest_float("x", 0, 1) ** 2, n_trials=4)
    clone = pickle.loads(pickle.dumps(sampler))
    study.sampler = clone
    study.optimize(lambda t: t.suggest_float("x", 0, 1) ** 2, n_trials=2)
    assert len(study.trials) == 6


def _encoder() -> SpaceEncoder:
    return SpaceEncoder(
        {
            "x": FloatDistribution(-1.0, 1.0),
            "n": IntDistribution(1, 10),
            "c": CategoricalDistribution(["a", "b", "c"]),
        }
    )


def test_propose_stays_in_the_region() -> None:
    encoder, rng = _encoder(), np.random.default_rng(0)
    X = rng.random((20, 3))
    y = -np.sum((X - 0.5) ** 2, axis=1)
    lower, upper = np.array([0.2, 0.0, 0.0]), np.array([0.4, 0.5, 1.0])
    learner = MetaLearner(seed=0, **FAST)
    for _ in range(5):
        unit = propose(
            encoder, X, y, select_elites(X, y, 3), rng, learner=learner, region=(lower, upper)
        )
        assert unit.shape == (3,)
        assert np.all(unit >= lower)
        assert np.all(unit <= upper)
    assert learner.is_fitted


def test_candidates_mix_local_and_global_points() -> None:
    encoder = SpaceEncoder({name: FloatDistribution(0.0, 1.0) for name in "abc"})
    rng = np.random.default_rng(0)
    elites = np.array([[0.5, 0.5, 0.5], [0.1, 0.9, 0.1]])
    cands = candidate_points(encoder, elites, rng, n_candidates=256)
    assert cands.shape == (256, 3)
    assert np.all((cands >= 0) & (cands <= 1))
    near = np.min(np.abs(cands[:, None, :] - elites[None]).max(axis=2), axis=1) < 0.3
    assert 0.3 < near.mean() < 0.95
    assert candidate_points(encoder, np.empty((0, 3)), rng, n_candidates=64).shape == (64, 3)


def test_sobol_points_are_a_fixed_sequence() -> None:
    whole = sobol_points(3, 8, np.random.default_rng(5))
    fifth = sobol_points(3, 1, np.random.default_rng(5), skip=5)
    np.testing.assert_allclose(fifth[0], whole[5])
    assert sobol_points(0, 4, np.random.default_rng(0)).shape == (4, 0)


def test_select_elites_best_first() -> None:
    X = np.arange(10.0)[:, None]
    y = np.array([3, 9, 1, 7, 5, 0, 2, 8, 6, 4], dtype=float)
    np.testing.assert_array_equal(select_elites(X, y, 3)[:, 0], [1.0, 7.0, 3.0])
