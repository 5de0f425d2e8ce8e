"""Built-in tasks: objectives with data, a search space and a validation/test protocol."""

from __future__ import annotations

from smarttune.tasks._base import Task
from smarttune.tasks._info import TaskInfo
from smarttune.tasks._registry import get_task, is_task_name, list_tasks, task_info

__all__ = ["Task", "TaskInfo", "get_task", "is_task_name", "list_tasks", "task_info"]
