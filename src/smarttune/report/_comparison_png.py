"""PNG plots of a comparison: best so far, ranks, CD diagram, parameters, interactions.

Best so far against evaluations and against seconds, mean ranks, the critical-difference
diagram, the score against each parameter, and a two-parameter interaction map.

Each plot has a pure data step (``*_data``: plain lists and dicts from
:class:`~smarttune.compare.ComparisonResults`, tested without matplotlib) and a thin
matplotlib rendering step; :func:`render_comparison_plots` writes them all.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from smarttune._imports import optional_import
from smarttune.compare import (
    ComparisonResults,
    ParamRecord,
    critical_difference,
    final_cells,
    mean_ranks,
    score_matrix,
)
from smarttune.report._comparison_data import final_runs, seed_values

__all__ = [
    "Band",
    "cd_diagram_data",
    "curve_bands",
    "interaction_data",
    "param_scatter_data",
    "render_comparison_plots",
]


@dataclass(frozen=True)
class Band:
    """The median and quartiles of the best-so-far value over seeds, at each ``x``."""

    x: list[float]
    median: list[float]
    lower: list[float]
    upper: list[float]


def curve_bands(
    results: ComparisonResults, task: str, *, x: str = "evaluation", n_points: int = 60
) -> dict[str, Band]:
    """Best so far over seeds, per method: against ``x`` = ``"evaluation"`` or ``"elapsed_s"``.

    Each seed's final cell (:func:`~smarttune.compare.final_cells`) is read as a step function
    on a common grid: evaluations 1 to the longest run, or ``n_points`` times from 0 to the
    method's longest run. A seed that ended early keeps its final best; the statistics are NaN
    wherever some seed has no result yet (see :func:`seed_values`).
    """
    grouped = final_runs(final_cells(results.cells), results.curves)
    bands = {}
    for (name, method), runs in sorted(grouped.items()):
        runs = [run for run in runs if run]
        if name != task or not runs:
            continue
        if x == "evaluation":
            grid = [float(i + 1) for i in range(max(len(run) for run in runs))]
        else:
            end = max(run[-1].elapsed_s for run in runs)
            grid = [float(t) for t in np.linspace(0.0, end, n_points)] if end > 0 else [0.0]
        bands[method] = _band(grid, seed_values(runs, grid, x))
    return bands


def _band(grid: list[float], rows: Sequence[Sequence[float] | None]) -> Band:
    def column(q: float) -> list[float]:
        return [float(np.quantile(row, q)) if row else math.nan for row in rows]

    return Band(list(grid), column(0.5), column(0.25), column(0.75))


def cd_diagram_data(
    results: ComparisonResults,
) -> tuple[dict[str, float], float | None, list[tuple[str, ...]]]:
    """Mean ranks, the Nemenyi critical difference and the groups a diagram joins with a bar.

    Uses each search's largest trials budget and the methods present on every task. A group is
    a maximal run of methods (sorted by rank) whose ranks differ by less than the critical
    difference (J. Demšar, JMLR 7, 2006).
    """
    final = [c for c in final_cells(results.cells) if c.status == "ok"]
    tasks = {c.task for c in final}
    per_task = [{c.method for c in final if c.task == t} for t in tasks]
    common = sorted(set.intersection(*per_task)) if per_task else []
    methods, blocks, matrix = score_matrix(final, methods=common)
    if len(methods) < 2 or not blocks:
        return {}, None, []
    ranks = mean_ranks(matrix, methods)
    cd = critical_difference(len(methods), len(blocks))
    ordered = sorted(ranks, key=ranks.__getitem__)
    groups: list[tuple[str, ...]] = []
    for i, first in enumerate(ordered):
        members = tuple(m for m in ordered[i:] if ranks[m] - ranks[first] < cd)
        if len(members) > 1 and not any(set(members) <= set(g) for g in groups):
            groups.append(members)
    return ranks, cd, groups


def param_scatter_data(
    results: ComparisonResults, task: str
) -> dict[str, list[tuple[Any, float, str]]]:
    """Per parameter: (value, score, method) of every evaluation on ``task`` (numbers as floats).

    Evaluations repeated in the cells of smaller budgets are counted once.
    """
    seen: set[tuple[str, int, int, str]] = set()
    data: dict[str, list[tuple[Any, float, str]]] = {}
    for r in results.params:
        key = (r.method, r.seed, r.evaluation, r.param)
        if r.task != task or math.isnan(r.score) or key in seen:
            continue
        seen.add(key)
        value: Any = r.numeric_value if r.numeric_value is not None else r.value
        data.setdefault(r.param, []).append((value, r.score, r.method))
    return data


def interaction_data(
    records: Sequence[ParamRecord], a: str, b: str, *, bins: int = 6, maximize: bool = True
) -> tuple[list[float], list[float], np.ndarray[Any, Any]]:
    """The best score in each cell of a ``bins x bins`` grid over two numeric parameters.

    Bin edges are quantiles of the observed values (log-spaced values bin evenly too).

    Returns:
        The edges along ``a`` and ``b`` and a ``(bins, bins)`` matrix (NaN where empty).
    """
    points: dict[tuple[str, int, int], dict[str, float]] = {}
    for r in records:
        if r.param in (a, b) and r.numeric_value is not None and not math.isnan(r.score):
            entry = points.setdefault((r.method, r.seed, r.evaluation), {"score": r.score})
            entry[r.param] = r.numeric_value
    rows = [p for p in points.values() if a in p and b in p]
    xs = np.array([p[a] for p in rows], float)
    ys = np.array([p[b] for p in rows], float)
    scores = np.array([p["score"] for p in rows], float)
    x_edges = np.unique(np.quantile(xs, np.linspace(0, 1, bins + 1))) if len(rows) else np.array([])
    y_edges = np.unique(np.quantile(ys, np.linspace(0, 1, bins + 1))) if len(rows) else np.array([])
    grid = np.full((max(len(x_edges) - 1, 0), max(len(y_edges) - 1, 0)), np.nan)
    for x, y, s in zip(xs, ys, scores, strict=True):
        i = min(int(np.searchsorted(x_edges, x, side="right")) - 1, grid.shape[0] - 1)
        j = min(int(np.searchsorted(y_edges, y, side="right")) - 1, grid.shape[1] - 1)
        current = grid[i, j]
        if math.isnan(current) or (s > current if maximize else s < current):
            grid[i, j] = s
    return list(map(float, x_edges)), list(map(float, y_edges)), grid


# --- rendering ---------------------------------------------------------------------------------


def _pyplot() -> Any:
    matplotlib = optional_import("matplotlib", extra="plot", purpose="the comparison plots")
    matplotlib.use("Agg")
    return optional_import("matplotlib.pyplot", extra="plot")


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", text)


def render_comparison_plots(results: ComparisonResults, directory: str | Path) -> list[Path]:
    """Write every comparison plot as PNG into ``directory``; return the paths.

    Raises:
        MissingDependencyError: If matplotlib (the ``plot`` extra) is not installed.
    """
    plt = _pyplot()
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for task in sorted({c.task for c in results.cells}):
        for x, label in (("evaluation", "evaluations"), ("elapsed_s", "seconds")):
            paths.append(_curves_png(plt, results, task, x, label, out))
        paths.append(_params_png(plt, results, task, out))
        interaction = _interaction_png(plt, results, task, out)
        if interaction is not None:
            paths.append(interaction)
    ranks, cd, groups = cd_diagram_data(results)
    if ranks:
        paths.append(_ranks_png(plt, ranks, out))
        paths.append(_cd_png(plt, ranks, cd, groups, out))
    return paths


def _save(plt: Any, figure: Any, path: Path) -> Path:
    figure.savefig(path, dpi=100)
    plt.close(figure)
    return path


def _metric(results: ComparisonResults, task: str) -> tuple[str, bool]:
    cell = next(c for c in results.cells if c.task == task)
    return cell.metric or "value", cell.direction == "maximize"


def _curves_png(
    plt: Any, results: ComparisonResults, task: str, x: str, label: str, out: Path
) -> Path:
    figure, ax = plt.subplots(figsize=(7, 4.5), constrained_layout=True)
    colors = plt.get_cmap("tab20").colors
    for i, (method, band) in enumerate(curve_bands(results, task, x=x).items()):
        color, style = colors[i % len(colors)], ("-", "--", ":")[i // len(colors) % 3]
        ax.plot(band.x, band.median, label=method, linewidth=1.4, color=color, linestyle=style,
                drawstyle="steps-post")  # fmt: skip
        ax.fill_between(band.x, band.lower, band.upper, alpha=0.08, color=color, step="post")
    metric, _ = _metric(results, task)
    ax.set(xlabel=label, ylabel=f"best {metric} so far", title=f"{task}: median and quartiles")
    ax.legend(fontsize=7, ncol=2)
    return _save(plt, figure, out / f"best_vs_{label}_{_slug(task)}.png")


def _params_png(plt: Any, results: ComparisonResults, task: str, out: Path) -> Path:
    data = param_scatter_data(results, task)
    n = max(len(data), 1)
    figure, axes = plt.subplots(
        1, n, figsize=(3.2 * n, 3.2), constrained_layout=True, squeeze=False
    )
    metric, _ = _metric(results, task)
    for ax, (param, points) in zip(axes[0], sorted(data.items()), strict=False):
        values = [p[0] for p in points]
        if all(isinstance(v, float) for v in values):
            ax.scatter(values, [p[1] for p in points], s=6, alpha=0.4)
            positive = min(values) > 0
            if positive and max(values) / min(values) > 100:
                ax.set_xscale("log")
        else:
            labels = sorted({str(v) for v in values})
            position = {v: i for i, v in enumerate(labels)}
            ax.scatter([position[str(v)] for v in values], [p[1] for p in points], s=6, alpha=0.4)
            ax.set_xticks(range(len(labels)), labels, rotation=30, fontsize=7)
        ax.set(xlabel=param, ylabel=metric)
    figure.suptitle(f"{task}: score against each parameter (all methods)")
    return _save(plt, figure, out / f"params_{_slug(task)}.png")


def _interaction_png(plt: Any, results: ComparisonResults, task: str, out: Path) -> Path | None:
    data = param_scatter_data(results, task)
    numeric = [p for p, pts in sorted(data.items()) if all(isinstance(v[0], float) for v in pts)]
    if len(numeric) < 2:
        return None
    spread = sorted(numeric, key=lambda p: -float(np.std([s for _, s, _ in data[p]])))
    a, b = spread[0], spread[1]
    metric, maximize = _metric(results, task)
    records = [r for r in results.params if r.task == task]
    x_edges, y_edges, grid = interaction_data(records, a, b, maximize=maximize)
    if grid.size == 0:
        return None
    figure, ax = plt.subplots(figsize=(5.5, 4.5), constrained_layout=True)
    image = ax.imshow(grid.T, origin="lower", aspect="auto", cmap="viridis")
    ax.set_xticks(range(len(x_edges) - 1), [f"{v:.3g}" for v in x_edges[:-1]], fontsize=7)
    ax.set_yticks(range(len(y_edges) - 1), [f"{v:.3g}" for v in y_edges[:-1]], fontsize=7)
    ax.set(xlabel=f"{a} (bin start)", ylabel=f"{b} (bin start)", title=f"{task}: best {metric}")
    figure.colorbar(image, ax=ax)
    return _save(plt, figure, out / f"interaction_{_slug(task)}.png")


def _ranks_png(plt: Any, ranks: dict[str, float], out: Path) -> Path:
    ordered = sorted(ranks, key=ranks.__getitem__)
    figure, ax = plt.subplots(figsize=(6, 0.35 * len(ordered) + 1.2), constrained_layout=True)
    ax.barh(ordered[::-1], [ranks[m] for m in ordered[::-1]], color="tab:blue")
    ax.set(xlabel="mean rank (1 = best)", title="Mean rank over tasks and seeds")
    return _save(plt, figure, out / "mean_ranks.png")


def _cd_png(
    plt: Any, ranks: dict[str, float], cd: float | None, groups: list[tuple[str, ...]], out: Path
) -> Path:
    ordered = sorted(ranks, key=ranks.__getitem__)
    k = len(ordered)
    figure, ax = plt.subplots(figsize=(8, 1.0 + 0.28 * k), constrained_layout=True)
    ax.set_xlim(0.5, k + 0.5)
    ax.set_ylim(-(len(groups) + 1) * 0.3, k * 0.3 + 0.6)
    ax.hlines(k * 0.3 + 0.3, 1, k, color="black")
    for i, method in enumerate(ordered):
        y = (k - i) * 0.3 - 0.1
        ax.plot([ranks[method]] * 2, [k * 0.3 + 0.3, y], color="black", linewidth=0.8)
        ax.text(ranks[method], y, f" {method} ({ranks[method]:.2f})", fontsize=7, va="center")
    for g, members in enumerate(groups):
        y = -(g + 1) * 0.3
        ax.hlines(y, ranks[members[0]], ranks[members[-1]], color="tab:red", linewidth=3)
    if cd is not None:
        ax.hlines(k * 0.3 + 0.55, 1, 1 + cd, color="tab:gray", linewidth=2)
        ax.text(1 + cd, k * 0.3 + 0.55, f"  CD = {cd:.2f}", fontsize=7, va="center")
    ax.set_yticks([])
    ax.set_xlabel("mean rank (bars join methods closer than the critical difference)")
    return _save(plt, figure, out / "critical_difference.png")
