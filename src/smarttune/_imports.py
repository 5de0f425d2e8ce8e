"""Lazy imports of optional dependencies, failing with an install hint.

Heavy libraries (torch, ray, plotting, the peers of the comparison harness) are extras. They
are imported on first use through :func:`optional_import`, never at ``import smarttune``.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from types import ModuleType
from typing import Any

from smarttune.exceptions import MissingDependencyError

__all__ = ["lazy_attributes", "optional_import"]


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


def lazy_attributes(
    package: str, table: Mapping[str, str], namespace: dict[str, Any], public: list[str]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """A package's PEP 562 ``__getattr__`` and ``__dir__`` for names defined in submodules.

    ``table`` maps a public name to the module that defines it; the module is imported on the
    first access and the value cached in the package's ``namespace`` (its ``globals()``), so
    importing the package costs none of those imports.
    """

    def get(name: str) -> Any:
        if name in table:
            value = getattr(importlib.import_module(table[name]), name)
            namespace[name] = value
            return value
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    def listing() -> list[str]:
        return sorted(set(namespace) | set(public))

    return get, listing
