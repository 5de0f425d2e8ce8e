"""``smarttune compare`` through a real subprocess: failed cells and the pre-flight check."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

import pytest


def compare(
    cwd: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "smarttune", "compare", "--seeds", "1", "--no-plots", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**os.environ, **(env or {})},
        check=False,
        timeout=300,
    )


def test_a_search_without_a_finite_value_is_a_failed_cell_with_its_reason(tmp_path: Path) -> None:
    (tmp_path / "obj.py").write_text(
        "def bad(trial):\n"
        "    trial.suggest_float('x', 0, 1)\n"
        "    raise ValueError('nope')\n"
        "\n"
        "def good(trial):\n"
        "    return trial.suggest_float('x', 0, 1)\n"
    )
    tasks = f"{tmp_path / 'obj.py'}:bad,{tmp_path / 'obj.py'}:good"
    out = tmp_path / "out"
    result = compare(
        tmp_path, "--tasks", tasks, "--methods", "random,tpe", "--trials", "3", "--out", str(out)
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 4 + 1 + 4 + 1  # progress, the summary's header and rows, the last line
    reason = "no finite value in 3 evaluations (3 failed, 0 pruned; the first: ValueError: nope)"
    assert lines[0].endswith(f":bad, seed 0: FAILED: {reason}")
    assert lines[1].endswith(f":bad, seed 0: FAILED: {reason}")
    with (out / "results.csv").open() as stream:
        rows = list(csv.DictReader(stream))
    failed = [r for r in rows if r["task"].endswith(":bad")]
    assert [(r["status"], r["error"]) for r in failed] == [("failed", reason)] * 2
    with (out / "summary.csv").open() as stream:
        summary = {(r["task"].rsplit(":", 1)[1], r["method"]): r for r in csv.DictReader(stream)}
    assert summary[("bad", "tpe")]["mean_rank"] == ""
    assert summary[("good", "tpe")]["mean_rank"] != ""
    printed = {line.split()[1]: line.split()[2:] for line in lines[5:9] if ":bad" in line}
    assert printed == {"random": ["failed"], "tpe": ["failed"]}  # not "nan"


def test_a_comparison_in_which_every_cell_failed_exits_1_with_one_line(tmp_path: Path) -> None:
    (tmp_path / "obj.py").write_text(
        "def bad(trial):\n    trial.suggest_float('x', 0, 1)\n    raise ValueError('nope')\n"
    )
    result = compare(
        tmp_path,
        *("--tasks", f"{tmp_path / 'obj.py'}:bad", "--methods", "random", "--trials", "2"),
        *("--out", str(tmp_path / "out")),
    )
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "error: every cell failed; the first: no finite value in 2 evaluations "
        "(2 failed, 0 pruned; the first: ValueError: nope)"
    ]


def test_a_task_that_cannot_run_here_is_one_line_before_any_cell(tmp_path: Path) -> None:
    pytest.importorskip("torch", reason="the torch extra is not installed")
    empty = tmp_path / "data"
    empty.mkdir()
    result = compare(
        tmp_path,
        "--tasks",
        "housing-mlp",
        "--methods",
        "random",
        "--trials",
        "2",
        "--out",
        str(tmp_path / "out"),
        env={"SMARTTUNE_OFFLINE": "1", "SMARTTUNE_DATA_DIR": str(empty)},
    )
    assert result.returncode == 2
    assert result.stdout == ""
    err = result.stderr.splitlines()
    assert len(err) == 1, result.stderr
    assert err[0].startswith("error: Dataset file 'california-housing/housing.csv' was not found")
    assert not list((tmp_path / "out").glob("cells/*.json"))
