"""The plotted values of the comparison's best-so-far curves (HTML page and PNG), on known runs."""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence

import pytest

from smarttune.compare import CellResult, ComparisonResults, CurvePoint
from smarttune.report import _comparison_data
from smarttune.report._comparison_data import mean_curves
from smarttune.report._comparison_figures import curves_figure
from smarttune.report._comparison_png import curve_bands

#: (elapsed seconds, value) of each evaluation of seeds 0 and 1. Seed 0 finds a good value at
#: once and ends after 3 s; seed 1's first result comes at 4 s and is poor, its best at 6 s.
MAXIMIZE_RUNS = (
    [(1.0, 0.90), (2.0, 0.95), (3.0, 0.93)],
    [(4.0, 0.20), (6.0, 0.97), (9.0, 0.50)],
)
#: The same shape for a loss.
MINIMIZE_RUNS = (
    [(1.0, 0.10), (2.0, 0.05), (3.0, 0.07)],
    [(4.0, 0.80), (6.0, 0.03), (9.0, 0.50)],
)


def _results(runs: Sequence[list[tuple[float, float]]], direction: str) -> ComparisonResults:
    """A comparison of one method on one task; best so far written as the harness writes it."""
    better = max if direction == "maximize" else min
    cells, curves = [], []
    for seed, run in enumerate(runs):
        values = [v for _, v in run]
        best = list(itertools.accumulate(values, better))
        cells.append(
            CellResult(
                "m", "t", seed, "trials", 3.0, direction, "score", best[-1], math.nan,
                len(run), run[-1][0], 0.0,
            )
        )  # fmt: skip
        for number, ((elapsed, value), so_far) in enumerate(zip(run, best, strict=True), 1):
            curves.append(CurvePoint("m", "t", seed, 3.0, number, elapsed, value, so_far))
    return ComparisonResults(cells, curves, [], {})


def _seconds_page(
    results: ComparisonResults, monkeypatch: pytest.MonkeyPatch
) -> list[float | None]:
    monkeypatch.setattr(_comparison_data, "TIME_GRID_POINTS", 10)  # seconds 0, 1, ..., 9
    (curve,) = mean_curves(results.cells, results.curves, against="seconds")
    assert curve.x == [float(t) for t in range(10)]
    return curve.mean


def _approx(values: Sequence[float | None]) -> list[object]:
    return [None if v is None else pytest.approx(v) for v in values]


@pytest.mark.parametrize(
    ("runs", "direction", "expected"),
    [
        (MAXIMIZE_RUNS, "maximize", [None] * 4 + [0.575] * 2 + [0.96] * 4),
        (MINIMIZE_RUNS, "minimize", [None] * 4 + [0.425] * 2 + [0.04] * 4),
    ],
)
def test_page_curve_against_seconds_averages_all_seeds_and_ends_at_the_mean_final_best(
    runs: Sequence[list[tuple[float, float]]],
    direction: str,
    expected: list[float | None],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    mean = _seconds_page(_results(runs, direction), monkeypatch)
    assert mean == _approx(expected)
    drawn = [v for v in mean if v is not None]
    ordered = sorted(drawn, reverse=direction == "minimize")
    assert drawn == ordered  # a best so far never gets worse


@pytest.mark.parametrize(
    ("runs", "direction", "median", "lower"),
    [
        (MAXIMIZE_RUNS, "maximize", [0.575, 0.96], [0.3875, 0.955]),
        (MINIMIZE_RUNS, "minimize", [0.425, 0.04], [0.2375, 0.035]),
    ],
)
def test_png_curve_against_seconds_runs_to_the_longest_seed_with_every_seed_present(
    runs: Sequence[list[tuple[float, float]]],
    direction: str,
    median: list[float],
    lower: list[float],
) -> None:
    band = curve_bands(_results(runs, direction), "t", x="elapsed_s", n_points=10)["m"]
    assert band.x == [float(t) for t in range(10)]
    assert all(math.isnan(v) for v in band.median[:4])  # seed 1 has no result before 4 s
    assert band.median[4:] == pytest.approx([median[0]] * 2 + [median[1]] * 4)
    assert band.lower[4:] == pytest.approx([lower[0]] * 2 + [lower[1]] * 4)


@pytest.mark.parametrize(
    ("runs", "direction", "expected"),
    [
        (([0.5, 0.9], [0.3, 0.4, 0.6, 0.7]), "maximize", [0.4, 0.65, 0.75, 0.8]),
        (([0.5, 0.1], [0.7, 0.6, 0.4, 0.3]), "minimize", [0.6, 0.35, 0.25, 0.2]),
    ],
)
def test_a_seed_that_ended_early_keeps_its_final_best(
    runs: tuple[list[float], list[float]], direction: str, expected: list[float]
) -> None:
    timed = [[(float(i), v) for i, v in enumerate(run, 1)] for run in runs]
    results = _results(timed, direction)
    (curve,) = mean_curves(results.cells, results.curves, against="evaluations")
    assert curve.x == [1.0, 2.0, 3.0, 4.0] and curve.n_seeds == 2
    assert curve.mean == _approx(expected)
    band = curve_bands(results, "t")["m"]
    assert band.x == [1.0, 2.0, 3.0, 4.0]
    assert band.median == pytest.approx(expected)


def test_page_curves_are_drawn_as_steps() -> None:
    results = _results(MAXIMIZE_RUNS, "maximize")
    curves = mean_curves(results.cells, results.curves, against="evaluations")
    spec = curves_figure("t", curves, against="evaluations", metric="score")
    assert [trace["line"]["shape"] for trace in spec["data"]] == ["hv"] * 3
