from __future__ import annotations

import math

import optuna
import pytest

from smarttune.exceptions import InvalidParameterError
from smarttune.pruners import report, reported_values, should_prune


def _mo_study() -> optuna.Study:
    return optuna.create_study(directions=["maximize", "minimize"])


def test_report_stores_one_vector_per_step_in_a_multi_objective_study() -> None:
    study = _mo_study()
    trial = study.ask()
    report(trial, (0.5, 2.0), 0)
    report(trial, [0.7, 3], 1)
    frozen = study.trials[0]
    assert reported_values(frozen) == {0: [0.5, 2.0], 1: [0.7, 3.0]}
    assert frozen.system_attrs["smarttune.mo:step:1"] == [0.7, 3.0]


def test_a_step_reported_twice_keeps_its_first_vector() -> None:
    study = _mo_study()
    trial = study.ask()
    report(trial, (0.5, 2.0), 4)
    report(trial, (0.9, 1.0), 4)
    assert reported_values(study.trials[0]) == {4: [0.5, 2.0]}


def test_non_finite_values_are_stored_as_nan() -> None:
    study = _mo_study()
    trial = study.ask()
    report(trial, (math.inf, 1.0), 0)
    value = reported_values(study.trials[0])[0][0]
    assert math.isnan(value)


def test_report_in_a_single_objective_study_is_optunas_report() -> None:
    study = optuna.create_study(pruner=optuna.pruners.NopPruner())
    trial = study.ask()
    report(trial, 0.25, 3)
    assert study.trials[0].intermediate_values == {3: 0.25}
    assert reported_values(study.trials[0]) == {3: [0.25]}
    assert should_prune(trial) is False


def test_should_prune_asks_the_pruner_where_optuna_refuses() -> None:
    study = _mo_study()
    trial = study.ask()
    report(trial, (0.5, 2.0), 0)
    with pytest.raises(NotImplementedError, match="multi-objective"):
        trial.should_prune()
    assert should_prune(trial) is False  # the default NopPruner


@pytest.mark.parametrize("values", [(0.5,), (0.5, 1.0, 2.0), "ab", (0.5, "x"), (True, 1.0)])
def test_report_refuses_a_vector_of_the_wrong_shape(values: object) -> None:
    trial = _mo_study().ask()
    with pytest.raises(
        InvalidParameterError,
        match=r"'values' parameter of report\(\) must be a sequence of 2 real numbers",
    ):
        report(trial, values, 0)  # type: ignore[arg-type]


@pytest.mark.parametrize("step", [-1, 1.5, True])
def test_report_refuses_a_step_that_is_not_a_non_negative_int(step: object) -> None:
    trial = _mo_study().ask()
    with pytest.raises(
        InvalidParameterError,
        match=r"'step' parameter of report\(\) must be an int in the range \[0, inf\)\. Got",
    ):
        report(trial, (1.0, 1.0), step)  # type: ignore[arg-type]
