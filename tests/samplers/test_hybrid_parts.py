from __future__ import annotations

import math

import numpy as np
import pytest
from optuna.distributions import CategoricalDistribution, FloatDistribution

from smarttune.samplers._common import yeo_johnson_scores
from smarttune.samplers._hybrid._acquisition import EvolutionSettings, breed, maximize_draw
from smarttune.samplers._hybrid._decide import decide_step
from smarttune.samplers._hybrid._region import region_box, replay_region
from smarttune.space import SpaceEncoder
from smarttune.surrogates import GaussianProcess, PosteriorDraw

SMALL = EvolutionSettings(n_initial=256, population=32, generations=3)


def test_region_doubles_after_three_successes_and_halves_after_failures() -> None:
    improving = [0.0, 1.0, 2.0, 3.0]  # one startup value, then three improvements
    assert replay_region(improving, 1, dim=2).length == pytest.approx(1.6)
    stuck = [5.0] + [1.0] * 4  # failure tolerance max(4, dim) = 4
    assert replay_region(stuck, 1, dim=2).length == pytest.approx(0.4)
    assert replay_region([5.0] + [1.0] * 7, 1, dim=8).length == pytest.approx(0.8)
    assert replay_region([5.0] + [1.0] * 8, 1, dim=8).length == pytest.approx(0.4)
    assert replay_region([5.0] + [1.0] * 3, 1, dim=2).failures == 3


def test_region_resets_when_it_shrinks_below_the_minimum() -> None:
    state = replay_region([1.0] + [0.0] * 4 * 7, 1, dim=1)  # 0.8 / 2**7 < 0.5**7
    assert (state.resets, state.length) == (1, pytest.approx(0.8))
    assert replay_region([1.0] + [0.0] * 4 * 6, 1, dim=1).resets == 0


def test_region_box_is_stretched_by_lengthscales_and_clipped() -> None:
    centre = np.array([0.5, 0.9, 0.3])
    numeric = np.array([True, True, False])
    lower, upper = region_box(centre, 0.4, np.array([0.5, 2.0]), numeric)
    # sides 0.4 * [0.5, 2.0] (geometric mean 1) = [0.2, 0.8]; the second is clipped at 1.0
    np.testing.assert_allclose(upper[:2] - lower[:2], [0.2, 0.5])
    np.testing.assert_allclose(lower[:2], [0.4, 0.5])
    assert (lower[2], upper[2]) == (0.0, 1.0)


def test_decide_step_initial_genetic_and_model() -> None:
    assert decide_step(3, 5, None, 0.3).step == "initial"
    low = decide_step(8, 5, 0.1, 0.3)
    assert (low.step, low.loo_spearman) == ("genetic", 0.1)
    assert low.reason == "leave-one-out Spearman 0.1 < 0.3"
    assert decide_step(8, 5, 0.9, 0.3).step == "bandit"
    assert decide_step(8, 5, math.nan, 0.3).step == "bandit"


def _linear_draw(encoder: SpaceEncoder, seed: int) -> PosteriorDraw:
    rng = np.random.default_rng(seed)
    X = rng.random((20, encoder.dim))
    gp = GaussianProcess().fit(encoder.features(X), X.sum(1))
    return PosteriorDraw(gp, rng)


def test_maximize_draw_reaches_the_bounds_exactly() -> None:
    encoder = SpaceEncoder({f"x{i}": FloatDistribution(0, 1) for i in range(3)})
    rng = np.random.default_rng(0)
    best = maximize_draw(
        encoder, _linear_draw(encoder, 0), np.empty((0, 3)), np.empty((0, 3)), rng, SMALL
    )
    np.testing.assert_array_equal(best, [1.0, 1.0, 1.0])


def test_maximize_draw_stays_in_the_region() -> None:
    encoder = SpaceEncoder({f"x{i}": FloatDistribution(0, 1) for i in range(2)})
    region = (np.array([0.2, 0.1]), np.array([0.4, 0.3]))
    elites = np.array([[0.9, 0.9]])  # outside: clipped into the region
    rng = np.random.default_rng(1)
    draw = _linear_draw(encoder, 1)
    best = maximize_draw(encoder, draw, elites, np.empty((0, 2)), rng, SMALL, region=region)
    np.testing.assert_array_equal(best, [0.4, 0.3])


def test_maximize_draw_avoids_excluded_configurations() -> None:
    encoder = SpaceEncoder(
        {"c": CategoricalDistribution(["a", "b", "c"]), "x": FloatDistribution(0, 1)}
    )
    draw = _linear_draw(encoder, 2)
    rng = np.random.default_rng(2)
    first = maximize_draw(encoder, draw, np.empty((0, 2)), np.empty((0, 2)), rng, SMALL)
    again = maximize_draw(encoder, draw, np.empty((0, 2)), first[None, :], rng, SMALL)
    assert encoder.decode(again) != encoder.decode(first)


def test_breed_keeps_children_in_the_box_and_categoricals_valid() -> None:
    encoder = SpaceEncoder({"c": CategoricalDistribution(["a", "b"]), "x": FloatDistribution(0, 1)})
    rng = np.random.default_rng(3)
    population = rng.random((50, 2))
    box = (np.array([0.0, 0.25]), np.array([1.0, 0.5]))
    children = breed(encoder, population, population[:, 1], rng, box)
    assert children.shape == (50, 2)
    assert np.all((children[:, 1] >= 0.25) | np.isin(children[:, 1], population[:, 1]))
    assert np.all((children >= 0.0) & (children <= 1.0))


def test_yeo_johnson_scores_are_monotone_standardized_and_robust() -> None:
    values = np.array([1.0, 2.0, 3.0, 100.0, np.inf, -np.inf])
    scores = yeo_johnson_scores(values)
    assert np.all(np.isfinite(scores))
    assert np.all(np.diff(scores[:4]) > 0)
    assert scores[5] == scores.min()
    assert abs(scores.mean()) < 1e-9 and scores.std() == pytest.approx(1.0)
    np.testing.assert_array_equal(yeo_johnson_scores(np.ones(4)), np.zeros(4))
