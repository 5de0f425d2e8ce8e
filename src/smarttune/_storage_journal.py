"""Check a journal file before Optuna opens it: refuse what is not a journal, repair a torn tail.

Optuna's ``JournalFileBackend`` appends one JSON record per line under a lock. A writer killed
mid-write (or a full disk) leaves a last line without its newline; Optuna's readers skip it, but
the next append lands on the same line and makes it undecodable, after which every read of the
file fails. :func:`check_journal` runs before the file is opened:

* a file whose complete lines are not all journal records is refused with one line (a text file
  named by mistake, garbage, another program's JSON);
* a torn record (a last line without its newline, or a torn record with a whole one appended to
  it) is dropped: under Optuna's own file lock, the file is copied to ``<file>.bak-<timestamp>``,
  rewritten without the torn bytes, and one line on standard error says so.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from smarttune.exceptions import StorageError

__all__ = ["check_journal"]

_RECORD_START = b'{"op_code":'
_OP_CODES = range(11)  # optuna.storages.journal._storage.JournalOperation


@dataclass(frozen=True)
class _Scan:
    """The file's valid content and how many torn bytes were dropped from it."""

    content: bytes
    dropped: int


def check_journal(path: str) -> None:
    """Refuse ``path`` if it is not an Optuna journal; repair a torn record in it.

    Raises:
        StorageError: If a line of the file is not a journal record and not a torn one.
    """
    file = Path(path)
    if not file.is_file() or file.stat().st_size == 0:
        return
    if _scan(file.read_bytes(), path).dropped == 0:
        return
    from optuna.storages.journal import JournalFileSymlinkLock

    lock = JournalFileSymlinkLock(path)
    lock.acquire()  # a line being written now is complete once we hold the writers' lock
    try:
        scan = _scan(file.read_bytes(), path)
        if scan.dropped:
            backup = _replace(file, scan.content)
            print(
                f"smarttune: repaired the journal file {path!r}: dropped a torn record "
                f"({scan.dropped} bytes); the original is kept as {str(backup)!r}.",
                file=sys.stderr,
            )
    finally:
        lock.release()


def _scan(data: bytes, path: str) -> _Scan:
    """The complete records of ``data``, without torn bytes; raise on a line that is not one."""
    *lines, tail = data.split(b"\n")
    kept: list[bytes] = []
    dropped = len(tail)
    for number, line in enumerate(lines, start=1):
        if _is_record(line):
            kept.append(line)
            continue
        start = line.rfind(_RECORD_START)
        if start > 0 and _is_record(line[start:]):  # a torn record, then a whole one
            kept.append(line[start:])
            dropped += start
            continue
        raise StorageError(_not_a_journal(path, number, line))
    content = b"".join(line + b"\n" for line in kept)
    return _Scan(content, dropped)


def _is_record(line: bytes) -> bool:
    try:
        record = json.loads(line)
    except ValueError:  # JSONDecodeError and UnicodeDecodeError
        return False
    return (
        isinstance(record, dict)
        and isinstance(record.get("op_code"), int)
        and record["op_code"] in _OP_CODES
        and isinstance(record.get("worker_id"), str)
    )


def _not_a_journal(path: str, number: int, line: bytes) -> str:
    shown = line[:40].decode("utf-8", "replace").encode("unicode_escape").decode("ascii")
    what = "is not an Optuna journal file" if number == 1 else "is a corrupt Optuna journal"
    return (
        f"The file {path!r} {what}: line {number} is not a journal record ({shown!r}); "
        "name a new file or an existing journal: journal:path/to/file.log"
    )


def _replace(file: Path, content: bytes) -> Path:
    """Back ``file`` up beside itself, then atomically replace it by ``content``."""
    stamp = time.strftime("%Y%m%dT%H%M%S")
    backup = file.with_name(f"{file.name}.bak-{stamp}")
    suffix = 1
    while backup.exists():
        backup = file.with_name(f"{file.name}.bak-{stamp}-{suffix}")
        suffix += 1
    shutil.copy2(file, backup)
    handle, temporary = tempfile.mkstemp(dir=file.parent, prefix=f".{file.name}.")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(content)
            out.flush()
            os.fsync(out.fileno())
        shutil.copymode(file, temporary)
        os.replace(temporary, file)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return backup
