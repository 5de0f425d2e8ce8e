"""``summary.csv`` and ``statistics.json`` of a comparison directory.

Both use each search's *final* cells: for every method, task and seed, the largest budget of
the first budget kind present (trials before seconds). Methods that apply to only some tasks
(scikit-learn's searches, Keras Tuner) are ranked within their tasks in ``summary.csv``; the
overall tests in ``statistics.json`` use the methods present on every task. Failed cells (no
finite best value, or a task that could not run) are left out of both; ``statistics.json``
lists them with their reasons under ``failed_cells``.
"""

from __future__ import annotations

import csv
import json
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from smarttune.compare._bayesmark import bayesmark_scores
from smarttune.compare._importance import parameter_importance
from smarttune.compare._results import CellResult, ComparisonResults, CurvePoint
from smarttune.compare._stats import (
    critical_difference,
    friedman_test,
    mean_ranks,
    pairwise_tests,
    score_matrix,
    time_to_target,
)

__all__ = ["final_cells", "statistics", "summary_rows", "write_summary"]

SUMMARY_COLUMNS = (
    "method",
    "task",
    "n_seeds",
    "mean_best",
    "std_best",
    "mean_test",
    "mean_rank",
    "mean_evaluations",
    "mean_wall_time_s",
)


def final_cells(cells: Sequence[CellResult]) -> list[CellResult]:
    """The largest budget of each method, task and seed (trials preferred over seconds)."""
    kinds = {c.budget_kind for c in cells}
    kind = "trials" if "trials" in kinds else "seconds"
    largest: dict[tuple[str, str, int], CellResult] = {}
    for cell in cells:
        key = (cell.method, cell.task, cell.seed)
        if cell.budget_kind == kind and (key not in largest or cell.budget > largest[key].budget):
            largest[key] = cell
    return sorted(largest.values(), key=lambda c: (c.task, c.method, c.seed))


def summary_rows(cells: Sequence[CellResult]) -> list[dict[str, Any]]:
    """One row per method and task: means over seeds, and the mean rank within the task."""
    final = final_cells(cells)
    rows = []
    for task in sorted({c.task for c in final}):
        methods, _, matrix = score_matrix([c for c in final if c.task == task])
        ranks = mean_ranks(matrix, methods) if matrix.shape[0] and len(methods) > 1 else {}
        for method in methods:
            runs = [c for c in final if c.task == task and c.method == method and c.status == "ok"]
            best = np.array([c.best_value for c in runs], dtype=float)
            rows.append(
                {
                    "method": method,
                    "task": task,
                    "n_seeds": len(runs),
                    "mean_best": _mean(best),
                    "std_best": _std(best),
                    "mean_test": _mean(np.array([c.test_score for c in runs], dtype=float)),
                    "mean_rank": ranks.get(method, math.nan),
                    "mean_evaluations": _mean(np.array([c.n_evaluations for c in runs], float)),
                    "mean_wall_time_s": _mean(np.array([c.wall_time_s for c in runs], float)),
                }
            )
    return rows


def _std(values: np.ndarray[Any, Any]) -> float:
    finite = values[~np.isnan(values)]
    return float(finite.std()) if len(finite) else math.nan


def _mean(values: np.ndarray[Any, Any]) -> float:
    finite = values[~np.isnan(values)]
    return float(finite.mean()) if len(finite) else math.nan


def statistics(results: ComparisonResults) -> dict[str, Any]:
    """Mean ranks, Friedman, Wilcoxon-Holm, the critical difference, targets, importance.

    Only cells with status ``ok`` count; ``failed_cells`` names the others and why they failed.
    """
    every = final_cells(results.cells)
    final = [c for c in every if c.status == "ok"]
    tasks = sorted({c.task for c in final})
    common = sorted(
        set.intersection(*({c.method for c in final if c.task == t} for t in tasks))
        if tasks
        else set()
    )
    methods, blocks, matrix = score_matrix(final, methods=common)
    document: dict[str, Any] = {"methods": methods, "n_blocks": len(blocks)}
    document["failed_cells"] = [
        {"method": c.method, "task": c.task, "seed": c.seed, "budget": c.budget, "error": c.error}
        for c in every
        if c.status != "ok"
    ]
    if len(methods) > 1 and len(blocks) > 0:
        document["mean_ranks"] = mean_ranks(matrix, methods)
        document["friedman"] = vars(friedman_test(matrix))
        document["pairwise"] = [vars(t) for t in pairwise_tests(matrix, methods)]
        document["critical_difference"] = critical_difference(len(methods), len(blocks))
    else:
        document.update(mean_ranks={}, friedman=None, pairwise=[], critical_difference=None)
    document["time_to_target"] = _targets(final, results)
    document["importance"] = {
        task: parameter_importance([p for p in results.params if p.task == task]) for task in tasks
    }
    try:
        document["bayesmark"] = bayesmark_scores(results.cells, results.curves)
    except Exception:  # no random-search baseline among the methods
        document["bayesmark"] = {}
    return document


def _targets(final: Sequence[CellResult], results: ComparisonResults) -> list[dict[str, Any]]:
    """Evaluations and seconds to reach each task's target: the median final best value."""
    curves: dict[tuple[str, str, int, float], list[CurvePoint]] = {}
    for point in results.curves:
        curves.setdefault((point.method, point.task, point.seed, point.budget), []).append(point)
    rows = []
    for task in sorted({c.task for c in final}):
        runs = [c for c in final if c.task == task]
        target = float(np.median([c.best_value for c in runs]))
        direction = runs[0].direction
        for method in sorted({c.method for c in runs}):
            mine = [c for c in runs if c.method == method]
            hits = [
                time_to_target(
                    curves.get((method, task, c.seed, c.budget), []), target, direction=direction
                )
                for c in mine
            ]
            reached = [hit for hit in hits if hit is not None]
            rows.append(
                {
                    "task": task,
                    "method": method,
                    "target": target,
                    "reached": len(reached),
                    "n_runs": len(mine),
                    "mean_evaluations": _mean(np.array([r[0] for r in reached], float)),
                    "mean_seconds": _mean(np.array([r[1] for r in reached], float)),
                }
            )
    return rows


def write_summary(root: Path, results: ComparisonResults) -> None:
    """Write ``summary.csv`` and ``statistics.json`` into ``root``."""
    rows = summary_rows(results.cells)
    with (root / "summary.csv").open("w", newline="", encoding="utf-8") as stream:
        writer = csv.DictWriter(stream, fieldnames=SUMMARY_COLUMNS)
        writer.writeheader()
        writer.writerows({k: _cell_text(v) for k, v in row.items()} for row in rows)
    document = statistics(results)
    (root / "statistics.json").write_text(json.dumps(_finite(document), indent=1))


def _cell_text(value: Any) -> Any:
    return "" if isinstance(value, float) and math.isnan(value) else value


def _finite(value: Any) -> Any:
    """JSON has no NaN or infinity: write null."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_finite(v) for v in value]
    return value
