from __future__ import annotations

import optuna
import pytest

from smarttune.report._pareto import pareto_data, pareto_sections
from smarttune.report._study_report import study_sections


def _study(values: list[tuple[float, ...]], directions: list[str]) -> optuna.Study:
    study = optuna.create_study(directions=directions)
    for v in values:
        trial = study.ask()
        trial.suggest_float("x", 0.0, 1.0)
        study.tell(trial, list(v))
    return study


def test_front_and_its_evolution_in_finishing_order() -> None:
    # maximize the first objective, minimize the second
    values = [(0.5, 5.0), (0.4, 6.0), (0.9, 9.0), (0.6, 4.0)]
    data = pareto_data(_study(values, ["maximize", "minimize"]))
    assert data is not None
    assert data.numbers == [0, 1, 2, 3]
    assert data.on_front == [False, False, True, True]  # trial 3 dominates trial 0
    assert data.front_size == [1, 1, 2, 2]
    assert data.hypervolume == sorted(data.hypervolume)  # a front only grows
    assert data.hypervolume[1] == data.hypervolume[0]  # trial 1 is dominated by trial 0
    # the final front in the study box: (0.6, 4) -> (0.6, 0), (0.9, 9) -> (0, 1); ref 1.1
    assert data.hypervolume[-1] == pytest.approx(0.5 * 1.1 + 0.6 * 0.1)


def test_single_objective_and_empty_studies_have_no_pareto_data() -> None:
    assert pareto_data(_study([(1.0,)], ["minimize"])) is None
    assert pareto_data(optuna.create_study(directions=["minimize", "minimize"])) is None
    assert pareto_sections(_study([(1.0,)], ["minimize"])) == []


def test_the_study_page_shows_the_front_of_a_three_objective_study() -> None:
    study = _study([(1, 2, 3), (2, 1, 3), (3, 3, 3)], ["minimize"] * 3)
    titles = [s.title for s in study_sections(study)]
    assert titles[1:3] == ["Pareto front", "Pareto front evolution"]
    front = pareto_sections(study)[0]
    assert "2 of 3 complete trials are Pareto-optimal" in front.intro
    assert "first two of 3 objectives" in front.intro
    traces = front.plots[0].figure["data"]
    assert [t["name"] for t in traces] == ["dominated", "Pareto front"]
    assert traces[1]["text"] == ["trial 0", "trial 1"]
