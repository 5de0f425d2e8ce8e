"""Trial-level early stopping: pruner names and smarttune's own pruners and callbacks."""

from __future__ import annotations

from typing import TYPE_CHECKING

from smarttune._imports import lazy_attributes
from smarttune.pruners._registry import PRUNER_NAMES, check_pruner_name, resolve_pruner

if TYPE_CHECKING:
    from smarttune.pruners._flatness import GradientEarlyStopping, GradientFlatnessPruner
    from smarttune.pruners._mo_asha import MOASHAPruner
    from smarttune.pruners._report import report, reported_values, should_prune

__all__ = [
    "GradientEarlyStopping",
    "GradientFlatnessPruner",
    "MOASHAPruner",
    "PRUNER_NAMES",
    "check_pruner_name",
    "report",
    "reported_values",
    "resolve_pruner",
    "should_prune",
]

# The pruners import Optuna and NumPy: loaded on first use (PEP 562), so that the names above
# (and ``smarttune tune --help``, which lists them) cost no such import.
_LAZY = {
    "GradientEarlyStopping": "smarttune.pruners._flatness",
    "GradientFlatnessPruner": "smarttune.pruners._flatness",
    "MOASHAPruner": "smarttune.pruners._mo_asha",
    "report": "smarttune.pruners._report",
    "reported_values": "smarttune.pruners._report",
    "should_prune": "smarttune.pruners._report",
}


__getattr__, __dir__ = lazy_attributes(__name__, _LAZY, globals(), __all__)
