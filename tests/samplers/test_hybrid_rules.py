from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest

from smarttune.samplers._hybrid._region import trust_region
from smarttune.samplers._hybrid._switch import decide_switch


@dataclass(frozen=True)
class Stats:
    population_best: float | None
    improvement: float | None
    diversity: float


RULE = {
    "min_generations": 2,
    "max_generations": 5,
    "tolerance": 0.05,
    "patience": 1,
    "diversity_floor": 0.1,
}


def test_waits_for_min_generations() -> None:
    decision = decide_switch([Stats(1.0, None, 0.9)], **RULE)
    assert not decision.switch
    assert decision.reason == "1 of at least 2 generations finished"


def test_switches_at_max_generations() -> None:
    stats = [Stats(1.0, None, 0.9)] + [Stats(1.0, 5.0, 0.9)] * 4
    assert decide_switch(stats, **RULE).reason == "max_generations=5 reached"


def test_stagnation_is_relative_to_the_total_improvement() -> None:
    improving = [Stats(1.0, None, 0.9), Stats(2.0, 10.0, 0.8), Stats(3.0, 1.0, 0.7)]
    assert not decide_switch(improving, **RULE).switch
    stagnant = [Stats(1.0, None, 0.9), Stats(2.0, 10.0, 0.8), Stats(3.0, 0.4, 0.7)]
    decision = decide_switch(stagnant, **RULE)
    assert decision.switch
    assert decision.reason.startswith("stagnation")


def test_patience_needs_several_stagnant_generations() -> None:
    stats = [
        Stats(1.0, None, 0.9),
        Stats(2.0, 10.0, 0.8),
        Stats(3.0, 5.0, 0.7),
        Stats(3.0, 0.0, 0.7),
    ]
    assert not decide_switch(stats, **{**RULE, "patience": 2}).switch
    assert decide_switch([*stats, Stats(3.0, 0.0, 0.6)], **{**RULE, "patience": 2}).switch


def test_converged_population_switches() -> None:
    stats = [Stats(1.0, None, 0.9), Stats(2.0, 10.0, 0.05)]
    assert decide_switch(stats, **RULE).reason.startswith("population converged")


def test_no_measured_improvement_keeps_exploring() -> None:
    stats = [Stats(None, None, 0.9), Stats(None, None, 0.9)]
    assert decide_switch(stats, **RULE).reason == "still improving"


def test_region_boxes_the_best_points_and_widens() -> None:
    X = np.array([[0.1, 0.5], [0.2, 0.6], [0.9, 0.9], [0.8, 0.1]])
    scores = np.array([4.0, 3.0, 1.0, 0.0])
    low, high = trust_region(
        X,
        scores,
        quantile=0.5,
        min_points=2,
        margin=0.0,
        min_width=0.0,
        is_categorical=np.array([False, False]),
    )
    np.testing.assert_allclose(low, [0.1, 0.5])
    np.testing.assert_allclose(high, [0.2, 0.6])
    low, high = trust_region(
        X,
        scores,
        quantile=0.5,
        min_points=2,
        margin=0.5,
        min_width=0.3,
        is_categorical=np.array([False, True]),
    )
    np.testing.assert_allclose(low, [0.0, 0.0], atol=1e-12)
    np.testing.assert_allclose(high, [0.3, 1.0])


@pytest.mark.parametrize("quantile", [0.01, 1.0])
def test_region_handles_absent_parameters_and_bounds(quantile: float) -> None:
    X = np.array([[np.nan, 0.5], [np.nan, 0.7]])
    low, high = trust_region(
        X,
        np.array([1.0, 0.0]),
        quantile=quantile,
        min_points=1,
        margin=0.1,
        min_width=0.05,
        is_categorical=np.array([False, False]),
    )
    assert low[0] == 0.0 and high[0] == 1.0
    assert 0.0 <= low[1] < 0.5 < high[1] <= 1.0


def test_fit_steps_taper_beyond_300_observations() -> None:
    from smarttune.samplers import HybridSampler

    sampler = HybridSampler()
    assert sampler._fit_steps(100) is None  # the learner's own 150 steps
    assert sampler._fit_steps(300) is None
    assert sampler._fit_steps(600) == 75
    assert sampler._fit_steps(5000) == 50
