"""benchmarks/cli_startup.py: one round of the headline commands, and its report."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"


def _script(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    spec = importlib.util.spec_from_file_location("cli_startup", BENCHMARKS / "cli_startup.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "cli_startup", module)  # its dataclass looks itself up
    spec.loader.exec_module(module)
    return module


def test_one_round_times_smarttune_and_optuna_help_and_writes_the_table(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "cli_startup.md"
    assert _script(monkeypatch).main(["--repeats", "1", "--no-subcommands", "--out", str(out)]) == 0
    lines = out.read_text().splitlines()
    rows = [line for line in lines if line.startswith("| `")]
    labels = [row.split("`")[1] for row in rows]
    assert labels == [
        "smarttune --help",
        "optuna --help",
        'python -c "import smarttune"',
        'python -c "import optuna"',
        'python -c "pass" (interpreter start)',
    ]
    for row in rows:
        median, minimum, cpu = (float(cell) for cell in row.split("|")[2:5])
        assert 0 < minimum <= median < 60
        assert 0 < cpu < 60
    assert any(line.startswith("load average (1, 5, 15 min) before: ") for line in lines)
