"""The study page's pure data: no plotting library is imported by any of these."""

from __future__ import annotations

import math
import sys

import optuna
import pytest

from smarttune.exceptions import InvalidParameterError
from smarttune.report._param_sections import (
    interaction_grid,
    parallel_coordinates,
    param_importances,
    slices,
)
from smarttune.report._params import ParamSpec, param_specs, spec_from_distribution
from smarttune.report._study_data import TrialRecord, study_records
from smarttune.report._table import cell, trial_table
from smarttune.report._trial_sections import (
    bandit_progress,
    empirical_distribution,
    history,
    learning_curves,
    timeline,
)

XSS = "<script>alert(1)</script>"


def record(number: int, value: float | None, **fields: object) -> TrialRecord:
    defaults: dict[str, object] = {
        "state": "COMPLETE" if value is not None else "PRUNED", "params": {}, "phase": None,
        "generation": None,
    }  # fmt: skip
    defaults.update(fields)
    return TrialRecord(number=number, value=value, **defaults)  # type: ignore[arg-type]


def test_records_carry_times_intermediate_values_and_user_attrs(hybrid_study: optuna.Study) -> None:
    records = study_records(hybrid_study)
    assert [r.state for r in records[3:8]] == ["PRUNED", "COMPLETE", "FAIL", "COMPLETE", "PRUNED"]
    x = records[0].params["x"]
    assert records[0].intermediate == pytest.approx({0: -3 * x * x, 1: -2 * x * x, 2: -x * x})
    assert records[0].duration is not None and records[0].duration >= 0
    assert "note" in records[0].user_attrs
    assert records[-1].phase == "bandit"


def test_history_and_distribution() -> None:
    records = [record(0, 3.0), record(1, None), record(2, 5.0), record(3, 4.0)]
    data = history(records, maximize=True)
    assert data.values == [3.0, None, 5.0, 4.0]
    assert data.best == [3.0, 3.0, 5.0, 5.0]
    assert data.states == ["COMPLETE", "PRUNED", "COMPLETE", "COMPLETE"]
    x, y = empirical_distribution([3.0, None, math.nan, 5.0, 4.0])
    assert x == [3.0, 4.0, 5.0]
    assert y == pytest.approx([1 / 3, 2 / 3, 1.0])


def test_learning_curves_keep_the_state() -> None:
    records = [
        record(0, 1.0, intermediate={0: 0.5, 1: 0.9}),
        record(1, None),
        record(2, None, intermediate={0: 0.1}),
    ]
    curves = learning_curves(records)
    assert [(c.number, c.state, c.steps, c.values) for c in curves] == [
        (0, "COMPLETE", [0, 1], [0.5, 0.9]),
        (2, "PRUNED", [0], [0.1]),
    ]


def test_timeline_infers_one_lane_per_concurrent_trial() -> None:
    records = [
        record(0, 1.0, started=0.0, completed=10.0),
        record(1, 1.0, started=1.0, completed=3.0),
        record(2, 1.0, started=4.0, completed=6.0),  # lane 1 is free again at 3
        record(3, 1.0, started=5.0, completed=7.0),  # lanes 0 and 1 busy: a third lane
        record(4, 1.0),  # never started: left out
    ]
    lanes = {bar.number: bar.lane for bar in timeline(records)}
    assert lanes == {0: "worker 0", 1: "worker 1", 2: "worker 1", 3: "worker 2"}


def test_timeline_uses_the_recorded_worker() -> None:
    bars = timeline([record(0, 1.0, started=0.0, completed=1.0, worker="host:42")])
    assert [(b.lane, b.start, b.end) for b in bars] == [("host:42", 0.0, 1.0)]


def test_worker_labels_leave_the_job_token_out() -> None:
    from smarttune.report._study_data import worker_label

    tag = {"job": "a1b2", "host": "node-3", "process": "4242@123456"}
    assert worker_label(tag) == "node-3/4242"
    assert worker_label("ray-actor-7") == "ray-actor-7"
    assert worker_label(None) is None


def test_bandit_progress_starts_from_the_genetic_best() -> None:
    records = [
        record(0, 5.0, phase="genetic", generation=0),
        record(1, 2.0, phase="genetic", generation=0),
        record(2, 4.0, phase="bandit"),
        record(3, 6.0, phase="bandit"),
    ]
    progress = bandit_progress(records, maximize=True)
    assert progress.numbers == [2, 3]
    assert progress.start == 5.0
    assert progress.best == [5.0, 6.0]


def test_specs_from_distributions() -> None:
    assert spec_from_distribution(
        "lr", optuna.distributions.FloatDistribution(1e-4, 1e-1, log=True)
    ) == ParamSpec("lr", "float", True, 1e-4, 1e-1)
    assert spec_from_distribution("n", optuna.distributions.IntDistribution(1, 8)).kind == "int"
    spec = spec_from_distribution("k", optuna.distributions.CategoricalDistribution([1, XSS]))
    assert spec.choices == ("1", XSS)
    assert spec.position(XSS) == 1.0
    assert spec.position(1) == 0.0
    assert spec.position("other") is None


def test_param_specs_of_a_study(hybrid_study: optuna.Study) -> None:
    specs = {s.name: s for s in param_specs(hybrid_study)}
    assert sorted(specs) == ["kind", "lr", "x"]
    assert specs["lr"].log
    assert specs["kind"].choices == ("plain", XSS)


def test_slices_and_parallel_coordinates_use_complete_trials() -> None:
    x = ParamSpec("x", "float", False, 0, 1)
    y = ParamSpec("y", "float", False, 0, 1)
    records = [
        record(0, 1.0, params={"x": 0.1, "y": 0.5}),
        record(1, None, params={"x": 0.9, "y": 0.5}),
        record(2, 3.0, params={"x": 0.3}),
    ]
    by_name = {s.spec.name: s for s in slices(records, [x, y])}
    assert (by_name["x"].x, by_name["x"].y, by_name["x"].numbers) == (
        [0.1, 0.3],
        [1.0, 3.0],
        [0, 2],
    )
    assert by_name["y"].numbers == [0]
    axes, values, numbers = parallel_coordinates(records, [x, y])
    assert [a.spec.name for a in axes] == ["x"]  # y is not set by every complete trial
    assert (values, numbers) == ([1.0, 3.0], [0, 2])


def test_interaction_grid_averages_each_cell() -> None:
    x = ParamSpec("x", "float", True, 1e-3, 1.0)
    kind = ParamSpec("k", "categorical", False, 0, 1, ("a", "b"))
    records = [
        record(0, 1.0, params={"x": 1e-3, "k": "a"}),
        record(1, 3.0, params={"x": 1e-3, "k": "a"}),
        record(2, 5.0, params={"x": 1.0, "k": "b"}),
    ]
    grid = interaction_grid(records, x, kind, bins=2)
    assert grid.x_centers == pytest.approx([-2.25, -0.75])  # log10 units
    assert grid.y_centers == [0.0, 1.0]  # one row per choice
    assert grid.z == [[2.0, None], [None, 5.0]]
    assert grid.points[0] == pytest.approx([-3.0, -3.0, 0.0])


def test_importances_rank_the_parameter_that_matters() -> None:
    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=1))
    study.optimize(
        lambda t: t.suggest_float("a", 0, 1) * 10 + 0.01 * t.suggest_float("b", 0, 1), n_trials=40
    )
    for method in ("fanova", "ped-anova"):
        scores = param_importances(study, method=method)
        assert set(scores) == {"a", "b"}
        assert scores["a"] > scores["b"]
        assert sum(scores.values()) == pytest.approx(1.0)
    empty = optuna.create_study()
    assert param_importances(empty, method="fanova") == {}
    with pytest.raises(InvalidParameterError, match="'method' parameter of param_importances"):
        param_importances(study, method="shap")


def test_cells_and_trial_table(hybrid_study: optuna.Study) -> None:
    assert cell(0.123456789).text == "0.123457"
    assert cell(3).key == 3.0
    assert cell(None).text == ""
    assert cell(math.inf).key is None
    assert cell({"a": [1, 2]}).text == '{"a": [1, 2]}'
    assert cell("y" * 500).text.endswith("…")
    records = study_records(hybrid_study)
    table = trial_table(records, param_specs(hybrid_study))
    assert table.columns[:3] == ["trial", "state", "value"]
    assert {"kind", "lr", "x", "note"} <= set(table.columns)
    assert "history" not in table.columns
    assert len(table.rows) == len(records)
    assert all(len(row) == len(table.columns) for row in table.rows)


def test_sections_need_no_plotting_library(
    hybrid_study: optuna.Study, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("plotly", "plotly.offline", "matplotlib", "matplotlib.pyplot"):
        monkeypatch.setitem(sys.modules, name, None)  # importing them now fails
    from smarttune.report._html import render_page
    from smarttune.report._study_report import study_sections

    sections = study_sections(hybrid_study)
    titles = [s.title for s in sections]
    assert titles[:2] == ["Optimization history", "Learning curves"]
    assert "Genetic generations and bandit refinement" in titles
    assert titles[-1] == "Trials"
    page = render_page(title="t", facts={}, sections=sections, bundle="")
    assert page.count('class="plot"') == sum(len(s.plots) for s in sections)


def test_empty_and_multi_objective_studies() -> None:
    from smarttune.report._study_report import study_facts, study_sections

    empty = optuna.create_study(study_name="empty")
    assert [s.title for s in study_sections(empty)] == [
        "Optimization history", "Empirical distribution", "Timeline", "Trials",
    ]  # fmt: skip
    assert study_facts(empty, [])["trials"] == "0 complete, 0 pruned, 0 failed"
    both = optuna.create_study(directions=["maximize", "minimize"])
    both.optimize(lambda t: (t.suggest_float("a", 0, 1), t.suggest_float("b", 0, 1)), n_trials=12)
    records = study_records(both)
    assert records[0].value == both.trials[0].values[0]
    assert "first objective" in study_facts(both, records)["note"]
    importance = next(s for s in study_sections(both) if s.title == "Parameter importance")
    bars = importance.plots[0].figure["data"]
    assert {b["name"] for b in bars} == {"fANOVA", "PED-ANOVA"}
