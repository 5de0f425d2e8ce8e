from __future__ import annotations

import optuna
import pytest

from smarttune.exceptions import InvalidParameterError, UnknownNameError
from smarttune.pruners import PRUNER_NAMES, check_pruner_name, resolve_pruner
from smarttune.samplers import SAMPLER_NAMES, check_sampler_name, resolve_sampler
from smarttune.tasks import list_tasks
from smarttune.tasks._registry import close_task_names


@pytest.mark.parametrize("name", SAMPLER_NAMES)
def test_every_sampler_name_resolves_to_a_sampler(name: str) -> None:
    assert isinstance(resolve_sampler(name, seed=1), optuna.samplers.BaseSampler)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("tpe", optuna.samplers.TPESampler),
        ("TPE", optuna.samplers.TPESampler),
        ("random", optuna.samplers.RandomSampler),
        ("sobol", optuna.samplers.QMCSampler),
        ("gp", optuna.samplers.GPSampler),
        ("cmaes", optuna.samplers.CmaEsSampler),
        ("nsga2", optuna.samplers.NSGAIISampler),
    ],
)
def test_sampler_names_map_to_optuna_classes(name: str, expected: type) -> None:
    assert type(resolve_sampler(name)) is expected


def test_seed_reaches_a_named_sampler() -> None:
    a = resolve_sampler("random", seed=7)
    b = resolve_sampler("random", seed=7)
    dist = optuna.distributions.FloatDistribution(0, 1)
    study = optuna.create_study()
    trial = study.ask()
    assert a.sample_independent(
        study, trial._cached_frozen_trial, "x", dist
    ) == b.sample_independent(study, trial._cached_frozen_trial, "x", dist)


def test_sampler_instance_is_returned_as_is() -> None:
    sampler = optuna.samplers.RandomSampler()
    assert resolve_sampler(sampler) is sampler


@pytest.mark.parametrize("name", PRUNER_NAMES)
def test_every_pruner_name_resolves(name: str) -> None:
    assert isinstance(resolve_pruner(name), optuna.pruners.BasePruner)


def test_pruner_none_means_no_pruning_and_instances_pass_through() -> None:
    assert isinstance(resolve_pruner(None), optuna.pruners.NopPruner)
    pruner = optuna.pruners.MedianPruner()
    assert resolve_pruner(pruner) is pruner
    assert isinstance(resolve_pruner("successive_halving"), optuna.pruners.SuccessiveHalvingPruner)


def test_unknown_names_list_the_known_ones() -> None:
    with pytest.raises(UnknownNameError, match=r"Unknown sampler 'bogus'.*one of \{'hybrid'"):
        resolve_sampler("bogus")
    with pytest.raises(UnknownNameError, match=r"Unknown pruner 'bogus'.*'hyperband'"):
        resolve_pruner("bogus")
    with pytest.raises(InvalidParameterError, match="'sampler' parameter"):
        resolve_sampler(1.5)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("given", "expected"),
    [("tpee", "tpe"), ("HYBIRD", "hybrid"), ("cma_es", "cmaes"), ("nsgaii", "nsga2")],
)
def test_a_misspelt_sampler_name_suggests_the_closest(given: str, expected: str) -> None:
    hint = rf"^Unknown sampler '{given}' \(did you mean '{expected}'\?\): the 'sampler' parameter"
    with pytest.raises(UnknownNameError, match=hint):
        resolve_sampler(given)


@pytest.mark.parametrize(
    ("given", "expected"),
    [("medain", "median"), ("hyperbnd", "hyperband"), ("successive_halvin", "successive-halving")],
)
def test_a_misspelt_pruner_name_suggests_the_closest(given: str, expected: str) -> None:
    hint = rf"^Unknown pruner '{given}' \(did you mean '{expected}'\?\): the 'pruner' parameter"
    with pytest.raises(UnknownNameError, match=hint):
        resolve_pruner(given)


def test_a_name_close_to_nothing_gets_no_suggestion() -> None:
    with pytest.raises(UnknownNameError, match=r"^Unknown sampler 'zzz': the") as sampler:
        resolve_sampler("zzz")
    with pytest.raises(UnknownNameError, match=r"^Unknown pruner 'zzz': the") as pruner:
        resolve_pruner("zzz")
    assert "did you mean" not in f"{sampler.value} {pruner.value}"


def test_close_task_names_are_the_nearest_registered_tasks() -> None:
    assert close_task_names("svm-digit")[0] == "svm-digits"
    assert set(close_task_names("svm-digit")) <= {info.name for info in list_tasks()}
    assert close_task_names("no-such-thing-at-all") == []


def test_checked_names_come_back_as_the_registry_spells_them() -> None:
    assert check_sampler_name(" NSGA2 ") == "nsga2"
    assert check_pruner_name("Successive_Halving") == "successive-halving"
    with pytest.raises(UnknownNameError, match=r"^Unknown sampler 'tpee' \(did you mean 'tpe'\?\)"):
        check_sampler_name("tpee")
    with pytest.raises(UnknownNameError, match=r"^Unknown pruner 'asah' \(did you mean 'asha'\?\)"):
        check_pruner_name("asah")
