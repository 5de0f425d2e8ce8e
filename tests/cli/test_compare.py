from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from smarttune.cli import main

OBJECTIVES = Path(__file__).parents[1] / "compare" / "objectives.py"


def test_compare_writes_tables_plots_and_a_summary(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pytest.importorskip("matplotlib")
    out = tmp_path / "out"
    code = main(
        [
            "compare",
            "--tasks",
            f"bbob-f1-d2,{OBJECTIVES}:mixed",
            "--methods",
            "random,tpe",
            "--trials",
            "6",
            "--seeds",
            "2",
            "--out",
            str(out),
        ]
    )
    printed = capsys.readouterr().out
    assert code == 0
    assert "[8/8] tpe on" in printed and "8 cells in" in printed
    with (out / "results.csv").open() as stream:
        rows = list(csv.DictReader(stream))
    assert {(r["method"], r["seed"]) for r in rows} == {
        (m, s) for m in ("random", "tpe") for s in "01"
    }
    assert json.loads((out / "config.json").read_text())["methods"] == ["random", "tpe"]
    plots = sorted(p.name for p in (out / "plots").glob("*.png"))
    assert "critical_difference.png" in plots and "best_vs_evaluations_bbob-f1-d2.png" in plots


def test_compare_reports_bad_options_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["compare", "--tasks", "bbob-f1-d2", "--trials", "x", "--out", str(tmp_path)]) == 2
    assert "'--trials' option takes comma-separated numbers" in capsys.readouterr().err
    assert (
        main(["compare", "--tasks", "bbob-f1-d2", "--methods", "nope", "--out", str(tmp_path)]) == 2
    )
    assert "Unknown method 'nope'" in capsys.readouterr().err
    code = main(["compare", "--tasks", "bbob-f1-d2", "--task-option", "x", "--out", str(tmp_path)])
    assert code == 2 and "TASK:key=value" in capsys.readouterr().err


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_killing_the_process_then_rerunning_finishes_only_the_missing_cells(tmp_path: Path) -> None:
    out = tmp_path / "out"
    command = [
        sys.executable,
        "-m",
        "smarttune",
        "compare",
        "--tasks",
        f"{OBJECTIVES}:mixed",
        "--methods",
        "random,tpe,sobol",
        "--trials",
        "40",
        "--seeds",
        "3",
        "--out",
        str(out),
        "--no-plots",
    ]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    cells = out / "cells"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and len(list(cells.glob("*.json"))) < 2:
        assert process.poll() is None, "compare ended before it could be killed"
        time.sleep(0.05)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    before = {p.name: p.stat().st_mtime_ns for p in cells.glob("*.json")}
    assert 2 <= len(before) < 9
    finished = subprocess.run(command, capture_output=True, text=True, check=True)
    ran = [line for line in finished.stdout.splitlines() if line.startswith("[")]
    assert len(ran) == 9 - len(before)  # only the missing searches ran
    after = {p.name: p.stat().st_mtime_ns for p in cells.glob("*.json")}
    assert len(after) == 9 and all(after[name] == mtime for name, mtime in before.items())
