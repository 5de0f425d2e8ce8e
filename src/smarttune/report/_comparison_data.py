"""Plain data for the comparison page, from a results directory (``smarttune compare --out``).

:func:`comparison_data` reads the directory through :func:`smarttune.compare.load_results`,
takes ``statistics.json`` and ``summary.csv`` when the harness wrote them (a run cut short
has only its cell files: then they are computed here with the harness's own functions), and
aggregates the per-evaluation curves over seeds. No plotting library is imported.
"""

from __future__ import annotations

import bisect
import csv
import json
import math
import statistics as stats
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from smarttune.compare import CellResult, ComparisonResults, CurvePoint

__all__ = [
    "ComparisonData",
    "MeanCurve",
    "best_so_far_at",
    "comparison_data",
    "final_runs",
    "mean_curves",
    "seed_values",
]

_TEXT_COLUMNS = frozenset({"method", "task"})

#: Points of the common time grid on which curves against seconds are averaged.
TIME_GRID_POINTS = 100


@dataclass(frozen=True)
class MeanCurve:
    """One method's best-so-far on one task, averaged over seeds.

    ``lower``/``upper`` are the smallest and largest seed's best so far at each ``x`` (an
    evaluation number or seconds); all three are None where some seed had no value yet.
    """

    task: str
    method: str
    x: list[float]
    mean: list[float | None]
    lower: list[float | None]
    upper: list[float | None]
    n_seeds: int


@dataclass(frozen=True)
class ComparisonData:
    """Everything the comparison page shows."""

    directory: str
    results: ComparisonResults
    final: list[CellResult]
    statistics: dict[str, Any]
    summary: list[dict[str, Any]]


def final_runs(
    final: Sequence[CellResult], curves: Sequence[CurvePoint]
) -> dict[tuple[str, str], list[list[CurvePoint]]]:
    """The curve of every final cell, by evaluation, grouped by task and method."""
    wanted = {(c.method, c.task, c.seed, c.budget) for c in final}
    by_run: dict[tuple[str, str, int, float], list[CurvePoint]] = defaultdict(list)
    for point in curves:
        key = (point.method, point.task, point.seed, point.budget)
        if key in wanted:
            by_run[key].append(point)
    grouped: dict[tuple[str, str], list[list[CurvePoint]]] = defaultdict(list)
    for (method, task, _, _), points in sorted(by_run.items()):
        grouped[(task, method)].append(sorted(points, key=lambda p: p.evaluation))
    return grouped


def best_so_far_at(
    run: Sequence[CurvePoint], xs: Sequence[float], attribute: str
) -> list[float | None]:
    """A run's best so far at each x: that of the last point whose ``attribute`` is at most x.

    None before the run's first finite best; after its last point, its final best (a search
    that ended keeps what it found).
    """
    keys = [float(getattr(p, attribute)) for p in run]
    out: list[float | None] = []
    for x in xs:
        i = bisect.bisect_right(keys, x) - 1
        value = run[i].best_so_far if i >= 0 else None
        out.append(value if value is not None and math.isfinite(value) else None)
    return out


def seed_values(
    runs: Sequence[Sequence[CurvePoint]], xs: Sequence[float], attribute: str
) -> list[list[float] | None]:
    """Every run's best so far at each x; None at an x where some run has none yet.

    A statistic over seeds is drawn only where all seeds are present: averaging the seeds
    that happen to have a value would let a seed whose first result comes late, and low, pull
    the curve down.
    """
    columns = [best_so_far_at(run, xs, attribute) for run in runs if run]
    out: list[list[float] | None] = []
    for values in zip(*columns, strict=True):
        present = [v for v in values if v is not None]
        out.append(present if present and len(present) == len(values) else None)
    return out


def _aggregate(
    task: str, method: str, xs: list[float], runs: Sequence[Sequence[CurvePoint]], attribute: str
) -> MeanCurve:
    rows = seed_values(runs, xs, attribute)
    mean = [stats.fmean(v) if v else None for v in rows]
    lower = [min(v) if v else None for v in rows]
    upper = [max(v) if v else None for v in rows]
    return MeanCurve(task, method, xs, mean, lower, upper, sum(1 for run in runs if run))


def mean_curves(
    final: Sequence[CellResult], curves: Sequence[CurvePoint], *, against: str
) -> list[MeanCurve]:
    """Best-so-far curves per task and method, averaged over seeds.

    Against ``"evaluations"`` (1, 2, … up to the longest run) or ``"seconds"`` (a grid of
    ``TIME_GRID_POINTS`` from 0 to the task's longest run). A curve starts where every seed
    has a best so far; a seed that finished early keeps its final best.
    """
    grouped = final_runs(final, curves)
    out = []
    attribute = "evaluation" if against == "evaluations" else "elapsed_s"
    for task in sorted({t for t, _ in grouped}):
        runs = {m: r for (t, m), r in grouped.items() if t == task}
        if against == "evaluations":
            length = max(len(run) for rs in runs.values() for run in rs)
            xs = [float(i) for i in range(1, length + 1)]
        else:
            end = max(run[-1].elapsed_s for rs in runs.values() for run in rs if run)
            xs = [end * i / (TIME_GRID_POINTS - 1) for i in range(TIME_GRID_POINTS)]
        for method, method_runs in sorted(runs.items()):
            out.append(_aggregate(task, method, xs, method_runs, attribute))
    return out


def _read_summary(path: Path) -> list[dict[str, Any]]:
    with path.open(newline="", encoding="utf-8") as stream:
        rows = list(csv.DictReader(stream))
    return [{k: v if k in _TEXT_COLUMNS else _number(v) for k, v in row.items()} for row in rows]


def _number(text: str) -> Any:
    try:
        return float(text) if text != "" else math.nan
    except ValueError:
        return text


def comparison_data(directory: str | Path) -> ComparisonData:
    """Read a comparison directory for the page.

    Raises:
        InvalidParameterError: If ``directory`` is not a comparison directory.
    """
    from smarttune.compare import final_cells, load_results

    root = Path(directory)
    results = load_results(root)
    statistics_file, summary_file = root / "statistics.json", root / "summary.csv"
    if statistics_file.is_file() and summary_file.is_file():
        document: dict[str, Any] = json.loads(statistics_file.read_text(encoding="utf-8"))
        summary = _read_summary(summary_file)
    else:
        from smarttune.compare import statistics, summary_rows

        document, summary = statistics(results), summary_rows(results.cells)
    return ComparisonData(str(root), results, final_cells(results.cells), document, summary)
