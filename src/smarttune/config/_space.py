"""The ``[space]`` table: parameters of an objective written without ``trial.suggest_*``.

Each entry names one parameter and its distribution::

    [space]
    C = { type = "float", low = 1e-3, high = 1e3, log = true }
    depth = { type = "int", low = 1, high = 12 }
    kernel = { type = "categorical", choices = ["rbf", "linear"] }

``float`` takes ``low``, ``high`` and optionally ``log`` or ``step``; ``int`` takes ``low``,
``high`` and optionally ``log`` or ``step``; ``categorical`` takes ``choices`` (strings,
numbers or booleans). The objective is then called with a dict of the drawn values.
"""

from __future__ import annotations

import functools
import math
import warnings
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from smarttune._validation import InstanceOf, Options, validate_parameter
from smarttune.config._keys import check_keys, fail, label
from smarttune.exceptions import InvalidParameterError

if TYPE_CHECKING:
    import optuna

__all__ = ["parse_space", "with_space"]

_FIELDS = {
    "float": ("type", "low", "high", "log", "step"),
    "int": ("type", "low", "high", "log", "step"),
    "categorical": ("type", "choices"),
}


def parse_space(table: Any, *, where: str) -> dict[str, optuna.distributions.BaseDistribution]:
    """Validate the ``space`` table and return parameter name → Optuna distribution.

    Raises:
        InvalidParameterError: Naming the key (``space.C.low``), what it must be and the value.
    """
    if not isinstance(table, dict) or not table:
        fail("space", "a non-empty table of parameters", table, where=where)
    return {
        name: _strict(f"space.{label(name)}", spec, where)
        for name, spec in table.items()
        if isinstance(name, str) or fail("space", "a table with string keys", name, where=where)
    }


def _strict(key: str, spec: Any, where: str) -> optuna.distributions.BaseDistribution:
    """:func:`_parse_param`, with Optuna's warnings turned into errors.

    Optuna warns, then shrinks the range, when ``step`` does not divide ``high - low``.
    """
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        distribution = _parse_param(key, spec, where)
    if caught:
        raise InvalidParameterError(
            f"The '{key}' key of {where} is not a valid distribution: "
            f"{' '.join(str(caught[0].message).split())}"
        )
    return distribution


def _parse_param(key: str, spec: Any, where: str) -> optuna.distributions.BaseDistribution:
    from optuna.distributions import CategoricalDistribution, FloatDistribution, IntDistribution

    if not isinstance(spec, dict):
        fail(key, "a table with a 'type' key", spec, where=where)
    kind: Any = spec.get("type")
    validate_parameter(f"{key}.type", kind, [Options(tuple(_FIELDS))], owner=where, kind="key")
    check_keys(spec, _FIELDS[kind], prefix=f"{key}.", where=where)
    if kind == "categorical":
        return CategoricalDistribution(_choices(f"{key}.choices", spec.get("choices"), where))
    bounds: list[Any] = [spec.get(name) for name in ("low", "high", "log", "step")]
    low, high, log, step = bounds
    log = False if log is None else log
    validate_parameter(f"{key}.log", log, [InstanceOf(bool)], owner=where, kind="key")
    if kind == "int":
        _check_number(f"{key}.low", low, integer=True, above=0 if log else None, where=where)
        _check_number(f"{key}.high", high, integer=True, above=low - 1, where=where)
        if step is not None and (log or not _is_number(step, True) or step < 1):
            fail(f"{key}.step", "an int >= 1 (and not given with log)", step, where=where)
        return IntDistribution(low, high, log=log, step=1 if step is None else step)
    _check_number(f"{key}.low", low, integer=False, above=0.0 if log else None, where=where)
    _check_number(f"{key}.high", high, integer=False, above=low, where=where)
    if step is not None and (log or not _is_number(step, False) or step <= 0):
        fail(f"{key}.step", "a finite number > 0 (and not given with log)", step, where=where)
    return FloatDistribution(
        float(low), float(high), log=log, step=None if step is None else float(step)
    )


def _is_number(value: Any, integer: bool) -> bool:
    if isinstance(value, bool):
        return False
    if integer:
        return isinstance(value, int)
    return isinstance(value, (int, float)) and math.isfinite(value)


def _check_number(key: str, value: Any, *, integer: bool, above: Any, where: str) -> None:
    noun = "an int" if integer else "a finite number"
    if not _is_number(value, integer) or (above is not None and not value > above):
        fail(key, noun if above is None else f"{noun} > {above}", value, where=where)


def _choices(key: str, choices: Any, where: str) -> list[Any]:
    allowed = (str, int, float, bool)
    if (
        not isinstance(choices, list)
        or not choices
        or not all(isinstance(c, allowed) for c in choices)
        or any(isinstance(c, float) and math.isnan(c) for c in choices)
    ):
        fail(key, "a non-empty list of strings, numbers or booleans", choices, where=where)
    if len({(type(c), c) for c in choices}) != len(choices):
        fail(key, "a list of distinct choices", choices, where=where)
    return list(choices)


def with_space(
    function: Callable[[dict[str, Any]], float],
    space: Mapping[str, optuna.distributions.BaseDistribution],
) -> Callable[[optuna.Trial], float]:
    """Wrap ``function(params)`` as an Optuna objective that draws ``params`` from ``space``."""

    def objective(trial: optuna.Trial) -> float:
        params = {name: _suggest(trial, name, dist) for name, dist in space.items()}
        return function(params)

    objective.__name__ = getattr(function, "__name__", "objective")
    # __wrapped__: a study records the user's function as what it tunes, not this wrapper.
    return functools.update_wrapper(objective, function, assigned=(), updated=())


def _suggest(trial: optuna.Trial, name: str, dist: Any) -> Any:
    from optuna.distributions import FloatDistribution, IntDistribution

    if isinstance(dist, FloatDistribution):
        return trial.suggest_float(name, dist.low, dist.high, log=dist.log, step=dist.step)
    if isinstance(dist, IntDistribution):
        return trial.suggest_int(name, dist.low, dist.high, log=dist.log, step=dist.step)
    return trial.suggest_categorical(name, list(dist.choices))
