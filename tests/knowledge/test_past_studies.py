from __future__ import annotations

import optuna
import pytest

import smarttune
from smarttune._target import TUNES_KEY as TARGET_TUNES_KEY
from smarttune.knowledge import find_past_studies, study_space
from smarttune.knowledge._past_studies import TUNES_KEY, PastStudies


def quadratic(trial: optuna.Trial) -> float:
    return (trial.suggest_float("x", -5, 5) - 2.0) ** 2


def narrow(trial: optuna.Trial) -> float:
    return (trial.suggest_float("x", 0, 4) - 2.0) ** 2


def other(trial: optuna.Trial) -> float:
    return trial.suggest_float("z", 0, 1)


def _run(storage: str, name: str, objective: object, n: int = 6, **kw: object) -> optuna.Study:
    return smarttune.tune(
        objective,  # type: ignore[arg-type]
        n_trials=n,
        storage=storage,
        study_name=name,
        sampler="random",
        seed=0,
        progress=False,
        transfer=False,
        **kw,  # type: ignore[arg-type]
    )


def test_the_key_is_the_one_tune_records() -> None:
    assert TUNES_KEY == TARGET_TUNES_KEY


def test_studies_of_the_same_objective_are_used_and_others_skipped_with_a_reason(
    tmp_path: object,
) -> None:
    url = f"sqlite:///{tmp_path}/past.db"
    _run(url, "first", quadratic)
    _run(url, "short", quadratic, n=2)
    _run(url, "unrelated", other)
    _run(url, "upward", quadratic, direction="maximize")
    storage = optuna.storages.get_storage(url)
    reference = f"{__name__}:quadratic"
    found = find_past_studies(storage, objective=reference, direction="minimize", exclude="new")
    assert found.used == ("first",)
    reasons = dict(found.skipped)
    assert reasons["short"] == "2 completed trials (needs 3)"
    assert reasons["unrelated"] == f"it tunes '{__name__}:other', with parameters z"
    assert reasons["upward"] == "it is maximized, this study is minimized"
    assert found.knowledge is not None and len(found.knowledge.warm_start) == 5
    best = min(optuna.load_study(study_name="first", storage=storage).trials, key=lambda t: t.value)
    assert found.knowledge.warm_start[0] == best.params


def test_another_objective_with_the_same_parameters_joins_when_the_space_is_known(
    tmp_path: object,
) -> None:
    url = f"sqlite:///{tmp_path}/past.db"
    _run(url, "wide", quadratic)
    storage = optuna.storages.get_storage(url)
    narrow_study = _run(url, "narrow", narrow)
    space = study_space(narrow_study)
    assert space is not None
    found = find_past_studies(
        storage,
        objective=f"{__name__}:narrow",
        direction="minimize",
        exclude="narrow",
        search_space=space,
    )
    assert found.used == ("wide",)
    assert all(0 <= c["x"] <= 4 for c in found.knowledge.warm_start_for(space))  # type: ignore[union-attr]


def test_lines_name_the_studies_and_count_many_skips() -> None:
    many = PastStudies(None, ("a", "b"), tuple((f"s{i}", "why") for i in range(5)))
    lines = many.lines()
    assert len(lines) == 2 and "Transfer from 2 past studies (a, b)" in lines[0]
    assert lines[1] == "Transfer skips 5 other studies (--verbose lists why)."
    assert len(many.lines(verbose=True)) == 6
    few = PastStudies(None, (), (("s", "it has several objectives"),))
    assert few.lines() == ["Transfer skips study 's': it has several objectives."]


def test_tune_learns_from_the_first_study_and_says_so(
    tmp_path: object, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path}/past.db"
    first = _run(url, "first", quadratic, n=10)
    capsys.readouterr()
    second = smarttune.tune(
        quadratic, n_trials=3, storage=url, study_name="second", seed=1, progress=False
    )
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith("Transfer from 1 past study (first): 5 warm-start configurations")
    assert second.trials[0].params == first.best_params
    assert second.trials[0].value == pytest.approx(first.best_value)


def test_tune_without_transfer_prints_nothing_and_starts_cold(
    tmp_path: object, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path}/past.db"
    first = _run(url, "first", quadratic, n=10)
    capsys.readouterr()
    second = _run(url, "second", quadratic, n=1)
    assert capsys.readouterr().err == ""
    assert second.trials[0].params != first.best_params
