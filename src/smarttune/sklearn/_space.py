"""``param_distributions`` as RandomizedSearchCV takes them, turned into Optuna suggestions.

Each value of a ``param_distributions`` dict becomes one Optuna distribution and a decoder
from the suggested value back to what the estimator's ``set_params`` receives:

* an Optuna distribution (``FloatDistribution``, ``IntDistribution``,
  ``CategoricalDistribution``) is used as it is;
* a list, tuple or 1-d array is sampled uniformly, as a categorical; choices that Optuna
  cannot store (estimators, tuples, numpy scalars, …) are suggested by their index and
  decoded back to the very object given;
* ``scipy.stats.uniform(loc, scale)`` is a float in ``[loc, loc + scale]``,
  ``scipy.stats.loguniform(a, b)`` (``reciprocal``) a float in ``[a, b]`` on a log scale,
  ``scipy.stats.randint(low, high)`` an int in ``[low, high - 1]``;
* any other frozen distribution with a ``ppf`` (``norm``, ``expon``, ``poisson``, …) is
  searched through its quantile: Optuna suggests ``q`` in ``(0, 1)`` under the name
  ``"<name>:quantile"`` and the estimator receives ``ppf(q)`` (an int for a discrete
  distribution), so that uniform sampling of ``q`` draws exactly from the distribution.

A list of dicts is a choice among sub-spaces, as in RandomizedSearchCV: the sub-space is a
categorical :data:`SPACE_PARAM`, and a name that has different distributions in two
sub-spaces is suggested as ``"<name>@<index>"`` so that Optuna sees one distribution per name.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from smarttune.exceptions import InvalidParameterError

if TYPE_CHECKING:
    import optuna

__all__ = ["SPACE_PARAM", "ParamSpec", "SearchSpace", "build_space"]

#: The Optuna parameter that picks a sub-space when ``param_distributions`` is a list.
SPACE_PARAM = "smarttune:subspace"
_QUANTILE_EPS = 1e-6
_NATIVE = (str, bool, int, float, type(None))


@dataclass(frozen=True)
class ParamSpec:
    """One estimator parameter: its Optuna name and distribution, and the decoder."""

    name: str
    optuna_name: str
    distribution: optuna.distributions.BaseDistribution
    decode: Callable[[Any], Any]


@dataclass(frozen=True)
class SearchSpace:
    """The sub-spaces of a search; :meth:`suggest` draws one configuration from a trial."""

    subspaces: tuple[tuple[ParamSpec, ...], ...]

    def suggest(self, trial: optuna.Trial) -> dict[str, Any]:
        """Suggest every parameter of one sub-space; return the estimator's parameters."""
        index = 0
        if len(self.subspaces) > 1:
            index = trial.suggest_categorical(SPACE_PARAM, list(range(len(self.subspaces))))
        params = {}
        for spec in self.subspaces[index]:
            raw = _suggest(trial, spec.optuna_name, spec.distribution)
            params[spec.name] = spec.decode(raw)
        return params


def _suggest(trial: optuna.Trial, name: str, dist: optuna.distributions.BaseDistribution) -> Any:
    from optuna.distributions import CategoricalDistribution, FloatDistribution, IntDistribution

    if isinstance(dist, FloatDistribution):
        return trial.suggest_float(name, dist.low, dist.high, log=dist.log, step=dist.step)
    if isinstance(dist, IntDistribution):
        return trial.suggest_int(name, dist.low, dist.high, log=dist.log, step=dist.step)
    if isinstance(dist, CategoricalDistribution):
        return trial.suggest_categorical(name, list(dist.choices))
    raise InvalidParameterError(f"Cannot suggest {name!r} from the distribution {dist!r}.")


def build_space(param_distributions: Any, *, owner: str) -> SearchSpace:
    """Convert ``param_distributions`` (a dict or a non-empty list of dicts).

    Raises:
        InvalidParameterError: Naming the parameter whose distribution cannot be searched.
    """
    dicts = param_distributions if isinstance(param_distributions, list) else [param_distributions]
    if not dicts or not all(isinstance(d, Mapping) for d in dicts):
        raise InvalidParameterError(
            f"The 'param_distributions' parameter of {owner} must be a dict or a non-empty list "
            f"of dicts. Got {param_distributions!r} instead."
        )
    converted = [{name: _convert(name, value, owner) for name, value in d.items()} for d in dicts]
    clashing = _clashing_names(converted)
    subspaces = []
    for index, specs in enumerate(converted):
        renamed = [
            ParamSpec(s.name, f"{s.optuna_name}@{index}", s.distribution, s.decode)
            if s.optuna_name in clashing
            else s
            for s in specs.values()
        ]
        subspaces.append(tuple(renamed))
    return SearchSpace(tuple(subspaces))


def _clashing_names(converted: Sequence[Mapping[str, ParamSpec]]) -> set[str]:
    seen: dict[str, optuna.distributions.BaseDistribution] = {}
    clashing = set()
    for specs in converted:
        for spec in specs.values():
            first = seen.setdefault(spec.optuna_name, spec.distribution)
            if first != spec.distribution:
                clashing.add(spec.optuna_name)
    return clashing


def _convert(name: Any, value: Any, owner: str) -> ParamSpec:
    import optuna

    if not isinstance(name, str):
        raise InvalidParameterError(
            f"The 'param_distributions' parameter of {owner} must have str keys. "
            f"Got {name!r} instead."
        )
    if isinstance(value, optuna.distributions.BaseDistribution):
        return ParamSpec(name, name, value, _identity)
    if isinstance(value, (list, tuple)) and value:
        return _categorical(name, list(value))
    if isinstance(value, np.ndarray) and value.ndim == 1 and value.size:
        return _categorical(name, list(value))
    if hasattr(value, "ppf") and hasattr(value, "rvs"):
        return _scipy(name, value)
    raise InvalidParameterError(
        f"The distribution of {name!r} in 'param_distributions' of {owner} must be a "
        "non-empty list, an Optuna distribution or a scipy.stats frozen distribution. "
        f"Got {value!r} instead."
    )


def _identity(value: Any) -> Any:
    return value


def _categorical(name: str, choices: list[Any]) -> ParamSpec:
    from optuna.distributions import CategoricalDistribution

    native = all(type(c) in _NATIVE for c in choices) and len(set(choices)) == len(choices)
    if native:
        return ParamSpec(name, name, CategoricalDistribution(choices), _identity)
    return ParamSpec(
        name, name, CategoricalDistribution(list(range(len(choices)))), choices.__getitem__
    )


def _scipy(name: str, frozen: Any) -> ParamSpec:
    from optuna.distributions import FloatDistribution, IntDistribution

    family = getattr(getattr(frozen, "dist", None), "name", None)
    args, kwds = tuple(getattr(frozen, "args", ())), dict(getattr(frozen, "kwds", {}))
    low, high = (float(b) for b in frozen.support())
    if family == "uniform" and np.isfinite([low, high]).all() and low < high:
        return ParamSpec(name, name, FloatDistribution(low, high), float)
    loc = kwds.get("loc", args[2] if len(args) > 2 else 0)
    if family in ("loguniform", "reciprocal") and loc == 0 and 0 < low < high:
        return ParamSpec(name, name, FloatDistribution(low, high, log=True), float)
    if family == "randint" and low <= high:
        return ParamSpec(name, name, IntDistribution(int(low), int(high)), int)
    discrete = hasattr(getattr(frozen, "dist", None), "pmf")
    quantiles = FloatDistribution(_QUANTILE_EPS, 1 - _QUANTILE_EPS)
    return ParamSpec(name, f"{name}:quantile", quantiles, _Quantile(frozen, discrete))


@dataclass(frozen=True)
class _Quantile:
    """Decode a quantile ``q`` into ``frozen.ppf(q)``; an int for a discrete distribution."""

    frozen: Any
    discrete: bool

    def __call__(self, q: float) -> Any:
        value = self.frozen.ppf(q)
        if self.discrete:
            return int(value)
        return float(value) if isinstance(value, numbers.Real | np.floating) else value
