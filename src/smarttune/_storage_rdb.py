"""Open Optuna's ``RDBStorage`` safely when several processes create the same new database.

Optuna creates its tables and stamps the Alembic version when an ``RDBStorage`` opens a database
without them. Processes that do this at the same moment collide (``UNIQUE constraint failed:
alembic_version.version_num``, ``table trials already exists``, a ``pg_type`` unique key), and
all but one die. :func:`create_rdb_storage` serializes that step:

* SQLite — an exclusive ``flock`` on a lock file named after the database's absolute path (in the
  temporary directory, so nothing is added beside the user's file);
* PostgreSQL — a session-level advisory lock (``pg_advisory_lock``) held on its own connection;
* any database — a creation that still fails with one of the known race errors is retried.

:func:`sqlite_claim_lock` serializes another read-then-write step on SQLite: taking a WAITING
trial. Optuna reads the trial's state, then updates it; Python's ``sqlite3`` opens the write
transaction only at the UPDATE, so two processes can both read WAITING and both take the trial
(PostgreSQL locks the row with ``SELECT … FOR UPDATE``; a journal orders its records).
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import time
from contextlib import contextmanager, suppress
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Iterator

    import optuna

__all__ = ["create_rdb_storage", "is_memory_sqlite", "sqlite_claim_lock"]

#: The advisory lock key every smarttune process takes to create Optuna's schema (64-bit signed).
PG_SCHEMA_LOCK_KEY = int.from_bytes(
    hashlib.sha256(b"smarttune:optuna-schema").digest()[:8], "big", signed=True
)
_RACE_ERRORS = ("already exists", "unique constraint", "duplicate key", "database is locked")
_ATTEMPTS = 5


def create_rdb_storage(url: str, **options: Any) -> optuna.storages.RDBStorage:
    """``optuna.storages.RDBStorage(url, **options)``, safe to race with other processes."""
    import optuna

    for attempt in range(_ATTEMPTS):
        try:
            with _creation_lock(url):
                return optuna.storages.RDBStorage(url, **options)
        except Exception as exc:
            if attempt == _ATTEMPTS - 1 or not _is_race(exc):
                raise
            time.sleep(0.1 * (attempt + 1))
    raise AssertionError("unreachable")  # pragma: no cover


def is_memory_sqlite(url: str) -> bool:
    """Whether ``url`` names an in-memory SQLite database (nothing is kept after the process)."""
    scheme, _, rest = url.partition("://")
    if scheme.split("+")[0].lower() != "sqlite":
        return False
    path = rest.removeprefix("/").split("?")[0]
    return path in ("", ":memory:") or "mode=memory" in rest


@contextmanager
def sqlite_claim_lock(storage: object) -> Iterator[None]:
    """Hold an exclusive lock per SQLite file while the block claims a trial (else nothing)."""
    backend = getattr(storage, "_backend", storage)  # Optuna wraps RDB storages in a cache
    url = getattr(backend, "url", None)
    if not isinstance(url, str) or not url.startswith("sqlite") or is_memory_sqlite(url):
        yield
        return
    with _file_lock(_sqlite_path(url), purpose="claim"):
        yield


def _sqlite_path(url: str) -> str:
    return url.partition("://")[2].removeprefix("/").split("?")[0]


def _is_race(exc: BaseException) -> bool:
    text = str(exc).lower()
    return any(marker in text for marker in _RACE_ERRORS)


@contextmanager
def _creation_lock(url: str) -> Iterator[None]:
    scheme = url.partition("://")[0].split("+")[0].lower()
    if scheme == "sqlite" and not is_memory_sqlite(url):
        with _file_lock(_sqlite_path(url), purpose="schema"):
            yield
    elif scheme in ("postgresql", "postgres"):
        with _advisory_lock(url):
            yield
    else:
        yield


@contextmanager
def _file_lock(path: str, purpose: str) -> Iterator[None]:
    import fcntl

    digest = hashlib.sha256(os.path.abspath(path).encode()).hexdigest()[:24]
    lock_path = os.path.join(tempfile.gettempdir(), f"smarttune-sqlite-{purpose}-{digest}.lock")
    descriptor = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o666)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)  # closing releases the lock


@contextmanager
def _advisory_lock(url: str) -> Iterator[None]:
    import sqlalchemy
    from sqlalchemy.pool import NullPool

    engine = sqlalchemy.create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            lock = sqlalchemy.text("SELECT pg_advisory_lock(:key)")
            connection.execute(lock, {"key": PG_SCHEMA_LOCK_KEY})
            try:
                yield
            finally:
                with suppress(Exception):
                    unlock = sqlalchemy.text("SELECT pg_advisory_unlock(:key)")
                    connection.execute(unlock, {"key": PG_SCHEMA_LOCK_KEY})
    finally:
        engine.dispose()
