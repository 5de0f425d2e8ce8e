"""The demo figure's data step (no plotting library) and its rendering."""

from __future__ import annotations

from pathlib import Path

import pytest

from smarttune._demo_figure import demo_figure_data, final_curves
from smarttune.report._study_data import TrialRecord


def record(
    number: int,
    value: float | None,
    *,
    state: str = "COMPLETE",
    phase: str | None = "initial",
    intermediate: dict[int, float] | None = None,
) -> TrialRecord:
    return TrialRecord(number, state, value, {}, phase, None, intermediate=dict(intermediate or {}))


RECORDS = [
    record(0, 0.97),
    record(1, None, state="PRUNED", intermediate={1: 0.90, 3: 0.95}),
    record(2, 0.985, phase="bandit"),
    record(3, None, state="FAIL", phase="bandit"),
    record(4, 0.30, phase="bandit"),
    record(5, None, state="PRUNED", phase="genetic"),  # reported nothing
]


def test_search_is_grouped_by_phase_with_pruned_trials_at_their_last_value() -> None:
    data = demo_figure_data(RECORDS, final=None, published=0.9886)
    assert data.phases == ["initial", "bandit", "genetic"]
    assert data.complete == {"initial": [(0, 0.97)], "bandit": [(2, 0.985), (4, 0.30)]}
    assert data.pruned == {"initial": [(1, 0.95)]}
    assert data.best == [(0, 0.97), (1, 0.97), (2, 0.985), (3, 0.985), (4, 0.985), (5, 0.985)]


def test_the_score_axis_starts_below_the_lower_of_best_and_published_and_counts_the_rest() -> None:
    data = demo_figure_data(RECORDS, final=None, published=0.9886)
    assert data.floor == pytest.approx(0.985 - 0.03)
    assert data.below_floor == 2  # 0.30, and the pruned trial's 0.95 (just below 0.955)
    assert data.published == 0.9886


def test_trials_without_a_phase_are_grouped_under_the_sampler_name() -> None:
    records = [record(0, 0.9, phase=None), record(1, 0.95, phase=None)]
    data = demo_figure_data(records, final=None, published=0.9886, default_phase="random")
    assert data.phases == ["random"]
    assert data.complete == {"random": [(0, 0.9), (1, 0.95)]}


def test_final_curves_take_loss_and_accuracy_per_epoch_and_none_without_a_retrain() -> None:
    history = [
        {"epoch": 1.0, "train_loss": 0.3, "train_acc": 0.91},
        {"epoch": 2.0, "train_loss": 0.1, "train_acc": 0.97},
    ]
    curves = final_curves(history, 0.992)
    assert curves is not None
    assert (curves.epochs, curves.loss, curves.accuracy) == ([1, 2], [0.3, 0.1], [0.91, 0.97])
    assert curves.test_accuracy == 0.992
    assert final_curves([], 0.992) is None


def test_the_figure_is_a_png(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib", reason="the plot extra is not installed")
    from smarttune._demo_png import render_demo_figure

    history = [{"epoch": 1.0, "train_loss": 0.3, "train_acc": 0.91}]
    for final in (final_curves(history, 0.99), None):
        data = demo_figure_data(RECORDS, final=final, published=0.9886)
        path = render_demo_figure(data, tmp_path / "demo.png", title="t")
        assert path.read_bytes()[:4] == b"\x89PNG"
