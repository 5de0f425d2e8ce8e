"""When to stop exploring: the data-driven phase switch of :class:`HybridSampler`.

The genetic phase is worth continuing while generations still improve the population's best
value and the population is still spread out. :func:`decide_switch` reads the statistics of the
finished generations and switches to the bandit phase when

* at least ``min_generations`` generations have finished, and
* either the last ``patience`` generations each improved the best value by less than
  ``tolerance`` times the total improvement since the first generation (stagnation), or the
  population's diversity fell below ``diversity_floor`` (convergence), or
* ``max_generations`` generations have finished (the exploration budget is spent).

This is the exploration/exploitation hand-over of memetic and hybrid evolutionary methods
(e.g. Moscato, 1989; the stagnation trigger of Krasnogor & Smith, 2005), with thresholds on
quantities that are free of the objective's scale.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

__all__ = ["GenerationSignal", "SwitchDecision", "decide_switch"]


class GenerationSignal(Protocol):
    """What the rule reads of a finished generation (``GenerationStats`` satisfies it)."""

    @property
    def population_best(self) -> float | None: ...

    @property
    def improvement(self) -> float | None: ...

    @property
    def diversity(self) -> float: ...


@dataclass(frozen=True)
class SwitchDecision:
    """Whether to switch to the bandit phase, and why (stored with the switch)."""

    switch: bool
    reason: str


def decide_switch(
    stats: Sequence[GenerationSignal],
    *,
    min_generations: int,
    max_generations: int,
    tolerance: float,
    patience: int,
    diversity_floor: float,
) -> SwitchDecision:
    """Apply the rule of the module docstring to the finished generations, oldest first."""
    n = len(stats)
    if n < min_generations:
        return SwitchDecision(False, f"{n} of at least {min_generations} generations finished")
    if n >= max_generations:
        return SwitchDecision(True, f"max_generations={max_generations} reached")
    last = stats[-1]
    if last.diversity < diversity_floor:
        return SwitchDecision(
            True, f"population converged (diversity {last.diversity:.3f} < {diversity_floor})"
        )
    total = _total_improvement(stats)
    recent = [s.improvement for s in stats[-patience:]]
    if total is not None and len(recent) == patience and all(r is not None for r in recent):
        threshold = tolerance * total
        if all(r is not None and r <= threshold for r in recent):
            return SwitchDecision(
                True,
                f"stagnation: the last {patience} generation(s) improved by <= {tolerance:.0%} "
                f"of the total improvement {total:.6g}",
            )
    return SwitchDecision(False, "still improving")


def _total_improvement(stats: Sequence[GenerationSignal]) -> float | None:
    """The sum of the positive improvements so far (None before any was measured)."""
    measured = [s.improvement for s in stats if s.improvement is not None]
    if not measured:
        return None
    return sum(max(i, 0.0) for i in measured)
