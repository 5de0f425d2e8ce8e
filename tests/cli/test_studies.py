"""``smarttune studies`` on storages with unusual studies (issue 17, items 6 and 7)."""

from __future__ import annotations

import subprocess
import sys

import optuna
import pytest

from smarttune.cli._studies import printable

EVIL = "evil\x1b[2J[bold]x\x1b[0m"


@pytest.fixture(scope="module")
def storage(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('studies') / 's.db'}"
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    multi = optuna.create_study(study_name="mo", storage=url, directions=["minimize", "maximize"])
    multi.optimize(lambda t: (t.suggest_float("x", 0, 1), t.suggest_float("y", 0, 1)), n_trials=3)
    single = optuna.create_study(study_name=EVIL, storage=url, direction="maximize")
    single.enqueue_trial({"x": 0.25})
    single.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=1)
    optuna.create_study(study_name="new", storage=url)
    return url


def _studies(storage: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "smarttune", "studies", "--storage", storage],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_multi_objective_study_gets_its_row_beside_the_others(storage: str) -> None:
    result = _studies(storage)
    assert result.returncode == 0 and result.stderr == ""
    lines = result.stdout.splitlines()
    assert len(lines) == 8  # title, 3 header lines, 3 rows, bottom border
    row = next(line for line in lines if "│ mo " in line)
    assert "minimize, maximize" in row and "Pareto-optimal" in row
    assert [c.strip() for c in row.split("│")[3:8]] == ["3", "0", "0", "0", "0"]
    assert "—" in next(line for line in lines if "│ new " in line)


def test_control_characters_and_markup_in_names_are_shown_escaped(storage: str) -> None:
    result = _studies(storage)
    assert "\x1b" not in result.stdout
    row = next(line for line in result.stdout.splitlines() if "evil" in line)
    assert row.startswith("│ evil\\x1b[2J[bold]x\\x1b[0m ") and "0.25" in row


def test_printable_escapes_only_what_a_terminal_would_act_on() -> None:
    assert printable("naïve ok") == "naïve ok"
    assert printable("a\nb\tc\x1b\x07") == "a\\nb\\tc\\x1b\\x07"
