"""Timing what a sampler spends: a clock and a trial wrapper that times ``suggest_*`` calls."""

from __future__ import annotations

import time
from typing import Any

__all__ = ["Clock", "TimedTrial"]


class Clock:
    """Accumulates the seconds spent inside ``with clock:`` blocks in :attr:`total`."""

    def __init__(self) -> None:
        self.total = 0.0
        self._start = 0.0

    def __enter__(self) -> None:
        self._start = time.perf_counter()

    def __exit__(self, *exc: object) -> None:
        self.total += time.perf_counter() - self._start


class TimedTrial:
    """Forwards to an ``optuna.Trial``; each ``suggest_*`` call is timed on ``clock``.

    With a relative sampler, the first ``suggest_*`` of a trial triggers the sampler's work, so
    the clock holds the sampler's time, not the objective's.
    """

    def __init__(self, trial: Any, clock: Clock) -> None:
        self._trial = trial
        self._clock = clock

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._trial, name)
        if not name.startswith("suggest_"):
            return attribute

        def timed(*args: Any, **kwargs: Any) -> Any:
            with self._clock:
                return attribute(*args, **kwargs)

        return timed
