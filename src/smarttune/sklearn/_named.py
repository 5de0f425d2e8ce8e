"""Named search spaces for everyday estimators, with measured portfolios as first candidates.

``SmartSearchCV(XGBClassifier(), "xgboost")`` searches rbv2's XGBoost space (Binder, Pfisterer
& Bischl 2020, as YAHPO Gym 1.0.2 declares it) in the ``xgboost`` package's names, one
sub-space per booster (a tree parameter only where the booster has trees), and evaluates the
shipped XGBoost portfolio's first configurations before the sampler's own
(:mod:`smarttune.knowledge._portfolio`). ``"decision_tree"`` does the same for
``DecisionTreeClassifier`` with rpart's ``maxdepth``, ``minbucket`` and ``minsplit`` ranges
(rpart's ``cp`` has no scikit-learn counterpart, so ``ccp_alpha`` stays at its default).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from smarttune.exceptions import InvalidParameterError
from smarttune.knowledge._portfolio import load_portfolio

if TYPE_CHECKING:
    from optuna.distributions import BaseDistribution

    from smarttune.sklearn._space import SearchSpace

__all__ = ["NAMED_SPACES", "PORTFOLIO_SIZE", "named_portfolio", "named_space", "portfolio_params"]

#: Space name to the portfolio family it starts from.
NAMED_SPACES = {"xgboost": "xgboost", "decision_tree": "rpart"}
#: How many portfolio configurations a named space evaluates first.
PORTFOLIO_SIZE = 8


def _check(name: str) -> str:
    if name not in NAMED_SPACES:
        raise InvalidParameterError(
            f"The 'param_distributions' parameter of SmartSearchCV, as a name, must be one of "
            f"{sorted(NAMED_SPACES)}. Got {name!r} instead."
        )
    return NAMED_SPACES[name]


def named_space(name: str) -> list[dict[str, BaseDistribution]]:
    """The sub-spaces of the named space (a list of dicts, as ``param_distributions``).

    Raises:
        InvalidParameterError: If no space has that name.
    """
    family = _check(name)
    return _xgboost_space() if family == "xgboost" else [_tree_space()]


def named_portfolio(name: str, k: int = PORTFOLIO_SIZE) -> list[dict[str, Any]]:
    """The first ``k`` configurations of the named space's portfolio, in its names."""
    return load_portfolio(_check(name)).first_in_library(k)


def portfolio_params(space: SearchSpace, config: Mapping[str, Any]) -> dict[str, Any] | None:
    """``config`` as the Optuna parameters of ``space`` (for ``enqueue_trial``), or None.

    The sub-space is the first whose parameters are exactly ``config``'s and whose single-choice
    parameters (the booster) match; numeric values are clipped into their distributions.
    """
    from smarttune.sklearn._space import SPACE_PARAM

    for index, specs in enumerate(space.subspaces):
        if {spec.name for spec in specs} != set(config):
            continue
        params = {spec.optuna_name: _fit(spec.distribution, config[spec.name]) for spec in specs}
        if any(value is None for value in params.values()):
            continue
        if len(space.subspaces) > 1:
            params[SPACE_PARAM] = index
        return params
    return None


def _fit(distribution: BaseDistribution, value: Any) -> Any:
    from optuna.distributions import CategoricalDistribution, FloatDistribution

    if isinstance(distribution, CategoricalDistribution):
        return value if value in distribution.choices else None
    low, high = distribution.low, distribution.high  # type: ignore[attr-defined]
    clipped = min(max(value, low), high)
    return float(clipped) if isinstance(distribution, FloatDistribution) else int(clipped)


def _xgboost_space() -> list[dict[str, BaseDistribution]]:
    from optuna.distributions import CategoricalDistribution, FloatDistribution, IntDistribution

    common: dict[str, BaseDistribution] = {
        "n_estimators": IntDistribution(7, 2981, log=True),
        "reg_lambda": FloatDistribution(math.exp(-7), math.exp(7), log=True),
        "reg_alpha": FloatDistribution(math.exp(-7), math.exp(7), log=True),
        "subsample": FloatDistribution(0.1, 1.0),
    }
    trees: dict[str, BaseDistribution] = {
        "learning_rate": FloatDistribution(math.exp(-7), 1.0, log=True),
        "gamma": FloatDistribution(math.exp(-10), math.exp(2), log=True),
        "max_depth": IntDistribution(1, 15),
        "min_child_weight": FloatDistribution(math.exp(1), math.exp(5), log=True),
        "colsample_bytree": FloatDistribution(0.01, 1.0),
        "colsample_bylevel": FloatDistribution(0.01, 1.0),
    }
    dart: dict[str, BaseDistribution] = {
        "rate_drop": FloatDistribution(0.0, 1.0),
        "skip_drop": FloatDistribution(0.0, 1.0),
    }
    return [
        {"booster": CategoricalDistribution(["gblinear"]), **common},
        {"booster": CategoricalDistribution(["gbtree"]), **common, **trees},
        {"booster": CategoricalDistribution(["dart"]), **common, **trees, **dart},
    ]


def _tree_space() -> dict[str, BaseDistribution]:
    from optuna.distributions import IntDistribution

    return {
        "max_depth": IntDistribution(1, 30),
        "min_samples_leaf": IntDistribution(1, 100),
        "min_samples_split": IntDistribution(2, 100),
    }
