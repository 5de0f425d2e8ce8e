"""Studies and comparison directories that the report tests share."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from pathlib import Path

import optuna
import pytest

from smarttune.samplers import HybridSampler

XSS = "<script>alert(1)</script>"


def _objective(trial: optuna.Trial) -> float:
    x = trial.suggest_float("x", -2, 2)
    lr = trial.suggest_float("lr", 1e-4, 1e-1, log=True)
    kind = trial.suggest_categorical("kind", ["plain", XSS])
    for step in range(3):
        trial.report(-x * x * (3 - step), step)
    if trial.number in (3, 7):
        raise optuna.TrialPruned()
    if trial.number == 5:
        raise ValueError("boom")
    trial.set_user_attr("note", "<b>bold</b>" if kind == XSS else "ok")
    return -x * x - 0.1 * (kind == XSS) + 0.01 * lr


def make_study(name: str = XSS, n_trials: int = 14, storage: str | None = None) -> optuna.Study:
    """A HybridSampler study (generations, bandit phase, pruned and failed trials) whose name,
    a categorical choice and a user attribute carry markup."""
    study = optuna.create_study(
        study_name=name,
        storage=storage,
        direction="maximize",
        sampler=HybridSampler(n_startup_trials=8, seed=0),
    )
    study.optimize(_objective, n_trials=n_trials, catch=(ValueError,))
    return study


@pytest.fixture(scope="module")
def hybrid_study() -> optuna.Study:
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    return make_study()


def _write_csv(path: Path, rows: list[dict[str, object]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.DictWriter(stream, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def write_results_dir(root: Path, *, with_statistics: bool = True) -> Path:
    """A comparison directory in the documented CSV/JSON schema: methods ``a`` (better) and
    ``b`` and an XSS-named method, two tasks, two seeds, 4 evaluations each."""
    methods, tasks, seeds = ["a", "b", XSS], ["t1", "t2"], [0, 1]
    results, curves, params = [], [], []
    for m, method in enumerate(methods):
        for task in tasks:
            for seed in seeds:
                values = [10.0 - m - e - seed for e in range(4)]
                key = {"method": method, "task": task, "seed": seed, "budget": 4.0}
                results.append({
                    "method": method, "task": task, "seed": seed, "budget_kind": "trials",
                    "budget": 4.0, "direction": "minimize", "metric": "loss",
                    "best_value": min(values), "test_score": "", "n_evaluations": 4,
                    "wall_time_s": 4.0, "sampler_time_s": 0.1, "status": "ok", "error": "",
                })  # fmt: skip
                for e, value in enumerate(values, start=1):
                    curves.append({**key, "evaluation": e, "elapsed_s": float(e), "value": value,
                                   "best_so_far": value})  # fmt: skip
                    params.append({**key, "evaluation": e, "param": XSS, "value": str(e),
                                   "numeric_value": float(e), "score": value})  # fmt: skip
    root.mkdir(parents=True, exist_ok=True)
    _write_csv(root / "results.csv", results)
    _write_csv(root / "curves.csv", curves)
    _write_csv(root / "params.csv", params)
    (root / "config.json").write_text(json.dumps({"methods": methods}))
    if with_statistics:
        _write_csv(root / "summary.csv", [
            {"method": m, "task": t, "n_seeds": 2, "mean_best": 1.0, "std_best": 0.0,
             "mean_test": "", "mean_rank": float(i + 1), "mean_evaluations": 4.0,
             "mean_wall_time_s": 4.0}
            for t in tasks for i, m in enumerate(methods)
        ])  # fmt: skip
        statistics = {
            "methods": methods, "n_blocks": 4,
            "mean_ranks": {m: float(i + 1) for i, m in enumerate(methods)},
            "friedman": {"statistic": 8.0, "p_value": 0.018, "n_blocks": 4},
            "pairwise": [{"a": "a", "b": XSS, "p_value": 0.12, "p_holm": 0.37, "better": None}],
            "critical_difference": 1.66,
            "time_to_target": [{"task": "t1", "method": XSS, "target": 7.0, "reached": 2,
                                "n_runs": 2, "mean_evaluations": 2.5, "mean_seconds": 2.5}],
            "importance": {"t1": {XSS: 1.0}, "t2": {}},
        }  # fmt: skip
        (root / "statistics.json").write_text(json.dumps(statistics))
    return root


@pytest.fixture
def results_dir(tmp_path: Path) -> Path:
    return write_results_dir(tmp_path / "results")


@pytest.fixture
def study_factory() -> Callable[..., optuna.Study]:
    return make_study


@pytest.fixture
def results_factory() -> Callable[..., Path]:
    return write_results_dir
