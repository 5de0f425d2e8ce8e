"""Storage URLs to Optuna storages, and the embedded default.

smarttune does not define storages: it opens Optuna's.

* ``None`` — in memory (``tune()``'s default; nothing survives the process);
* ``sqlite:///path.db`` — an embedded SQLite file (the CLI's default, ``./smarttune.db``),
  opened with a generous lock timeout so a few processes can share it;
* ``postgresql://…``, ``mysql://…`` — any SQLAlchemy URL Optuna's ``RDBStorage`` accepts;
* ``journal:path.log`` — Optuna's append-only journal file, safe for many local processes;
* ``redis://host:port/db`` — Optuna's journal storage on Redis;
* ``grpc://host:port`` — Optuna's gRPC storage proxy;
* an ``optuna.storages.BaseStorage`` instance — used as it is.

Opening is safe to race: processes that create the same new database at once are serialized
(:mod:`smarttune._storage_rdb`), and a journal file is checked first — a file that is not a
journal is refused, a torn last record is dropped after a backup
(:mod:`smarttune._storage_journal`).
A mistyped scheme (``sqllite://``, ``postgres://``) is one line naming the right one.
"""

from __future__ import annotations

import difflib
import warnings
from typing import TYPE_CHECKING, Any, overload

from smarttune._storage_journal import check_journal
from smarttune._storage_rdb import create_rdb_storage
from smarttune.exceptions import InvalidParameterError, MissingDependencyError, StorageError

if TYPE_CHECKING:
    import optuna

__all__ = ["DEFAULT_CLI_STORAGE", "check_study_name", "open_storage"]

#: The storage the CLI uses when ``--storage`` is not given.
DEFAULT_CLI_STORAGE = "sqlite:///smarttune.db"

_JOURNAL_PREFIX = "journal:"
_MAX_RDB_NAME = 512  # Optuna's RDB schema: studies.study_name is VARCHAR(512)
_SQLITE_LOCK_TIMEOUT_S = 60
_CONNECT_TIMEOUT_S = 5
# SQLAlchemy dialects Optuna's RDBStorage is used with; others are reported as unknown schemes.
_RDB_SCHEMES = ("sqlite", "postgresql", "mysql", "mariadb", "oracle", "mssql")
_SCHEMES = (*_RDB_SCHEMES, "redis", "grpc")
_ALIASES = {"postgres": "postgresql", "sqlite3": "sqlite", "sqllite": "sqlite", "pg": "postgresql"}
# One storage (for RDB: one SQLAlchemy engine and connection pool) per URL and process: opening
# a storage per call would leak pooled connections and repeat the schema check.
_OPENED: dict[str, optuna.storages.BaseStorage] = {}


@overload
def open_storage(storage: None) -> None: ...


@overload
def open_storage(storage: str | optuna.storages.BaseStorage) -> optuna.storages.BaseStorage: ...


def open_storage(
    storage: str | optuna.storages.BaseStorage | None,
) -> optuna.storages.BaseStorage | None:
    """Return the Optuna storage named by ``storage`` (see the module docstring).

    Raises:
        StorageError: If the URL has an unknown scheme, the server cannot be reached, the
            database cannot be opened, or a journal file is not a journal.
    """
    import optuna

    if storage is None or isinstance(storage, optuna.storages.BaseStorage):
        return storage
    url = storage.strip()
    if url.startswith(_JOURNAL_PREFIX):
        return _open_journal(url[len(_JOURNAL_PREFIX) :].removeprefix("//"))
    if "://" not in url:
        raise StorageError(
            f"The storage {storage!r} is not a URL: use sqlite:///path.db, "
            f"postgresql://user@host/db, journal:path.log or an Optuna storage object."
        )
    cached = _OPENED.get(url)
    if cached is None:
        cached = _open_url(url)
        _OPENED[url] = cached
    return cached


def check_scheme(url: str) -> str:
    """The dialect of ``url`` (``sqlite``, ``postgresql``, ``redis``, …).

    Raises:
        StorageError: If the scheme is not one smarttune opens, with the likely intended URL.
    """
    scheme, _, rest = url.partition("://")
    base = scheme.split("+")[0].lower()
    if base in _SCHEMES:
        return base
    guess = _ALIASES.get(base) or next(iter(difflib.get_close_matches(base, _SCHEMES, n=1)), None)
    hint = (
        f"did you mean {guess}://{rest}?"
        if guess
        else "use "
        + ", ".join(f"{s}://" for s in ("sqlite", "postgresql", "mysql", "redis", "grpc"))
        + " or journal:"
    )
    raise StorageError(f"Cannot open the storage {url!r}: unknown scheme {scheme!r}; {hint}")


def check_study_name(storage: object, study_name: str | None) -> None:
    """Refuse a study name longer than an RDB storage holds (PostgreSQL would fail mid-run).

    Raises:
        InvalidParameterError: If ``storage`` is an RDB URL or storage and the name is too long.
    """
    import optuna

    if study_name is None or len(study_name) <= _MAX_RDB_NAME:
        return
    rdb = isinstance(storage, optuna.storages.RDBStorage) or (
        isinstance(storage, str) and storage.partition("://")[0].split("+")[0] in _RDB_SCHEMES
    )
    if rdb:
        raise InvalidParameterError(
            f"The 'study_name' parameter must be at most {_MAX_RDB_NAME} characters long in "
            f"an RDB storage. Got a name of {len(study_name)} characters instead."
        )


def _open_url(url: str) -> optuna.storages.BaseStorage:
    base = check_scheme(url)
    if base == "redis":
        return _open_redis(url)
    if base == "grpc":
        return _open_grpc(url)
    options: dict[str, object] = {}
    if base == "sqlite":
        options["connect_args"] = {"timeout": _SQLITE_LOCK_TIMEOUT_S}
    elif base == "postgresql":
        options["connect_args"] = {"connect_timeout": _CONNECT_TIMEOUT_S}
    return open_rdb(url, engine_kwargs=options)


def open_rdb(url: str, **options: object) -> optuna.storages.RDBStorage:
    """Optuna's ``RDBStorage`` for ``url`` (safe to race), with one-line errors.

    Raises:
        MissingDependencyError: If the database driver is not installed.
        StorageError: If the database cannot be opened.
    """
    try:
        return create_rdb_storage(url, **options)
    except ImportError as exc:  # SQLAlchemy found no driver for the dialect
        extra = "postgres" if url.startswith("postgres") else "all"
        raise MissingDependencyError(
            f"Cannot open the storage {url!r}: its database driver is not installed; "
            f"install it with: pip install 'smarttune[{extra}]'"
        ) from exc
    except Exception as exc:  # SQLAlchemy raises many types; the user needs one message
        raise StorageError(f"Cannot open the storage {url!r}: {_first_line(exc)}") from exc


def _open_redis(url: str) -> optuna.storages.BaseStorage:
    import optuna

    redis = _optional("redis", url)
    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=_CONNECT_TIMEOUT_S)
        client.ping()
        client.close()
        from optuna.storages.journal import JournalRedisBackend, JournalStorage

        with warnings.catch_warnings():  # experimental in Optuna
            warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
            return JournalStorage(JournalRedisBackend(url))
    except Exception as exc:  # redis.ConnectionError, a bad URL, a replay error
        raise StorageError(f"Cannot open the storage {url!r}: {_first_line(exc)}") from exc


def _open_grpc(url: str) -> optuna.storages.BaseStorage:
    import optuna

    host, _, port = url.removeprefix("grpc://").rstrip("/").rpartition(":")
    if not port.isdigit():
        raise StorageError(f"The gRPC storage {url!r} needs a port: grpc://host:port")
    _optional("grpc", url)
    with warnings.catch_warnings():  # experimental in Optuna
        warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
        proxy = optuna.storages.GrpcStorageProxy(host=host or "localhost", port=int(port))
    try:
        proxy.wait_server_ready(timeout=_CONNECT_TIMEOUT_S)
    except Exception as exc:
        proxy.close()
        raise StorageError(
            f"Cannot open the storage {url!r}: no gRPC storage proxy answered within "
            f"{_CONNECT_TIMEOUT_S} s ({_first_line(exc)})"
        ) from exc
    return proxy


def _optional(module: str, url: str) -> Any:
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise MissingDependencyError(
            f"Cannot open the storage {url!r}: {module} is not installed; "
            "install it with: pip install 'smarttune[all]'"
        ) from exc


def _open_journal(path: str) -> optuna.storages.BaseStorage:
    from optuna.storages import JournalStorage
    from optuna.storages.journal import JournalFileBackend

    if not path:
        raise StorageError("The journal storage needs a file path: journal:path/to/file.log")
    try:
        check_journal(path)
        return JournalStorage(JournalFileBackend(path))
    except OSError as exc:
        raise StorageError(f"Cannot open the journal file {path!r}: {exc}") from exc
    except (ValueError, KeyError, TypeError, IndexError) as exc:  # a record Optuna cannot replay
        raise StorageError(
            f"Cannot open the journal file {path!r}: a record does not fit Optuna's journal "
            f"schema ({type(exc).__name__}: {_first_line(exc)})"
        ) from exc


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__
