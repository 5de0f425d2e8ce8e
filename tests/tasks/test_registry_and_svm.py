from __future__ import annotations

import optuna
import pytest

from smarttune.exceptions import UnknownNameError
from smarttune.tasks import Task, get_task, list_tasks


def test_list_tasks_is_sorted_and_described() -> None:
    infos = list_tasks()
    assert [i.name for i in infos] == sorted(i.name for i in infos)
    assert all(i.summary and i.direction in ("maximize", "minimize") for i in infos)


def test_unknown_task() -> None:
    with pytest.raises(
        UnknownNameError,
        match=r"Unknown task 'nope': `smarttune tasks` lists the \d+ built-in tasks\.",
    ):
        get_task("nope")


def test_svm_digits_two_trial_study_and_final_fit() -> None:
    task = get_task("svm-digits")
    assert isinstance(task, Task)
    study = optuna.create_study(
        direction=task.direction, sampler=optuna.samplers.RandomSampler(seed=0)
    )
    study.optimize(task, n_trials=2)
    assert all(0.0 <= t.value <= 1.0 for t in study.trials if t.value is not None)
    metrics = task.final_fit({"C": 10.0, "gamma": 0.01})
    assert metrics["test_accuracy"] > 0.9
    features = task.meta_features()
    assert (features["n_rows"], features["n_features"], features["n_classes"]) == (
        1077.0,
        64.0,
        10.0,
    )


def test_unknown_task_suggests_close_names() -> None:
    with pytest.raises(
        UnknownNameError, match=r"Unknown task 'svm-digit': did you mean one of \{'svm-digits'"
    ):
        get_task("svm-digit")


def test_task_seed_reaches_the_task_through_load_objective() -> None:
    from smarttune.objectives import load_objective

    loaded = load_objective("svm-digits", seed=3)
    assert loaded.task is not None
    assert loaded.task.seed == 3
