"""HybridSampler: genetic exploration, a data-driven switch, then bandit refinement."""

from __future__ import annotations

from smarttune.samplers._hybrid.sampler import (
    PHASE_KEY,
    SWITCH_KEY,
    HybridSampler,
    PriorObservations,
)

__all__ = ["PHASE_KEY", "SWITCH_KEY", "HybridSampler", "PriorObservations"]
