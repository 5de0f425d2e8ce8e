"""Sampler overhead: milliseconds per suggestion once a study holds many trials.

Each sampler runs ``history`` trials of a cheap 10-D shifted sphere through ask/tell, then the
next ``repeats`` suggestions are timed: ``study.ask()`` plus one ``suggest_float`` per dimension
(the objective and ``tell`` are outside the timer).
"""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass
from typing import Any

import numpy as np

#: The issue's bound on the time of one suggestion at trial 1000 of a 10-D problem.
TARGET_MS = 50.0
TARGET_TRIALS = 1000
_SHIFT = 1.23


@dataclass(frozen=True)
class Overhead:
    """Timings of one sampler after ``history`` trials."""

    sampler: str
    history: int
    times_ms: tuple[float, ...]
    history_s: float

    @property
    def median_ms(self) -> float:
        """Median milliseconds per suggestion."""
        return statistics.median(self.times_ms)

    @property
    def p90_ms(self) -> float:
        """90th percentile of milliseconds per suggestion."""
        return float(np.percentile(self.times_ms, 90))

    @property
    def verdict(self) -> str:
        """PASS/FAIL against the issue's bound, n/a when measured at fewer trials."""
        if self.history < TARGET_TRIALS:
            return f"n/a (at {self.history} trials)"
        return "PASS" if self.median_ms <= TARGET_MS else "FAIL"


def _step(study: Any, dim: int) -> float:
    start = time.perf_counter()
    trial = study.ask()
    x = np.array([trial.suggest_float(f"x{i}", -5.0, 5.0) for i in range(dim)])
    elapsed = time.perf_counter() - start
    study.tell(trial, float(np.sum((x - _SHIFT) ** 2)))
    return elapsed


def measure(sampler: str, *, history: int, repeats: int, dim: int, seed: int) -> Overhead:
    """Run ``history`` trials, then time ``repeats`` suggestions."""
    import optuna

    from smarttune.samplers import resolve_sampler

    study = optuna.create_study(sampler=resolve_sampler(sampler, seed=seed))
    start = time.perf_counter()
    for _ in range(history):
        _step(study, dim)
    history_s = time.perf_counter() - start
    times = tuple(1000 * _step(study, dim) for _ in range(repeats))
    return Overhead(sampler, history, times, history_s)


def table_rows(results: list[Overhead]) -> list[list[Any]]:
    """Rows for the overhead table: sampler, trials before, median, p90, history time, verdict."""
    return [[r.sampler, r.history, r.median_ms, r.p90_ms, r.history_s, r.verdict] for r in results]


TABLE_HEADER = ["sampler", "trials before", "median ms", "p90 ms", "history s", "<= 50 ms"]
