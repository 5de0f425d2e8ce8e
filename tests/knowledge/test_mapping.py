from __future__ import annotations

import numpy as np
import pytest
from optuna.distributions import CategoricalDistribution, FloatDistribution, IntDistribution

from smarttune.knowledge._mapping import encode_mapped, map_to_space
from smarttune.space import SpaceEncoder

SPACE = {
    "lr": FloatDistribution(1e-4, 1e-1, log=True),
    "depth": IntDistribution(2, 10, step=2),
    "criterion": CategoricalDistribution(["gini", "entropy"]),
}


def test_numeric_values_outside_the_range_are_clipped_and_rounded_to_the_step() -> None:
    mapped = map_to_space({"lr": 0.5, "depth": 13, "criterion": "gini"}, SPACE)
    assert mapped == {"lr": pytest.approx(1e-1), "depth": 10, "criterion": "gini"}
    assert map_to_space({"depth": 7.4}, SPACE) == {"depth": 8}
    assert map_to_space({"lr": 1e-9}, SPACE) == {"lr": pytest.approx(1e-4)}


def test_a_choice_the_new_space_lacks_makes_the_configuration_unusable() -> None:
    assert map_to_space({"lr": 0.01, "criterion": "absolute_error"}, SPACE) is None
    assert map_to_space({"lr": "fast"}, SPACE) is None


def test_parameters_outside_the_space_are_dropped_and_absent_ones_stay_absent() -> None:
    assert map_to_space({"lr": 0.01, "gamma": 3.0}, SPACE) == {"lr": 0.01}
    assert map_to_space({"gamma": 3.0}, SPACE) is None


def test_encode_mapped_puts_absent_parameters_at_the_centre_and_skips_unusable_rows() -> None:
    encoder = SpaceEncoder(SPACE)
    rows, kept = encode_mapped(
        [{"lr": 1e-4, "criterion": "gini"}, {"criterion": "squared_error"}, {"depth": 2}],
        encoder,
    )
    assert kept == [0, 2]
    assert rows.shape == (2, 3)
    assert rows[0, 0] == pytest.approx(0.0) and rows[0, 1] == pytest.approx(0.5)
    assert rows[1, 0] == pytest.approx(0.5) and not np.isnan(rows).any()
    empty, none_kept = encode_mapped([{"criterion": "mse"}], encoder)
    assert empty.shape == (0, 3) and none_kept == []
