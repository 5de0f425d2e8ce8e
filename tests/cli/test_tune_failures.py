"""``smarttune tune`` through a real subprocess: failures, pre-flight checks and defaults."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import optuna
import pytest

ALWAYS_FAILS = (
    "def loss(trial):\n"
    "    x = trial.suggest_float('x', 0, 1)\n"
    "    raise ValueError(f'bad x {x:.1f}'[:7])\n"
)
FLAKY = (
    "def loss(trial):\n"
    "    x = trial.suggest_float('x', -3, 3)\n"
    "    if trial.number % 2 == 1:\n"
    "        raise ZeroDivisionError('odd trial')\n"
    "    return (x - 1) ** 2\n"
)


def smarttune(
    cwd: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "SMARTTUNE_STORAGE": f"sqlite:///{cwd / 'st.db'}", **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "smarttune", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=environment,
        check=False,
        timeout=300,
    )


def lines(text: str) -> list[str]:
    return text.strip().splitlines() if text.strip() else []


def test_a_failing_trial_is_one_line_and_every_trial_failed_exits_1(tmp_path: Path) -> None:
    (tmp_path / "obj.py").write_text(ALWAYS_FAILS)
    result = smarttune(tmp_path, "tune", "obj.py:loss", "--trials", "3", "--quiet")
    assert result.returncode == 1
    assert len(lines(result.stdout)) == 1  # the header
    err = lines(result.stderr)
    assert len(err) == 4, result.stderr
    assert err[:3] == [f"trial {n} failed: ValueError: bad x 0" for n in range(3)]
    assert err[3].startswith("error: every trial of study 'loss' failed (3 of 3; the last: ")
    assert err[3].endswith("rerun with --verbose to print them.")
    assert "Traceback" not in result.stderr


def test_verbose_prints_the_tracebacks_and_the_study_goes_on(tmp_path: Path) -> None:
    (tmp_path / "obj.py").write_text(FLAKY)
    quiet = smarttune(tmp_path, "tune", "obj.py:loss", "--trials", "4", "--quiet")
    assert quiet.returncode == 0
    assert lines(quiet.stderr) == [
        "trial 1 failed: ZeroDivisionError: odd trial",
        "trial 3 failed: ZeroDivisionError: odd trial",
    ]
    verbose = smarttune(tmp_path, "tune", "obj.py:loss", "--trials", "2", "--quiet", "--verbose")
    assert verbose.returncode == 0
    err = lines(verbose.stderr)
    assert err[0] == "trial 5 failed: ZeroDivisionError: odd trial"
    assert err[1] == "Traceback (most recent call last):"
    assert err[-1] == "ZeroDivisionError: odd trial"


def test_a_function_is_minimized_and_the_header_says_so(tmp_path: Path) -> None:
    (tmp_path / "obj.py").write_text(
        "def loss(trial):\n    return trial.suggest_float('x', 0, 1)\n"
    )
    result = smarttune(tmp_path, "tune", "obj.py:loss", "--trials", "5", "--quiet")
    assert result.returncode == 0
    out = lines(result.stdout)
    assert out[0] == (
        f"Tuning {tmp_path.resolve() / 'obj.py'}:loss (minimize) in study 'loss' at "
        f"sqlite:///{tmp_path / 'st.db'}: 5 trials, sampler hybrid."
    )
    study = optuna.load_study(study_name="loss", storage=f"sqlite:///{tmp_path / 'st.db'}")
    assert study.direction == optuna.study.StudyDirection.MINIMIZE
    assert study.best_value == min(t.value for t in study.trials if t.value is not None)


def test_a_task_prints_its_own_direction_and_metric(tmp_path: Path) -> None:
    result = smarttune(tmp_path, "tune", "svm-digits", "--trials", "1", "--quiet")
    assert result.returncode == 0
    assert lines(result.stdout)[0].startswith(
        "Tuning svm-digits (maximize validation accuracy) in study 'svm-digits' at "
    )


def test_another_projects_loss_is_refused_in_the_same_study(tmp_path: Path) -> None:
    for project in ("a", "b"):
        (tmp_path / project).mkdir()
        (tmp_path / project / "obj.py").write_text(FLAKY)
    first = smarttune(tmp_path, "tune", "a/obj.py:loss", "--trials", "1", "--quiet")
    assert first.returncode == 0
    second = smarttune(tmp_path, "tune", "b/obj.py:loss", "--trials", "1", "--quiet")
    assert second.returncode == 2
    assert second.stdout == ""
    assert lines(second.stderr) == [
        f"error: Study 'loss' in sqlite:///{tmp_path / 'st.db'} tunes "
        f"'{tmp_path.resolve() / 'a' / 'obj.py'}:loss', not "
        f"'{tmp_path.resolve() / 'b' / 'obj.py'}:loss': choose another study name with "
        "--study NAME (study_name= in tune())."
    ]
    third = smarttune(
        tmp_path, "tune", "b/obj.py:loss", "--trials", "1", "--quiet", "--study", "b-loss"
    )
    assert third.returncode == 0


def test_a_dataset_missing_offline_is_one_line_before_any_trial(tmp_path: Path) -> None:
    pytest.importorskip("torch", reason="the torch extra is not installed")
    empty = tmp_path / "data"
    empty.mkdir()
    result = smarttune(
        tmp_path,
        "tune",
        "housing-mlp",
        "--trials",
        "2",
        "--quiet",
        env={"SMARTTUNE_OFFLINE": "1", "SMARTTUNE_DATA_DIR": str(empty)},
    )
    assert result.returncode == 2
    assert result.stdout == ""
    err = lines(result.stderr)
    assert len(err) == 1, result.stderr
    assert err[0].startswith(
        "error: Dataset file 'california-housing/housing.csv' was not found in "
    )
    storage = f"sqlite:///{tmp_path / 'st.db'}"
    assert optuna.get_all_study_names(storage=storage) == []


def test_a_missing_extra_is_one_line_naming_the_install(tmp_path: Path) -> None:
    blocker = tmp_path / "blocked" / "torch"
    blocker.mkdir(parents=True)
    (blocker / "__init__.py").write_text("raise ImportError('No module named torch')\n")
    path = os.pathsep.join([str(tmp_path / "blocked"), os.environ.get("PYTHONPATH", "")])
    result = smarttune(
        tmp_path, "tune", "housing-mlp", "--trials", "2", "--quiet", env={"PYTHONPATH": path}
    )
    assert result.returncode == 2
    assert result.stdout == ""
    err = lines(result.stderr)
    assert len(err) == 1, result.stderr
    assert "pip install 'smarttune[torch]'" in err[0]
