from __future__ import annotations

import math

import pytest

from smarttune.compare import CellResult
from smarttune.compare._bayesmark import bayesmark_scores
from smarttune.exceptions import InvalidParameterError


def _cell(method: str, task: str, seed: int, value: float, direction: str) -> CellResult:
    return CellResult(
        method, task, seed, "trials", 100.0, direction, "m", value, math.nan, 100, 1.0, 0.1
    )


def test_random_scores_zero_and_the_best_observed_scores_one_hundred() -> None:
    cells = []
    for seed in range(3):
        cells += [
            _cell("random", "acc", seed, 0.80, "maximize"),
            _cell("oracle", "acc", seed, 0.90, "maximize"),  # the best value ever seen
            _cell("half", "acc", seed, 0.85, "maximize"),
            _cell("random", "loss", seed, 10.0, "minimize"),
            _cell("oracle", "loss", seed, 2.0, "minimize"),
            _cell("half", "loss", seed, 6.0, "minimize"),
        ]
    scores = bayesmark_scores(cells)
    assert scores["random"]["acc"] == pytest.approx(0.0)
    assert scores["oracle"]["loss"] == pytest.approx(100.0)
    assert scores["half"]["acc"] == pytest.approx(50.0)
    assert scores["half"]["mean"] == pytest.approx(50.0)


def test_only_the_largest_trials_budget_counts_and_random_is_required() -> None:
    small = CellResult(
        "random", "t", 0, "trials", 10.0, "minimize", "m", 100.0, math.nan, 10, 1.0, 0.1
    )
    cells = [small, _cell("random", "t", 0, 4.0, "minimize"), _cell("m", "t", 0, 2.0, "minimize")]
    cells.append(_cell("m", "t", 1, 0.0, "minimize"))  # a seed random lacks still sets the optimum
    scores = bayesmark_scores(cells)
    assert scores["random"]["t"] == pytest.approx(0.0)  # normalized by 4.0, not by 100.0
    assert scores["m"]["t"] == pytest.approx(100 * (1 - 1.0 / 4.0))
    with pytest.raises(InvalidParameterError, match="normalized by 'random'"):
        bayesmark_scores([_cell("m", "t", 0, 1.0, "minimize")])
