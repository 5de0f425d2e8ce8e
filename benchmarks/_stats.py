"""Statistics of the sampler benchmark: ranks, per-cell medians, win counts, tests.

Pure functions over plain data, so that they can be tested on constructed numbers. A *block*
is one problem and seed (BBOB: function x dim x instance x seed; task: task x seed) on which
every sampler ran; its values are losses (regret, or the negated score of a maximized task),
lower is better.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from statistics import median
from typing import Any

import numpy as np

#: Two medians closer than this are a tie (both ~0 on a solved problem, or the same plateau).
TIE_ATOL = 1e-8
#: Added before taking log10 of regrets for the Wilcoxon tests, so that 0 is finite.
LOG_FLOOR = 1e-8

Blocks = dict[tuple[Any, ...], dict[str, float]]


@dataclass(frozen=True)
class Comparison:
    """How one sampler's per-cell medians compare with another's."""

    wins: int
    ties: int
    losses: int

    @property
    def cells(self) -> int:
        """All cells compared."""
        return self.wins + self.ties + self.losses

    @property
    def win_fraction(self) -> float:
        """Strict wins over all cells (a tie is not a win); NaN without cells."""
        return self.wins / self.cells if self.cells else math.nan


def mean_ranks(blocks: Blocks, samplers: Sequence[str]) -> dict[str, float]:
    """Mean over blocks of each sampler's rank (1 = lowest loss; ties share the mean rank)."""
    from scipy.stats import rankdata

    if not blocks:
        return {name: math.nan for name in samplers}
    ranks = np.array([rankdata([block[s] for s in samplers]) for block in blocks.values()])
    return dict(zip(samplers, ranks.mean(axis=0).tolist(), strict=True))


def cell_medians(
    blocks: Blocks, samplers: Sequence[str], cell_of: Any
) -> dict[Any, dict[str, float]]:
    """Median loss per sampler within each cell; ``cell_of(block_key)`` names a block's cell."""
    grouped: dict[Any, dict[str, list[float]]] = {}
    for key, block in blocks.items():
        losses = grouped.setdefault(cell_of(key), {name: [] for name in samplers})
        for name in samplers:
            losses[name].append(block[name])
    return {
        cell: {name: float(median(values)) for name, values in losses.items()}
        for cell, losses in grouped.items()
    }


def compare(
    medians: Mapping[Any, Mapping[str, float]], sampler: str, other: str, atol: float = TIE_ATOL
) -> Comparison:
    """Count cells where ``sampler``'s median loss is lower than, within ``atol`` of, or above
    ``other``'s."""
    wins = ties = losses = 0
    for cell in medians.values():
        difference = cell[sampler] - cell[other]
        if abs(difference) <= atol:
            ties += 1
        elif difference < 0:
            wins += 1
        else:
            losses += 1
    return Comparison(wins, ties, losses)


def holm(p_values: Sequence[float]) -> list[float]:
    """Holm-Bonferroni adjusted p-values, in the order given."""
    m = len(p_values)
    adjusted = [0.0] * m
    running = 0.0
    for step, index in enumerate(sorted(range(m), key=lambda i: p_values[i])):
        running = max(running, min(1.0, (m - step) * p_values[index]))
        adjusted[index] = running
    return adjusted


def friedman(blocks: Blocks, samplers: Sequence[str]) -> tuple[float, float]:
    """Friedman chi-square statistic and p-value; NaN where it is undefined."""
    from scipy.stats import friedmanchisquare

    if len(samplers) < 3 or len(blocks) < 2:
        return math.nan, math.nan
    columns = [[block[s] for block in blocks.values()] for s in samplers]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all blocks tied: nan, said as nan
        result = friedmanchisquare(*columns)
    return float(result.statistic), float(result.pvalue)


def wilcoxon_p(x: Sequence[float], y: Sequence[float]) -> float:
    """Two-sided Wilcoxon signed-rank p-value of paired samples (1.0 when all pairs tie)."""
    from scipy.stats import wilcoxon

    differences = np.asarray(x, dtype=float) - np.asarray(y, dtype=float)
    if not np.any(differences):
        return 1.0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # normal approximation with ties/zeros
        warnings.simplefilter("ignore", RuntimeWarning)
        return float(wilcoxon(differences).pvalue)


def pairwise_wilcoxon(
    blocks: Blocks, reference: str, samplers: Sequence[str]
) -> dict[str, tuple[float, float]]:
    """Reference vs each other sampler on log10(loss + LOG_FLOOR): (p, Holm-adjusted p).

    The log puts functions whose f-ranges differ by orders of magnitude on one footing; it
    needs non-negative losses (regrets).
    """
    others = [name for name in samplers if name != reference]

    def logged(name: str) -> list[float]:
        return [math.log10(block[name] + LOG_FLOOR) for block in blocks.values()]

    raw = [wilcoxon_p(logged(reference), logged(other)) for other in others]
    return dict(zip(others, zip(raw, holm(raw), strict=True), strict=True))
