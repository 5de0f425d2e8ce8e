from __future__ import annotations

import math

import numpy as np
import optuna
import pytest

from smarttune.exceptions import InvalidParameterError
from smarttune.pruners import GradientEarlyStopping, GradientFlatnessPruner


def first_stop(stopper: GradientEarlyStopping, values: np.ndarray | list[float]) -> int | None:
    """The 1-based index of the value at which ``stopper`` first says stop, or None."""
    for i, value in enumerate(values, start=1):
        if stopper.update(float(value)):
            return i
    return None


def decaying(n: int, *, noise: float = 0.0, seed: int = 0) -> np.ndarray:
    """A loss decaying exponentially from 2.0 toward 0.1, with Gaussian noise."""
    rng = np.random.default_rng(seed)
    return 0.1 + 1.9 * np.exp(-np.arange(n) / 4.0) + noise * rng.standard_normal(n)


def test_flat_curve_stops_right_after_warm_up() -> None:
    stopper = GradientEarlyStopping(window=4, patience=2)
    assert first_stop(stopper, [0.5] * 10) == 5  # first check at 4 values, second flat at 5
    assert stopper.should_stop and stopper.last_rate == 0.0


def test_constant_zero_curve_is_flat() -> None:
    assert first_stop(GradientEarlyStopping(scale="mean", window=3, patience=1), [0.0] * 5) == 3


def test_min_steps_delays_the_first_check() -> None:
    assert first_stop(GradientEarlyStopping(window=3, patience=1, min_steps=7), [1.0] * 10) == 7


@pytest.mark.parametrize("seed", range(5))
def test_noisy_flat_curve_stops(seed: int) -> None:
    values = 0.3 + 0.02 * np.random.default_rng(seed).standard_normal(40)
    stop = first_stop(GradientEarlyStopping(window=5, threshold=0.01, patience=2), values)
    # Not before a full window and the patience (6 values); seeds 0-199 all stop by value 15.
    assert stop is not None and 6 <= stop <= 20


def test_decaying_curve_stops_only_once_it_has_flattened() -> None:
    stop = first_stop(GradientEarlyStopping(window=5, threshold=0.01, patience=2), decaying(100))
    # r = exp(-t/4) / 4 / (1.9 (1 - exp(-t/4))) drops below 0.01 near t = 12.
    assert stop is not None and 12 <= stop <= 25


@pytest.mark.parametrize("seed", range(5))
def test_improving_curves_do_not_stop_within_40_values(seed: int) -> None:
    linear = 1.0 - 0.02 * np.arange(40)
    assert first_stop(GradientEarlyStopping(window=5, patience=2), linear) is None
    noisy = linear + 0.01 * np.random.default_rng(seed).standard_normal(40)
    assert first_stop(GradientEarlyStopping(window=5, patience=2), noisy) is None


def test_direction_maximize_treats_a_rising_curve_as_improving() -> None:
    rising = np.linspace(0.1, 0.9, 30)
    assert first_stop(GradientEarlyStopping(direction="maximize", window=4), rising) is None
    # The same curve is getting worse for a loss: not improving counts as flat.
    assert first_stop(GradientEarlyStopping(direction="minimize", window=4), rising) == 5


def test_scale_mean_is_a_relative_change_per_step() -> None:
    # 1% relative decrease per step: flat under threshold 0.02, improving under 0.005.
    values = 100.0 * 0.99 ** np.arange(30)
    assert first_stop(GradientEarlyStopping(scale="mean", threshold=0.02), values) == 6
    assert first_stop(GradientEarlyStopping(scale="mean", threshold=0.005), values) is None


def test_scale_max_calls_a_curve_that_never_moved_flat() -> None:
    # A loss stuck near 2.3 (a network that does not learn) drifting down by tiny amounts.
    stalled = 2.3 + 0.02 * 0.7 ** np.arange(12)
    assert first_stop(GradientEarlyStopping(scale="range"), stalled) is None
    assert first_stop(GradientEarlyStopping(scale="max"), stalled) == 6


def test_thresholds_are_scale_free() -> None:
    for factor in (1e-3, 1.0, 1e4):
        assert first_stop(GradientEarlyStopping(), factor * decaying(100)) == first_stop(
            GradientEarlyStopping(), decaying(100)
        )


def test_non_finite_value_stops_at_once_and_reset_forgets() -> None:
    stopper = GradientEarlyStopping()
    assert not stopper.update(1.0)
    assert stopper.update(math.nan)
    assert stopper.update(0.5)  # stays stopped
    stopper.reset()
    assert not stopper.should_stop and stopper.n_updates == 0


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"window": 1},
            r"The 'window' parameter of GradientEarlyStopping must be an int in the range \[2, inf\). Got 1 instead.",
        ),
        ({"threshold": -0.1}, r"'threshold' .* a float in the range \[0, inf\)"),
        ({"patience": 0}, r"'patience' .* an int in the range \[1, inf\)"),
        ({"min_steps": 1.5}, r"'min_steps' .* an int"),
        ({"scale": "std"}, r"'scale' .* one of \{'max', 'range', 'mean'\}"),
        ({"direction": "up"}, r"'direction' .* one of \{'minimize', 'maximize'\}"),
    ],
)
def test_invalid_parameters(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(InvalidParameterError, match=message):
        GradientEarlyStopping(**kwargs)  # type: ignore[arg-type]
    if "direction" not in kwargs:
        with pytest.raises(InvalidParameterError, match="GradientFlatnessPruner"):
            GradientFlatnessPruner(**kwargs)  # type: ignore[arg-type]


def test_update_rejects_non_numbers() -> None:
    with pytest.raises(InvalidParameterError, match=r"'value' parameter of update\(\)"):
        GradientEarlyStopping().update("0.5")  # type: ignore[arg-type]


def test_reprs_show_the_settings() -> None:
    assert "window=5" in repr(GradientEarlyStopping())
    assert repr(GradientFlatnessPruner(window=3)).startswith("GradientFlatnessPruner(window=3,")


def curve_objective(trial: optuna.Trial) -> float:
    """Trial 0 plateaus at step 3; trial 1 keeps improving (accuracy-like, maximized)."""
    value = 0.0
    for step in range(20):
        value = min(step, 3) * 0.2 if trial.number == 0 else 0.04 * step
        trial.report(value, step)
        if trial.should_prune():
            raise optuna.TrialPruned()
    return value


def test_pruner_prunes_flat_trials_in_a_study() -> None:
    pruner = GradientFlatnessPruner(window=3, patience=2, min_steps=4)
    study = optuna.create_study(direction="maximize", pruner=pruner)
    study.optimize(curve_objective, n_trials=2)
    flat, improving = study.trials
    assert flat.state == optuna.trial.TrialState.PRUNED
    # Values 0, .2, .4, .6, .6, .6, .6: the windows ending at steps 3 and 4 still rise, those
    # ending at steps 5 and 6 are flat; patience 2 prunes at step 6.
    assert max(flat.intermediate_values) == 6
    assert improving.state == optuna.trial.TrialState.COMPLETE
    assert len(improving.intermediate_values) == 20


def test_pruner_follows_the_study_direction() -> None:
    study = optuna.create_study(direction="minimize", pruner=GradientFlatnessPruner(window=3))
    study.optimize(curve_objective, n_trials=2)
    # Rising values are worsening for a minimized objective: both trials are pruned.
    assert [t.state for t in study.trials] == [optuna.trial.TrialState.PRUNED] * 2
