"""What a comparison method may know before its first evaluation.

Its own module so that the method table (``_methods``) and the peer adapters (``_peers``) both
import it without importing each other.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from smarttune.compare._space import Space
    from smarttune.compare._tasks import ResolvedTask

__all__ = ["MethodContext"]


@dataclass
class MethodContext:
    """What a method may know before its first evaluation."""

    task: ResolvedTask
    seed: int
    max_evaluations: int | None
    batch: int
    workdir: str
    _space: Space | None = field(default=None, repr=False)

    def space(self) -> Space:
        """The task's search space (read once, see ``_space.discover_space``)."""
        from smarttune.compare._space import discover_space

        if self._space is None:
            self._space = discover_space(
                self.task.objective, suggest=self.task.suggest, seed=self.seed
            )
        return self._space
