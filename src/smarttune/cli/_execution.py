"""Executor options of ``smarttune tune`` (``--jobs``, ``--executor``, ``--ray-address``)."""

from __future__ import annotations

from smarttune._storage_rdb import is_memory_sqlite
from smarttune._validation import Interval, validate_parameter
from smarttune.exceptions import StorageError
from smarttune.execution import Executor, LocalExecutor
from smarttune.execution._liveness import raise_on_sigterm

__all__ = ["build_executor", "prepare_run"]


def build_executor(
    name: str, *, jobs: int, ray_address: str | None, batch_size: int | None
) -> Executor | None:
    """The executor the options ask for, or None to run trials serially in this process."""
    if batch_size is not None:
        validate_parameter("--batch-size", batch_size, [Interval(int, 1, None)], kind="option")
    if name == "ray":
        from smarttune.execution.ray import RayExecutor, check_reachable

        check_reachable(ray_address)  # before the header: an unreachable cluster is one line
        return RayExecutor(address=ray_address, batch_size=batch_size)
    if jobs == 1 and batch_size is None:
        return None
    return LocalExecutor(n_jobs=jobs, batch_size=batch_size)


def prepare_run(storage: str) -> None:
    """Check ``--storage`` before anything runs, and handle SIGTERM as Ctrl-C from now on.

    Raises:
        StorageError: If ``storage`` is an in-memory database, which keeps nothing.
    """
    url = storage.strip()
    if is_memory_sqlite(url):
        raise StorageError(
            f"--storage {url} is an in-memory database: the study would be lost when the "
            "command ends; use a file, e.g. --storage sqlite:///smarttune.db"
        )
    raise_on_sigterm()
