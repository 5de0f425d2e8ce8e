"""One-line errors for storage URLs that cannot work (issues 14 item 4 and 17 items 6-7)."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from smarttune import tune
from smarttune.exceptions import InvalidParameterError, StorageError
from smarttune.execution import LocalExecutor
from smarttune.storage import check_study_name, open_storage

OBJECTIVES = Path(__file__).resolve().parent / "execution" / "objectives.py"


def _smarttune(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "smarttune", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
    )


def _closed_port() -> int:
    """A local TCP port nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.parametrize(
    ("url", "suggestion"),
    [
        ("sqllite:///x.db", "did you mean sqlite:///x.db?"),
        ("postgres://u@h/db", "did you mean postgresql://u@h/db?"),
        ("postgress+psycopg://u@h/db", "did you mean postgresql://u@h/db?"),
        ("sqlit:///x.db", "did you mean sqlite:///x.db?"),
    ],
)
def test_a_mistyped_scheme_names_the_right_one(url: str, suggestion: str) -> None:
    with pytest.raises(StorageError, match="unknown scheme") as caught:
        open_storage(url)
    message = str(caught.value)
    assert message.endswith(suggestion)
    assert "plugin" not in message


def test_the_cli_reports_a_mistyped_scheme_in_one_line(tmp_path: Path) -> None:
    result = _smarttune("studies", "--storage", "sqllite:///x.db", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "error: Cannot open the storage 'sqllite:///x.db': unknown scheme 'sqllite'; "
        "did you mean sqlite:///x.db?"
    ]


@pytest.mark.parametrize("scheme", ["redis", "grpc"])
def test_an_unreachable_server_is_a_one_line_error_within_seconds(scheme: str) -> None:
    pytest.importorskip(scheme, reason=f"{scheme} is not installed")
    url = f"{scheme}://127.0.0.1:{_closed_port()}"
    started = time.monotonic()
    with pytest.raises(StorageError, match=f"Cannot open the storage '{url}'") as caught:
        open_storage(url)
    assert time.monotonic() - started < 15
    assert "\n" not in str(caught.value)


def test_the_cli_refuses_an_in_memory_sqlite_storage(tmp_path: Path) -> None:
    for extra in ((), ("--jobs", "2")):
        result = _smarttune(
            "tune", f"{OBJECTIVES}:cheap", "--trials", "2", "--storage", "sqlite://", *extra,
            cwd=tmp_path,
        )  # fmt: skip
        assert result.returncode == 2
        assert result.stdout == ""
        assert result.stderr.splitlines() == [
            "error: --storage sqlite:// is an in-memory database: the study would be lost when "
            "the command ends; use a file, e.g. --storage sqlite:///smarttune.db"
        ]


def test_worker_processes_refuse_an_in_memory_sqlite_storage() -> None:
    from tests.execution.conftest import objective

    with pytest.raises(StorageError, match="in-memory SQLite database that each worker"):
        tune(
            objective("cheap"),
            n_trials=2,
            storage="sqlite://",
            study_name="m",
            executor=LocalExecutor(n_jobs=2),
            progress=False,
        )


def test_a_study_name_longer_than_an_rdb_column_is_refused() -> None:
    with pytest.raises(
        InvalidParameterError,
        match=r"'study_name' parameter must be at most 512 characters .* Got a name of 513",
    ):
        check_study_name("postgresql://u@h/db", "n" * 513)
    check_study_name("postgresql://u@h/db", "n" * 512)
    check_study_name("journal:x.log", "n" * 513)  # a journal has no such limit


def test_ray_with_an_unreachable_address_fails_fast_in_one_line(tmp_path: Path) -> None:
    pytest.importorskip("ray", reason="the ray extra is not installed")
    started = time.monotonic()
    result = _smarttune(
        "tune", f"{OBJECTIVES}:cheap", "--trials", "1", "--executor", "ray",
        "--ray-address", f"127.0.0.1:{_closed_port()}", "--storage", "journal:r.log",
        cwd=tmp_path,
    )  # fmt: skip
    assert time.monotonic() - started < 60
    assert result.returncode == 2
    lines = result.stderr.splitlines()
    assert len(lines) == 1
    assert "must name a reachable Ray cluster; nothing answered at '127.0.0.1:" in lines[0]
