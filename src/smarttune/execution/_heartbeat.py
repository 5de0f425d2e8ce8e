"""Heartbeats of running trials on every storage, and the check that fails silent ones.

Optuna records heartbeats only in RDB storages opened with a heartbeat interval. This module
works on any storage (journal files, Redis, gRPC, RDB): while a trial runs, a thread writes the
trial system attribute ``smarttune:heartbeat`` = ``{"at": <unix time>, "every": <seconds>}``
every ``every`` seconds. A RUNNING trial whose last beat is older than :data:`STALE_BEATS`
intervals belongs to a process that died or a machine that vanished:
:func:`fail_silent_trials` fails it (and retries it, as for any dead worker).

The check compares wall clocks of different machines: they must agree to well within the grace
period (NTP does).
"""

from __future__ import annotations

import threading
import time
from contextlib import contextmanager, suppress
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    import optuna

__all__ = ["HEARTBEAT_KEY", "STALE_BEATS", "beating", "every_interval", "is_silent"]

#: Trial system attribute holding the last heartbeat of a running trial.
HEARTBEAT_KEY = "smarttune:heartbeat"
#: A trial is stale once this many intervals have passed without a beat.
STALE_BEATS = 3


@contextmanager
def every_interval(action: Callable[[], None], every: float, name: str) -> Iterator[None]:
    """Call ``action`` now and every ``every`` seconds in a daemon thread while the block runs."""
    stop = threading.Event()

    def loop() -> None:
        while True:
            action()
            if stop.wait(every):
                return

    thread = threading.Thread(target=loop, name=name, daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


@contextmanager
def beating(storage: optuna.storages.BaseStorage, trial_id: int, every: float) -> Iterator[None]:
    """Record a heartbeat of ``trial_id`` every ``every`` seconds while the block runs."""

    def beat() -> None:
        # The trial may have finished meanwhile, or the storage hiccuped: beat again later.
        with suppress(Exception):
            beat_now = {"at": time.time(), "every": every}
            storage.set_trial_system_attr(trial_id, HEARTBEAT_KEY, beat_now)

    with every_interval(beat, every, f"smarttune-heartbeat-{trial_id}"):
        yield


def is_silent(trial: optuna.trial.FrozenTrial, now: float | None = None) -> bool:
    """Whether ``trial`` records heartbeats and its last one is older than the grace period."""
    beat: Any = trial.system_attrs.get(HEARTBEAT_KEY)
    if not isinstance(beat, dict):
        return False
    at, every = beat.get("at"), beat.get("every")
    if not isinstance(at, (int, float)) or not isinstance(every, (int, float)):
        return False
    return (time.time() if now is None else now) - at > STALE_BEATS * every
