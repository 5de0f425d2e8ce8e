from __future__ import annotations

import math

import numpy as np
import pytest

from smarttune.compare import (
    CellResult,
    CurvePoint,
    critical_difference,
    friedman_test,
    holm_correction,
    mean_ranks,
    normalized_regret,
    pairwise_tests,
    score_matrix,
    time_to_target,
)
from smarttune.exceptions import InvalidParameterError


def test_a_method_that_always_wins_has_mean_rank_one() -> None:
    rng = np.random.default_rng(0)
    others = rng.uniform(1.0, 2.0, size=(12, 3))
    values = np.column_stack([np.zeros(12), others])  # minimized: column 0 always lowest
    ranks = mean_ranks(values, ["winner", "a", "b", "c"])
    assert ranks["winner"] == 1.0
    assert sum(ranks.values()) == pytest.approx(1 + 2 + 3 + 4)


def test_maximize_flips_the_ranks_and_ties_share_the_mean_rank() -> None:
    values = [[3.0, 1.0, 1.0]]
    assert mean_ranks(values, ["a", "b", "c"], direction="maximize") == {
        "a": 1.0,
        "b": 2.5,
        "c": 2.5,
    }
    assert mean_ranks(values, ["a", "b", "c"]) == {"a": 3.0, "b": 1.5, "c": 1.5}


def test_friedman_on_identical_columns_gives_p_one() -> None:
    column = np.arange(8.0)
    result = friedman_test(np.column_stack([column, column, column]))
    assert result.statistic == 0.0
    assert result.p_value == 1.0
    assert result.n_blocks == 8


def test_friedman_matches_the_textbook_statistic_for_consistent_ranks() -> None:
    # Every block ranks the k methods 1..k: chi2 = n (k - 1) (the maximum), no ties.
    n, k = 10, 4
    values = np.tile(np.arange(k, dtype=float), (n, 1))
    result = friedman_test(values)
    assert result.statistic == pytest.approx(n * (k - 1))
    assert result.p_value < 1e-5


def test_holm_correction_on_known_p_values() -> None:
    # sorted: 0.01 * 3 = 0.03, 0.03 * 2 = 0.06, max(0.06, 0.04 * 1) = 0.06
    assert holm_correction([0.01, 0.04, 0.03]) == pytest.approx([0.03, 0.06, 0.06])
    assert holm_correction([0.5, 0.9]) == pytest.approx([1.0, 1.0])


def test_pairwise_tests_find_the_consistent_winner_and_ignore_equal_pairs() -> None:
    base = np.arange(10.0)
    values = np.column_stack([base, base + 1.0, base + 1.0])
    tests = {(t.a, t.b): t for t in pairwise_tests(values, ["best", "x", "y"])}
    assert tests[("best", "x")].better == "best"
    assert tests[("best", "x")].p_value == pytest.approx(2 / 2**10)  # exact two-sided, n = 10
    assert tests[("x", "y")].p_value == 1.0
    assert tests[("x", "y")].better is None


def test_critical_difference_matches_demsar_table() -> None:
    # q_0.05 = 1.960 (k = 2) and 2.343 (k = 3); CD = q sqrt(k (k + 1) / (6 N)).
    assert critical_difference(2, 10) == pytest.approx(1.960 * math.sqrt(6 / 60), abs=1e-3)
    assert critical_difference(3, 20) == pytest.approx(2.343 * math.sqrt(12 / 120), abs=1e-3)


def test_normalized_regret_is_zero_at_the_optimum_and_one_at_the_reference() -> None:
    assert normalized_regret(0.0, optimum=0.0, reference=10.0) == 0.0
    assert normalized_regret(10.0, optimum=0.0, reference=10.0) == 1.0
    assert normalized_regret(
        0.9, optimum=1.0, reference=0.5, direction="maximize"
    ) == pytest.approx(0.2)
    with pytest.raises(InvalidParameterError, match="better than the optimum"):
        normalized_regret(-1.0, optimum=0.0, reference=1.0)
    with pytest.raises(InvalidParameterError, match="reference worse than the optimum"):
        normalized_regret(1.0, optimum=0.0, reference=0.0)


def _curve(values: list[float]) -> list[CurvePoint]:
    best, points = math.inf, []
    for i, v in enumerate(values, start=1):
        best = min(best, v)
        points.append(CurvePoint("m", "t", 0, len(values), i, float(i) * 0.5, v, best))
    return points


def test_time_to_target_returns_the_first_evaluation_and_time_that_reach_it() -> None:
    curve = _curve([5.0, 4.0, 2.0, 3.0, 1.0])
    assert time_to_target(curve, 2.0) == (3, 1.5)
    assert time_to_target(curve, 0.5) is None
    assert time_to_target(curve, 5.0, direction="maximize") == (1, 0.5)


def _cell(
    method: str, task: str, seed: int, value: float, direction: str = "minimize"
) -> CellResult:
    return CellResult(
        method, task, seed, "trials", 10.0, direction, "m", value, math.nan, 10, 1.0, 0.1
    )


def test_score_matrix_orients_maximized_tasks_and_drops_incomplete_blocks() -> None:
    cells = [
        _cell("a", "max-task", 0, 0.9, "maximize"),
        _cell("b", "max-task", 0, 0.8, "maximize"),
        _cell("a", "min-task", 0, 1.0),
        _cell("b", "min-task", 0, 2.0),
        _cell("a", "min-task", 1, 1.0),  # b missing on seed 1: block dropped
    ]
    methods, blocks, matrix = score_matrix(cells)
    assert methods == ["a", "b"]
    assert blocks == [("max-task", 0, 10.0), ("min-task", 0, 10.0)]
    np.testing.assert_allclose(matrix, [[-0.9, -0.8], [1.0, 2.0]])
    assert mean_ranks(matrix, methods) == {"a": 1.0, "b": 2.0}


def test_statistics_reject_bad_input() -> None:
    with pytest.raises(InvalidParameterError, match="two methods"):
        mean_ranks([[1.0]], ["a"])
    with pytest.raises(InvalidParameterError, match="NaN"):
        friedman_test([[1.0, math.nan]])
    with pytest.raises(InvalidParameterError, match="must name the 2 columns"):
        mean_ranks([[1.0, 2.0]], ["a"])
    with pytest.raises(InvalidParameterError, match="'direction'"):
        friedman_test([[1.0, 2.0]], direction="up")
