"""Executor options of ``smarttune tune`` (``--jobs``, ``--executor``, ``--ray-address``)."""

from __future__ import annotations

from smarttune._validation import Interval, validate_parameter
from smarttune.execution import Executor, LocalExecutor

__all__ = ["build_executor"]


def build_executor(
    name: str, *, jobs: int, ray_address: str | None, batch_size: int | None
) -> Executor | None:
    """The executor the options ask for, or None to run trials serially in this process."""
    if batch_size is not None:
        validate_parameter("--batch-size", batch_size, [Interval(int, 1, None)], kind="option")
    if name == "ray":
        from smarttune.execution.ray import RayExecutor

        return RayExecutor(address=ray_address, batch_size=batch_size)
    if jobs == 1 and batch_size is None:
        return None
    return LocalExecutor(n_jobs=jobs, batch_size=batch_size)
