"""The genetic-algorithm sampler: operators (pure numpy), generations in storage, Optuna glue."""

from __future__ import annotations

from smarttune.samplers._genetic.population import GenerationStats
from smarttune.samplers._genetic.sampler import GeneticSampler

__all__ = ["GenerationStats", "GeneticSampler"]
