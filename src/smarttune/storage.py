"""Storage URLs to Optuna storages, and the embedded default.

smarttune does not define storages: it opens Optuna's.

* ``None`` — in memory (``tune()``'s default; nothing survives the process);
* ``sqlite:///path.db`` — an embedded SQLite file (the CLI's default, ``./smarttune.db``),
  opened with a generous lock timeout so a few processes can share it;
* ``postgresql://…``, ``mysql://…`` — any SQLAlchemy URL Optuna's ``RDBStorage`` accepts;
* ``journal:path.log`` — Optuna's append-only journal file, safe for many local processes;
* an ``optuna.storages.BaseStorage`` instance — used as it is.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, overload

from smarttune.exceptions import MissingDependencyError, StorageError

if TYPE_CHECKING:
    import optuna

__all__ = ["DEFAULT_CLI_STORAGE", "open_storage"]

#: The storage the CLI uses when ``--storage`` is not given.
DEFAULT_CLI_STORAGE = "sqlite:///smarttune.db"

_JOURNAL_PREFIX = "journal:"
_SQLITE_LOCK_TIMEOUT_S = 60
# One RDBStorage (one SQLAlchemy engine and connection pool) per URL and process: opening a
# storage per call would leak pooled connections and repeat the schema check.
_OPENED: dict[str, optuna.storages.RDBStorage] = {}


@overload
def open_storage(storage: None) -> None: ...


@overload
def open_storage(storage: str | optuna.storages.BaseStorage) -> optuna.storages.BaseStorage: ...


def open_storage(
    storage: str | optuna.storages.BaseStorage | None,
) -> optuna.storages.BaseStorage | None:
    """Return the Optuna storage named by ``storage`` (see the module docstring).

    Raises:
        StorageError: If the URL has an unknown scheme or the database cannot be opened.
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
    if cached is not None:
        return cached
    engine_kwargs: dict[str, object] = {}
    if url.startswith("sqlite"):
        engine_kwargs["connect_args"] = {"timeout": _SQLITE_LOCK_TIMEOUT_S}
    try:
        opened = optuna.storages.RDBStorage(url, engine_kwargs=engine_kwargs)
    except ImportError as exc:  # SQLAlchemy found no driver for the dialect
        extra = "postgres" if url.startswith("postgres") else "all"
        raise MissingDependencyError(
            f"Cannot open the storage {storage!r}: its database driver is not installed; "
            f"install it with: pip install 'smarttune[{extra}]'"
        ) from exc
    except Exception as exc:  # SQLAlchemy raises many types; the user needs one message
        raise StorageError(f"Cannot open the storage {storage!r}: {_first_line(exc)}") from exc
    _OPENED[url] = opened
    return opened


def _open_journal(path: str) -> optuna.storages.BaseStorage:
    from optuna.storages import JournalStorage
    from optuna.storages.journal import JournalFileBackend

    if not path:
        raise StorageError("The journal storage needs a file path: journal:path/to/file.log")
    try:
        return JournalStorage(JournalFileBackend(path))
    except OSError as exc:
        raise StorageError(f"Cannot open the journal file {path!r}: {exc}") from exc


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__
