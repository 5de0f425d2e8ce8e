"""The encoding every model-based sampler shares.

A search space (a mapping of parameter names to Optuna distributions) is encoded into the unit
hypercube, one coordinate per parameter, so that genetic operators, quasi-random candidates and
surrogates work on plain float arrays:

* float and int parameters: the (log-)scaled value mapped linearly onto [0, 1]; a log scale makes
  a mutation of a learning rate multiplicative;
* int and stepped parameters: each of the ``k`` admissible values owns an interval of width
  ``1 / k``, so decoding rounds to the nearest admissible value;
* categorical parameters: choice ``i`` of ``k`` owns ``[i / k, (i + 1) / k)``; surrogates see a
  one-hot encoding instead (:meth:`SpaceEncoder.features`).
"""

from __future__ import annotations

from smarttune.space._encoding import SpaceEncoder
from smarttune.space._neighbourhood import mutate_unit

__all__ = ["SpaceEncoder", "mutate_unit"]
