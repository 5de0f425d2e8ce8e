"""A YAHPO scenario's search space, read from its ConfigSpace JSON.

Only what the three scenarios use is read: uniform floats and integers (optionally on a log
scale), categoricals, and ``EQ``/``IN`` conditions on a categorical parent.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from smarttune.exceptions import DataError

if TYPE_CHECKING:
    import numpy as np
    import optuna
    from optuna.distributions import BaseDistribution

__all__ = ["Param", "SearchSpace", "parse_space"]


@dataclass(frozen=True)
class Param:
    """One hyperparameter.

    Attributes:
        name: The parameter's name.
        kind: ``"float"``, ``"int"`` or ``"categorical"``.
        low: The lower bound (numeric parameters).
        high: The upper bound (numeric parameters).
        log: Whether the parameter lives on a log scale.
        choices: The choices (categoricals).
        default: ConfigSpace's default value.
        parent: The categorical parameter this one depends on, or None.
        parent_values: The parent's values under which this parameter is active.
    """

    name: str
    kind: str
    low: float = 0.0
    high: float = 1.0
    log: bool = False
    choices: tuple[str, ...] = ()
    default: Any = None
    parent: str | None = None
    parent_values: tuple[str, ...] = ()

    def distribution(self) -> BaseDistribution:
        """The parameter as an Optuna distribution."""
        from optuna.distributions import (
            CategoricalDistribution,
            FloatDistribution,
            IntDistribution,
        )

        if self.kind == "categorical":
            return CategoricalDistribution(list(self.choices))
        if self.kind == "int":
            return IntDistribution(int(self.low), int(self.high), log=self.log)
        return FloatDistribution(self.low, self.high, log=self.log)

    def from_unit(self, u: float) -> Any:
        """Map ``u`` in [0, 1) to a value (log scale where the parameter has one)."""
        if self.kind == "categorical":
            return self.choices[min(int(u * len(self.choices)), len(self.choices) - 1)]
        if self.kind == "int":
            if self.log:
                top = math.log(self.high + 1)
                value = math.floor(math.exp(math.log(self.low) + u * (top - math.log(self.low))))
            else:
                value = math.floor(self.low + u * (self.high - self.low + 1))
            return int(min(max(value, self.low), self.high))
        if self.log:
            return math.exp(math.log(self.low) + u * (math.log(self.high) - math.log(self.low)))
        return self.low + u * (self.high - self.low)


@dataclass(frozen=True)
class SearchSpace:
    """The tunable parameters of a scenario (no instance, no fidelity), in file order."""

    params: tuple[Param, ...]

    @property
    def names(self) -> tuple[str, ...]:
        """The parameters' names."""
        return tuple(param.name for param in self.params)

    def distributions(self) -> dict[str, BaseDistribution]:
        """Every parameter as an Optuna distribution, conditional ones included."""
        return {param.name: param.distribution() for param in self.params}

    def is_active(self, param: Param, config: Mapping[str, Any]) -> bool:
        """Whether ``param`` takes a value in ``config`` (its condition holds)."""
        return param.parent is None or config.get(param.parent) in param.parent_values

    def suggest(self, trial: optuna.Trial) -> dict[str, Any]:
        """Suggest a configuration; a conditional parameter only when it is active."""
        config: dict[str, Any] = {}
        for param in self._ordered():
            if self.is_active(param, config):
                config[param.name] = _suggest(trial, param)
        return config

    def from_unit(self, row: Sequence[float]) -> dict[str, Any]:
        """A configuration from one point of the unit cube (one coordinate per parameter)."""
        config: dict[str, Any] = {}
        coordinates = dict(zip(self.names, row, strict=True))
        for param in self._ordered():
            if self.is_active(param, config):
                config[param.name] = param.from_unit(float(coordinates[param.name]))
        return config

    def sample(self, n: int, *, seed: int, sobol: bool = True) -> list[dict[str, Any]]:
        """``n`` configurations from a scrambled Sobol sequence (or uniformly at random)."""
        return [self.from_unit(row) for row in self.unit_points(n, seed=seed, sobol=sobol)]

    def unit_points(self, n: int, *, seed: int, sobol: bool = True) -> np.ndarray:
        """The ``n`` x ``len(params)`` unit-cube points behind :meth:`sample`."""
        import numpy as np
        from scipy.stats import qmc

        if sobol:
            engine = qmc.Sobol(len(self.params), scramble=True, seed=seed)
            # The first n points of a power-of-two draw (scipy warns on other sizes).
            return np.asarray(engine.random_base2(max(0, (n - 1).bit_length()))[:n])
        return np.random.default_rng(seed).random((n, len(self.params)))

    def _ordered(self) -> list[Param]:
        """Parents before their children."""
        return sorted(self.params, key=lambda param: param.parent is not None)


def _suggest(trial: optuna.Trial, param: Param) -> Any:
    if param.kind == "categorical":
        return trial.suggest_categorical(param.name, list(param.choices))
    if param.kind == "int":
        return trial.suggest_int(param.name, int(param.low), int(param.high), log=param.log)
    return trial.suggest_float(param.name, param.low, param.high, log=param.log)


def parse_space(document: Mapping[str, Any], *, skip: Sequence[str]) -> tuple[Param, ...]:
    """Read the hyperparameters of a ConfigSpace JSON document, leaving out ``skip``.

    Raises:
        DataError: If the document uses a type or condition that the scenarios do not.
    """
    conditions = {cond["child"]: cond for cond in document.get("conditions", [])}
    params = []
    for entry in document["hyperparameters"]:
        if entry["name"] in skip:
            continue
        params.append(_param(entry, conditions.get(entry["name"])))
    return tuple(params)


def _param(entry: Mapping[str, Any], condition: Mapping[str, Any] | None) -> Param:
    kinds = {"uniform_float": "float", "uniform_int": "int", "categorical": "categorical"}
    if entry["type"] not in kinds:
        raise DataError(f"Unsupported hyperparameter type {entry['type']!r} in config_space.json.")
    parent: str | None = None
    parent_values: tuple[str, ...] = ()
    if condition is not None:
        if condition["type"] not in ("EQ", "IN"):
            raise DataError(f"Unsupported condition type {condition['type']!r}.")
        parent = condition["parent"]
        values = condition.get("values", [condition.get("value")])
        parent_values = tuple(str(value) for value in values)
    kind = kinds[entry["type"]]
    if kind == "categorical":
        return Param(
            entry["name"],
            kind,
            choices=tuple(str(c) for c in entry["choices"]),
            default=entry.get("default"),
            parent=parent,
            parent_values=parent_values,
        )
    return Param(
        entry["name"],
        kind,
        low=float(entry["lower"]),
        high=float(entry["upper"]),
        log=bool(entry.get("log", False)),
        default=entry.get("default"),
        parent=parent,
        parent_values=parent_values,
    )
