"""``smarttune tune`` learns from the user's earlier studies of the same objective."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

OBJECTIVE = """
def loss(trial):
    return (trial.suggest_float("x", -5, 5) - 2.0) ** 2


def other(trial):
    return trial.suggest_float("z", 0, 1)
"""


def _tune(tmp: Path, *args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "smarttune", "tune", *args]
    command += ["--storage", f"sqlite:///{tmp}/s.db", "--quiet", "--seed", "0"]
    return subprocess.run(command, capture_output=True, text=True, cwd=tmp, timeout=300)


def test_second_study_names_the_first_and_starts_from_its_best(tmp_path: Path) -> None:
    (tmp_path / "obj.py").write_text(OBJECTIVE)
    first = _tune(tmp_path, "obj.py:loss", "--study", "first", "--trials", "6")
    assert first.returncode == 0 and first.stderr == ""
    _tune(tmp_path, "obj.py:other", "--study", "unrelated", "--trials", "3")
    second = _tune(tmp_path, "obj.py:loss", "--study", "second", "--trials", "2")
    assert second.returncode == 0
    assert len(second.stdout.splitlines()) == 5  # header, study, best value, "parameters", x
    err = second.stderr.splitlines()
    assert len(err) == 2
    assert err[0].startswith("Transfer from 1 past study (first): 5 warm-start configurations")
    assert err[1].startswith("Transfer skips study 'unrelated': it tunes ")
    best_first = first.stdout.splitlines()[2].split(" (")[0]
    assert second.stdout.splitlines()[2] == f"{best_first} (trial 0)"


def test_no_transfer_prints_nothing_about_past_studies(tmp_path: Path) -> None:
    (tmp_path / "obj.py").write_text(OBJECTIVE)
    _tune(tmp_path, "obj.py:loss", "--study", "first", "--trials", "4")
    cold = _tune(tmp_path, "obj.py:loss", "--study", "cold", "--trials", "2", "--no-transfer")
    assert cold.returncode == 0 and cold.stderr == ""
    assert len(cold.stdout.splitlines()) == 5


def test_transfer_from_reads_another_storage(tmp_path: Path) -> None:
    (tmp_path / "obj.py").write_text(OBJECTIVE)
    _tune(tmp_path, "obj.py:loss", "--study", "first", "--trials", "4")
    other = tmp_path / "other"
    other.mkdir()
    (other / "obj.py").write_text(OBJECTIVE)
    run = _tune(
        other,
        str(tmp_path / "obj.py") + ":loss",
        "--study",
        "elsewhere",
        "--trials",
        "1",
        "--transfer-from",
        f"sqlite:///{tmp_path}/s.db",
    )
    assert run.returncode == 0
    assert run.stderr.splitlines() == [
        "Transfer from 1 past study (first): 4 warm-start configurations, prior mean weighted "
        "by ranking (RGPE)."
    ]
