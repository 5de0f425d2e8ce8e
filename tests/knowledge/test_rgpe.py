from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from optuna.distributions import CategoricalDistribution, FloatDistribution

from smarttune.knowledge import StudyRecord, TaskKnowledge
from smarttune.knowledge._gp import GaussianProcess, _matern52
from smarttune.knowledge._rgpe import ranking_losses, rgpe_weights, source_model
from smarttune.space import SpaceEncoder

SPACE = {"x": FloatDistribution(0, 1), "y": FloatDistribution(0, 1)}


def bowl(params: dict[str, Any]) -> float:
    return -((params["x"] - 0.3) ** 2) - (params["y"] - 0.7) ** 2


def hill(params: dict[str, Any]) -> float:
    return -bowl(params)


def record(name: str, f: Any, seed: int, n: int = 40, direction: str = "maximize") -> StudyRecord:
    rng = np.random.default_rng(seed)
    params = [{"x": float(a), "y": float(b)} for a, b in rng.random((n, 2))]
    sign = -1.0 if direction == "minimize" else 1.0
    return StudyRecord(
        name=name,
        task=name,
        family="toy",
        dataset=name,
        direction=direction,
        meta_features={},
        space=SPACE,
        params=params,
        values=[sign * f(p) for p in params],
    )


def target(n: int, seed: int = 7) -> tuple[np.ndarray, np.ndarray]:
    X = np.random.default_rng(seed).random((n, 2))
    return X, np.array([bowl({"x": a, "y": b}) for a, b in X])


def test_ranking_loss_counts_misordered_pairs() -> None:
    y = np.array([0.0, 1.0, 2.0])
    draws = np.array([[0.0, 1.0, 2.0], [2.0, 1.0, 0.0], [1.0, 0.0, 2.0]])
    # each unordered pair counts once per direction it is wrong in
    assert ranking_losses(draws, y).tolist() == [0.0, 6.0, 2.0]


def test_leave_one_out_matches_refitting_without_the_point() -> None:
    X, y = target(12)
    gp = GaussianProcess(X, y)
    mean, var = gp.leave_one_out()
    z = (y - y.mean()) / y.std()
    for i in (0, 5, 11):
        keep = np.arange(len(y)) != i
        k = _matern52(X[keep], X[keep], gp.length_scale) + gp.noise * np.eye(len(y) - 1)
        k_star = _matern52(X[i : i + 1], X[keep], gp.length_scale)
        expected_mean = float((k_star @ np.linalg.solve(k, z[keep]))[0])
        expected_var = 1.0 + gp.noise - float((k_star @ np.linalg.solve(k, k_star.T))[0, 0])
        assert mean[i] == pytest.approx(y.mean() + y.std() * expected_mean, rel=1e-6)
        assert var[i] == pytest.approx(y.var() * expected_var, rel=1e-6)


def test_weights_go_to_the_related_source_not_the_opposite_one() -> None:
    encoder = SpaceEncoder(SPACE)
    models = [
        source_model(record(n, f, s), encoder, seed=0)
        for n, f, s in [("a", bowl, 1), ("b", hill, 2)]
    ]
    X, y = target(10)
    weights = rgpe_weights([m for m in models if m is not None], X, y, rng=np.random.default_rng(0))
    assert weights.sum() == pytest.approx(1.0)
    assert weights[0] > 0.8 and weights[1] == 0.0


def test_weights_are_uniform_below_three_observations() -> None:
    encoder = SpaceEncoder(SPACE)
    model = source_model(record("a", bowl, 1), encoder, seed=0)
    assert model is not None
    X, y = target(2)
    weights = rgpe_weights([model, model], X, y, rng=np.random.default_rng(0))
    assert weights.tolist() == pytest.approx([1 / 3, 1 / 3, 1 / 3])


def test_prior_mean_follows_a_related_minimizing_source() -> None:
    knowledge = TaskKnowledge([], sources=(record("a", bowl, 1, direction="minimize"),))
    encoder = SpaceEncoder(SPACE)
    X, y = target(8)
    prior = knowledge.prior_mean(encoder, X, y)
    assert prior is not None
    at_optimum, far = prior(np.array([[0.3, 0.7], [1.0, 0.0]]))
    assert at_optimum > far + 1.0


def test_prior_mean_is_none_when_only_an_opposite_source_exists() -> None:
    knowledge = TaskKnowledge([], sources=(record("b", hill, 2),))
    X, y = target(15)
    assert knowledge.prior_mean(SpaceEncoder(SPACE), X, y) is None


def test_prior_mean_is_none_when_no_source_maps_onto_the_space() -> None:
    other = {"x": CategoricalDistribution(["a", "b"])}
    knowledge = TaskKnowledge([], sources=(record("a", bowl, 1),))
    assert knowledge.prior_mean(SpaceEncoder(other), np.empty((0, 1)), np.empty(0)) is None


def test_prior_mean_with_no_observations_averages_the_sources() -> None:
    knowledge = TaskKnowledge([], sources=(record("a", bowl, 1), record("c", bowl, 3)))
    encoder = SpaceEncoder(SPACE)
    prior = knowledge.prior_mean(encoder, np.empty((0, 2)), np.empty(0))
    assert prior is not None
    values = prior(np.array([[0.3, 0.7], [0.95, 0.05]]))
    assert values[0] > values[1] and all(math.isfinite(v) for v in values)


def test_large_sources_are_subsampled_to_their_best_half_and_a_random_rest() -> None:
    big = record("big", bowl, 4, n=300)
    model = source_model(big, SpaceEncoder(SPACE), seed=0)
    assert model is not None and len(model._X) == 120
