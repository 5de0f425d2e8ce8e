"""Type aliases shared across smarttune."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeAlias

if TYPE_CHECKING:
    import optuna

__all__ = ["ObjectiveFunc"]

ObjectiveFunc: TypeAlias = "Callable[[optuna.Trial], float]"
