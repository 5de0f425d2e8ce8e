from __future__ import annotations

from pathlib import Path

import optuna
import pytest

from smarttune.exceptions import InvalidParameterError, ObjectiveLoadError
from smarttune.objectives import load_objective


def test_task_name_loads_the_task() -> None:
    loaded = load_objective("svm-digits")
    assert loaded.task is not None
    assert loaded.direction == "maximize"
    assert loaded.name == "svm-digits"


def test_file_and_function(tmp_path: Path) -> None:
    source = tmp_path / "my_objective.py"
    source.write_text("def f(trial):\n    return trial.suggest_float('x', 0, 1)\n")
    loaded = load_objective(f"{source}:f")
    assert loaded.name == "f"
    assert loaded.direction is None
    study = optuna.create_study()
    study.optimize(loaded.function, n_trials=1)
    assert study.trials[0].state == optuna.trial.TrialState.COMPLETE


def test_dotted_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "objmod_for_test.py").write_text("def g(trial):\n    return 1.0\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    assert load_objective("objmod_for_test:g").function(None) == 1.0  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("spec", "pattern"),
    [
        ("no-such-task", r"Cannot load objective 'no-such-task': give a built-in task name"),
        ("json:nope", r"Cannot load objective 'json:nope': 'json' has no attribute 'nope'"),
        ("json:__name__", r"'__name__' is not callable"),
        ("no_such_module_q:f", r"cannot import module 'no_such_module_q'"),
        ("json:1bad", r"'1bad' is not a function name"),
        ("missing/file.py:f", r"no file '.*missing/file\.py'"),
    ],
)
def test_bad_specs(spec: str, pattern: str) -> None:
    with pytest.raises(ObjectiveLoadError, match=pattern):
        load_objective(spec)


def test_file_that_raises_on_import(tmp_path: Path) -> None:
    source = tmp_path / "broken.py"
    source.write_text("raise RuntimeError('boom')\n")
    with pytest.raises(
        ObjectiveLoadError, match=r"importing .*broken\.py' raised RuntimeError: boom"
    ):
        load_objective(f"{source}:f")


def test_device_reaches_neural_tasks_only(tmp_path: Path) -> None:
    pytest.importorskip("torch", reason="the torch extra is not installed")
    loaded = load_objective("housing-mlp", device="cpu")
    assert loaded.task is not None
    assert loaded.task.device == "cpu"  # type: ignore[attr-defined]
    with pytest.raises(
        InvalidParameterError,
        match=r"'--device' option applies to the neural-network tasks only; 'svm-digits' trains no network",
    ):
        load_objective("svm-digits", device="cpu")
    source = tmp_path / "f.py"
    source.write_text("def f(trial):\n    return 1.0\n")
    with pytest.raises(
        InvalidParameterError, match=r"'--device' option applies to built-in neural-network tasks"
    ):
        load_objective(f"{source}:f", device="cuda")
