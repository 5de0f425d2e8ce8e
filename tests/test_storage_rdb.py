"""Race-safe creation of RDB storages: the lock file, the retry, in-memory URLs (issue 17)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import optuna
import pytest

from smarttune import _storage_rdb
from smarttune._storage_rdb import create_rdb_storage, is_memory_sqlite


@pytest.mark.parametrize(
    ("url", "memory"),
    [
        ("sqlite://", True),
        ("sqlite:///:memory:", True),
        ("sqlite:///file:x?mode=memory&uri=true", True),
        ("sqlite:///smarttune.db", False),
        ("sqlite:////abs/path.db", False),
        ("postgresql://u@h/db", False),
    ],
)
def test_in_memory_sqlite_urls_are_recognized(url: str, memory: bool) -> None:
    assert is_memory_sqlite(url) is memory


def test_a_creation_that_loses_the_race_is_retried(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = optuna.storages.RDBStorage
    calls: list[str] = []

    def racing(url: str, **options: Any) -> optuna.storages.RDBStorage:
        calls.append(url)
        if len(calls) == 1:  # what a process that lost the race to create the schema sees
            raise RuntimeError("(sqlite3.OperationalError) table studies already exists")
        return real(url, **options)

    monkeypatch.setattr(optuna.storages, "RDBStorage", racing)
    monkeypatch.setattr(_storage_rdb.time, "sleep", lambda seconds: None)
    storage = create_rdb_storage(f"sqlite:///{tmp_path / 'r.db'}")
    assert isinstance(storage, real)
    assert len(calls) == 2


def test_an_error_that_is_not_a_race_is_not_retried(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []

    def broken(url: str, **options: Any) -> None:
        calls.append(url)
        raise RuntimeError("password authentication failed")

    monkeypatch.setattr(optuna.storages, "RDBStorage", broken)
    with pytest.raises(RuntimeError, match="password authentication failed"):
        create_rdb_storage("mysql://u@h/db")
    assert len(calls) == 1


def test_the_forkserver_preload_arms_nothing_outside_the_forkserver() -> None:
    from smarttune.execution import _forkserver

    assert _forkserver._in_forkserver() is False
