"""smarttune: hyperparameter optimization on Optuna.

``import smarttune`` is cheap: the public names below are loaded on first use, and optional
heavy dependencies (torch, ray, plotting) only when a feature needs them.

Example:
    >>> import smarttune
    >>> study = smarttune.tune(lambda t: (t.suggest_float("x", -5, 5) - 1) ** 2, n_trials=20)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from smarttune._imports import lazy_attributes
from smarttune.exceptions import (
    ChecksumError,
    DataError,
    InvalidParameterError,
    MissingDependencyError,
    MultiObjectiveError,
    ObjectiveLoadError,
    SmartTuneError,
    StorageError,
    TrialValueError,
    UnknownNameError,
)

if TYPE_CHECKING:
    from smarttune._api import FAIL_REASON_KEY, tune

__version__ = "0.1.0"

__all__ = [
    "ChecksumError",
    "DataError",
    "FAIL_REASON_KEY",
    "InvalidParameterError",
    "MissingDependencyError",
    "MultiObjectiveError",
    "ObjectiveLoadError",
    "SmartTuneError",
    "StorageError",
    "TrialValueError",
    "UnknownNameError",
    "__version__",
    "tune",
]

# Public name -> module that defines it, imported on first attribute access (PEP 562).
_LAZY = {
    "tune": "smarttune._api",
    "FAIL_REASON_KEY": "smarttune._api",
}


__getattr__, __dir__ = lazy_attributes(__name__, _LAZY, globals(), __all__)
