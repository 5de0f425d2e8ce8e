"""The built-in tasks by name; importing this module imports no task's dependencies.

Each family of tasks lists its :class:`TaskInfo` entries in its own ``_catalog`` module.
"""

from __future__ import annotations

import difflib
import importlib
from typing import TYPE_CHECKING, Any, NoReturn

from smarttune._validation import Options
from smarttune.exceptions import UnknownNameError
from smarttune.tasks._info import TaskInfo
from smarttune.tasks.sklearn._catalog import TASKS as SKLEARN_TASKS
from smarttune.tasks.torch._catalog import TASKS as TORCH_TASKS
from smarttune.tasks.yahpo._catalog import yahpo_task_info

if TYPE_CHECKING:
    from smarttune.tasks._base import Task

__all__ = ["close_task_names", "get_task", "is_task_name", "list_tasks", "task_info"]

_TASKS: dict[str, TaskInfo] = {info.name: info for info in (*SKLEARN_TASKS, *TORCH_TASKS)}


def list_tasks() -> list[TaskInfo]:
    """Return every built-in task, sorted by name."""
    return sorted(_TASKS.values(), key=lambda info: info.name)


def is_task_name(name: str) -> bool:
    """Return whether ``name`` is a built-in task (``yahpo-<scenario>-<instance>`` included)."""
    return name in _TASKS or yahpo_task_info(name) is not None


def task_info(name: str) -> TaskInfo:
    """Return the registry entry of the task ``name`` (imports nothing of the task).

    Raises:
        UnknownNameError: If no built-in task has that name.
    """
    info = _TASKS.get(name) or yahpo_task_info(name)
    if info is None:
        _raise_unknown(name)
    return info


def get_task(name: str, **options: Any) -> Task:
    """Return a new instance of the task called ``name``.

    Args:
        name: A name from :func:`list_tasks`.
        **options: Keyword arguments for the task's constructor (``seed``, ``fidelity``, …),
            added to those the registry entry fixes.

    Raises:
        UnknownNameError: If no built-in task has that name.
        MissingDependencyError: If the task needs an extra that is not installed.
    """
    info = task_info(name)
    module_name, class_name = info.target.split(":")
    task_class: Any = getattr(importlib.import_module(module_name), class_name)
    task: Task = task_class(**dict(info.options), **options)
    return task


def close_task_names(name: str) -> list[str]:
    """Return up to three built-in task names close to ``name`` (for "did you mean")."""
    return difflib.get_close_matches(name, _TASKS, n=3)


def _raise_unknown(name: str) -> NoReturn:
    close = close_task_names(name)
    hint = f"did you mean {Options(close)}? " if close else ""
    raise UnknownNameError(
        f"Unknown task {name!r}: {hint}`smarttune tasks` lists the {len(_TASKS)} built-in tasks."
    )
