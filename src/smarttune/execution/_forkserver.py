"""Preloaded by the forkserver of :class:`~smarttune.execution.LocalExecutor` only.

Importing it in the forkserver process arms the parent-death signal there, so the forkserver
ends with the driver that started it (and the workers it forked end with it); it also imports
the worker module, so forked workers start warm.
"""

from __future__ import annotations

from smarttune.execution import _worker  # noqa: F401  (warm workers)
from smarttune.execution._liveness import die_with_parent

__all__: list[str] = []


def _in_forkserver() -> bool:
    try:
        with open("/proc/self/cmdline", "rb") as cmdline:
            return b"multiprocessing.forkserver" in cmdline.read()
    except OSError:
        return False


if _in_forkserver():  # pragma: no cover - runs in the forkserver process
    die_with_parent()
