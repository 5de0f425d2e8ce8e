"""Figure specifications, escaping and the HTML pages (without a browser)."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable
from pathlib import Path

import optuna
import pytest

from smarttune.compare import final_cells
from smarttune.exceptions import InvalidParameterError
from smarttune.report import write_comparison_report, write_study_report
from smarttune.report._comparison_data import comparison_data, mean_curves
from smarttune.report._html import Section, render_page, script_json
from smarttune.report._param_figures import parallel_fallback_figure, slice_figure
from smarttune.report._param_sections import Axis, Slice
from smarttune.report._params import ParamSpec
from smarttune.report._table import Table, cell

XSS = "<script>alert(1)</script>"


def figures_of(page: str) -> dict[str, dict[str, object]]:
    block = re.search(r'<script type="application/json" id="figures">(.*?)</script>', page, re.S)
    assert block is not None
    figures: dict[str, dict[str, object]] = json.loads(block.group(1))
    return figures


def test_script_json_cannot_close_or_comment_out_its_block() -> None:
    value = {"name": "</script><!-- & -->", "x": [1.5, float("nan"), float("inf")]}
    encoded = script_json(value)
    assert "<" not in encoded and ">" not in encoded and "&" not in encoded
    assert json.loads(encoded) == {"name": "</script><!-- & -->", "x": [1.5, None, None]}


def test_user_text_in_figures_is_escaped_for_plotly() -> None:
    spec = ParamSpec(XSS, "categorical", False, 0, 1, ("a", XSS))
    figure = slice_figure(Slice(spec, [0.0, 1.0], [1.0, 2.0], [0, 1]), metric=XSS)
    escaped = html.escape(XSS, quote=False)
    assert figure["layout"]["title"]["text"] == f"slice: {escaped}"
    assert figure["layout"]["xaxis"]["ticktext"] == ["a", escaped]
    assert XSS not in json.dumps(figure)


def test_parallel_fallback_scales_every_axis() -> None:
    axis = Axis(ParamSpec("lr", "float", True, 1e-3, 1.0), [1e-3, 1e-1, 1.0])
    figure = parallel_fallback_figure([axis], [3.0, 1.0, 2.0], metric="v", maximize=False, bands=3)
    ys = [y for trace in figure["data"] for y in trace["y"] if y is not None]
    assert min(ys) == 0.0 and max(ys) == 1.0
    assert sorted(ys) == pytest.approx([0.0, 0.0, 0.5, 2 / 3, 1.0, 1.0])  # log10 axis
    best = figure["data"][-1]  # drawn last, on top (minimize: value 1.0, trial 1)
    assert best["y"][:2] == [0.0, pytest.approx(2 / 3)]
    assert best["name"] == "1 to 1"


def test_page_escapes_everything_and_keeps_numbers_sortable() -> None:
    table = Table(["name", XSS], [[cell(XSS), cell(2.5)]])
    page = render_page(
        title=XSS, facts={XSS: XSS}, sections=[Section(XSS, XSS, [], table)], bundle="/*js*/"
    )
    assert XSS not in page
    assert "<h1>&lt;script&gt;alert(1)&lt;/script&gt;</h1>" in page
    assert '<td data-k="2.5">2.5</td>' in page
    assert page.count("<script") == 3  # figures JSON, the bundle, the page script


def test_study_report_is_self_contained_and_escaped(
    hybrid_study: optuna.Study, tmp_path: Path
) -> None:
    pytest.importorskip("plotly", reason="the plot extra is not installed")
    page = write_study_report(hybrid_study, tmp_path / "r.html").read_text(encoding="utf-8")
    assert XSS not in page
    assert not re.search(r"<(script|link|img)[^>]+(src|href)=", page)  # nothing fetched
    figures = figures_of(page)
    ids = re.findall(r'<div class="plot" id="([^"]+)">', page)
    assert ids and sorted(ids) == sorted(figures)
    titles = [f["figure"]["layout"]["title"]["text"] for f in figures.values()]  # type: ignore[index]
    assert "parameter importance" in titles and "bandit refinement progress" in titles
    assert "Plotly" in page and len(page) > 1_000_000  # the bundle is inline


def test_comparison_data_from_the_documented_files(results_dir: Path) -> None:
    data = comparison_data(results_dir)
    assert len(data.results.cells) == 12 and len(final_cells(data.results.cells)) == 12
    assert data.statistics["mean_ranks"]["a"] == 1.0
    assert data.summary[0]["method"] == "a" and data.summary[0]["mean_rank"] == 1.0
    curves = mean_curves(data.final, data.results.curves, against="evaluations")
    first = next(c for c in curves if (c.task, c.method) == ("t1", "a"))
    assert first.x == [1.0, 2.0, 3.0, 4.0]
    assert first.mean == [9.5, 8.5, 7.5, 6.5]  # seeds 0 and 1 are 1 apart
    assert (first.lower[0], first.upper[0], first.n_seeds) == (9.0, 10.0, 2)
    timed = mean_curves(data.final, data.results.curves, against="seconds")
    grid = next(c for c in timed if (c.task, c.method) == ("t1", "a"))
    assert grid.x[0] == 0.0 and grid.x[-1] == 4.0
    assert grid.mean[0] is None and grid.mean[-1] == 6.5


def test_comparison_statistics_are_computed_when_missing(
    tmp_path: Path, results_factory: Callable[..., Path]
) -> None:
    data = comparison_data(results_factory(tmp_path / "r", with_statistics=False))
    ranks = data.statistics["mean_ranks"]
    assert ranks["a"] > ranks[XSS]  # XSS's values are the lowest (minimize)
    assert {row["method"] for row in data.summary} == {"a", "b", XSS}
    with pytest.raises(InvalidParameterError, match="is not a comparison directory"):
        comparison_data(tmp_path)


def test_comparison_report(results_dir: Path, tmp_path: Path) -> None:
    pytest.importorskip("plotly", reason="the plot extra is not installed")
    page = write_comparison_report(results_dir, tmp_path / "c.html").read_text(encoding="utf-8")
    assert XSS not in page
    titles = [f["figure"]["layout"]["title"]["text"] for f in figures_of(page).values()]  # type: ignore[index]
    assert "t1: best so far against evaluations" in titles
    assert "t2: best so far against seconds" in titles
    assert any(t.startswith("mean rank over 4 blocks") for t in titles)
    assert "Friedman test" in page and "Pairwise tests" in page and "Time to target" in page
