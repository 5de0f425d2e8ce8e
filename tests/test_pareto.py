from __future__ import annotations

import itertools

import numpy as np
import pytest

from smarttune._pareto import (
    as_losses,
    crowding_distance,
    epsilon_net_order,
    hypervolume,
    nondominated_ranks,
    pareto_mask,
)


def test_as_losses_negates_maximized_columns() -> None:
    losses = as_losses([[0.9, 3.0], [0.5, 1.0]], ["maximize", "minimize"])
    np.testing.assert_array_equal(losses, [[-0.9, 3.0], [-0.5, 1.0]])


def test_nondominated_ranks_peel_fronts() -> None:
    points = [[1, 4], [2, 2], [4, 1], [2, 4], [3, 3], [5, 5]]
    np.testing.assert_array_equal(nondominated_ranks(points), [0, 0, 0, 1, 1, 2])


def test_duplicates_share_a_front_and_empty_input_is_empty() -> None:
    np.testing.assert_array_equal(nondominated_ranks([[1, 1], [1, 1], [2, 2]]), [0, 0, 1])
    assert nondominated_ranks(np.zeros((0, 2))).size == 0


@pytest.mark.parametrize("seed", range(3))
def test_ranks_match_brute_force_dominance(seed: int) -> None:
    points = np.random.default_rng(seed).integers(0, 6, size=(30, 3)).astype(float)
    mask = pareto_mask(points)
    for i, p in enumerate(points):
        dominated = any(np.all(q <= p) and np.any(q < p) for q in points)
        assert mask[i] == (not dominated)


def test_crowding_distance_extremes_infinite_and_middle_by_gaps() -> None:
    distance = crowding_distance([[0, 4], [1, 3], [3, 1], [4, 0]])
    assert np.isinf(distance[0]) and np.isinf(distance[3])
    # Point 1: (3 - 0) / 4 + (4 - 1) / 4 = 1.5; point 2 likewise.
    np.testing.assert_allclose(distance[1:3], [1.5, 1.5])


def test_epsilon_net_starts_best_first_objective_then_farthest() -> None:
    points = [[0.5, 0.5], [0.0, 1.0], [0.1, 0.9], [1.0, 0.0]]
    order = epsilon_net_order(points).tolist()
    assert order[:2] == [1, 3]  # the best first objective, then the farthest from it
    assert sorted(order) == [0, 1, 2, 3]


def test_hypervolume_2d_is_the_union_of_boxes() -> None:
    # Sweep in x to (4, 4): widths 1, 1, 1 times heights 1, 2, 3 give 6.
    assert hypervolume([[1, 3], [2, 2], [3, 1]], [4, 4]) == pytest.approx(6.0)


def test_hypervolume_ignores_dominated_points_and_points_beyond_reference() -> None:
    base = hypervolume([[1, 3], [2, 2]], [4, 4])
    assert hypervolume([[1, 3], [2, 2], [3, 3], [5, 0]], [4, 4]) == pytest.approx(base)
    assert hypervolume(np.zeros((0, 2)), [1, 1]) == 0.0


@pytest.mark.parametrize("seed", range(3))
def test_hypervolume_3d_and_4d_match_grid_counting(seed: int) -> None:
    rng = np.random.default_rng(seed)
    for m in (3, 4):
        points = rng.integers(0, 4, size=(8, m)).astype(float)
        reference = [4.0] * m
        cells = itertools.product(range(4), repeat=m)
        covered = sum(any(np.all(p <= np.array(c)) for p in points) for c in cells)
        assert hypervolume(points, reference) == pytest.approx(covered)
