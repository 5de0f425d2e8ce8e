"""Which component proposes the next trial: the initial design, the model, or the genetic step.

After the quasi-random initial design, the Thompson-sampling step trusts the Gaussian process.
When the model ranks the observations poorly (its exact leave-one-out predictions correlate
with the observed scores by less than ``threshold``, Spearman), a Thompson draw is little
better than a random guess, and a model-free genetic child of the best trials (tournament
selection, crossover, mutation) spends the evaluation instead. While the correlation is
undefined (fewer than three observations, or constant scores) the model proposes. Every
decision is recorded with the correlation that made it, so reports can show why each
component ran.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

__all__ = ["GENETIC", "INITIAL", "MODEL", "StepDecision", "decide_step"]

#: The step names recorded in the trial's phase attribute.
INITIAL = "initial"
GENETIC = "genetic"
MODEL = "bandit"


@dataclass(frozen=True)
class StepDecision:
    """The component that proposes a trial, and why."""

    step: str
    reason: str
    loo_spearman: float | None = None
    #: The trust region's side length and resets so far (model steps with a region only).
    region_length: float | None = None
    region_resets: int | None = None


def decide_step(
    n_observations: int, n_startup: int, loo_spearman: float | None, threshold: float
) -> StepDecision:
    """Apply the rule of the module docstring."""
    if n_observations < n_startup:
        return StepDecision(INITIAL, f"{n_observations} of {n_startup} initial-design trials")
    if loo_spearman is None or math.isnan(loo_spearman):  # no evidence against the model
        return StepDecision(MODEL, "leave-one-out rank correlation undefined (too few scores)")
    rho = round(loo_spearman, 4)
    if loo_spearman < threshold:
        return StepDecision(GENETIC, f"leave-one-out Spearman {rho} < {threshold}", rho)
    return StepDecision(MODEL, f"leave-one-out Spearman {rho} >= {threshold}", rho)
