"""Bayesian-bandit search: Thompson sampling over a deep-ensemble surrogate.

:class:`BayesianBanditSampler` is the Optuna sampler; :func:`propose` is its study-free step
(fit, draw, maximise over candidates, optionally inside a region of the unit cube), which the
hybrid sampler reuses.
"""

from __future__ import annotations

from smarttune.samplers._bandit._propose import (
    Region,
    candidate_points,
    propose,
    select_elites,
    sobol_points,
)
from smarttune.samplers._bandit.sampler import BayesianBanditSampler

__all__ = [
    "BayesianBanditSampler",
    "Region",
    "candidate_points",
    "propose",
    "select_elites",
    "sobol_points",
]
