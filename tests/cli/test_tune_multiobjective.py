from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import optuna
import pytest

SOURCE = (
    "def two(trial):\n"
    "    x = trial.suggest_float('x', 0.0, 1.0)\n"
    "    if x > 0.95:\n"
    "        raise ValueError('too far')\n"
    "    return 1.0 - (x - 1.0) ** 2, x ** 2\n"
    "def one(trial):\n"
    "    return trial.suggest_float('x', 0.0, 1.0)\n"
)


def smarttune(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "smarttune", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        check=False,
        timeout=300,
    )


@pytest.fixture
def source(tmp_path: Path) -> Path:
    path = tmp_path / "obj.py"
    path.write_text(SOURCE)
    return path


def test_tune_with_directions_prints_the_pareto_front(tmp_path: Path, source: Path) -> None:
    url = f"sqlite:///{tmp_path / 'mo.db'}"
    args = ["tune", f"{source}:two", "--directions", "maximize,minimize", "--trials", "12"]
    result = smarttune(tmp_path, *args, "--sampler", "hybrid", "--seed", "0", "--storage", url)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    study = optuna.load_study(study_name="two", storage=url)
    front = sorted(t.number for t in study.best_trials)
    assert [d.name for d in study.directions] == ["MAXIMIZE", "MINIMIZE"]
    # header, trial counts, front header, one line per front trial
    assert len(lines) == 3 + len(front)
    assert lines[0].startswith(f"Tuning {source}:two (maximize, minimize) in study 'two'")
    assert lines[2] == f"Pareto front (maximize, minimize): {len(front)} trials"
    assert [int(line.split()[1].rstrip(":")) for line in lines[3:]] == front
    failed = sum(t.state == optuna.trial.TrialState.FAIL for t in study.trials)
    assert result.stderr.count("failed: ValueError: too far") == failed

    best = smarttune(tmp_path, "best", "--study", "two", "--storage", url)
    assert best.returncode == 0
    document = json.loads(best.stdout)
    assert document["directions"] == ["maximize", "minimize"]
    assert [entry["trial"] for entry in document["pareto_front"]] == front


def test_a_function_returning_one_value_fails_every_trial(tmp_path: Path, source: Path) -> None:
    url = f"sqlite:///{tmp_path / 'one.db'}"
    args = ["tune", f"{source}:one", "--directions", "maximize,minimize", "--trials", "3"]
    result = smarttune(tmp_path, *args, "--sampler", "random", "--storage", url)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 4  # one line per failed trial, then the verdict
    assert "must return 2 numbers (one per direction)" in lines[0]
    assert lines[-1].startswith("error: every trial of study 'one' failed (3 of 3")


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (
            ["--directions", "maximize"],
            "error: The '--directions' parameter must be 2 or more of 'maximize' and "
            "'minimize' (e.g. 'maximize,minimize'). Got 'maximize' instead.",
        ),
        (
            ["--directions", "maximize,minimize", "--jobs", "2"],
            "error: The '--directions' option runs trials serially in this process: leave out "
            "--direction, --executor and --jobs. Got --direction None, --executor 'local', "
            "--jobs 2.",
        ),
    ],
)
def test_bad_directions_are_one_line_and_exit_2(
    tmp_path: Path, source: Path, extra: list[str], message: str
) -> None:
    url = f"sqlite:///{tmp_path / 'bad.db'}"
    result = smarttune(tmp_path, "tune", f"{source}:two", *extra, "--storage", url)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [message]
    assert result.stdout == ""


def test_config_file_directions(tmp_path: Path, source: Path) -> None:
    config = tmp_path / "mo.toml"
    config.write_text(
        f'objective = "{source.name}:two"\ndirections = ["maximize", "minimize"]\n'
        'sampler = "random"\nstorage = "sqlite:///cfg.db"\n[budget]\ntrials = 4\n'
    )
    result = smarttune(tmp_path, "tune", "--config", str(config))
    assert result.returncode == 0, result.stderr
    study = optuna.load_study(study_name="two", storage=f"sqlite:///{tmp_path / 'cfg.db'}")
    assert len(study.directions) == 2 and len(study.trials) == 4
