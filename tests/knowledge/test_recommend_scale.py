"""Predicted normalized scores mapped back to a task's own units (``knowledge._scale``)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from optuna.distributions import FloatDistribution

from smarttune.cli._recommend import best_first
from smarttune.knowledge import Recommendation, StudyRecord, normalized_scores
from smarttune.knowledge._scale import value_scale


def _record(task: str, values: list[float], direction: str = "maximize") -> StudyRecord:
    return StudyRecord(
        name=f"study-{task}-{len(values)}",
        task=task,
        family="svm",
        dataset=task,
        direction=direction,
        meta_features={},
        space={"C": FloatDistribution(1e-3, 1e3, log=True)},
        params=[{"C": float(i + 1)} for i in range(len(values))],
        values=values,
    )


VALUES = [float(v) for v in range(1, 11)]  # 1, 2, ..., 10


@pytest.mark.parametrize("direction", ["maximize", "minimize"])
def test_the_scale_inverts_the_normalization_of_the_task_studies(direction: str) -> None:
    record = _record("svm-iris", VALUES, direction)
    scale = value_scale([record], "svm-iris", direction)
    assert scale is not None and (scale.n_studies, scale.n_trials) == (1, 10)
    for value, score in zip(VALUES, normalized_scores(VALUES, direction), strict=True):
        if 0.0 < score < 1.0:  # outside the clipped ends the map is one to one
            assert scale.value(float(score)) == pytest.approx(value)
    best = 10.0 if direction == "maximize" else 1.0
    assert scale.one == best and scale.value(1.0) == best


def test_the_scale_runs_from_the_10_percent_quantile_to_the_best_in_the_direction() -> None:
    up = value_scale([_record("t", VALUES)], "t", "maximize")
    down = value_scale([_record("t", VALUES, "minimize")], "t", "minimize")
    assert up is not None and down is not None
    assert (up.zero, up.one) == (pytest.approx(1.9), 10.0)
    assert (down.zero, down.one) == (pytest.approx(9.1), 1.0)
    assert down.value(0.5) == pytest.approx(5.05)  # a loss: better scores are lower values


def test_predictions_beyond_the_range_are_clipped_and_nan_stays_nan() -> None:
    scale = value_scale([_record("t", VALUES)], "t", "maximize")
    assert scale is not None
    assert scale.value(1.3) == 10.0 and scale.value(-0.2) == pytest.approx(1.9)
    assert math.isnan(scale.value(math.nan))


def test_studies_of_the_task_are_pooled_and_others_ignored() -> None:
    records = [
        _record("t", [0.1, 0.5]),
        _record("t", [0.2, 0.9, 0.4]),
        _record("other", [5.0, 6.0]),
        _record("t", [100.0], "minimize"),
    ]
    scale = value_scale(records, "t", "maximize")
    assert scale is not None and (scale.n_studies, scale.n_trials) == (2, 5)
    pooled = [0.1, 0.5, 0.2, 0.9, 0.4]
    assert scale.one == 0.9 and scale.zero == pytest.approx(float(np.quantile(pooled, 0.1)))
    assert value_scale(records, "new-task", "maximize") is None


def test_recommendations_are_printed_best_first_with_defaults_last() -> None:
    picks = [Recommendation({"C": c}, s) for c, s in ((1, 0.4), (2, math.nan), (3, 0.9), (4, 0.6))]
    assert [p.params["C"] for p in best_first(picks)] == [3, 4, 1, 2]
