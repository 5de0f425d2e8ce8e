from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np
import optuna
import pytest

from smarttune.exceptions import InvalidParameterError
from smarttune.pruners import MOASHAPruner, report, resolve_pruner, should_prune
from smarttune.pruners._mo_asha import promotion_order

Curve = Callable[[int], Sequence[float]]


def run(study: optuna.Study, curves: list[Curve], steps: int) -> list[optuna.trial.TrialState]:
    """Run one trial per curve (``curve(step)`` is its vector), reporting and asking each step."""
    for curve in curves:
        trial = study.ask()
        state = optuna.trial.TrialState.COMPLETE
        for step in range(1, steps + 1):
            report(trial, tuple(curve(step)), step)
            if should_prune(trial):
                state = optuna.trial.TrialState.PRUNED
                break
        if state == optuna.trial.TrialState.PRUNED:
            study.tell(trial, state=state)
        else:
            study.tell(trial, list(curve(steps)))
    return [t.state for t in study.trials]


def mo_study(pruner: optuna.pruners.BasePruner) -> optuna.Study:
    return optuna.create_study(directions=["maximize", "minimize"], pruner=pruner)


def const(accuracy: float, seconds: float) -> Curve:
    return lambda step: (accuracy, seconds)


P, C = optuna.trial.TrialState.PRUNED, optuna.trial.TrialState.COMPLETE


def test_a_dominated_trial_is_pruned_at_the_first_rung() -> None:
    study = mo_study(MOASHAPruner(min_resource=1, reduction_factor=2))
    states = run(study, [const(0.9, 1.0), const(0.5, 2.0)], steps=4)
    assert states == [C, P]
    assert "smarttune.mo_asha:rung:0" in study.trials[1].system_attrs


def test_a_trade_off_on_the_front_is_kept_by_the_epsilon_net() -> None:
    # Trial 2 trades time for accuracy: both it and trial 0 are on the front, one of them
    # may go on (3 // 2); the epsilon-net starts from the best accuracy, trial 2.
    curves = [const(0.9, 1.0), const(0.5, 2.0), const(0.95, 3.0)]
    assert run(mo_study(MOASHAPruner(reduction_factor=2)), curves, 1) == [C, P, C]
    crowding = MOASHAPruner(reduction_factor=2, tie_break="crowding")
    # Crowding distance is infinite for both ends of a two-point front; the first recorded wins.
    assert run(mo_study(crowding), curves, 1) == [C, P, P]


def test_promoted_trials_record_every_rung_they_reach() -> None:
    study = mo_study(MOASHAPruner(min_resource=1, reduction_factor=3))
    run(study, [const(0.9, 1.0)], steps=9)
    keys = {k for k in study.trials[0].system_attrs if k.startswith("smarttune.mo_asha:rung:")}
    assert keys == {
        "smarttune.mo_asha:rung:0",
        "smarttune.mo_asha:rung:1",
        "smarttune.mo_asha:rung:2",
    }


def test_no_pruning_before_the_first_rung() -> None:
    study = mo_study(MOASHAPruner(min_resource=4, reduction_factor=2))
    assert run(study, [const(0.9, 1.0), const(0.1, 9.0)], steps=3) == [C, C]


def test_a_nan_vector_is_pruned() -> None:
    study = mo_study(MOASHAPruner())
    assert run(study, [const(math.nan, 1.0)], steps=2) == [P]


def test_a_third_objective_counts_in_the_ranking() -> None:
    study = optuna.create_study(
        directions=["maximize", "minimize", "minimize"], pruner=MOASHAPruner(reduction_factor=2)
    )
    better_memory = run(study, [lambda s: (0.9, 1.0, 5.0), lambda s: (0.9, 1.0, 1.0)], 1)
    assert better_memory == [C, C]
    assert run(study, [lambda s: (0.9, 1.0, 9.0)], 1)[-1] == P


def test_single_objective_study_prunes_as_optunas_successive_halving() -> None:
    values = np.random.default_rng(0).permutation(40) / 40.0
    curves = [lambda s, v=v: (float(v),) for v in values]
    ours = optuna.create_study(direction="maximize", pruner=MOASHAPruner(reduction_factor=3))
    optunas = optuna.create_study(
        direction="maximize",
        pruner=optuna.pruners.SuccessiveHalvingPruner(min_resource=1, reduction_factor=3),
    )
    assert run(ours, curves, 9) == run(optunas, curves, 9)
    assert P in [t.state for t in ours.trials] and C in [t.state for t in ours.trials]


def test_pruned_trials_work_with_study_optimize() -> None:
    def objective(trial: optuna.Trial) -> tuple[float, float]:
        quality = trial.suggest_float("q", 0.0, 1.0)
        for step in range(1, 10):
            report(trial, (quality, float(step)), step)
            if should_prune(trial):
                raise optuna.TrialPruned()
        return quality, 9.0

    study = mo_study(resolve_pruner("mo-asha"))
    study.optimize(objective, n_trials=20)
    states = [t.state for t in study.trials]
    assert states.count(P) >= 10 and states.count(C) >= 1


def test_promotion_order_ranks_fronts_first() -> None:
    losses = [[3.0, 3.0], [1.0, 2.0], [2.0, 1.0], [0.0, 5.0]]
    order = promotion_order(losses)
    assert set(order[:3]) == {1, 2, 3} and order[3] == 0


def test_registry_name_builds_the_pruner() -> None:
    assert isinstance(resolve_pruner("MO_ASHA"), MOASHAPruner)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"reduction_factor": 1},
            r"'reduction_factor' parameter of MOASHAPruner must be an int in the range \[2, inf\)\. Got 1",
        ),
        (
            {"min_resource": 0},
            r"'min_resource' parameter of MOASHAPruner must be an int in the range \[1, inf\)\. Got 0",
        ),
        (
            {"tie_break": "random"},
            r"'tie_break' parameter of MOASHAPruner must be .*'crowding'.*Got 'random'",
        ),
    ],
)
def test_bad_settings_are_one_line_errors(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(InvalidParameterError, match=message):
        MOASHAPruner(**kwargs)  # type: ignore[arg-type]
