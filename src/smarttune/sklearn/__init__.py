"""scikit-learn integration: :class:`SmartSearchCV`, a drop-in for ``RandomizedSearchCV``.

Importing this package imports scikit-learn (a core dependency), not ``import smarttune``.
"""

from __future__ import annotations

from smarttune.sklearn._search import SmartSearchCV

__all__ = ["SmartSearchCV"]
