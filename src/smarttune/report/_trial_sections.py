"""Per-trial series of a study page: history, learning curves, distribution, timeline, bandit.

Every function takes the plain :class:`~smarttune.report.TrialRecord` list and returns plain
data; nothing here imports a plotting library.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from smarttune.report._study_data import TrialRecord, best_so_far

__all__ = [
    "BanditProgress",
    "Curve",
    "History",
    "TimelineBar",
    "bandit_progress",
    "empirical_distribution",
    "history",
    "learning_curves",
    "timeline",
]


@dataclass(frozen=True)
class History:
    """Each finished trial's value and the best value so far, in trial order."""

    numbers: list[int]
    values: list[float | None]
    best: list[float | None]
    states: list[str]


@dataclass(frozen=True)
class Curve:
    """The intermediate values one trial reported (its learning curve)."""

    number: int
    state: str
    steps: list[int]
    values: list[float]


@dataclass(frozen=True)
class TimelineBar:
    """One trial on the timeline: the lane (worker) that ran it, from ``start`` to ``end``."""

    number: int
    lane: str
    start: float
    end: float
    state: str


@dataclass(frozen=True)
class BanditProgress:
    """The bandit phase's trials and the best value so far, counting the genetic phase's."""

    numbers: list[int]
    values: list[float | None]
    best: list[float | None]
    start: float | None


def history(records: Sequence[TrialRecord], *, maximize: bool) -> History:
    """The optimization history: values (None unless complete) and the running best."""
    values = [r.value for r in records]
    return History(
        numbers=[r.number for r in records],
        values=values,
        best=best_so_far(values, maximize=maximize),
        states=[r.state for r in records],
    )


def learning_curves(records: Sequence[TrialRecord]) -> list[Curve]:
    """The learning curve of every trial that reported intermediate values, by trial."""
    return [
        Curve(r.number, r.state, list(r.intermediate), list(r.intermediate.values()))
        for r in records
        if r.intermediate
    ]


def empirical_distribution(values: Sequence[float | None]) -> tuple[list[float], list[float]]:
    """The empirical cumulative distribution of the finite values: sorted x, fraction <= x."""
    finite = sorted(v for v in values if v is not None and math.isfinite(v))
    n = len(finite)
    return finite, [(i + 1) / n for i in range(n)]


def timeline(records: Sequence[TrialRecord]) -> list[TimelineBar]:
    """Trials as bars from start to finish, one lane per worker.

    When the executor recorded a worker (``WORKER_KEY``), it names the lane. Otherwise lanes
    are inferred by greedy interval partitioning (trials in start order take the first lane
    free at their start), which uses as many lanes as the most trials that ran at once, so the
    chart shows the concurrency even when nothing recorded who ran what.
    """
    timed = sorted(
        (r for r in records if r.started is not None),
        key=lambda r: (r.started, r.number),
    )
    lane_free: list[float] = []
    bars = []
    for record in timed:
        start = float(record.started)  # type: ignore[arg-type]
        end = record.completed if record.completed is not None else start
        lane = record.worker
        if lane is None:
            index = next((i for i, free in enumerate(lane_free) if free <= start), None)
            if index is None:
                lane_free.append(end)
                index = len(lane_free) - 1
            lane_free[index] = end
            lane = f"worker {index}"
        bars.append(TimelineBar(record.number, lane, start, end, record.state))
    return bars


def bandit_progress(records: Sequence[TrialRecord], *, maximize: bool) -> BanditProgress:
    """The bandit refinement: each bandit trial's value and the best so far.

    The best so far starts from the best value of the trials before it (the genetic phase).
    """
    before = [r.value for r in records if r.phase != "bandit"]
    bandit = [r for r in records if r.phase == "bandit"]
    start = best_so_far(before, maximize=maximize)[-1] if before else None
    values = [r.value for r in bandit]
    running = best_so_far([start, *values], maximize=maximize)[1:]
    return BanditProgress([r.number for r in bandit], values, running, start)
