"""Trial-level early stopping: pruner names and (later) smarttune's own pruners."""

from __future__ import annotations

from smarttune.pruners._registry import PRUNER_NAMES, resolve_pruner

__all__ = ["PRUNER_NAMES", "resolve_pruner"]
