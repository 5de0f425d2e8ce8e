"""Sampler names: the strings ``tune()`` and the CLI accept, resolved to sampler objects."""

from __future__ import annotations

import difflib
import warnings
from collections.abc import Callable
from typing import TYPE_CHECKING

from smarttune._validation import InstanceOf, Options, validate_parameter
from smarttune.exceptions import UnknownNameError

if TYPE_CHECKING:
    import optuna

__all__ = ["SAMPLER_NAMES", "check_sampler_name", "resolve_sampler"]


def _tpe(seed: int | None) -> optuna.samplers.BaseSampler:
    import optuna

    return optuna.samplers.TPESampler(seed=seed)


def _random(seed: int | None) -> optuna.samplers.BaseSampler:
    import optuna

    return optuna.samplers.RandomSampler(seed=seed)


def _sobol(seed: int | None) -> optuna.samplers.BaseSampler:
    import optuna

    # Asked for by name, the sampler's experimental status is known to the user; don't warn.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
        return optuna.samplers.QMCSampler(qmc_type="sobol", scramble=True, seed=seed)


def _gp(seed: int | None) -> optuna.samplers.BaseSampler:
    import optuna

    return optuna.samplers.GPSampler(seed=seed)


def _cmaes(seed: int | None) -> optuna.samplers.BaseSampler:
    import optuna

    return optuna.samplers.CmaEsSampler(seed=seed)


def _hybrid(seed: int | None) -> optuna.samplers.BaseSampler:
    from smarttune.samplers._hybrid import HybridSampler

    return HybridSampler(seed=seed)


def _genetic(seed: int | None) -> optuna.samplers.BaseSampler:
    from smarttune.samplers._genetic import GeneticSampler

    return GeneticSampler(seed=seed)


def _bandit(seed: int | None) -> optuna.samplers.BaseSampler:
    from smarttune.samplers._bandit import BayesianBanditSampler

    return BayesianBanditSampler(seed=seed)


def _nsga2(seed: int | None) -> optuna.samplers.BaseSampler:
    import optuna

    return optuna.samplers.NSGAIISampler(seed=seed)


_FACTORIES: dict[str, Callable[[int | None], optuna.samplers.BaseSampler]] = {
    "hybrid": _hybrid,
    "genetic": _genetic,
    "bandit": _bandit,
    "tpe": _tpe,
    "random": _random,
    "sobol": _sobol,
    "gp": _gp,
    "cmaes": _cmaes,
    "nsga2": _nsga2,
}

#: Every name :func:`resolve_sampler` accepts, in the order the CLI lists them.
SAMPLER_NAMES: tuple[str, ...] = tuple(_FACTORIES)


def resolve_sampler(
    sampler: str | optuna.samplers.BaseSampler, *, seed: int | None = None
) -> optuna.samplers.BaseSampler:
    """Return ``sampler`` itself, or a new sampler built from its name with ``seed``.

    Args:
        sampler: An Optuna sampler instance, or one of :data:`SAMPLER_NAMES`
            (case-insensitive, ``_`` and ``-`` equivalent).
        seed: Seed given to a sampler built from a name; ignored for an instance.

    Raises:
        UnknownNameError: If the name is not one of :data:`SAMPLER_NAMES`.
        InvalidParameterError: If ``sampler`` is neither a string nor a sampler.
    """
    import optuna

    validate_parameter(
        "sampler", sampler, [InstanceOf(str, optuna.samplers.BaseSampler)], owner="tune()"
    )
    if isinstance(sampler, optuna.samplers.BaseSampler):
        return sampler
    return _FACTORIES[check_sampler_name(sampler)](seed)


def check_sampler_name(name: str) -> str:
    """Return ``name`` as :data:`SAMPLER_NAMES` spells it (lower case, ``-`` for ``_``).

    Raises:
        UnknownNameError: If it is none of them; the message names the closest one.
    """
    key = name.strip().lower().replace("_", "-")
    if key not in _FACTORIES:
        close = difflib.get_close_matches(key, SAMPLER_NAMES, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise UnknownNameError(
            f"Unknown sampler {name!r}{hint}: the 'sampler' parameter must be an Optuna "
            f"sampler or {Options(SAMPLER_NAMES)}."
        )
    return key
