"""The search space of a scikit-learn task, read without training anything."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from smarttune.metadataset._objective import SPECS_WITH_MLP
from smarttune.tasks.sklearn._models import Context

if TYPE_CHECKING:
    from collections.abc import Sequence

    from optuna.distributions import BaseDistribution

__all__ = ["probe_search_space"]


class _ProbeTrial:
    """Records what a space function suggests; answers with the first or last choice."""

    def __init__(self, last: bool) -> None:
        self.last = last
        self.distributions: dict[str, BaseDistribution] = {}

    def suggest_float(
        self, name: str, low: float, high: float, *, step: float | None = None, log: bool = False
    ) -> float:
        from optuna.distributions import FloatDistribution

        self.distributions[name] = FloatDistribution(low, high, step=step, log=log)
        return high if self.last else low

    def suggest_int(
        self, name: str, low: int, high: int, *, step: int = 1, log: bool = False
    ) -> int:
        from optuna.distributions import IntDistribution

        self.distributions[name] = IntDistribution(low, high, step=step, log=log)
        return high if self.last else low

    def suggest_categorical(self, name: str, choices: Sequence[Any]) -> Any:
        from optuna.distributions import CategoricalDistribution

        self.distributions[name] = CategoricalDistribution(list(choices))
        return choices[-1 if self.last else 0]


def probe_search_space(task: Any) -> dict[str, BaseDistribution] | None:
    """The search space of a scikit-learn task (built-in or ``ArrayTask``), else None.

    A grid task's space is its grid as categorical distributions; a continuous one is read by
    calling the model's space function with two probing trials (first and last choices, so
    that conditional parameters show up), which suggests without fitting.
    """
    from optuna.distributions import CategoricalDistribution

    grid = task.search_grid() if hasattr(task, "search_grid") else None
    if grid:
        return {name: CategoricalDistribution(list(v)) for name, v in grid.items()}
    spec = SPECS_WITH_MLP.get(str(getattr(task, "model", "")))
    if spec is None:
        return None
    classification = getattr(task, "classification", None)
    if classification is None:
        classification = "R^2" not in str(getattr(task, "metric", ""))
    space: dict[str, BaseDistribution] = {}
    for last in (False, True):
        probe = _ProbeTrial(last)
        spec.space(probe, Context(bool(classification), 0, 100))  # type: ignore[arg-type]
        space.update(probe.distributions)
    return space
