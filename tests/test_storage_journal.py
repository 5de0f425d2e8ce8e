"""Journal files checked before opening: torn records repaired, non-journals refused (issue 17)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import optuna
import pytest

from smarttune.exceptions import StorageError
from smarttune.storage import open_storage

State = optuna.trial.TrialState


def _journal(tmp_path: Path, trials: int = 3) -> Path:
    """A journal file with one study of ``trials`` complete trials, written by Optuna itself."""
    path = tmp_path / "study.log"
    backend = optuna.storages.journal.JournalFileBackend(str(path))
    study = optuna.create_study(study_name="s", storage=optuna.storages.JournalStorage(backend))
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=trials)
    return path


def _load(path: Path) -> optuna.Study:
    backend = optuna.storages.journal.JournalFileBackend(str(path))
    return optuna.load_study(study_name="s", storage=optuna.storages.JournalStorage(backend))


def _smarttune(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "smarttune", *args], capture_output=True, text=True, cwd=cwd
    )


def test_a_torn_last_line_is_dropped_after_a_backup(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _journal(tmp_path)
    whole = path.read_bytes()
    torn = b'{"op_code":4,"worker_id":"w","study_id":0,"datetime_st'
    path.write_bytes(whole + torn)

    storage = open_storage(f"journal:{path}")
    study = optuna.load_study(study_name="s", storage=storage)
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=1)  # appends after the repair

    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1
    assert (
        f"repaired the journal file '{path}': dropped a torn record ({len(torn)} bytes)" in err[0]
    )
    backups = list(tmp_path.glob("study.log.bak-*"))
    assert len(backups) == 1
    assert backups[0].read_bytes() == whole + torn
    again = _load(path)  # a fresh reader: every record decodes
    assert [t.state for t in again.trials] == [State.COMPLETE] * 4


def test_a_torn_record_with_a_record_appended_to_it_is_repaired(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # What an older smarttune left: the next run appended right after the torn bytes.
    path = _journal(tmp_path, trials=2)
    lines = path.read_bytes().splitlines(keepends=True)
    torn = b'{"op_code":9,"worker_id":"x","tri'
    path.write_bytes(b"".join(lines[:-2]) + torn + lines[-2] + lines[-1])
    with pytest.raises(json.JSONDecodeError):
        _load(path)  # what Optuna alone makes of it

    study = optuna.load_study(study_name="s", storage=open_storage(f"journal:{path}"))
    assert [t.state for t in study.trials] == [State.COMPLETE] * 2
    assert "dropped a torn record (33 bytes)" in capsys.readouterr().err


def test_a_file_that_is_not_a_journal_is_refused_and_left_untouched(tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("shopping list\nmilk\n")
    with pytest.raises(StorageError, match=r"is not an Optuna journal file: line 1 is not a"):
        open_storage(f"journal:{notes}")
    assert notes.read_text() == "shopping list\nmilk\n"
    assert not list(tmp_path.glob("notes.txt.bak-*"))


@pytest.mark.parametrize(
    ("content", "pattern"),
    [
        (b"\x00\xff\x13garbage\n", r"is not an Optuna journal file: line 1"),
        (b'{"op_code": 0, "worker_id": "w"}\n[1, 2, 3]\n', r"is a corrupt Optuna journal: line 2"),
        (b'{"op_code": 42, "worker_id": "w"}\n', r"line 1 is not a journal record"),
        (b'{"op_code": 4, "worker_id": "w"}\n', r"a record does not fit Optuna's journal schema"),
    ],
)
def test_garbage_and_wrong_schema_journals_are_one_line_errors(
    tmp_path: Path, content: bytes, pattern: str
) -> None:
    path = tmp_path / "bad.log"
    path.write_bytes(content)
    with pytest.raises(StorageError, match=pattern) as caught:
        open_storage(f"journal:{path}")
    assert "\n" not in str(caught.value)


def test_the_cli_repairs_a_torn_journal_and_refuses_a_text_file(tmp_path: Path) -> None:
    path = _journal(tmp_path)
    path.write_bytes(path.read_bytes() + b'{"op_code":6,"wor')
    result = _smarttune("studies", "--storage", f"journal:{path}", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert len(result.stderr.splitlines()) == 1
    assert "repaired the journal file" in result.stderr
    assert "s" in result.stdout

    (tmp_path / "notes.txt").write_text("not a journal\n")
    result = _smarttune(
        "tune", "svm-digits", "--trials", "1", "--storage", "journal:notes.txt", cwd=tmp_path
    )
    assert result.returncode == 2
    assert result.stdout == ""
    assert len(result.stderr.splitlines()) == 1
    assert result.stderr.startswith("error: The file 'notes.txt' is not an Optuna journal file")
    assert (tmp_path / "notes.txt").read_text() == "not a journal\n"
