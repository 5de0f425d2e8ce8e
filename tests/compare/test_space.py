from __future__ import annotations

import math

import pytest
from optuna.distributions import CategoricalDistribution, FloatDistribution, IntDistribution
from tests_benchmark_objectives import mixed  # type: ignore[import-not-found]

from smarttune.compare._space import clip_to, discover_space, grid_points


def test_discover_space_finds_the_conditional_parameter_of_each_branch() -> None:
    space = discover_space(mixed, seed=0)
    assert set(space) == {"x", "n", "kind", "extra"}
    assert space["x"] == FloatDistribution(1e-3, 1e1, log=True)
    assert space["kind"] == CategoricalDistribution(["a", "b"])


def test_grid_points_fill_the_budget_without_exceeding_it() -> None:
    space = {
        "a": FloatDistribution(1e-3, 1e3, log=True),
        "b": IntDistribution(1, 20),
        "c": CategoricalDistribution(["x", "y"]),
    }
    grid = grid_points(space, 30)
    assert math.prod(len(v) for v in grid.values()) <= 30
    assert grid["a"] == pytest.approx([1e-3, 10**-1.5, 1.0, 10**1.5, 1e3])
    assert grid["b"] == [1, 11, 20] and grid["c"] == ["x", "y"]
    assert grid_points(space, 1)["a"] == pytest.approx([1.0])  # the geometric middle


def test_clip_to_moves_values_inside_and_onto_the_step() -> None:
    assert clip_to(IntDistribution(1, 10), 10.6) == 10
    assert clip_to(IntDistribution(0, 10, step=2), 3.2) == 4
    assert clip_to(FloatDistribution(1e-3, 1e3, log=True), 1000.0000001) == 1e3
    assert clip_to(CategoricalDistribution(["a"]), "a") == "a"
