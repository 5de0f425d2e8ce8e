"""Plotly figure specifications as plain dicts, and the escaping of user text inside them.

A figure here is ``{"data": [...], "layout": {...}}``, the JSON that ``Plotly.newPlot`` takes;
building it needs no plotting library, so tests check it directly. Plotly renders the text of
titles, labels and hover boxes as a subset of HTML and decodes entities, so every string that
comes from the user goes through :func:`text` (``<`` becomes ``&lt;``) and shows as written.
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from typing import Any

__all__ = [
    "COLORS",
    "Figure",
    "axis_title",
    "figure",
    "finite_or_none",
    "text",
]

Figure = dict[str, Any]

#: Colours by trial state and role (the colour-blind-safe Okabe-Ito palette).
COLORS = {
    "COMPLETE": "#0072B2",
    "PRUNED": "#D55E00",
    "FAIL": "#999999",
    "best": "#CC79A7",
    "bandit": "#E69F00",
    "genetic": "#009E73",
}

#: A sequence of distinct colours for methods, workers and other categories.
PALETTE = [
    "#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#F0E442", "#000000",
    "#8c564b", "#7f7f7f",
]  # fmt: skip


def text(value: Any) -> str:
    """User text for Plotly: HTML-escaped so that markup shows literally."""
    return html.escape(str(value), quote=False)


def axis_title(title: str) -> dict[str, Any]:
    """An axis title (already escaped by the caller when it holds user text)."""
    return {"title": {"text": title}, "automargin": True}


def finite_or_none(values: Sequence[float | None]) -> list[float | None]:
    """The values with NaN and infinities replaced by None (JSON has neither)."""
    return [v if v is not None and math.isfinite(v) else None for v in values]


def figure(
    data: list[dict[str, Any]],
    *,
    title: str = "",
    x: str = "",
    y: str = "",
    height: int = 420,
    **layout: Any,
) -> Figure:
    """A figure with the page's common layout.

    A left-aligned title, axis titles, a legend above the plot; ``layout`` entries override.
    """
    base: dict[str, Any] = {
        "title": {"text": title, "x": 0.01, "xanchor": "left"},
        "height": height,
        "margin": {"l": 60, "r": 20, "t": 60, "b": 50},
        "legend": {"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 1, "xanchor": "right"},
        "xaxis": axis_title(x),
        "yaxis": axis_title(y),
        "hovermode": "closest",
        "plot_bgcolor": "#fafafa",
    }
    base.update(layout)
    return {"data": data, "layout": base}
