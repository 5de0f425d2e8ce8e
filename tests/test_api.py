from __future__ import annotations

import math

import optuna
import pytest

import smarttune
from smarttune import FAIL_REASON_KEY, tune
from smarttune._target import TUNES_KEY
from smarttune.exceptions import DataError, InvalidParameterError, StorageError, UnknownNameError
from smarttune.execution import TRACEBACK_KEY
from smarttune.tasks import Task

State = optuna.trial.TrialState


def quadratic(trial: optuna.Trial) -> float:
    x = trial.suggest_float("x", -5, 5)
    return -((x - 1.0) ** 2)


def test_tune_returns_a_study_with_the_requested_trials() -> None:
    study = tune(quadratic, n_trials=12, sampler="tpe", seed=0, progress=False)
    assert isinstance(study, optuna.Study)
    assert len(study.trials) == 12
    assert study.best_value <= 0


def test_tune_minimize_and_seed_reproducible() -> None:
    def loss(trial: optuna.Trial) -> float:
        return (trial.suggest_float("x", -5, 5) - 2) ** 2

    first = tune(loss, n_trials=8, direction="minimize", sampler="random", seed=3, progress=False)
    second = tune(loss, n_trials=8, direction="minimize", sampler="random", seed=3, progress=False)
    assert [t.params for t in first.trials] == [t.params for t in second.trials]
    assert first.best_value == min(t.value for t in first.trials if t.value is not None)


def test_default_sampler_is_hybrid_name() -> None:
    import inspect

    assert inspect.signature(tune).parameters["sampler"].default == "hybrid"
    study = tune(quadratic, n_trials=3, progress=False)
    assert len(study.trials) == 3


@pytest.mark.parametrize(
    ("kwargs", "pattern"),
    [
        (
            {"n_trials": 0},
            r"'n_trials' parameter of tune\(\) must be an int in the range \[1, inf\) or None\. Got 0",
        ),
        ({"n_trials": 2.5}, r"'n_trials' parameter .* Got 2\.5 instead"),
        (
            {"timeout": -1.0},
            r"'timeout' parameter of tune\(\) must be a float in the range \(0, inf\) or None\. Got -1\.0",
        ),
        (
            {"direction": "up"},
            r"'direction' parameter of tune\(\) must be one of \{'maximize', 'minimize'\} or None\. "
            r"Got 'up'",
        ),
        ({"n_jobs": 0}, r"'n_jobs' parameter .* or one of \{-1\}\. Got 0"),
        ({"seed": -5}, r"'seed' parameter .* Got -5"),
        ({"progress": "yes"}, r"'progress' parameter .* Got 'yes'"),
        (
            {"sampler": 3},
            r"'sampler' parameter of tune\(\) must be an instance of 'str' or an instance of 'optuna.samplers.BaseSampler'",
        ),
        ({"pruner": 3}, r"'pruner' parameter of tune\(\) must be None or"),
    ],
)
def test_bad_arguments_name_parameter_range_and_value(
    kwargs: dict[str, object], pattern: str
) -> None:
    with pytest.raises(InvalidParameterError, match=pattern):
        tune(quadratic, **{"progress": False, **kwargs})  # type: ignore[arg-type]


def test_objective_must_be_callable() -> None:
    with pytest.raises(
        InvalidParameterError, match=r"'objective' parameter of tune\(\) must be a callable"
    ):
        tune(42, n_trials=1, progress=False)  # type: ignore[arg-type]


def test_unknown_sampler_and_pruner_names() -> None:
    with pytest.raises(
        UnknownNameError,
        match=r"Unknown sampler 'simulated-annealing'.*'hybrid', 'genetic', 'bandit', 'tpe'",
    ):
        tune(quadratic, n_trials=1, sampler="simulated-annealing", progress=False)
    with pytest.raises(UnknownNameError, match=r"Unknown pruner 'magic'.*'median'"):
        tune(quadratic, n_trials=1, pruner="magic", progress=False)


def test_raising_objective_fails_that_trial_and_the_study_goes_on() -> None:
    def flaky(trial: optuna.Trial) -> float:
        x = trial.suggest_float("x", 0, 1)
        if trial.number % 2 == 1:
            raise RuntimeError(f"diverged at trial {trial.number}")
        return x

    study = tune(flaky, n_trials=6, sampler="random", seed=0, progress=False)
    states = [t.state for t in study.trials]
    assert states.count(State.COMPLETE) == 3
    assert states.count(State.FAIL) == 3
    failed = [t for t in study.trials if t.state == State.FAIL]
    assert failed[0].system_attrs[FAIL_REASON_KEY] == "RuntimeError: diverged at trial 1"


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf, "abc", None])
def test_non_finite_or_non_numeric_value_fails_the_trial(bad: object) -> None:
    def objective(trial: optuna.Trial) -> object:
        trial.suggest_float("x", 0, 1)
        return bad if trial.number == 1 else 0.5

    study = tune(objective, n_trials=3, sampler="random", progress=False)  # type: ignore[arg-type]
    assert [t.state for t in study.trials] == [State.COMPLETE, State.FAIL, State.COMPLETE]
    reason = study.trials[1].system_attrs[FAIL_REASON_KEY]
    assert reason.startswith("TrialValueError: The objective")


def test_pruned_trials_are_not_failures() -> None:
    def objective(trial: optuna.Trial) -> float:
        trial.suggest_float("x", 0, 1)
        raise optuna.TrialPruned()

    study = tune(objective, n_trials=2, progress=False)
    assert all(t.state == State.PRUNED for t in study.trials)
    assert all(FAIL_REASON_KEY not in t.system_attrs for t in study.trials)


def test_interrupted_study_keeps_finished_trials_and_resumes(sqlite_url: str) -> None:
    def interrupt_at_three(trial: optuna.Trial) -> float:
        x = trial.suggest_float("x", 0, 1)
        if trial.number == 3:
            raise KeyboardInterrupt
        return x

    with pytest.raises(KeyboardInterrupt):
        tune(interrupt_at_three, n_trials=10, storage=sqlite_url, study_name="s", progress=False)
    saved = optuna.load_study(study_name="s", storage=sqlite_url)
    assert [t.state for t in saved.trials] == [State.COMPLETE] * 3 + [State.FAIL]

    resumed = tune(
        interrupt_at_three, n_trials=4, storage=sqlite_url, study_name="s", progress=False
    )
    assert len(resumed.trials) == 8
    assert [t.number for t in resumed.trials] == list(range(8))
    assert sum(t.state == State.COMPLETE for t in resumed.trials) == 7


def test_resuming_with_the_other_direction_is_refused(sqlite_url: str) -> None:
    tune(quadratic, n_trials=1, storage=sqlite_url, study_name="s", progress=False)
    with pytest.raises(
        InvalidParameterError,
        match=r"must match the existing study 's', which is 'minimize'\. Got 'maximize'",
    ):
        tune(
            quadratic,
            n_trials=1,
            storage=sqlite_url,
            study_name="s",
            direction="maximize",
            progress=False,
        )


def test_bad_storage_url() -> None:
    with pytest.raises(StorageError, match=r"The storage 'not-a-url' is not a URL"):
        tune(quadratic, n_trials=1, storage="not-a-url", progress=False)


def test_accepts_sampler_and_pruner_instances_and_parallel_jobs() -> None:
    def reporting(trial: optuna.Trial) -> float:
        x = trial.suggest_float("x", 0, 1)
        for step in range(3):
            trial.report(x, step)
            if trial.should_prune():
                raise optuna.TrialPruned()
        return x

    study = tune(
        reporting,
        n_trials=10,
        sampler=optuna.samplers.RandomSampler(seed=1),
        pruner=optuna.pruners.MedianPruner(n_startup_trials=2),
        n_jobs=2,
        progress=True,
    )
    assert len(study.trials) == 10
    assert isinstance(study.sampler, optuna.samplers.RandomSampler)


def test_timeout_only_run_stops() -> None:
    study = tune(quadratic, timeout=0.5, sampler="random", progress=False)
    assert len(study.trials) >= 1


def test_tune_is_lazily_exported() -> None:
    assert smarttune.tune is tune


def loss(trial: optuna.Trial) -> float:
    return (trial.suggest_float("x", -5, 5) - 2.0) ** 2


def test_a_function_is_minimized_by_default_as_in_optuna() -> None:
    study = tune(loss, n_trials=10, sampler="random", seed=0, progress=False)
    assert study.direction == optuna.study.StudyDirection.MINIMIZE
    assert study.best_value == min(t.value for t in study.trials if t.value is not None)


def test_a_builtin_task_keeps_its_own_direction() -> None:
    from smarttune.tasks import get_task

    study = tune(get_task("svm-digits"), n_trials=2, sampler="random", seed=0, progress=False)
    assert study.direction == optuna.study.StudyDirection.MAXIMIZE


def test_a_study_records_what_it_tunes(sqlite_url: str) -> None:
    tune(loss, n_trials=1, storage=sqlite_url, study_name="s", progress=False)
    study = optuna.load_study(study_name="s", storage=sqlite_url)
    record = study._storage.get_study_system_attrs(study._study_id)[TUNES_KEY]
    assert record == {
        "objective": f"{loss.__module__}:loss",
        "task": None,
        "direction": "minimize",
    }


def test_another_objective_is_refused_in_an_existing_study(sqlite_url: str) -> None:
    tune(loss, n_trials=1, storage=sqlite_url, study_name="s", progress=False)
    with pytest.raises(
        StorageError,
        match=rf"Study 's' in {sqlite_url} tunes '{loss.__module__}:loss', not "
        rf"'{quadratic.__module__}:quadratic': choose another study name with --study",
    ):
        tune(quadratic, n_trials=1, storage=sqlite_url, study_name="s", progress=False)
    assert len(optuna.load_study(study_name="s", storage=sqlite_url).trials) == 1


def _flaky(trial: optuna.Trial) -> float:
    x = trial.suggest_float("x", 0, 1)
    if trial.number % 2 == 1:
        raise RuntimeError(f"diverged at trial {trial.number}")
    return x


def test_a_failed_trial_prints_one_line_and_keeps_its_traceback(
    capfd: pytest.CaptureFixture[str],
) -> None:
    study = tune(_flaky, n_trials=4, sampler="random", seed=0, progress=False)
    err = capfd.readouterr().err
    assert err.splitlines() == [
        "trial 1 failed: RuntimeError: diverged at trial 1",
        "trial 3 failed: RuntimeError: diverged at trial 3",
    ]
    trace = study.trials[1].system_attrs[TRACEBACK_KEY]
    assert trace.startswith("Traceback (most recent call last)")
    assert trace.rstrip().endswith("RuntimeError: diverged at trial 1")


def test_verbose_prints_the_traceback_below_the_line(capfd: pytest.CaptureFixture[str]) -> None:
    tune(_flaky, n_trials=2, sampler="random", seed=0, progress=False, verbose=True)
    lines = capfd.readouterr().err.splitlines()
    assert lines[0] == "trial 1 failed: RuntimeError: diverged at trial 1"
    assert lines[1] == "Traceback (most recent call last):"
    assert lines[-1] == "RuntimeError: diverged at trial 1"


class _NoDataTask(Task):
    name = "no-data"
    summary = "a task whose data is missing"
    direction = "maximize"
    metric = "nothing"

    def check(self) -> None:
        raise DataError("Dataset file 'x.csv' was not found; set SMARTTUNE_DATA_DIR.")

    def objective(self, trial: optuna.Trial) -> float:
        raise AssertionError("no trial may run when the check fails")

    def final_fit(self, params: dict[str, object]) -> dict[str, float]:
        return {}


def test_a_task_is_checked_before_the_first_trial(sqlite_url: str) -> None:
    with pytest.raises(DataError, match=r"^Dataset file 'x.csv' was not found"):
        tune(_NoDataTask(), n_trials=3, storage=sqlite_url, study_name="s", progress=False)
    assert optuna.get_all_study_names(storage=sqlite_url) == []
