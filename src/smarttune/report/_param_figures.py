"""The study page's parameter figures as Plotly specifications (plain dicts)."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from smarttune.report._param_sections import Axis, InteractionGrid, Slice
from smarttune.report._params import ParamSpec
from smarttune.report._plotly_specs import PALETTE, Figure, figure, finite_or_none, text

__all__ = [
    "importance_figure",
    "interaction_figure",
    "parallel_fallback_figure",
    "parallel_figure",
    "slice_figure",
]

_SCALE = "Viridis"
#: Viridis from worst (purple) to best (yellow), for the bands of the SVG parallel coordinates.
_BAND_COLORS = ["#440154", "#3b528b", "#21918c", "#5ec962", "#fde725"]


def _ticks(spec: ParamSpec) -> dict[str, Any]:
    """Tick labels for a categorical axis (choice indices shown as the choices)."""
    if spec.kind != "categorical":
        return {}
    return {"tickvals": list(range(len(spec.choices))), "ticktext": [text(c) for c in spec.choices]}


def slice_figure(data: Slice, *, metric: str) -> Figure:
    """One parameter against the objective; colour shows the trial number (later: lighter)."""
    trace = {
        "type": "scatter", "mode": "markers", "name": text(data.spec.name), "x": data.x,
        "y": finite_or_none(data.y), "text": [f"trial {n}" for n in data.numbers],
        "marker": {"color": data.numbers, "colorscale": _SCALE, "size": 6, "opacity": 0.8,
                   "colorbar": {"title": {"text": "trial"}, "thickness": 12}},
    }  # fmt: skip
    xaxis: dict[str, Any] = {"title": {"text": text(data.spec.name)}, **_ticks(data.spec)}
    if data.spec.log:
        xaxis["type"] = "log"
    return figure(
        [trace], title=f"slice: {text(data.spec.name)}", y=text(metric), height=340, xaxis=xaxis
    )


def _dimension(axis: Axis) -> dict[str, Any]:
    spec = axis.spec
    if spec.log:
        values = [math.log10(v) if v > 0 else math.nan for v in axis.values]
        finite = [v for v in values if math.isfinite(v)] or [0.0]
        powers = list(range(math.floor(min(finite)), math.ceil(max(finite)) + 1))
        ticks = {"tickvals": powers, "ticktext": [f"1e{p}" for p in powers]}
        return {"label": text(spec.name), "values": finite_or_none(values), **ticks}
    return {"label": text(spec.name), "values": finite_or_none(axis.values), **_ticks(spec)}


def parallel_figure(
    axes: Sequence[Axis], values: Sequence[float], *, metric: str, maximize: bool
) -> Figure:
    """Parallel coordinates (Plotly ``parcoords``, drawn with WebGL).

    One line per complete trial through its parameters and value; drag along an axis to filter.
    """
    objective = {"label": text(metric), "values": finite_or_none(list(values))}
    trace = {
        "type": "parcoords",
        "line": {"color": finite_or_none(list(values)), "colorscale": _SCALE,
                 "reversescale": not maximize, "showscale": True},
        "dimensions": [objective, *(_dimension(a) for a in axes)],
    }  # fmt: skip
    return figure([trace], title="parallel coordinates", height=460, margin={"t": 90, "l": 60})


def parallel_fallback_figure(
    axes: Sequence[Axis], values: Sequence[float], *, metric: str, maximize: bool, bands: int = 5
) -> Figure:
    """Parallel coordinates as plain SVG lines, for browsers without fast WebGL.

    Every axis is scaled to [0, 1] (log10 for log-scale parameters); lines take ``bands``
    colours by value.
    """
    columns = [list(values), *(_dimension(a)["values"] for a in axes)]
    names = [text(metric), *(text(a.spec.name) for a in axes)]
    scaled = [_unit(column) for column in columns]
    # Worst values first, so that the best lines are drawn last, on top.
    order = sorted(range(len(values)), key=lambda i: values[i], reverse=not maximize)
    data = []
    for band in range(bands):
        members = order[band * len(order) // bands : (band + 1) * len(order) // bands]
        if not members:
            continue
        xs: list[Any] = []
        ys: list[Any] = []
        for i in members:
            xs += [*range(len(columns)), None]
            ys += [*(column[i] for column in scaled), None]
        low, high = sorted((values[members[0]], values[members[-1]]))
        data.append({
            "type": "scatter", "mode": "lines", "x": xs, "y": ys, "hoverinfo": "skip",
            "name": f"{low:.4g} to {high:.4g}", "opacity": 0.6,
            "line": {"width": 1, "color": _BAND_COLORS[band * len(_BAND_COLORS) // bands]},
        })  # fmt: skip
    ticks = {"tickvals": list(range(len(names))), "ticktext": names}
    return figure(
        data, title="parallel coordinates (each axis scaled to [0, 1])", height=460,
        xaxis=ticks, yaxis={"range": [-0.05, 1.05], "title": {"text": "scaled value"}},
    )  # fmt: skip


def _unit(column: Sequence[float | None]) -> list[float | None]:
    finite = [v for v in column if v is not None and math.isfinite(v)]
    low, high = (min(finite), max(finite)) if finite else (0.0, 1.0)
    span = high - low or 1.0
    return [(v - low) / span if v is not None and math.isfinite(v) else None for v in column]


def _label(spec: ParamSpec) -> str:
    return f"log10({text(spec.name)})" if spec.log else text(spec.name)


def interaction_figure(grid: InteractionGrid, *, metric: str, maximize: bool) -> Figure:
    """Two parameters: the mean objective per cell of a grid, with the trials on top."""
    heat = {
        "type": "heatmap", "x": grid.x_centers, "y": grid.y_centers, "z": grid.z,
        "colorscale": _SCALE, "reversescale": not maximize, "hoverongaps": False,
        "colorbar": {"title": {"text": f"mean {text(metric)}"}, "thickness": 12},
    }  # fmt: skip
    xs, ys, values = grid.points
    points = {
        "type": "scatter", "mode": "markers", "x": xs, "y": ys, "name": "trials",
        "text": [f"{v:.6g}" for v in values], "showlegend": False,
        "marker": {"size": 4, "color": "white", "line": {"color": "black", "width": 0.5}},
    }  # fmt: skip
    title = f"interaction: {text(grid.x.name)} \u00d7 {text(grid.y.name)}"
    return figure(
        [heat, points], title=title, height=420,
        xaxis={"title": {"text": _label(grid.x)}, **_ticks(grid.x)},
        yaxis={"title": {"text": _label(grid.y)}, **_ticks(grid.y)},
    )  # fmt: skip


def importance_figure(importances: Mapping[str, Mapping[str, float]]) -> Figure:
    """Each evaluator's importance per parameter as grouped horizontal bars."""
    names = sorted({p for scores in importances.values() for p in scores})
    first = next(iter(importances.values()), {})
    names.sort(key=lambda p: first.get(p, 0.0))
    data = [
        {
            "type": "bar", "orientation": "h", "name": text(method),
            "y": [text(p) for p in names], "x": [scores.get(p, 0.0) for p in names],
            "marker": {"color": PALETTE[i % len(PALETTE)]},
        }
        for i, (method, scores) in enumerate(importances.items())
        if scores
    ]  # fmt: skip
    height = max(260, 120 + 30 * len(names) * max(1, len(data)))
    return figure(
        data, title="parameter importance", x="importance (sums to 1)", height=height,
        barmode="group",
    )  # fmt: skip
