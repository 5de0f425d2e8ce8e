"""Worker processes that die with their driver, and signals that end a run cleanly.

A ``--jobs`` worker must not outlive the driver that feeds it: it would go on with its trial
and, when the trial hangs, never end. Two mechanisms, because either alone has a gap:

* the parent-death signal (Linux ``prctl(PR_SET_PDEATHSIG, SIGKILL)``): the kernel kills the
  process when its parent thread ends — immediate, even for a trial stuck in C code; a worker
  forked by the forkserver has the forkserver as parent, so the forkserver gets it too
  (:mod:`smarttune.execution._forkserver`);
* a watcher thread that checks every second that the driver (its process id and start time)
  still exists, and kills its own process otherwise — for platforms without ``prctl`` and for a
  parent that is not the driver.

The trial a killed worker leaves RUNNING is failed and retried by the next run
(:func:`~smarttune.execution._recovery.recover_trials`).
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
import threading
from contextlib import contextmanager
from typing import TYPE_CHECKING

from smarttune.execution._recovery import is_alive

if TYPE_CHECKING:
    from collections.abc import Iterator
    from types import FrameType

__all__ = ["die_with_parent", "interrupts_held", "raise_on_sigterm", "watch_driver"]

_PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
_WATCH_INTERVAL_S = 1.0


def die_with_parent() -> bool:
    """Ask the kernel to SIGKILL this process when its parent ends; return whether it could."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return int(libc.prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)) == 0
    except (OSError, AttributeError):
        return False


def watch_driver(identity: str, interval: float = _WATCH_INTERVAL_S) -> threading.Thread:
    """Start a daemon thread that SIGKILLs this process once ``identity`` (``pid@start``) ends."""

    def watch() -> None:
        while is_alive(identity):
            threading.Event().wait(interval)
        os.kill(os.getpid(), signal.SIGKILL)

    thread = threading.Thread(target=watch, name="smarttune-driver-watch", daemon=True)
    thread.start()
    return thread


def raise_on_sigterm() -> None:
    """Make SIGTERM raise ``KeyboardInterrupt`` in the main thread, as Ctrl-C does.

    ``kill``, ``timeout`` and batch schedulers send SIGTERM; handled like Ctrl-C, the running
    trial is marked FAIL and finished trials stay saved.
    """
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _interrupt)


@contextmanager
def interrupts_held() -> Iterator[None]:
    """Ignore SIGINT and SIGTERM in the block (main thread only), then restore their handlers.

    Cleaning up after an interrupt writes to the storage; a second signal in the middle of it
    (Ctrl-C pressed twice, the driver's SIGTERM after the terminal's SIGINT) would leave a
    journal file's lock behind.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    saved = {sig: signal.signal(sig, signal.SIG_IGN) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, handler in saved.items():
            signal.signal(sig, handler)


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt(f"signal {signal.Signals(signum).name}")
