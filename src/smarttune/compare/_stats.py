"""Statistics over comparison results: ranks, Friedman, Wilcoxon-Holm, Nemenyi, regret, targets.

The tests follow J. Demšar, "Statistical Comparisons of Classifiers over Multiple Data Sets",
JMLR 7, 2006: methods are ranked within each *block* (a task and a seed), the Friedman test asks
whether the mean ranks differ at all, pairwise Wilcoxon signed-rank tests with Holm's
step-down correction (S. Holm, "A Simple Sequentially Rejective Multiple Test Procedure",
Scand. J. Statist. 6, 1979) say which pairs differ, and the Nemenyi critical difference is the
gap in mean rank a critical-difference diagram draws. Everything is pure numpy/scipy on a
``(blocks, methods)`` matrix; :func:`score_matrix` builds it from cell results.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from smarttune._validation import Interval, Options, validate_parameter
from smarttune.exceptions import InvalidParameterError

if TYPE_CHECKING:
    from numpy.typing import ArrayLike, NDArray

    from smarttune.compare._results import CellResult, CurvePoint

__all__ = [
    "FriedmanResult",
    "PairwiseTest",
    "critical_difference",
    "friedman_test",
    "holm_correction",
    "mean_ranks",
    "normalized_regret",
    "pairwise_tests",
    "score_matrix",
    "time_to_target",
]

_DIRECTIONS = ("maximize", "minimize")


@dataclass(frozen=True)
class FriedmanResult:
    """The Friedman test: chi-square statistic (tie-corrected), p-value, number of blocks."""

    statistic: float
    p_value: float
    n_blocks: int


@dataclass(frozen=True)
class PairwiseTest:
    """A Wilcoxon signed-rank test of two methods over the blocks.

    ``better`` is the method with the lower mean rank when ``p_holm`` is below the level the
    tests were run at, else None.
    """

    a: str
    b: str
    p_value: float
    p_holm: float
    better: str | None


def _matrix(values: ArrayLike, direction: str) -> NDArray[np.float64]:
    """Values as a float matrix oriented so that lower is better."""
    validate_parameter("direction", direction, [Options(_DIRECTIONS)], owner="statistics")
    matrix = np.asarray(values, dtype=float)
    if matrix.ndim != 2 or matrix.shape[0] < 1 or matrix.shape[1] < 2:
        raise InvalidParameterError(
            "The 'values' parameter of statistics must be a (blocks, methods) matrix with at "
            f"least one block and two methods. Got shape {matrix.shape} instead."
        )
    if np.isnan(matrix).any():
        raise InvalidParameterError(
            "The 'values' parameter of statistics must not contain NaN (drop the blocks "
            "where a method failed)."
        )
    return -matrix if direction == "maximize" else matrix


def _ranks(matrix: NDArray[np.float64]) -> NDArray[np.float64]:
    from scipy import stats

    return np.asarray(stats.rankdata(matrix, axis=1), dtype=float)


def mean_ranks(
    values: ArrayLike, methods: Sequence[str], *, direction: str = "minimize"
) -> dict[str, float]:
    """Mean rank of each method over the blocks (1 = best; ties share the mean rank).

    Args:
        values: A ``(blocks, methods)`` matrix of final scores.
        methods: The name of each column.
        direction: Whether larger (``"maximize"``) or smaller values are better.
    """
    ranks = _ranks(_matrix(values, direction))
    _check_names(methods, ranks.shape[1])
    return {name: float(r) for name, r in zip(methods, ranks.mean(axis=0), strict=True)}


def friedman_test(values: ArrayLike, *, direction: str = "minimize") -> FriedmanResult:
    """The Friedman test that all methods have the same mean rank (M. Friedman, JASA 1937).

    The statistic is corrected for ties; when every block is one tie, no method differs and
    the result is a statistic of 0 and a p-value of 1.
    """
    from scipy import stats

    ranks = _ranks(_matrix(values, direction))
    n, k = ranks.shape
    rank_sums = ranks.sum(axis=0)
    raw = 12.0 / (n * k * (k + 1)) * float(np.sum(rank_sums**2)) - 3.0 * n * (k + 1)
    ties = sum(_tie_term(row) for row in ranks)
    denominator = 1.0 - ties / (n * (k**3 - k))
    if denominator <= 1e-12:
        return FriedmanResult(0.0, 1.0, n)
    statistic = max(raw / denominator, 0.0)
    return FriedmanResult(statistic, float(stats.chi2.sf(statistic, k - 1)), n)


def _tie_term(row: NDArray[np.float64]) -> float:
    _, counts = np.unique(row, return_counts=True)
    return float(np.sum(counts.astype(float) ** 3 - counts))


def holm_correction(p_values: Sequence[float]) -> list[float]:
    """Holm's step-down adjusted p-values, in the order given (each at most 1, monotone)."""
    order = np.argsort(np.asarray(p_values, dtype=float), kind="stable")
    m = len(order)
    adjusted = np.empty(m)
    running = 0.0
    for position, index in enumerate(order):
        running = max(running, min(1.0, (m - position) * float(p_values[index])))
        adjusted[index] = running
    return [float(p) for p in adjusted]


def pairwise_tests(
    values: ArrayLike,
    methods: Sequence[str],
    *,
    direction: str = "minimize",
    alpha: float = 0.05,
) -> list[PairwiseTest]:
    """Wilcoxon signed-rank tests of every pair of methods, Holm-corrected.

    A pair whose scores are equal on every block gets a p-value of 1.
    """
    from scipy import stats

    validate_parameter("alpha", alpha, [Interval(float, 0, 1, closed="neither")], owner="tests")
    matrix = _matrix(values, direction)
    _check_names(methods, matrix.shape[1])
    ranks = mean_ranks(values, methods, direction=direction)
    pairs, p_values = [], []
    for i in range(len(methods)):
        for j in range(i + 1, len(methods)):
            difference = matrix[:, i] - matrix[:, j]
            if np.allclose(difference, 0.0):
                p = 1.0
            else:
                p = float(stats.wilcoxon(matrix[:, i], matrix[:, j], zero_method="zsplit").pvalue)
            pairs.append((methods[i], methods[j]))
            p_values.append(p)
    tests = []
    for (a, b), p, p_holm in zip(pairs, p_values, holm_correction(p_values), strict=True):
        better = (a if ranks[a] < ranks[b] else b) if p_holm < alpha else None
        tests.append(PairwiseTest(a, b, p, p_holm, better))
    return tests


def critical_difference(n_methods: int, n_blocks: int, *, alpha: float = 0.05) -> float:
    """The Nemenyi critical difference of mean ranks: ``q_alpha * sqrt(k (k + 1) / (6 N))``.

    ``q_alpha`` is the studentized range quantile divided by sqrt(2) (Demšar 2006, Table 5:
    1.960 for two methods, 2.343 for three at alpha = 0.05).
    """
    from scipy import stats

    validate_parameter("n_methods", n_methods, [Interval(int, 2, None)], owner="Nemenyi")
    validate_parameter("n_blocks", n_blocks, [Interval(int, 1, None)], owner="Nemenyi")
    q = float(stats.studentized_range.ppf(1.0 - alpha, n_methods, 1e4)) / math.sqrt(2.0)
    return q * math.sqrt(n_methods * (n_methods + 1) / (6.0 * n_blocks))


def normalized_regret(
    value: float, *, optimum: float, reference: float, direction: str = "minimize"
) -> float:
    """How far ``value`` is from ``optimum``, as a fraction of the ``reference`` gap.

    0 at the optimum, 1 at the reference (e.g. random search's result, or the worst value
    seen), above 1 when ``value`` is worse than the reference.

    Raises:
        InvalidParameterError: If ``reference`` equals ``optimum``, or ``value`` is better
            than ``optimum``.
    """
    validate_parameter("direction", direction, [Options(_DIRECTIONS)], owner="normalized_regret")
    sign = -1.0 if direction == "maximize" else 1.0
    gap = sign * (reference - optimum)
    if gap <= 0:
        raise InvalidParameterError(
            f"normalized_regret() needs a reference worse than the optimum; got optimum "
            f"{optimum} and reference {reference} ({direction})."
        )
    regret = sign * (value - optimum)
    if regret < -1e-9 * max(1.0, abs(optimum)):
        raise InvalidParameterError(
            f"normalized_regret(): value {value} is better than the optimum {optimum}."
        )
    return max(regret, 0.0) / gap


def time_to_target(
    curve: Sequence[CurvePoint], target: float, *, direction: str = "minimize"
) -> tuple[int, float] | None:
    """The evaluations and seconds one run needed to reach ``target`` (None if it never did)."""
    validate_parameter("direction", direction, [Options(_DIRECTIONS)], owner="time_to_target")
    for point in sorted(curve, key=lambda p: p.evaluation):
        best = point.best_so_far
        if math.isnan(best):
            continue
        if (best >= target) if direction == "maximize" else (best <= target):
            return point.evaluation, point.elapsed_s
    return None


def score_matrix(
    cells: Sequence[CellResult],
    *,
    methods: Sequence[str] | None = None,
    value: str = "best_value",
) -> tuple[list[str], list[tuple[str, int, float]], NDArray[np.float64]]:
    """The ``(blocks, methods)`` matrix of a results table, ready for the tests above.

    A block is one task, seed and budget; blocks where a method is missing or failed are
    dropped, so every row compares the same runs. Scores of maximizing tasks are negated, so
    lower is better everywhere: pass ``direction="minimize"`` to the tests.

    Returns:
        The method names (columns), the block keys (rows) and the matrix.
    """
    names = list(methods) if methods is not None else sorted({c.method for c in cells})
    table: dict[tuple[str, int, float], dict[str, float]] = {}
    for cell in cells:
        score: Any = getattr(cell, value)
        if cell.status == "ok" and cell.method in names and not math.isnan(score):
            score = -score if cell.direction == "maximize" else score
            table.setdefault((cell.task, cell.seed, cell.budget), {})[cell.method] = float(score)
    blocks = sorted(key for key, row in table.items() if all(m in row for m in names))
    matrix = np.array([[table[key][m] for m in names] for key in blocks], dtype=float)
    return names, blocks, matrix.reshape(len(blocks), len(names))


def _check_names(methods: Sequence[str], n_columns: int) -> None:
    if len(methods) != n_columns:
        raise InvalidParameterError(
            f"The 'methods' parameter of statistics must name the {n_columns} columns. "
            f"Got {len(methods)} names instead."
        )
