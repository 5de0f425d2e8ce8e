from __future__ import annotations

import math

import numpy as np
import pytest

from smarttune.compare import CellResult, ComparisonResults, CurvePoint, ParamRecord
from smarttune.report._comparison_png import (
    cd_diagram_data,
    curve_bands,
    interaction_data,
    param_scatter_data,
)


def _results() -> ComparisonResults:
    cells, curves, params = [], [], []
    for seed in range(4):
        for method, offset in (("good", 0.0), ("bad", 1.0), ("worse", 2.0)):
            values = [5.0 + offset, 3.0 + offset, 4.0 + offset]
            best = np.minimum.accumulate(values)
            cells.append(
                CellResult(
                    method,
                    "t",
                    seed,
                    "trials",
                    3.0,
                    "minimize",
                    "loss",
                    float(best[-1]),
                    math.nan,
                    3,
                    3.0,
                    0.1,
                )
            )
            for i, (v, b) in enumerate(zip(values, best, strict=True), start=1):
                curves.append(CurvePoint(method, "t", seed, 3.0, i, float(i), v, float(b)))
                params.append(ParamRecord(method, "t", seed, 3.0, i, "x", str(i), float(i), v))
                params.append(
                    ParamRecord(method, "t", seed, 3.0, i, "y", str(seed), float(seed), v)
                )
                params.append(ParamRecord(method, "t", seed, 3.0, i, "k", "a", None, v))
    return ComparisonResults(cells, curves, params, {})


def test_curve_bands_give_the_median_best_so_far_per_evaluation_and_second() -> None:
    bands = curve_bands(_results(), "t")
    assert bands["good"].x == [1.0, 2.0, 3.0]
    assert bands["good"].median == [5.0, 3.0, 3.0]
    assert bands["worse"].lower == bands["worse"].upper == [7.0, 5.0, 5.0]
    timed = curve_bands(_results(), "t", x="elapsed_s", n_points=5)
    assert timed["bad"].x[0] == 1.0 or timed["bad"].x[0] == 0.0
    assert timed["bad"].median[-1] == 4.0


def test_cd_diagram_ranks_the_consistent_winner_first() -> None:
    ranks, cd, groups = cd_diagram_data(_results())
    assert ranks == {"bad": 2.0, "good": 1.0, "worse": 3.0}
    assert cd == pytest.approx(2.343 * math.sqrt(12 / 24), abs=1e-3)  # k = 3, N = 4 blocks
    # CD = 1.66: neighbours (rank gap 1) are joined, good and worse (gap 2) are not.
    assert groups == [("good", "bad"), ("bad", "worse")]


def test_param_data_and_interaction_bins() -> None:
    data = param_scatter_data(_results(), "t")
    assert set(data) == {"x", "y", "k"} and len(data["x"]) == 36
    assert data["k"][0][0] == "a"
    records = _results().params
    x_edges, y_edges, grid = interaction_data(records, "x", "y", bins=2, maximize=False)
    assert x_edges == [1.0, 2.0, 3.0] and y_edges == [0.0, 1.5, 3.0]
    assert grid.shape == (2, 2)
    assert grid[0, 0] == 5.0  # x = 1 (first evaluation), seeds 0-1: best of 5, 6, 7
