"""What the YAHPO portfolio scripts share: library defaults and per-instance extremes."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from smarttune.yahpo import load_scenario

RESULTS = Path(__file__).parent / "results"
EXTREMES = RESULTS / "yahpo_extremes.json"
REFERENCE_SEED = 2**31 - 1

#: XGBClassifier()'s defaults (xgboost 2.x/3.x) in rbv2's names. rbv2's box excludes three of
#: them, so they sit on its nearest bound: min_child_weight 1 -> e^1, gamma 0 -> e^-10,
#: alpha 0 -> e^-7. rbv2 always imputes missing values first: its default, impute.mean.
XGBOOST_DEFAULTS: dict[str, Any] = {
    "booster": "gbtree",
    "nrounds": 100,
    "eta": 0.3,
    "max_depth": 6,
    "min_child_weight": math.exp(1.0),
    "gamma": math.exp(-10.0),
    "lambda": 1.0,
    "alpha": math.exp(-7.0),
    "subsample": 1.0,
    "colsample_bytree": 1.0,
    "colsample_bylevel": 1.0,
    "num.impute.selected.cpo": "impute.mean",
}
#: DecisionTreeClassifier()'s defaults in rpart's names: max_depth None -> 30 (rpart's
#: largest), min_samples_leaf 1, min_samples_split 2, ccp_alpha 0 -> cp at its lower bound
#: (cp and ccp_alpha do not mean the same thing; this is the closest "no pruning" value).
RPART_DEFAULTS: dict[str, Any] = {
    "cp": math.exp(-7.0),
    "maxdepth": 30,
    "minbucket": 1,
    "minsplit": 2,
    "num.impute.selected.cpo": "impute.mean",
}
DEFAULTS = {"xgboost": XGBOOST_DEFAULTS, "rpart": RPART_DEFAULTS}


def clip_to_space(scenario_name: str, config: dict[str, Any]) -> dict[str, Any]:
    """``config`` with numeric values clipped into the scenario's box (float rounding)."""
    space = load_scenario(scenario_name).space
    clipped = dict(config)
    for param in space.params:
        if param.name in clipped and param.kind != "categorical":
            clipped[param.name] = min(max(clipped[param.name], param.low), param.high)
    return clipped


def extremes() -> dict[str, dict[str, dict[str, float]]]:
    """``{scenario: {instance: {"best": ..., "worst": ...}}}`` from ``yahpo_extremes.py``."""
    return json.loads(EXTREMES.read_text())  # type: ignore[no-any-return]
