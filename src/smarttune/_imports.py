"""Lazy imports of optional dependencies, failing with an install hint.

Heavy libraries (torch, ray, plotting, the peers of the comparison harness) are extras. They
are imported on first use through :func:`optional_import`, never at ``import smarttune``.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from smarttune.exceptions import MissingDependencyError

__all__ = ["optional_import"]


def optional_import(module: str, *, extra: str, purpose: str | None = None) -> ModuleType:
    """Import ``module`` or raise :class:`MissingDependencyError` naming the extra to install.

    Args:
        module: The dotted module name, e.g. ``"torch"``.
        extra: The smarttune extra that provides it, e.g. ``"torch"``.
        purpose: What needs it, used in the message (e.g. ``"the mnist-alexnet task"``).

    Returns:
        The imported module.

    Raises:
        MissingDependencyError: If the module cannot be imported.
    """
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        needed_by = f" {purpose} needs it;" if purpose else ""
        raise MissingDependencyError(
            f"The optional dependency '{module}' is not installed;{needed_by} "
            f"install it with: pip install 'smarttune[{extra}]'"
        ) from exc
