"""The comparison report: one self-contained HTML page for a ``smarttune compare`` directory."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from smarttune.report import _comparison_figures as cf
from smarttune.report._comparison_data import ComparisonData, comparison_data, mean_curves
from smarttune.report._html import Plot, Section, plotly_bundle, render_page
from smarttune.report._table import Table, cell

__all__ = [
    "comparison_facts",
    "comparison_sections",
    "render_comparison_report",
    "write_comparison_report",
]

_CELL_COLUMNS = (
    "method", "task", "seed", "budget_kind", "budget", "best_value", "test_score",
    "n_evaluations", "wall_time_s", "sampler_time_s", "status", "error",
)  # fmt: skip


def _table(rows: Sequence[Mapping[str, Any]], columns: Sequence[str]) -> Table:
    return Table(list(columns), [[cell(row.get(c)) for c in columns] for row in rows])


def comparison_facts(data: ComparisonData) -> dict[str, str]:
    """The summary under the page title: methods, tasks, seeds, budgets, failures, Friedman."""
    cells = data.results.cells
    failed = sum(1 for c in cells if c.status != "ok")
    facts = {
        "results": data.directory,
        "methods": ", ".join(sorted({c.method for c in cells})),
        "tasks": ", ".join(sorted({c.task for c in cells})),
        "seeds": ", ".join(str(s) for s in sorted({c.seed for c in cells})),
        "budgets": ", ".join(sorted({f"{c.budget:g} {c.budget_kind}" for c in cells})),
        "cells": f"{len(cells)} ({failed} failed)",
    }
    friedman = data.statistics.get("friedman")
    if friedman:
        facts["Friedman test"] = (
            f"chi² = {friedman['statistic']:.4g}, p = {friedman['p_value']:.3g} over "
            f"{friedman['n_blocks']} blocks"
        )
    facts["generated"] = f"{datetime.now(timezone.utc):%Y-%m-%d %H:%M UTC}"
    return facts


def _metric(data: ComparisonData, task: str) -> str:
    return next((c.metric for c in data.final if c.task == task and c.metric), "value")


def _curve_sections(data: ComparisonData) -> list[Section]:
    sections = []
    for against, intro in (
        ("evaluations", "The best value found so far after each evaluation: the mean over "
         "seeds, shaded between the worst and the best seed."),
        ("seconds", "The same against wall-clock seconds (objective and sampler time)."),
    ):  # fmt: skip
        curves = mean_curves(data.final, data.results.curves, against=against)
        tasks = sorted({c.task for c in curves})
        plots = [
            Plot(cf.curves_figure(task, [c for c in curves if c.task == task], against=against,
                                  metric=_metric(data, task)))
            for task in tasks
        ]  # fmt: skip
        sections.append(Section(f"Best so far against {against}", intro, plots))
    return sections


def _statistics_sections(data: ComparisonData) -> list[Section]:
    document = data.statistics
    ranks = document.get("mean_ranks") or {}
    plots = []
    if ranks:
        plots.append(Plot(cf.critical_difference_figure(
            ranks, document.get("critical_difference"), n_blocks=int(document.get("n_blocks", 0))
        )))  # fmt: skip
    if data.summary:
        plots.append(Plot(cf.ranks_heatmap_figure(data.summary)))
    pairwise = document.get("pairwise") or []
    targets = document.get("time_to_target") or []
    return [
        Section(
            "Ranks and critical difference",
            "Methods are ranked within each block (a task and a seed) on their final best value; "
            "the Friedman test asks whether mean ranks differ at all, and the Nemenyi critical "
            "difference says by how much two mean ranks must differ (Demšar, JMLR 2006).",
            plots,
            grid=True,
        ),
        Section(
            "Pairwise tests",
            "Wilcoxon signed-rank tests of every pair over the blocks, Holm-corrected; 'better' "
            "names the method with the lower mean rank where the corrected p is below 0.05.",
            table=_table(pairwise, ("a", "b", "p_value", "p_holm", "better")),
        ),
        Section(
            "Time to target",
            "Evaluations and seconds each method needed to reach the task's target (the median "
            "final best value over all methods and seeds).",
            [Plot(cf.time_to_target_figure(targets))] if targets else [],
            table=_table(
                targets,
                (
                    "task",
                    "method",
                    "target",
                    "reached",
                    "n_runs",
                    "mean_evaluations",
                    "mean_seconds",
                ),
            ),
        ),
    ]


def comparison_sections(data: ComparisonData) -> list[Section]:
    """Every section of the comparison page (figures as Plotly specifications)."""
    importance = data.statistics.get("importance") or {}
    summary_columns = list(data.summary[0]) if data.summary else []
    return [
        *_curve_sections(data),
        *_statistics_sections(data),
        Section(
            "Parameter importance per task",
            "fANOVA over the evaluations of every method on the task.",
            [Plot(cf.importance_bars_figure(t, v)) for t, v in sorted(importance.items()) if v],
            grid=True,
        ),
        Section("Summary", "One row per method and task.", table=_table(data.summary,
                                                                         summary_columns)),
        Section(
            "Cells",
            "One row per method, task, seed and budget.",
            table=_table([vars(c) for c in data.results.cells], _CELL_COLUMNS),
        ),
    ]  # fmt: skip


def render_comparison_report(directory: str | Path) -> str:
    """The comparison page for a results directory as HTML text (Plotly inline)."""
    data = comparison_data(directory)
    return render_page(
        title="smarttune comparison",
        facts=comparison_facts(data),
        sections=comparison_sections(data),
        bundle=plotly_bundle(),
    )


def write_comparison_report(directory: str | Path, path: str | Path) -> Path:
    """Write the comparison page for ``directory`` to ``path`` and return the path.

    Raises:
        InvalidParameterError: If ``directory`` is not a comparison directory.
        MissingDependencyError: If plotly (the ``plot`` extra) is not installed.
    """
    out = Path(path)
    out.write_text(render_comparison_report(directory), encoding="utf-8")
    return out
