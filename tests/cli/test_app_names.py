""" "Did you mean" for task, sampler and pruner names, through the installed CLI."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def _smarttune(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "smarttune", *args], capture_output=True, text=True, cwd=cwd
    )


def test_a_misspelt_task_suggests_the_closest_tasks(tmp_path: Path) -> None:
    result = _smarttune("tune", "svm-digit", "--trials", "1", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "error: Cannot load objective 'svm-digit': give a built-in task name (see `smarttune "
        "tasks`), package.module:function or path/to/file.py:function; did you mean one of "
        "{'svm-digits', 'svm-digits-grid', 'svm-iris'}?"
    ]
    assert not (tmp_path / "smarttune.db").exists()


def test_a_name_like_no_task_gets_no_suggestion(tmp_path: Path) -> None:
    result = _smarttune("tune", "zzz", cwd=tmp_path)
    assert result.returncode == 2
    assert len(result.stderr.splitlines()) == 1
    assert result.stderr.endswith("path/to/file.py:function.\n")


def test_a_misspelt_sampler_and_pruner_suggest_the_closest(tmp_path: Path) -> None:
    for option, given, expected in (("--sampler", "tpee", "tpe"), ("--pruner", "medain", "median")):
        result = _smarttune("tune", "svm-digits", option, given, "--trials", "1", cwd=tmp_path)
        assert result.returncode == 2
        lines = result.stderr.splitlines()
        assert len(lines) == 1
        assert lines[0].startswith(f"error: Unknown {option[2:]} {given!r} (did you mean ")
        assert f"(did you mean {expected!r}?)" in lines[0]
        assert result.stdout == ""  # checked before the header line and before any trial
        assert not (tmp_path / "smarttune.db").exists()


def test_a_misspelt_sampler_in_a_config_file_suggests_the_closest(tmp_path: Path) -> None:
    (tmp_path / "study.toml").write_text('task = "svm-digits"\nsampler = "tpee"\n')
    result = _smarttune("tune", "--config", "study.toml", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("error: The 'sampler' key of config 'study.toml' must be one of {")
    assert lines[0].endswith("Got 'tpee' instead. Did you mean 'tpe'?")


def test_a_misspelt_direction_option_suggests_the_closest(tmp_path: Path) -> None:
    result = _smarttune("tune", "svm-digits", "--direction", "maximise", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "error: The '--direction' option must be one of {'maximize', 'minimize'}. "
        "Got 'maximise' instead. Did you mean 'maximize'?"
    ]
