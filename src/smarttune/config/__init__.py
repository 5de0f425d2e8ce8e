"""Study config files: ``smarttune tune --config study.toml`` (or ``.yaml``).

A config declares what ``smarttune tune`` would otherwise take as options: the ``task`` or
``objective``, the ``space`` of an objective written without ``trial.suggest_*``, the
``sampler``, ``pruner``, ``storage``, ``executor``, ``jobs``, ``budget`` (``trials``,
``timeout``), ``seed``, ``direction``, ``device`` and the ``study`` name. Every key is
validated; an unknown key is an error. ``smarttune init`` writes a commented template
(:func:`render_template`).
"""

from __future__ import annotations

from smarttune.config._schema import EXECUTORS, StudyConfig, load_config
from smarttune.config._space import with_space
from smarttune.config._template import TOML_TEMPLATE, YAML_TEMPLATE, render_template

__all__ = [
    "EXECUTORS",
    "StudyConfig",
    "TOML_TEMPLATE",
    "YAML_TEMPLATE",
    "load_config",
    "render_template",
    "with_space",
]
