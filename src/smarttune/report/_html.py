r"""A self-contained HTML page: sections of Plotly figures and sortable tables.

Everything the page needs is inline: Plotly's JavaScript bundle (from the ``plotly`` package,
the ``plot`` extra), the figures as JSON, the stylesheet and a small script, so the file opens
offline and survives being sent as an e-mail attachment. User text is escaped twice over:
:func:`html.escape` for the markup, and inside ``<script>`` blocks the JSON has ``<``, ``>``
and ``&`` written as ``\u003c``/``\u003e``/``\u0026``, so that neither ``</script>`` nor
``<!--`` can end or change the block.
"""

from __future__ import annotations

import functools
import html
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from smarttune._imports import optional_import
from smarttune.report._page_assets import PAGE_SCRIPT, PAGE_STYLE
from smarttune.report._plotly_specs import Figure
from smarttune.report._table import Table

__all__ = ["Plot", "Section", "plotly_bundle", "render_page", "script_json"]


@dataclass(frozen=True)
class Plot:
    """A figure on the page; ``fallback`` replaces it where the browser has no WebGL."""

    figure: Figure
    fallback: Figure | None = None


@dataclass(frozen=True)
class Section:
    """A titled part of the page: an explanation, then figures, then a table.

    Figures sit side by side when ``grid``. ``title`` and ``intro`` are plain text (escaped
    here).
    """

    title: str
    intro: str = ""
    plots: list[Plot] = field(default_factory=list)
    table: Table | None = None
    grid: bool = False


def _plain(value: Any) -> Any:
    """JSON-ready data: NaN and infinities become null, numpy scalars Python numbers."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if value is None or isinstance(value, (str, int, bool)):
        return value
    if hasattr(value, "item"):  # numpy scalar
        return _plain(value.item())
    return str(value)


def script_json(value: Any) -> str:
    """``value`` as JSON that is safe inside a ``<script>`` element."""
    encoded = json.dumps(_plain(value), allow_nan=False, separators=(",", ":"))
    for raw, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        encoded = encoded.replace(raw, escaped)
    return encoded.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


@functools.cache
def plotly_bundle() -> str:
    """Plotly's JavaScript bundle (about 4.8 MB), from the installed ``plotly`` package."""
    offline = optional_import("plotly.offline", extra="plot", purpose="the HTML report")
    bundle: str = offline.get_plotlyjs()
    return bundle.replace("</script", "<\\/script")


def _table_html(table: Table, table_id: str) -> str:
    head = "".join(f"<th>{html.escape(c)}</th>" for c in table.columns)
    body = "\n".join(
        "<tr>"
        + "".join(
            f'<td data-k="{c.key!r}">{html.escape(c.text)}</td>'
            if c.key is not None
            else f"<td>{html.escape(c.text)}</td>"
            for c in row
        )
        + "</tr>"
        for row in table.rows
    )
    return (
        f'<input class="filter" type="search" placeholder="filter rows" data-table="{table_id}">'
        f'<div class="table-wrap"><table class="sortable" id="{table_id}">'
        f"<thead><tr>{head}</tr></thead><tbody>\n{body}\n</tbody></table></div>"
    )


def _section_html(section: Section, index: int, figures: dict[str, Any]) -> str:
    parts = [f'<section id="s{index}"><h2>{html.escape(section.title)}</h2>']
    if section.intro:
        parts.append(f"<p>{html.escape(section.intro)}</p>")
    if section.plots:
        parts.append(f'<div class="{"grid" if section.grid else "stack"}">')
        for j, plot in enumerate(section.plots):
            plot_id = f"plot-{index}-{j}"
            figures[plot_id] = {"figure": plot.figure, "fallback": plot.fallback}
            parts.append(f'<div class="plot" id="{plot_id}"></div>')
        parts.append("</div>")
    if section.table is not None:
        parts.append(_table_html(section.table, f"table-{index}"))
    parts.append("</section>")
    return "\n".join(parts)


def render_page(
    *, title: str, facts: Mapping[str, str], sections: Sequence[Section], bundle: str
) -> str:
    """The whole page as text; ``facts`` (plain text) fill the summary under the title."""
    figures: dict[str, Any] = {}
    body = "\n".join(_section_html(s, i, figures) for i, s in enumerate(sections))
    contents = "".join(
        f'<li><a href="#s{i}">{html.escape(s.title)}</a></li>' for i, s in enumerate(sections)
    )
    rows = "".join(
        f"<tr><th>{html.escape(k)}</th><td>{html.escape(v)}</td></tr>" for k, v in facts.items()
    )
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(title)}</title><style>{PAGE_STYLE}</style>"
        f"</head>\n<body>\n<header><h1>{html.escape(title)}</h1>"
        f'<table class="facts">{rows}</table><nav><ol>{contents}</ol></nav></header>\n'
        f"<main>\n{body}\n</main>\n"
        f'<script type="application/json" id="figures">{script_json(figures)}</script>\n'
        f"<script>{bundle}</script>\n"
        f"<script>{PAGE_SCRIPT}</script>\n</body></html>\n"
    )
