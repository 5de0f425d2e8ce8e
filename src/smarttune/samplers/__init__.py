"""smarttune's samplers (all subclasses of :class:`optuna.samplers.BaseSampler`) and their names.

* :class:`GeneticSampler` — a generational genetic algorithm whose population lives in the
  study's storage, so workers sharing a storage evolve one population;
* :class:`BayesianBanditSampler` — Thompson sampling over a deep-ensemble surrogate
  (:class:`smarttune.surrogates.MetaLearner`);
* :class:`HybridSampler` — genetic exploration, then bandit refinement around the best region,
  switching when the data say exploration has stopped paying; smarttune's default.

Strings accepted wherever a sampler is (``tune(sampler=...)``, ``smarttune tune --sampler``) are
listed in :data:`SAMPLER_NAMES` and resolved by :func:`resolve_sampler`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from smarttune._imports import lazy_attributes
from smarttune.samplers._registry import SAMPLER_NAMES, check_sampler_name, resolve_sampler

if TYPE_CHECKING:
    from smarttune.samplers._bandit import BayesianBanditSampler
    from smarttune.samplers._genetic import GenerationStats, GeneticSampler
    from smarttune.samplers._hybrid import HybridSampler, PriorObservations

__all__ = [
    "SAMPLER_NAMES",
    "BayesianBanditSampler",
    "GenerationStats",
    "GeneticSampler",
    "HybridSampler",
    "PriorObservations",
    "check_sampler_name",
    "resolve_sampler",
]

# The samplers import SciPy and the surrogates: loaded on first use (PEP 562), so that the names
# above (and ``smarttune tune --help``, which lists them) cost no such import.
_LAZY = {
    "BayesianBanditSampler": "smarttune.samplers._bandit",
    "GenerationStats": "smarttune.samplers._genetic",
    "GeneticSampler": "smarttune.samplers._genetic",
    "HybridSampler": "smarttune.samplers._hybrid",
    "PriorObservations": "smarttune.samplers._hybrid",
}


__getattr__, __dir__ = lazy_attributes(__name__, _LAZY, globals(), __all__)
