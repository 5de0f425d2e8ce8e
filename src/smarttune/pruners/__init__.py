"""Trial-level early stopping: pruner names and smarttune's own pruners and callbacks."""

from __future__ import annotations

from smarttune.pruners._flatness import GradientEarlyStopping, GradientFlatnessPruner
from smarttune.pruners._registry import PRUNER_NAMES, resolve_pruner

__all__ = ["GradientEarlyStopping", "GradientFlatnessPruner", "PRUNER_NAMES", "resolve_pruner"]
