"""Exploit and explore, the two steps of population-based training, on plain values.

Both follow M. Jaderberg et al., "Population Based Training of Neural Networks",
arXiv:1711.09846, 2017, section 3 and appendix A:

* **exploit by truncation selection**: rank the population by its latest score; each member in
  the bottom ``quantile`` copies the weights and hyperparameters of a member drawn uniformly
  from the top ``quantile``;
* **explore by perturbation**: each explored numeric hyperparameter is multiplied by 0.8 or
  1.2 (chosen uniformly), or, with probability ``resample_probability``, redrawn from its
  prior; a categorical one is redrawn with probability ``categorical_resample_probability``
  (multiplying a category means nothing). Results are clipped into the distribution's range,
  integers are rounded and stepped values snapped to their grid.
"""

from __future__ import annotations

import fnmatch
import math
from typing import TYPE_CHECKING, Any

import numpy as np
from optuna.distributions import (
    BaseDistribution,
    CategoricalDistribution,
    FloatDistribution,
    IntDistribution,
)

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

__all__ = ["PERTURBATION_FACTORS", "matches", "perturb", "truncation_pairs"]

#: The factors of the explore step (Jaderberg et al., 2017).
PERTURBATION_FACTORS = (0.8, 1.2)


def truncation_pairs(
    scores: Sequence[float], *, quantile: float, maximize: bool, rng: np.random.Generator
) -> dict[int, int]:
    """Map each bottom-``quantile`` member (by index) to the top-``quantile`` donor it copies.

    ``n = max(1, floor(quantile * len(scores)))`` members form each end; ties are broken by the
    member index, so a population of equal scores still explores. Non-finite scores rank last.
    """
    n = len(scores)
    cut = max(1, math.floor(quantile * n))
    if 2 * cut > n:
        return {}
    keyed = [(s if maximize else -s) if math.isfinite(s) else -math.inf for s in scores]
    order = sorted(range(n), key=lambda i: (keyed[i], -i), reverse=True)  # best first
    top, bottom = order[:cut], order[n - cut :]
    return {int(loser): int(top[rng.integers(cut)]) for loser in sorted(bottom)}


def matches(name: str, patterns: Sequence[str]) -> bool:
    """Whether ``name`` matches one of the fnmatch ``patterns``."""
    return any(fnmatch.fnmatchcase(name, pattern) for pattern in patterns)


def perturb(
    params: Mapping[str, Any],
    distributions: Mapping[str, BaseDistribution],
    *,
    explore: Sequence[str],
    resample_probability: float,
    categorical_resample_probability: float,
    rng: np.random.Generator,
) -> dict[str, Any]:
    """Return a copy of ``params`` whose parameters matching ``explore`` are perturbed."""
    result = dict(params)
    for name, dist in distributions.items():
        if name not in params or not matches(name, explore) or dist.single():
            continue
        if isinstance(dist, CategoricalDistribution):
            if rng.random() < categorical_resample_probability:
                result[name] = dist.choices[rng.integers(len(dist.choices))]
        elif isinstance(dist, FloatDistribution | IntDistribution):
            if rng.random() < resample_probability:
                result[name] = _resample(dist, rng)
            else:
                factor = PERTURBATION_FACTORS[rng.integers(len(PERTURBATION_FACTORS))]
                result[name] = _scaled(params[name], factor, dist)
    return result


def _scaled(value: float, factor: float, dist: FloatDistribution | IntDistribution) -> Any:
    new = min(max(float(value) * factor, dist.low), dist.high)
    if dist.step is not None:
        new = dist.low + round((new - dist.low) / dist.step) * dist.step
        new = min(new, dist.high)
    if isinstance(dist, IntDistribution):
        moved = round(new)
        if moved == value and factor != 1.0:  # a small int must still move
            moved = int(value) + (1 if factor > 1 else -1) * (dist.step or 1)
        return int(min(max(moved, dist.low), dist.high))
    return float(new)


def _resample(dist: FloatDistribution | IntDistribution, rng: np.random.Generator) -> Any:
    """A draw from the distribution's prior: uniform, or log-uniform for ``log=True``."""
    if dist.log:
        value = math.exp(rng.uniform(math.log(dist.low), math.log(dist.high)))
    else:
        value = rng.uniform(dist.low, dist.high)
    return _scaled(value, 1.0, dist)
