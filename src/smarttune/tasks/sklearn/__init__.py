"""Tasks over scikit-learn estimators and datasets: ``<model>-<dataset>[-grid]``.

See :mod:`smarttune.tasks.sklearn._catalog` for the names and :class:`SklearnTask` for the
protocol. Importing this package imports no scikit-learn.
"""

from __future__ import annotations

from smarttune.tasks.sklearn._task import SklearnTask

__all__ = ["SklearnTask"]
