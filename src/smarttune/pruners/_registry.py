"""Pruner names: the strings ``tune()`` and the CLI accept, resolved to pruner objects."""

from __future__ import annotations

import difflib
from collections.abc import Callable
from typing import TYPE_CHECKING

from smarttune._validation import InstanceOf, Options, validate_parameter
from smarttune.exceptions import UnknownNameError

if TYPE_CHECKING:
    import optuna

__all__ = ["PRUNER_NAMES", "check_pruner_name", "resolve_pruner"]


def _none() -> optuna.pruners.BasePruner:
    import optuna

    return optuna.pruners.NopPruner()


def _median() -> optuna.pruners.BasePruner:
    import optuna

    return optuna.pruners.MedianPruner(n_startup_trials=5, n_warmup_steps=1)


def _hyperband() -> optuna.pruners.BasePruner:
    import optuna

    return optuna.pruners.HyperbandPruner()


def _successive_halving() -> optuna.pruners.BasePruner:
    import optuna

    return optuna.pruners.SuccessiveHalvingPruner()


def _flatness() -> optuna.pruners.BasePruner:
    from smarttune.pruners._flatness import GradientFlatnessPruner

    return GradientFlatnessPruner()


def _mo_asha() -> optuna.pruners.BasePruner:
    from smarttune.pruners._mo_asha import MOASHAPruner

    return MOASHAPruner()


_FACTORIES: dict[str, Callable[[], optuna.pruners.BasePruner]] = {
    "none": _none,
    "median": _median,
    "flatness": _flatness,
    "hyperband": _hyperband,
    "asha": _successive_halving,
    "successive-halving": _successive_halving,
    "mo-asha": _mo_asha,
}

#: Every name :func:`resolve_pruner` accepts.
PRUNER_NAMES: tuple[str, ...] = tuple(_FACTORIES)


def resolve_pruner(pruner: str | optuna.pruners.BasePruner | None) -> optuna.pruners.BasePruner:
    """Return ``pruner`` itself, or a new pruner built from its name; ``None`` means no pruning.

    Raises:
        UnknownNameError: If the name is not one of :data:`PRUNER_NAMES`.
        InvalidParameterError: If ``pruner`` is neither None, a string nor a pruner.
    """
    import optuna

    validate_parameter(
        "pruner", pruner, [None, InstanceOf(str, optuna.pruners.BasePruner)], owner="tune()"
    )
    if pruner is None:
        return _none()
    if isinstance(pruner, optuna.pruners.BasePruner):
        return pruner
    return _FACTORIES[check_pruner_name(pruner)]()


def check_pruner_name(name: str) -> str:
    """Return ``name`` as :data:`PRUNER_NAMES` spells it (lower case, ``-`` for ``_``).

    Raises:
        UnknownNameError: If it is none of them; the message names the closest one.
    """
    key = name.strip().lower().replace("_", "-")
    if key not in _FACTORIES:
        close = difflib.get_close_matches(key, PRUNER_NAMES, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise UnknownNameError(
            f"Unknown pruner {name!r}{hint}: the 'pruner' parameter must be None, an Optuna "
            f"pruner or {Options(PRUNER_NAMES)}."
        )
    return key
