"""Task names of the YAHPO Gym scenarios, resolved by pattern (nothing is read or imported)."""

from __future__ import annotations

import re

from smarttune.tasks._info import TaskInfo

__all__ = ["PATTERN", "yahpo_task_info"]

#: ``yahpo-<scenario>-<instance>``, e.g. ``yahpo-lcbench-3945``, ``yahpo-rbv2_xgboost-40983``.
PATTERN = re.compile(r"^yahpo-(lcbench|rbv2_xgboost|rbv2_rpart)-(\d+)$")

_SUMMARIES = {
    "lcbench": "YAHPO Gym LCBench surrogate: MLP on OpenML task {}, validation accuracy",
    "rbv2_xgboost": "YAHPO Gym rbv2 surrogate: XGBoost on OpenML task {}, accuracy",
    "rbv2_rpart": "YAHPO Gym rbv2 surrogate: CART tree on OpenML task {}, accuracy",
}


def yahpo_task_info(name: str) -> TaskInfo | None:
    """The registry entry of a ``yahpo-<scenario>-<instance>`` name, or None if it is not one.

    Whether the instance exists is checked when the task is built (it needs the data).
    """
    match = PATTERN.match(name)
    if match is None:
        return None
    scenario, instance = match.groups()
    return TaskInfo(
        name=name,
        summary=_SUMMARIES[scenario].format(instance),
        direction="maximize",
        target="smarttune.tasks.yahpo._task:YahpoTask",
        options=(("scenario", scenario), ("instance", instance)),
        extra="yahpo",
    )
