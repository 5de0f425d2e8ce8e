"""The search space of an objective, as Optuna distributions, for methods that need it up front.

Optuna's samplers learn a define-by-run space as trials run; the peers (Hyperopt, SMAC3, …), the
grid and scikit-learn's candidate generators need the space before the first evaluation. For a
task with a ``suggest(trial)`` method (the torch tasks) the space is read from it without
training; otherwise the objective is probed with a few evaluations whose categorical choices
cycle, so that conditional parameters (``max_depth`` behind ``limit_depth``) show up. Probes
are not counted as evaluations of any method.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    import optuna
    from optuna.distributions import BaseDistribution

__all__ = ["clip_to", "discover_space", "grid_points"]

Space = dict[str, "BaseDistribution"]
_MAX_PROBES = 8


def _probe_sampler(seed: int) -> optuna.samplers.BaseSampler:
    import optuna
    from optuna.distributions import CategoricalDistribution

    class _CyclingSampler(optuna.samplers.RandomSampler):
        """Random values, but the ``k``-th probe takes choice ``k mod n`` of each category."""

        def sample_independent(
            self,
            study: optuna.Study,
            trial: optuna.trial.FrozenTrial,
            param_name: str,
            param_distribution: BaseDistribution,
        ) -> Any:
            if isinstance(param_distribution, CategoricalDistribution):
                choices = param_distribution.choices
                return choices[trial.number % len(choices)]
            return super().sample_independent(study, trial, param_name, param_distribution)

    return _CyclingSampler(seed=seed)


def discover_space(
    objective: Callable[[optuna.Trial], float],
    *,
    suggest: Callable[[optuna.Trial], Any] | None = None,
    seed: int = 0,
) -> Space:
    """The union of the distributions ``objective`` suggests, in first-seen order.

    Args:
        objective: The objective; probed (evaluated) only when ``suggest`` is None.
        suggest: A function that only suggests parameters (e.g. ``TorchTask.suggest``).
        seed: Seed of the probes' random values.
    """
    import optuna

    study = optuna.create_study(sampler=_probe_sampler(seed))
    space: Space = {}
    quiet_probes = 0
    for _ in range(_MAX_PROBES):
        trial = study.ask()
        try:
            (suggest or objective)(trial)
        except optuna.TrialPruned:
            pass
        except Exception:  # a failing probe still tells which parameters it suggested
            pass
        study.tell(trial, state=optuna.trial.TrialState.FAIL)
        new = {k: v for k, v in trial.distributions.items() if k not in space}
        space.update(new)
        quiet_probes = 0 if new else quiet_probes + 1
        if quiet_probes >= 2 and trial.number >= _largest_choice(space) - 1:
            break
    return space


def _largest_choice(space: Space) -> int:
    from optuna.distributions import CategoricalDistribution

    sizes = [len(d.choices) for d in space.values() if isinstance(d, CategoricalDistribution)]
    return max(sizes, default=1)


def clip_to(distribution: BaseDistribution, value: Any) -> Any:
    """``value`` moved into ``distribution``: clipped to its bounds, rounded to its step."""
    from optuna.distributions import FloatDistribution, IntDistribution

    if isinstance(distribution, IntDistribution):
        int_step = distribution.step
        snapped = distribution.low + round((float(value) - distribution.low) / int_step) * int_step
        return int(min(max(snapped, distribution.low), distribution.high))
    if isinstance(distribution, FloatDistribution):
        number = float(value)
        if distribution.step is not None:
            step = float(distribution.step)
            number = distribution.low + round((number - distribution.low) / step) * step
        return float(min(max(number, distribution.low), distribution.high))
    return value


def grid_points(space: Space, budget: int) -> dict[str, list[Any]]:
    """A full-factorial grid over ``space`` with at most about ``budget`` points.

    Categorical parameters keep all their choices; numeric parameters get evenly spaced values
    (on a log scale where the distribution is), one more on each axis in turn while the grid
    still fits the budget (one value, the middle, when even two do not fit).
    """
    from optuna.distributions import CategoricalDistribution

    numeric = [n for n, d in space.items() if not isinstance(d, CategoricalDistribution)]
    points = math.prod(
        len(d.choices) for d in space.values() if isinstance(d, CategoricalDistribution)
    )
    counts = dict.fromkeys(numeric, 1)
    grown = True
    while grown:  # add one value to each axis in turn while the grid fits the budget
        grown = False
        for name in numeric:
            if points // counts[name] * (counts[name] + 1) <= budget:
                points = points // counts[name] * (counts[name] + 1)
                counts[name] += 1
                grown = True
    grid: dict[str, list[Any]] = {}
    for name, distribution in space.items():
        if isinstance(distribution, CategoricalDistribution):
            grid[name] = list(distribution.choices)
        else:
            grid[name] = _axis(distribution, counts[name])
    return grid


def _axis(distribution: BaseDistribution, n: int) -> list[Any]:
    from optuna.distributions import IntDistribution

    low, high = float(distribution.low), float(distribution.high)  # type: ignore[attr-defined]
    if n == 1:
        points = np.array([math.sqrt(low * high) if distribution.log else (low + high) / 2])  # type: ignore[attr-defined]
    elif distribution.log:  # type: ignore[attr-defined]
        points = np.geomspace(low, high, n)
    else:
        points = np.linspace(low, high, n)
    values = [clip_to(distribution, p) for p in points]
    if isinstance(distribution, IntDistribution):
        values = sorted(set(values))
    return values
