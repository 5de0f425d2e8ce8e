from __future__ import annotations

import math

import numpy as np
from optuna.distributions import CategoricalDistribution, FloatDistribution, IntDistribution

from smarttune.pbt import PERTURBATION_FACTORS, perturb, truncation_pairs

SPACE = {
    "learning_rate": FloatDistribution(1e-4, 1.0, log=True),
    "dropout_0": FloatDistribution(0.2, 0.5),
    "units": IntDistribution(4, 128),
    "optimizer": CategoricalDistribution(["Adam", "SGD", "RMSprop"]),
}
PARAMS = {"learning_rate": 0.01, "dropout_0": 0.3, "units": 10, "optimizer": "Adam"}


def test_truncation_pairs_bottom_quantile_copies_the_top_quantile() -> None:
    scores = [0.1, 0.9, 0.5, 0.2, 0.8, 0.7, 0.3, 0.6]
    pairs = truncation_pairs(scores, quantile=0.25, maximize=True, rng=np.random.default_rng(0))
    assert set(pairs) == {0, 3}  # the two worst
    assert set(pairs.values()) <= {1, 4}  # the two best


def test_truncation_pairs_minimize_and_non_finite_scores_rank_last() -> None:
    scores = [1.0, math.nan, 3.0, 0.5]
    pairs = truncation_pairs(scores, quantile=0.25, maximize=False, rng=np.random.default_rng(0))
    assert pairs == {1: 3}  # NaN is the worst, 0.5 the best loss
    pairs = truncation_pairs(scores, quantile=0.5, maximize=False, rng=np.random.default_rng(0))
    assert set(pairs) == {1, 2} and set(pairs.values()) <= {0, 3}


def test_truncation_pairs_draw_donors_uniformly_from_the_top() -> None:
    rng = np.random.default_rng(1)
    donors = [
        truncation_pairs([0, 1, 2, 3, 4, 5, 6, 7], quantile=0.25, maximize=True, rng=rng)[0]
        for _ in range(400)
    ]
    assert set(donors) == {6, 7} and 150 < donors.count(7) < 250


def test_truncation_pairs_need_two_disjoint_ends() -> None:
    assert truncation_pairs([1.0], quantile=0.5, maximize=True, rng=np.random.default_rng(0)) == {}


def test_perturb_multiplies_numbers_by_the_factors() -> None:
    rng = np.random.default_rng(0)
    seen = set()
    for _ in range(50):
        new = perturb(PARAMS, SPACE, explore=["learning_rate", "dropout*"],
                      resample_probability=0.0, categorical_resample_probability=0.0, rng=rng)  # fmt: skip
        ratio = new["learning_rate"] / PARAMS["learning_rate"]
        assert any(math.isclose(ratio, f) for f in PERTURBATION_FACTORS)
        seen.add(round(ratio, 6))
        assert any(math.isclose(new["dropout_0"], 0.3 * f) for f in PERTURBATION_FACTORS)
        assert new["units"] == 10 and new["optimizer"] == "Adam"  # not explored
    assert seen == {0.8, 1.2}


def test_perturb_clips_to_the_range_and_moves_small_ints() -> None:
    rng = np.random.default_rng(0)
    for _ in range(30):
        new = perturb({**PARAMS, "dropout_0": 0.5, "units": 4}, SPACE, explore=["*"],
                      resample_probability=0.0, categorical_resample_probability=0.0, rng=rng)  # fmt: skip
        assert new["dropout_0"] in (0.4, 0.5)  # 0.5 * 1.2 is clipped to 0.5
        assert new["units"] == 5 or new["units"] == 4  # 4 * 0.8 -> 4 (low); 4 * 1.2 -> 5
        assert isinstance(new["units"], int)


def test_perturb_resamples_with_the_probability_of_each_type() -> None:
    rng = np.random.default_rng(0)
    news = [
        perturb(
            PARAMS,
            SPACE,
            explore=["*"],
            resample_probability=1.0,
            categorical_resample_probability=1.0,
            rng=rng,
        )
        for _ in range(300)
    ]
    rates = [n["learning_rate"] for n in news]
    assert min(rates) < 1e-3 and max(rates) > 0.1  # log-uniform over [1e-4, 1]
    assert all(SPACE["learning_rate"]._contains(r) for r in rates)
    assert {n["optimizer"] for n in news} == {"Adam", "SGD", "RMSprop"}
    kept = [
        perturb(
            PARAMS,
            SPACE,
            explore=["*"],
            resample_probability=0.0,
            categorical_resample_probability=0.0,
            rng=rng,
        )["optimizer"]
        for _ in range(50)
    ]
    assert set(kept) == {"Adam"}  # categories are never "multiplied"
