"""The YAHPO portfolios in everyday libraries' parameter names.

* ``xgboost`` (rbv2 tuned the same library through mlr3): ``eta`` -> ``learning_rate``,
  ``nrounds`` -> ``n_estimators``, ``lambda`` -> ``reg_lambda``, ``alpha`` -> ``reg_alpha``;
  ``booster``, ``gamma``, ``max_depth``, ``min_child_weight``, ``subsample``,
  ``colsample_bytree``, ``colsample_bylevel``, ``rate_drop``, ``skip_drop`` keep their names
  (the Python package's keyword arguments of ``XGBClassifier``).
* ``rpart`` -> scikit-learn's ``DecisionTreeClassifier`` where the semantics match:
  ``maxdepth`` -> ``max_depth`` (both count the root as depth 0), ``minbucket`` ->
  ``min_samples_leaf``, ``minsplit`` -> ``min_samples_split`` (at least 2 in scikit-learn).
  ``cp`` is **not** mapped: rpart's complexity parameter stops a split that does not lower the
  tree's relative error (scaled by the root node's) by ``cp``, while ``ccp_alpha`` prunes
  after growing with an absolute impurity penalty; no formula turns one into the other.
* ``mlp`` (LCBench's funnel-shaped MLP) -> the torch MLP tasks' names (``fashion-mlp``):
  ``num_layers`` -> ``n_layers``, ``learning_rate`` stays, the optimizer is ``SGD`` (LCBench
  trained with SGD and momentum), and layer ``i`` of ``n`` gets ``max_units * (n - i) / n``
  units and ``max_dropout * (n - i) / n`` dropout (a linear funnel: an approximation of
  Auto-PyTorch's shaped MLP). ``batch_size``, ``momentum`` and ``weight_decay`` have no
  counterpart in those tasks and are dropped; values outside a task's ranges are left for
  the caller to clip to its space.

rbv2's imputation choice (``num.impute.selected.cpo``) has no counterpart in either library
(XGBoost handles missing values itself) and is dropped.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from smarttune.exceptions import InvalidParameterError

__all__ = ["DROPPED", "LIBRARIES", "to_library"]

#: What each family's configurations are written for.
LIBRARIES = {
    "xgboost": "xgboost.XGBClassifier",
    "rpart": "sklearn.tree.DecisionTreeClassifier",
    "mlp": "smarttune's torch MLP tasks (fashion-mlp)",
}
#: The YAHPO parameters with no counterpart in the library, by family.
DROPPED = {
    "xgboost": ("num.impute.selected.cpo",),
    "rpart": ("cp", "num.impute.selected.cpo"),
    "mlp": ("batch_size", "momentum", "weight_decay"),
}
_XGBOOST = {"eta": "learning_rate", "nrounds": "n_estimators", "lambda": "reg_lambda"}
_XGBOOST |= {"alpha": "reg_alpha"}
_RPART = {"maxdepth": "max_depth", "minbucket": "min_samples_leaf", "minsplit": "min_samples_split"}


def to_library(family: str, config: Mapping[str, Any]) -> dict[str, Any]:
    """``config`` (YAHPO names) in the library's names (see the module doc).

    Raises:
        InvalidParameterError: If ``family`` is not ``"xgboost"``, ``"rpart"`` or ``"mlp"``.
    """
    if family == "xgboost":
        return _renamed(config, _XGBOOST, DROPPED[family])
    if family == "rpart":
        params = _renamed(config, _RPART, DROPPED[family])
        params["min_samples_split"] = max(2, int(params["min_samples_split"]))
        return params
    if family == "mlp":
        return _mlp(config)
    raise InvalidParameterError(
        f"The 'family' parameter must be one of {sorted(LIBRARIES)}. Got {family!r} instead."
    )


def _renamed(
    config: Mapping[str, Any], names: Mapping[str, str], dropped: tuple[str, ...]
) -> dict[str, Any]:
    return {names.get(k, k): v for k, v in config.items() if k not in dropped}


def _mlp(config: Mapping[str, Any]) -> dict[str, Any]:
    n = int(config["num_layers"])
    params: dict[str, Any] = {"n_layers": n}
    for i in range(n):
        params[f"units_{i}"] = max(1, round(int(config["max_units"]) * (n - i) / n))
        params[f"dropout_{i}"] = float(config["max_dropout"]) * (n - i) / n
    params["optimizer"] = "SGD"
    params["learning_rate"] = float(config["learning_rate"])
    return params
