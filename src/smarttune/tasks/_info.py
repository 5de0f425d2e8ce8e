"""What the registry knows of a task without importing it."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["TaskInfo"]


@dataclass(frozen=True)
class TaskInfo:
    """What ``smarttune tasks`` prints, and where the task's class lives.

    Attributes:
        name: The name ``smarttune tune NAME`` accepts.
        summary: One line for ``smarttune tasks``.
        direction: ``"maximize"`` or ``"minimize"``.
        target: ``"module:ClassName"``, imported on first use.
        options: Keyword arguments given to the class (one class may serve several names).
        extra: The smarttune extra the task needs, or None.
    """

    name: str
    summary: str
    direction: str
    target: str
    options: tuple[tuple[str, object], ...] = ()
    extra: str | None = None
