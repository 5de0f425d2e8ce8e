"""Four `smarttune tune` processes started together on a new storage all run (issue 17 item 2)."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import optuna
import pytest

from smarttune.storage import open_storage

OBJECTIVES = Path(__file__).resolve().parent / "execution" / "objectives.py"
pytestmark = pytest.mark.slow


def _race(url: str, cwd: Path, processes: int = 4, trials: int = 2) -> None:
    """Start ``processes`` tune commands at once on ``url``; each must finish its trials."""
    command = [
        sys.executable, "-m", "smarttune", "tune", f"{OBJECTIVES}:cheap", "--storage", url,
        "--study", "race", "--trials", str(trials), "--sampler", "random", "--quiet",
    ]  # fmt: skip
    started = [
        subprocess.Popen(command, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for _ in range(processes)
    ]
    for process in started:
        out, err = process.communicate(timeout=240)
        assert process.returncode == 0, err.decode()
        assert err == b""
        assert len(out.decode().splitlines()) == 5  # header, summary, best value, parameters
    study = optuna.load_study(study_name="race", storage=open_storage(url))
    assert [t.state for t in study.trials] == [optuna.trial.TrialState.COMPLETE] * (
        processes * trials
    )


def test_four_processes_create_a_new_sqlite_file_together(tmp_path: Path) -> None:
    _race(f"sqlite:///{tmp_path / 'new.db'}", tmp_path)


@pytest.fixture
def empty_postgres_database() -> Iterator[str]:
    """A new, empty PostgreSQL database on the test server, dropped afterwards."""
    url = os.environ.get("SMARTTUNE_TEST_POSTGRES_URL")
    if not url:
        if os.environ.get("SMARTTUNE_REQUIRE_SERVICES"):
            pytest.fail("SMARTTUNE_TEST_POSTGRES_URL is required in CI")
        pytest.skip("SMARTTUNE_TEST_POSTGRES_URL is not set (no PostgreSQL server to test against)")
    pytest.importorskip("psycopg", reason="the postgres extra (psycopg) is not installed")
    import sqlalchemy

    name = f"race_{uuid.uuid4().hex[:12]}"
    admin = sqlalchemy.create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sqlalchemy.text(f'CREATE DATABASE "{name}"'))
    try:
        yield f"{url.rsplit('/', 1)[0]}/{name}"
    finally:
        with admin.connect() as connection:
            connection.execute(sqlalchemy.text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.mark.postgres
def test_four_processes_create_the_schema_of_an_empty_postgres_database_together(
    empty_postgres_database: str, tmp_path: Path
) -> None:
    _race(empty_postgres_database, tmp_path)


@pytest.mark.postgres
def test_a_postgres_study_name_over_512_characters_is_one_line(
    empty_postgres_database: str, tmp_path: Path
) -> None:
    command = [
        sys.executable, "-m", "smarttune", "tune", f"{OBJECTIVES}:cheap", "--trials", "1",
        "--storage", empty_postgres_database, "--study", "n" * 600, "--quiet",
    ]  # fmt: skip
    result = subprocess.run(command, capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "error: The 'study_name' parameter must be at most 512 characters long in an RDB "
        "storage. Got a name of 600 characters instead."
    ]
