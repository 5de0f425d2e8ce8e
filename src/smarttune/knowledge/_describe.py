"""How a task is described in a storage, so that a knowledge base can index its studies."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

__all__ = ["TASK_ATTR", "describe_task", "task_family"]

#: Study user attribute describing the task a study tuned: ``{"task", "family", "dataset",
#: "meta_features"}``. ``smarttune tune --learn`` and ``smarttune meta build`` write it.
TASK_ATTR = "smarttune.knowledge:task"


def task_family(task: Any) -> str:
    """The family of a task: its model key (``"svm"``, ``"svm-grid"`` for a grid), else its name.

    Tasks are duck-typed (this package imports no task): an object with a ``model`` attribute
    (the scikit-learn tasks) is named by it, suffixed ``-grid`` when its ``grid`` is true.
    """
    model = getattr(task, "model", None)
    if isinstance(model, str):
        return f"{model}-grid" if getattr(task, "grid", False) else model
    return str(getattr(task, "name", type(task).__name__))


def describe_task(task: Any) -> dict[str, Any]:
    """The :data:`TASK_ATTR` document of ``task`` (its name, family, dataset, meta-features)."""
    name = str(getattr(task, "name", type(task).__name__))
    dataset = getattr(task, "dataset", None)
    meta: Mapping[str, float] = task.meta_features() if hasattr(task, "meta_features") else {}
    return {
        "task": name,
        "family": task_family(task),
        "dataset": dataset if isinstance(dataset, str) else name,
        "meta_features": {k: float(v) for k, v in meta.items() if math.isfinite(float(v))},
    }
