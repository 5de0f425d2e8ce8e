"""Integrations: training-loop callbacks and experiment tracking.

* :func:`report` (also ``smarttune.torch.report``): report a value from any training loop;
  prunes and stops early.
* :class:`KerasCallback` (extra ``keras``), :class:`LightningCallback` (extra ``lightning``):
  the same for ``model.fit`` and ``Trainer.fit``.
* :class:`MLflowCallback` (extra ``mlflow``): log each trial as an MLflow run.

Each class is imported on first use, so its framework is only needed when it is used; a
missing framework raises :class:`~smarttune.exceptions.MissingDependencyError` naming the extra.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from smarttune.integrations._keras import KerasCallback
    from smarttune.integrations._lightning import LightningCallback
    from smarttune.integrations._mlflow import MLflowCallback
    from smarttune.integrations._report import STOPPED_EARLY_KEY, report

__all__ = ["STOPPED_EARLY_KEY", "KerasCallback", "LightningCallback", "MLflowCallback", "report"]

_LAZY = {
    "KerasCallback": "smarttune.integrations._keras",
    "LightningCallback": "smarttune.integrations._lightning",
    "MLflowCallback": "smarttune.integrations._mlflow",
    "STOPPED_EARLY_KEY": "smarttune.integrations._report",
    "report": "smarttune.integrations._report",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'smarttune.integrations' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
