from __future__ import annotations

from pathlib import Path

import optuna
import pytest

from smarttune.exceptions import StorageError
from smarttune.storage import DEFAULT_CLI_STORAGE, open_storage


def test_none_and_instances_pass_through() -> None:
    assert open_storage(None) is None
    memory = optuna.storages.InMemoryStorage()
    assert open_storage(memory) is memory


def test_sqlite_url_opens_an_rdb_storage(tmp_path: Path) -> None:
    storage = open_storage(f"sqlite:///{tmp_path / 'a.db'}")
    assert isinstance(storage, optuna.storages.RDBStorage)
    assert (tmp_path / "a.db").exists()


def test_journal_url_opens_a_journal_file(tmp_path: Path) -> None:
    path = tmp_path / "j.log"
    storage = open_storage(f"journal:{path}")
    assert isinstance(storage, optuna.storages.JournalStorage)
    study = optuna.create_study(storage=storage, study_name="j")
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=2)
    again = optuna.load_study(study_name="j", storage=open_storage(f"journal://{path}"))
    assert len(again.trials) == 2


@pytest.mark.parametrize(
    ("url", "pattern"),
    [
        ("plainfile.db", r"The storage 'plainfile\.db' is not a URL: use sqlite:///path\.db"),
        ("journal:", r"The journal storage needs a file path"),
        ("nosuchdialect://x/y", r"Cannot open the storage 'nosuchdialect://x/y'"),
        (
            "sqlite:////nonexistent-dir-xyz/sub/a.db",
            r"Cannot open the storage 'sqlite:////nonexistent",
        ),
    ],
)
def test_bad_urls_raise_storage_error(url: str, pattern: str) -> None:
    with pytest.raises(StorageError, match=pattern):
        open_storage(url)


def test_journal_in_missing_directory(tmp_path: Path) -> None:
    with pytest.raises(StorageError, match="Cannot open the journal file"):
        open_storage(f"journal:{tmp_path / 'missing' / 'j.log'}")


def test_the_cli_default_is_an_embedded_sqlite_file() -> None:
    assert DEFAULT_CLI_STORAGE == "sqlite:///smarttune.db"


def test_missing_driver_names_the_extra() -> None:
    from smarttune.exceptions import MissingDependencyError

    with pytest.raises(
        MissingDependencyError,
        match=r"driver is not installed; install it with: pip install 'smarttune\[all\]'",
    ):
        open_storage("mysql://u@127.0.0.1/db")
