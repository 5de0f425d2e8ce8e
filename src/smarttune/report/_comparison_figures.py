"""The comparison page's figures as Plotly specifications (plain dicts, no plotting library)."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from smarttune.report._comparison_data import MeanCurve
from smarttune.report._plotly_specs import PALETTE, Figure, figure, finite_or_none, text

__all__ = [
    "critical_difference_figure",
    "curves_figure",
    "importance_bars_figure",
    "ranks_heatmap_figure",
    "time_to_target_figure",
]


def _color(methods: Sequence[str], method: str) -> str:
    return PALETTE[sorted(methods).index(method) % len(PALETTE)]


def curves_figure(task: str, curves: Sequence[MeanCurve], *, against: str, metric: str) -> Figure:
    """Best so far per method on one task: the mean over seeds, shaded worst seed to best.

    Drawn as steps (a best so far holds until the next improvement), not joined by slopes.
    """
    methods = [c.method for c in curves]
    data: list[dict[str, Any]] = []
    for curve in curves:
        color = _color(methods, curve.method)
        group = {"legendgroup": text(curve.method), "hoverinfo": "skip", "showlegend": False}
        data += [
            {"type": "scatter", "mode": "lines", "x": curve.x, "y": finite_or_none(curve.upper),
             "line": {"width": 0, "color": color, "shape": "hv"}, **group},
            {"type": "scatter", "mode": "lines", "x": curve.x, "y": finite_or_none(curve.lower),
             "line": {"width": 0, "color": color, "shape": "hv"}, "fill": "tonexty",
             "fillcolor": _translucent(color), **group},
            {"type": "scatter", "mode": "lines", "x": curve.x, "y": finite_or_none(curve.mean),
             "name": f"{text(curve.method)} ({curve.n_seeds} seeds)",
             "legendgroup": text(curve.method),
             "line": {"color": color, "width": 2, "shape": "hv"}},
        ]  # fmt: skip
    label = "evaluations" if against == "evaluations" else "seconds"
    return figure(
        data, title=f"{text(task)}: best so far against {label}", x=label, y=text(metric),
        height=420, hovermode="x",
        legend={"orientation": "v", "x": 1.02, "xanchor": "left", "y": 1, "yanchor": "top"},
    )  # fmt: skip


def _translucent(color: str, alpha: float = 0.15) -> str:
    """``#rrggbb`` as ``rgba(r, g, b, alpha)``."""
    red, green, blue = (int(color[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({red},{green},{blue},{alpha})"


def critical_difference_figure(
    mean_ranks: Mapping[str, float], cd: float | None, *, n_blocks: int
) -> Figure:
    """Mean ranks (1 = best) with bars of half the Nemenyi critical difference on each side.

    Two methods differ significantly exactly when their bars do not overlap.
    """
    ordered = sorted(mean_ranks.items(), key=lambda item: item[1], reverse=True)
    half = cd / 2 if cd is not None and math.isfinite(cd) else None
    trace: dict[str, Any] = {
        "type": "scatter", "mode": "markers", "x": [r for _, r in ordered],
        "y": [text(m) for m, _ in ordered], "marker": {"size": 10, "color": PALETTE[0]},
        "name": "mean rank",
    }  # fmt: skip
    if half is not None:
        trace["error_x"] = {"type": "constant", "value": half, "thickness": 2, "width": 6}
    title = f"mean rank over {n_blocks} blocks (task \u00d7 seed)"
    if half is not None:
        title += f"; bars ±CD/2 = ±{half:.3g} (Nemenyi, alpha = 0.05)"
    return figure(
        [trace], title=title, x="mean rank (1 = best)", height=max(260, 90 + 28 * len(ordered)),
        showlegend=False,
    )  # fmt: skip


def ranks_heatmap_figure(summary: Sequence[Mapping[str, Any]]) -> Figure:
    """Each method's mean rank within each task (from ``summary.csv``)."""
    methods = sorted({str(r["method"]) for r in summary})
    tasks = sorted({str(r["task"]) for r in summary})
    rank = {(str(r["method"]), str(r["task"])): r.get("mean_rank") for r in summary}
    z = [finite_or_none([_float(rank.get((m, t))) for t in tasks]) for m in methods]
    heat = {
        "type": "heatmap", "x": [text(t) for t in tasks], "y": [text(m) for m in methods],
        "z": z, "colorscale": "Viridis", "reversescale": True, "hoverongaps": False,
        "colorbar": {"title": {"text": "mean rank"}, "thickness": 12},
    }  # fmt: skip
    return figure(
        [heat], title="mean rank per task (1 = best)", height=max(280, 100 + 26 * len(methods))
    )


def _float(value: Any) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def time_to_target_figure(rows: Sequence[Mapping[str, Any]]) -> Figure:
    """Mean evaluations each method needed to reach each task's target (runs that reached it)."""
    tasks = sorted({str(r["task"]) for r in rows})
    data = []
    for i, task in enumerate(tasks):
        chosen = [r for r in rows if str(r["task"]) == task]
        data.append({
            "type": "bar", "name": text(task), "x": [text(r["method"]) for r in chosen],
            "y": finite_or_none([_float(r.get("mean_evaluations")) for r in chosen]),
            "text": [f"reached in {r.get('reached')} of {r.get('n_runs')} runs" for r in chosen],
            "textposition": "none", "hovertemplate": "%{x}: %{y} evaluations, %{text}",
            "marker": {"color": PALETTE[i % len(PALETTE)]},
        })  # fmt: skip
    return figure(
        data, title="evaluations to reach the target (the median final best of the task)",
        y="mean evaluations", barmode="group", height=380,
    )  # fmt: skip


def importance_bars_figure(task: str, importance: Mapping[str, float]) -> Figure:
    """One task's parameter importance (the harness's fANOVA over every method's evaluations)."""
    ordered = sorted(importance.items(), key=lambda item: item[1])
    trace = {
        "type": "bar", "orientation": "h", "x": [v for _, v in ordered],
        "y": [text(p) for p, _ in ordered], "marker": {"color": PALETTE[2]}, "name": "fANOVA",
    }  # fmt: skip
    return figure(
        [trace], title=f"{text(task)}: parameter importance", x="importance (sums to 1)",
        height=max(240, 100 + 26 * len(ordered)), showlegend=False,
    )  # fmt: skip
