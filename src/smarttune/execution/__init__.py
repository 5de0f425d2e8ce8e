"""Run trials in parallel: local processes or a Ray cluster, sharing one storage.

* :class:`LocalExecutor` — ``n_jobs`` processes on this machine (``tune(n_jobs=…)``,
  ``smarttune tune --jobs N``);
* :class:`RayExecutor` — Ray tasks with per-trial resources (``--executor ray``); importing
  this package does not import ray;
* ``smarttune worker`` — join a running study from any machine.

Workers share state only through the storage; a worker that dies has its trial failed and
retried with the same parameters (:class:`RetryDeadTrial`); a restarted driver continues the
study. :mod:`smarttune.execution._base` states the contract.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from smarttune.execution._base import RETRY_HISTORY_KEY, RETRY_OF_KEY, WORKER_KEY
from smarttune.execution._executor import Executor
from smarttune.execution._guard import FAIL_REASON_KEY, TRACEBACK_KEY, guard_objective
from smarttune.execution._local import LocalExecutor
from smarttune.execution._objective import ObjectiveSpec
from smarttune.execution._recovery import RetryDeadTrial
from smarttune.execution._storage import open_shared_storage

if TYPE_CHECKING:
    from smarttune.execution.ray import RayExecutor

__all__ = [
    "FAIL_REASON_KEY",
    "RETRY_HISTORY_KEY",
    "RETRY_OF_KEY",
    "TRACEBACK_KEY",
    "WORKER_KEY",
    "Executor",
    "LocalExecutor",
    "ObjectiveSpec",
    "RayExecutor",
    "RetryDeadTrial",
    "guard_objective",
    "open_shared_storage",
]


def __getattr__(name: str) -> Any:
    if name == "RayExecutor":  # ray.py imports ray only when a RayExecutor runs
        from smarttune.execution.ray import RayExecutor

        return RayExecutor
    raise AttributeError(f"module 'smarttune.execution' has no attribute {name!r}")
