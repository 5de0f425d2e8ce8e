"""HybridSampler: Thompson sampling on a GP, draws maximised by a genetic algorithm."""

from __future__ import annotations

from smarttune.samplers._hybrid.sampler import (
    DECISION_KEY,
    PHASE_KEY,
    PROPOSAL_KEY,
    SWITCH_KEY,
    HybridSampler,
    PriorObservations,
)

__all__ = [
    "DECISION_KEY",
    "PHASE_KEY",
    "PROPOSAL_KEY",
    "SWITCH_KEY",
    "HybridSampler",
    "PriorObservations",
]
