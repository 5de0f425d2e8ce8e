"""Reading finished studies out of Optuna storages into :class:`StudyRecord` objects."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from smarttune.exceptions import InvalidParameterError
from smarttune.knowledge._describe import TASK_ATTR
from smarttune.knowledge._records import StudyRecord

if TYPE_CHECKING:
    import optuna

__all__ = ["record_from_study"]


def record_from_study(
    study: optuna.Study, description: dict[str, Any] | None = None, *, min_trials: int = 1
) -> StudyRecord | None:
    """Return the study's record, or None when it cannot join a knowledge base.

    A study joins when it has one objective, at least ``min_trials`` completed trials with a
    finite value, and a task description (``description``, else its :data:`TASK_ATTR` user
    attribute) with string ``task``, ``family`` and ``dataset`` and numeric meta-features.
    """
    import optuna

    doc = description if description is not None else study.user_attrs.get(TASK_ATTR)
    if not _valid_description(doc) or study._is_multi_objective():
        return None
    assert isinstance(doc, dict)
    trials = [
        t
        for t in study.get_trials(deepcopy=False, states=(optuna.trial.TrialState.COMPLETE,))
        if t.value is not None and math.isfinite(t.value)
    ]
    if len(trials) < min_trials or not trials:
        return None
    space: dict[str, Any] = {}
    for trial in trials:
        for name, dist in trial.distributions.items():
            space.setdefault(name, dist)
    seconds = sum(
        (t.datetime_complete - t.datetime_start).total_seconds()
        for t in trials
        if t.datetime_complete is not None and t.datetime_start is not None
    )
    try:
        return StudyRecord(
            name=study.study_name,
            task=doc["task"],
            family=doc["family"],
            dataset=doc["dataset"],
            direction=study.direction.name.lower(),
            meta_features={k: float(v) for k, v in doc["meta_features"].items()},
            space=space,
            params=[dict(t.params) for t in trials],
            values=[float(t.value) for t in trials if t.value is not None],
            seconds=seconds,
        )
    except InvalidParameterError:
        return None


def _valid_description(doc: Any) -> bool:
    if not isinstance(doc, dict):
        return False
    if not all(isinstance(doc.get(k), str) for k in ("task", "family", "dataset")):
        return False
    meta = doc.get("meta_features")
    return isinstance(meta, dict) and all(
        isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)
        for v in meta.values()
    )
