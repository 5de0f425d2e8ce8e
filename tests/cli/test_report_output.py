"""``smarttune report -o`` that cannot be written: one error line and exit 2 (issue 17)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import optuna
import pytest


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("report")
    study = optuna.create_study(study_name="s", storage=f"sqlite:///{folder / 'r.db'}")
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=2)
    (folder / "a-folder").mkdir()
    (folder / "a-file").write_text("keep me")
    return folder


@pytest.mark.parametrize(
    ("output", "fmt", "line"),
    [
        ("a-folder", "html", "-o 'a-folder' is a directory; give the HTML file to write, e.g. "),
        ("missing/r.html", "html", "The folder 'missing' of -o does not exist; create it first."),
        ("a-file/r.html", "html", "The folder 'a-file' of -o is a file, not a folder."),
        ("a-file", "png", "-o 'a-file' is a file; with --format png it names a directory."),
        ("missing/figures", "png", "The folder 'missing' of -o does not exist; create it first."),
    ],
)
def test_an_output_that_cannot_be_written_is_one_line(
    project: Path, output: str, fmt: str, line: str
) -> None:
    args = ["report", "--study", "s", "--storage", "sqlite:///r.db", "--format", fmt, "-o", output]
    result = subprocess.run(
        [sys.executable, "-m", "smarttune", *args],
        capture_output=True,
        text=True,
        cwd=project,
        timeout=120,
    )
    assert result.returncode == 2 and result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {line}")
    assert (project / "a-file").read_text() == "keep me"
