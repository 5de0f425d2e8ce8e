from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import optuna
import pytest

from smarttune.cli import main


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_tune_then_best_then_resume(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{tmp_path / 'x.db'}"
    code, out, _ = run(
        capsys,
        "tune",
        "svm-digits",
        "--trials",
        "5",
        "--storage",
        url,
        "--study",
        "s",
        "--seed",
        "1",
        "--quiet",
    )
    assert code == 0
    assert "Study 's'" in out and "5 trials (5 complete, 0 pruned, 0 fail)" in out
    assert "Best value:" in out

    code, out, _ = run(capsys, "best", "--study", "s", "--storage", url)
    assert code == 0
    document = json.loads(out)
    assert document["study"] == "s"
    assert set(document["params"]) == {"C", "gamma"}
    assert 0 < document["value"] <= 1

    code, out, _ = run(
        capsys, "tune", "svm-digits", "--trials", "2", "--storage", url, "--study", "s", "--quiet"
    )
    assert code == 0
    assert len(optuna.load_study(study_name="s", storage=url).trials) == 7


def test_default_storage_is_sqlite_in_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SMARTTUNE_STORAGE", raising=False)
    code, _, err = run(capsys, "tune", "svm-digits", "--trials", "2", "--sampler", "random")
    assert code == 0
    assert (tmp_path / "smarttune.db").exists()
    assert "trials" in err  # the progress bar draws on stderr
    code, out, _ = run(capsys, "studies")
    assert code == 0
    assert "svm-digits" in out and "maximize" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--trials", "-1"],
            "error: The '--trials' option must be an int in the range [1, inf). Got -1 instead.",
        ),
        (
            ["--timeout", "0"],
            "error: The '--timeout' option must be a float in the range (0, inf). Got 0.0 instead.",
        ),
        (
            ["--jobs", "0"],
            "error: The '--jobs' option must be an int in the range [1, inf) or one of {-1}. Got 0 instead.",
        ),
        (
            ["--direction", "sideways"],
            "error: The '--direction' option must be one of {'maximize', 'minimize'}. Got 'sideways' instead.",
        ),
        (["--trials", "abc"], "error: Invalid value for '--trials': 'abc' is not a valid integer."),
    ],
)
def test_user_errors_print_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    code, out, err = run(
        capsys, "tune", "svm-digits", "--storage", f"sqlite:///{tmp_path / 'e.db'}", *args
    )
    assert code == 2
    assert err.strip().splitlines() == [message]
    assert out == ""


def test_unknown_sampler_objective_and_study(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'e.db'}"
    code, _, err = run(capsys, "tune", "svm-digits", "--sampler", "nope", "--storage", url)
    assert code == 2 and err.startswith("error: Unknown sampler 'nope'")
    code, _, err = run(capsys, "tune", "nope", "--storage", url)
    assert code == 2 and err.startswith("error: Cannot load objective 'nope'")
    code, _, err = run(capsys, "best", "--study", "ghost", "--storage", url)
    assert (
        code == 2 and err.strip() == f"error: No study named 'ghost' in {url}; studies there: none."
    )
    code, _, err = run(capsys, "best", "--storage", url)
    assert code == 2 and "Missing option '--study'" in err


def test_best_of_a_study_without_completed_trials(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'f.db'}"
    optuna.create_study(storage=url, study_name="empty")
    code, _, err = run(capsys, "best", "--study", "empty", "--storage", url)
    assert code == 2 and "has no completed trial yet" in err


def test_user_function_objective_with_direction(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "obj.py"
    source.write_text(
        "def loss(trial):\n"
        "    x = trial.suggest_float('x', -3, 3)\n"
        "    if x > 2.5:\n"
        "        raise ValueError('too far')\n"
        "    return (x - 1) ** 2\n"
    )
    url = f"sqlite:///{tmp_path / 'u.db'}"
    code, _, _ = run(
        capsys,
        "tune",
        f"{source}:loss",
        "--trials",
        "15",
        "--direction",
        "minimize",
        "--sampler",
        "tpe",
        "--seed",
        "0",
        "--storage",
        url,
        "--quiet",
    )
    assert code == 0
    study = optuna.load_study(study_name="loss", storage=url)
    assert study.direction == optuna.study.StudyDirection.MINIMIZE
    assert len(study.trials) == 15
    assert study.best_value < 1.0


def test_interrupt_exits_130_and_the_study_resumes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "stop.py"
    source.write_text(
        "def f(trial):\n"
        "    x = trial.suggest_float('x', 0, 1)\n"
        "    if trial.number == 2:\n"
        "        raise KeyboardInterrupt\n"
        "    return x\n"
    )
    url = f"sqlite:///{tmp_path / 'i.db'}"
    code, _, err = run(capsys, "tune", f"{source}:f", "--trials", "5", "--storage", url, "--quiet")
    assert code == 130
    assert "Interrupted" in err and "run the same command to continue" in err
    assert len(optuna.load_study(study_name="f", storage=url).trials) == 3


def test_tasks_lists_builtins(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "tasks")
    assert code == 0
    assert any(line.startswith("svm-digits ") for line in out.splitlines())


def test_help_and_version(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--version")
    assert code == 0 and "smarttune, version" in out
    code, _, err = run(capsys)
    assert code == 2 and "Commands:" in err


def test_installed_module_entry_point(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "smarttune", "tune", "svm-digits", "--trials", "-1"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "error: The '--trials' option must be an int in the range [1, inf). Got -1 instead."
    ]
    assert "Traceback" not in result.stderr
