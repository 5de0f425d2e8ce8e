from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from optuna.distributions import CategoricalDistribution, FloatDistribution, IntDistribution

from smarttune.knowledge import StudyRecord

SPACE = {
    "C": FloatDistribution(1e-3, 1e3, log=True),
    "kernel": CategoricalDistribution(["rbf", "linear"]),
    "depth": IntDistribution(1, 8),
}


def score(params: dict[str, Any], optimum: float) -> float:
    """A smooth task: the best log10(C) is ``optimum``; 'rbf' is a little better."""
    return -((math.log10(params["C"]) - optimum) ** 2) + (0.3 if params["kernel"] == "rbf" else 0.0)


def make_record(dataset: str, optimum: float, n: int = 25, seed: int = 0) -> StudyRecord:
    rng = np.random.default_rng(seed)
    params = [
        {
            "C": float(10 ** rng.uniform(-3, 3)),
            "kernel": str(rng.choice(["rbf", "linear"])),
            "depth": int(rng.integers(1, 9)),
        }
        for _ in range(n)
    ]
    return StudyRecord(
        name=f"svm-{dataset}",
        task=f"svm-{dataset}",
        family="svm",
        dataset=dataset,
        direction="maximize",
        meta_features={"n_rows": 100.0 * (1 + optimum), "landmark_1nn": optimum / 3},
        space=SPACE,
        params=params,
        values=[score(p, optimum) for p in params],
        seconds=1.5,
    )


@pytest.fixture
def records() -> list[StudyRecord]:
    """Six studies whose optimum moves with the meta-features."""
    return [make_record(f"d{i}", optimum=0.5 * i - 1.0, seed=i) for i in range(6)]


@pytest.fixture
def record_factory():
    """``make_record(dataset, optimum, n=25, seed=0)``."""
    return make_record
