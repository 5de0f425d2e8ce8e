"""Storages that many workers share, opened by URL in each worker.

Beyond :func:`smarttune.storage.open_storage`, executors open

* RDB URLs (``sqlite:///…``, ``postgresql://…``) with Optuna's trial heartbeats when a
  heartbeat interval is given, and :class:`RetryDeadTrial` as the stale-trial callback;
  SQLite files are switched to write-ahead logging (readers do not block the writer) with a
  60 s lock timeout;
* ``redis://host:port/db`` — Optuna's journal storage on Redis (``JournalRedisBackend``);
* ``grpc://host:port`` — Optuna's gRPC storage proxy (``optuna.storages.run_grpc_proxy_server``
  in front of an RDB storage), for clusters whose workers should not each hold a database
  connection.

An in-memory SQLite URL (``sqlite://``) is refused: each worker would open its own, empty.
"""

from __future__ import annotations

import sqlite3
import warnings
from contextlib import closing
from typing import TYPE_CHECKING

from smarttune._storage_rdb import is_memory_sqlite
from smarttune.exceptions import StorageError
from smarttune.execution._recovery import RetryDeadTrial
from smarttune.storage import open_rdb, open_storage

if TYPE_CHECKING:
    import optuna

__all__ = ["open_shared_storage", "supports_heartbeat"]

_SQLITE_LOCK_TIMEOUT_S = 60
_OPENED: dict[tuple[str, int | None, int | None, int], optuna.storages.BaseStorage] = {}


def open_shared_storage(
    url: str,
    *,
    heartbeat_interval: int | None = None,
    grace_period: int | None = None,
    max_retries: int = 1,
) -> optuna.storages.BaseStorage:
    """Open ``url`` for a worker or driver (once per process and settings).

    Raises:
        StorageError: If the URL cannot be opened.
    """
    key = (url, heartbeat_interval, grace_period, max_retries)
    if key not in _OPENED:
        _OPENED[key] = _open(url, heartbeat_interval, grace_period, max_retries)
    return _OPENED[key]


def supports_heartbeat(storage: optuna.storages.BaseStorage) -> bool:
    """Whether Optuna records heartbeats of running trials in ``storage``."""
    import optuna

    return (
        isinstance(storage, optuna.storages.RDBStorage) and storage.heartbeat_interval is not None
    )


def _open(
    url: str, heartbeat_interval: int | None, grace_period: int | None, max_retries: int
) -> optuna.storages.BaseStorage:
    import optuna

    if url.startswith("sqlite") and is_memory_sqlite(url):
        raise StorageError(
            f"The storage {url!r} is an in-memory SQLite database that each worker process "
            "would open empty; use a file: sqlite:///smarttune.db"
        )
    if url.startswith("sqlite:///"):
        _enable_wal(url.removeprefix("sqlite:///").split("?")[0])
    if heartbeat_interval is None or not url.startswith(("sqlite", "postgres", "mysql")):
        return open_storage(url)
    engine_kwargs: dict[str, object] = {}
    if url.startswith("sqlite"):
        engine_kwargs["connect_args"] = {"timeout": _SQLITE_LOCK_TIMEOUT_S}
    with warnings.catch_warnings():  # heartbeats are experimental in Optuna
        warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
        return open_rdb(
            url,
            engine_kwargs=engine_kwargs,
            heartbeat_interval=heartbeat_interval,
            grace_period=grace_period,
            heartbeat_stale_trial_callback=_RetryCallback(max_retries),
        )


class _RetryCallback:
    """:class:`RetryDeadTrial` with the signature of Optuna's heartbeat callback."""

    def __init__(self, max_retries: int) -> None:
        self.retry = RetryDeadTrial(max_retries=max_retries)

    def __call__(self, study: optuna.Study, trial: optuna.trial.FrozenTrial) -> None:
        self.retry(study, trial)


def _enable_wal(path: str) -> None:
    if not path or path == ":memory:":
        return
    try:
        with closing(sqlite3.connect(path, timeout=_SQLITE_LOCK_TIMEOUT_S)) as connection:
            connection.execute("PRAGMA journal_mode=WAL")
    except sqlite3.Error as exc:
        raise StorageError(f"Cannot open the SQLite file {path!r}: {exc}") from exc
