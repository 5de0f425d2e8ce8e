from __future__ import annotations

import math
import statistics
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from optuna.distributions import CategoricalDistribution
from tests_benchmark_objectives import mixed  # type: ignore[import-not-found]

from smarttune.compare._engine import run_search
from smarttune.compare._methods import MethodContext, get_method
from smarttune.compare._space import discover_space
from smarttune.compare._tasks import ResolvedTask

PEERS = {
    "hyperopt": "hyperopt",
    "skopt": "skopt",
    "nevergrad": "nevergrad",
    "smac": "smac",
    "sklearn-random": "sklearn",
    "sklearn-grid": "sklearn",
}


# scikit-optimize's and SMAC3's model fits take seconds per evaluation: slow tests.
_SLOW = pytest.mark.slow
CASES = [
    *[(name, 1) for name in ("hyperopt", "nevergrad", "sklearn-grid", "sklearn-random")],
    *[(name, 3) for name in ("hyperopt", "nevergrad", "sklearn-random")],
    pytest.param("skopt", 1, marks=_SLOW),
    pytest.param("skopt", 3, marks=_SLOW),
    pytest.param("smac", 1, marks=_SLOW),
]


@pytest.mark.parametrize(("name", "batch"), CASES)
def test_every_peer_proposes_valid_configurations_of_the_same_objective(
    name: str, batch: int, tmp_path: Path
) -> None:
    pytest.importorskip(PEERS[name])
    task = ResolvedTask("mixed", "user", "minimize", "loss", mixed)
    context = MethodContext(task, 0, 12, batch, str(tmp_path))
    space = discover_space(mixed, seed=0)
    search = get_method(name).build(context)
    log, study = run_search(
        task, sampler=search.sampler, proposer=search.proposer, max_evaluations=12, batch=batch
    )
    assert len(log.evaluations) == 12
    for trial in study.trials:
        for param, value in trial.params.items():
            assert space[param]._contains(trial.distributions[param].to_internal_repr(value))
            if isinstance(space[param], CategoricalDistribution):
                assert value in ("a", "b")
    best = log.best()
    assert best is not None and math.isfinite(best.value)


def _hyperopt_losses(objective: Callable[[Any], float], tmp_path: Path) -> list[float]:
    task = ResolvedTask("mixed", "user", "minimize", "loss", objective)
    search = get_method("hyperopt").build(MethodContext(task, 0, 40, 1, str(tmp_path)))
    log, _ = run_search(task, sampler=search.sampler, proposer=search.proposer, max_evaluations=40)
    return [e.value for e in log.evaluations]


def test_a_peer_is_told_the_loss_so_it_improves_on_its_first_proposals(tmp_path: Path) -> None:
    pytest.importorskip("hyperopt")
    told = _hyperopt_losses(mixed, tmp_path / "told")
    # The same seed told the opposite loss: identical random start, then the opposite way.
    misled = [-v for v in _hyperopt_losses(lambda t: -mixed(t), tmp_path / "misled")]
    assert told[:20] == misled[:20]  # hyperopt's 20 random start-up proposals
    assert statistics.median(told[20:]) < statistics.median(told[:20])
    assert statistics.median(told[20:]) < statistics.median(misled[20:]) / 2


@pytest.mark.slow
@pytest.mark.parametrize("name", ["kt-random", "kt-bayesian", "kt-hyperband"])
def test_keras_tuner_oracles_drive_the_objective(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KERAS_BACKEND", "torch")  # as the adapter does; no TensorFlow here
    pytest.importorskip("keras_tuner")
    fidelities: list[float] = []

    def at_fidelity(f: float) -> ResolvedTask:
        fidelities.append(f)
        return task

    task = ResolvedTask("mixed", "user", "minimize", "loss", mixed, at_fidelity=at_fidelity)
    search = get_method(name).build(MethodContext(task, 0, 10, 1, str(tmp_path)))
    log, _ = run_search(task, sampler=search.sampler, proposer=search.proposer, max_evaluations=10)
    assert len(log.evaluations) == 10
    assert all(e.state == "COMPLETE" for e in log.evaluations)
    if name == "kt-hyperband":
        assert fidelities and all(0 < f < 1 for f in fidelities)  # Hyperband's low rungs
