"""Past configurations mapped onto a new search space, so that transfer never crashes.

A past study may have tuned a slightly different space: a wider or narrower range, a choice
the new space does not offer (a regression criterion for a classifier), a parameter the new
space lacks or one it adds. :func:`map_to_space` keeps what carries over:

* a numeric value outside the new range is clipped to it (on the new distribution's scale, and
  rounded to its step);
* a categorical value that is not one of the new choices makes the configuration unusable
  (None): there is no nearest choice to a category;
* a parameter the new space lacks is dropped; one the configuration lacks stays absent.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
from optuna.distributions import CategoricalDistribution, FloatDistribution, IntDistribution

if TYPE_CHECKING:
    from optuna.distributions import BaseDistribution

    from smarttune.space import SpaceEncoder

__all__ = ["encode_mapped", "map_to_space", "map_value"]

FloatArray = np.ndarray[Any, np.dtype[np.float64]]

_MISSING = object()


def map_value(value: Any, dist: BaseDistribution) -> Any:
    """``value`` as an admissible value of ``dist``; :data:`_MISSING` when it has none."""
    if isinstance(dist, CategoricalDistribution):
        return value if _is_choice(value, dist) else _MISSING
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        return _MISSING
    number = float(value)
    if not np.isfinite(number):
        return _MISSING
    if isinstance(dist, IntDistribution):
        clipped = min(max(number, dist.low), dist.high)
        steps = round((clipped - dist.low) / dist.step)
        return int(min(dist.low + steps * dist.step, dist.high))
    if isinstance(dist, FloatDistribution):
        clipped = min(max(number, dist.low), dist.high)
        if dist.step is not None:
            steps = round((clipped - dist.low) / dist.step)
            clipped = min(dist.low + steps * dist.step, dist.high)
        return float(clipped)
    return _MISSING


def _is_choice(value: Any, dist: CategoricalDistribution) -> bool:
    try:
        dist.to_internal_repr(value)
    except (ValueError, TypeError):
        return False
    return True


def map_to_space(
    params: Mapping[str, Any], search_space: Mapping[str, BaseDistribution]
) -> dict[str, Any] | None:
    """``params`` fitted to ``search_space`` (see the module docstring), None if unusable.

    Returns:
        The mapped configuration (only parameters of ``search_space`` that ``params`` has), or
        None when a categorical value is not among the new choices or no parameter carries over.
    """
    out: dict[str, Any] = {}
    for name, dist in search_space.items():
        if name not in params:
            continue
        value = map_value(params[name], dist)
        if value is _MISSING:
            return None
        out[name] = value
    return out or None


def encode_mapped(
    params: Sequence[Mapping[str, Any]], encoder: SpaceEncoder
) -> tuple[FloatArray, list[int]]:
    """Unit-cube rows of the configurations that map onto ``encoder``'s space.

    A parameter a configuration lacks sits at the centre of its range (0.5): a past study that
    never varied it says nothing about it.

    Returns:
        The rows ``(m, d)`` and, for each, the index of its configuration in ``params``.
    """
    rows, kept = [], []
    for index, config in enumerate(params):
        mapped = map_to_space(config, encoder.search_space)
        if mapped is None:
            continue
        row = encoder.encode(mapped)
        rows.append(np.where(np.isnan(row), 0.5, row))
        kept.append(index)
    if not rows:
        return np.empty((0, encoder.dim)), kept
    return np.vstack(rows), kept
