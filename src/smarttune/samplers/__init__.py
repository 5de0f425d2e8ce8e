"""smarttune's samplers (all subclasses of :class:`optuna.samplers.BaseSampler`) and their names.

Strings accepted wherever a sampler is (``tune(sampler=...)``, ``smarttune tune --sampler``) are
listed in :data:`SAMPLER_NAMES` and resolved by :func:`resolve_sampler`.
"""

from __future__ import annotations

from smarttune.samplers._registry import SAMPLER_NAMES, resolve_sampler

__all__ = ["SAMPLER_NAMES", "resolve_sampler"]
