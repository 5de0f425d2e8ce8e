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

from smarttune.samplers._bandit import BayesianBanditSampler
from smarttune.samplers._genetic import GenerationStats, GeneticSampler
from smarttune.samplers._hybrid import HybridSampler, PriorObservations
from smarttune.samplers._registry import SAMPLER_NAMES, resolve_sampler

__all__ = [
    "SAMPLER_NAMES",
    "BayesianBanditSampler",
    "GenerationStats",
    "GeneticSampler",
    "HybridSampler",
    "PriorObservations",
    "resolve_sampler",
]
