from __future__ import annotations

import optuna
import pytest

from smarttune.exceptions import InvalidParameterError, UnknownNameError
from smarttune.pruners import PRUNER_NAMES, resolve_pruner
from smarttune.samplers import SAMPLER_NAMES, resolve_sampler


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
