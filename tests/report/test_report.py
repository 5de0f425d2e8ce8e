from __future__ import annotations

import math
from pathlib import Path

import optuna
import pytest

from smarttune.report import best_so_far, render_study_figure, scores_by_group, study_records
from smarttune.report._study_data import TrialRecord
from smarttune.samplers import HybridSampler


def test_best_so_far_skips_missing_values() -> None:
    assert best_so_far([None, 1.0, math.nan, 0.5, 2.0], maximize=True) == [None, 1.0, 1.0, 1.0, 2.0]
    assert best_so_far([3.0, None, 1.0, 2.0], maximize=False) == [3.0, 3.0, 1.0, 1.0]


def hybrid_study() -> optuna.Study:
    def objective(trial: optuna.Trial) -> float:
        x = trial.suggest_float("x", -2, 2)
        if trial.number == 3:
            raise optuna.TrialPruned()
        trial.set_user_attr(
            "history", [{"epoch": 1, "train_loss": x * x + 1, "val_loss": x * x + 1.5}]
        )
        return -x * x

    study = optuna.create_study(
        direction="maximize",
        sampler=HybridSampler(n_startup_trials=6, seed=0),
    )
    study.optimize(objective, n_trials=12)
    return study


def test_study_records_flatten_phases_generations_and_history() -> None:
    records = study_records(hybrid_study())
    assert [r.number for r in records] == list(range(12))
    assert records[3].state == "PRUNED"
    assert records[3].value is None
    assert records[0].group == "initial"
    assert records[0].history[0]["epoch"] == 1
    assert records[-1].phase == "bandit"
    assert records[-1].group == "bandit"
    groups = scores_by_group(records)
    assert next(iter(groups)) == "initial"
    assert list(groups)[-1] == "bandit"
    assert sum(len(v) for v in groups.values()) == 11


def test_groups_of_plain_trials() -> None:
    record = TrialRecord(
        number=0, state="COMPLETE", value=1.0, params={}, phase=None, generation=None
    )
    assert record.group == "other"
    assert scores_by_group([record]) == {"other": [1.0]}


def test_figure_renders_a_png(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib", reason="the plot extra is not installed")
    out = render_study_figure(
        study_records(hybrid_study()), tmp_path / "f.png", maximize=True, title="t"
    )
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert out.stat().st_size > 20_000


def test_figure_without_history_or_bandit_phase(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib", reason="the plot extra is not installed")
    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0))
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=4)
    out = render_study_figure(study_records(study), tmp_path / "g.png", maximize=False)
    assert out.exists()
