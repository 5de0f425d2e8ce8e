"""The built-in tasks by name; importing this module imports no task's dependencies."""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

from smarttune._validation import Options
from smarttune.exceptions import UnknownNameError

if TYPE_CHECKING:
    from smarttune.tasks._base import Task

__all__ = ["TaskInfo", "get_task", "is_task_name", "list_tasks"]


@dataclass(frozen=True)
class TaskInfo:
    """What ``smarttune tasks`` prints, and where the task's class lives."""

    name: str
    summary: str
    direction: str
    target: str  # "module:ClassName", imported on first use


_TASKS: dict[str, TaskInfo] = {
    info.name: info
    for info in (
        TaskInfo(
            "svm-digits",
            "RBF support-vector classifier on scikit-learn's 8x8 digits (C, gamma; accuracy)",
            "maximize",
            "smarttune.tasks.sklearn._svm_digits:SvmDigitsTask",
        ),
    )
}


def list_tasks() -> list[TaskInfo]:
    """Return every built-in task, sorted by name."""
    return sorted(_TASKS.values(), key=lambda info: info.name)


def get_task(name: str) -> Task:
    """Return a new instance of the task called ``name``.

    Raises:
        UnknownNameError: If no built-in task has that name.
    """
    info = _TASKS.get(name)
    if info is None:
        raise UnknownNameError(
            f"Unknown task {name!r}: built-in tasks are {Options(sorted(_TASKS))} "
            "(see `smarttune tasks`)."
        )
    module_name, class_name = info.target.split(":")
    task_class: type[Task] = getattr(importlib.import_module(module_name), class_name)
    return task_class()


def is_task_name(name: str) -> bool:
    """Return whether ``name`` is a built-in task."""
    return name in _TASKS
