from __future__ import annotations

from pathlib import Path

import optuna
import pytest

from smarttune import tune
from smarttune.config import load_config
from smarttune.exceptions import InvalidParameterError, StorageError


def two(trial: optuna.Trial) -> tuple[float, float]:
    x = trial.suggest_float("x", 0.0, 1.0)
    return x, (1.0 - x) ** 2


def other(trial: optuna.Trial) -> tuple[float, float]:
    return two(trial)


def test_tune_with_directions_creates_a_multi_objective_study(sqlite_url: str) -> None:
    study = tune(
        two,
        directions=["maximize", "minimize"],
        n_trials=6,
        storage=sqlite_url,
        study_name="s",
        sampler="hybrid",
        seed=0,
    )
    assert [d.name for d in study.directions] == ["MAXIMIZE", "MINIMIZE"]
    assert len(study.trials) == 6 and study.best_trials
    again = tune(
        two,
        directions=["maximize", "minimize"],
        n_trials=2,
        storage=sqlite_url,
        study_name="s",
        sampler="random",
    )
    assert len(again.trials) == 8


def test_resuming_with_other_directions_or_objective_is_refused(sqlite_url: str) -> None:
    tune(
        two,
        directions=["maximize", "minimize"],
        n_trials=1,
        storage=sqlite_url,
        study_name="s",
        sampler="random",
    )
    with pytest.raises(
        InvalidParameterError,
        match=r"must match the existing study 's', which is 'maximize,minimize'\. Got 'minimize,minimize'",
    ):
        tune(
            two,
            directions=["minimize", "minimize"],
            n_trials=1,
            storage=sqlite_url,
            study_name="s",
            sampler="random",
        )
    with pytest.raises(StorageError, match=r"tunes .*two'?, not .*other"):
        tune(
            other,
            directions=["maximize", "minimize"],
            n_trials=1,
            storage=sqlite_url,
            study_name="s",
            sampler="random",
        )


def test_non_finite_values_fail_the_trial() -> None:
    study = tune(
        lambda t: (float("nan"), t.suggest_float("x", 0, 1)),
        directions=["minimize", "minimize"],
        n_trials=2,
        sampler="random",
    )
    assert [t.state.name for t in study.trials] == ["FAIL", "FAIL"]
    assert "not finite numbers" in study.trials[0].system_attrs["smarttune:fail_reason"]


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        (
            {"directions": ["maximize"]},
            r"'directions' parameter must be 2 or more of 'maximize' and 'minimize'.*Got \['maximize'\]",
        ),
        ({"directions": ["up", "down"]}, r"Got \['up', 'down'\] instead"),
        (
            {"directions": ["maximize", "minimize"], "n_jobs": 2},
            r"'directions' parameter of tune\(\) runs serially.*n_jobs=2",
        ),
        (
            {"directions": ["maximize", "minimize"], "direction": "maximize"},
            r"direction='maximize'",
        ),
    ],
)
def test_bad_directions_arguments(kwargs: dict[str, object], match: str) -> None:
    with pytest.raises(InvalidParameterError, match=match):
        tune(two, n_trials=1, sampler="random", **kwargs)  # type: ignore[arg-type]


def test_config_directions_key(tmp_path: Path) -> None:
    folder = tmp_path
    good = folder / "a.toml"
    good.write_text('directions = ["maximize", "minimize"]\n')
    assert load_config(good).tune_options() == {"directions": "maximize,minimize"}
    bad = folder / "b.toml"
    bad.write_text('directions = ["maximize"]\n')
    with pytest.raises(
        InvalidParameterError,
        match=r"The 'directions' key of config .* must be a list of 2 or more of 'maximize' and 'minimize'\. Got \['maximize'\] instead\.",
    ):
        load_config(bad)
    both = folder / "c.toml"
    both.write_text('direction = "maximize"\ndirections = ["maximize", "minimize"]\n')
    with pytest.raises(InvalidParameterError, match=r"gives both 'direction' and 'directions'"):
        load_config(both)
