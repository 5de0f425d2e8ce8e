"""Measured zero-shot portfolios: configurations chosen on a measured performance matrix.

A portfolio is built from a configurations x datasets matrix of *measured* scores (here YAHPO
Gym surrogates of real training runs, :mod:`smarttune.yahpo`): each dataset's column is
normalized to [0, 1] (0 = the worst candidate on it, 1 = the best), and configurations are
added greedily, each the one that most raises the mean over datasets of the portfolio's best
normalized score (Pfisterer, van Rijn, Probst, Müller, Bischl, "Learning Multiple Defaults for
Machine Learning Algorithms", GECCO 2021; the portfolios of Feurer et al., "Auto-Sklearn 2.0",
JMLR 2022). The shipped portfolios (``_bundled/portfolios/``, built by
``benchmarks/build_portfolios.py`` from the ``dev`` instances only) are read with
:func:`load_portfolio`; :mod:`smarttune.knowledge._library_names` maps them onto everyday
libraries' parameter names.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from smarttune.exceptions import InvalidParameterError
from smarttune.knowledge._library_names import LIBRARIES, to_library
from smarttune.knowledge._recommend import greedy_portfolio

__all__ = [
    "FAMILIES",
    "PORTFOLIO_DIR",
    "Portfolio",
    "load_portfolio",
    "measured_portfolio",
    "normalize_rows",
]

#: Where the shipped portfolios live (with the YAHPO Gym attribution beside them).
PORTFOLIO_DIR = Path(__file__).parent / "_bundled" / "portfolios"
#: Family name to the YAHPO scenario its portfolio was measured on.
FAMILIES = {"xgboost": "rbv2_xgboost", "rpart": "rbv2_rpart", "mlp": "lcbench"}
_ALIASES = {"decision_tree": "rpart", "lcbench": "mlp", "rbv2_xgboost": "xgboost"}
_ALIASES |= {"rbv2_rpart": "rpart"}


@dataclass(frozen=True)
class Portfolio:
    """A shipped portfolio.

    Attributes:
        family: ``"xgboost"``, ``"rpart"`` or ``"mlp"``.
        scenario: The YAHPO scenario it was measured on.
        target: The maximized target.
        configurations: The configurations in YAHPO's names, in greedy order (a prefix of
            length k is the greedy portfolio of size k).
        dev_regret: Mean normalized regret on the build datasets of each prefix.
        built_from: How it was built (instances, candidates, design, seed).
    """

    family: str
    scenario: str
    target: str
    configurations: tuple[dict[str, Any], ...]
    dev_regret: tuple[float, ...]
    built_from: Mapping[str, Any]

    def first(self, k: int) -> list[dict[str, Any]]:
        """The first ``k`` configurations (the greedy portfolio of size ``k``)."""
        return [dict(config) for config in self.configurations[:k]]

    @property
    def library(self) -> str:
        """The library whose parameter names :meth:`first_in_library` uses."""
        return LIBRARIES[self.family]

    def first_in_library(self, k: int) -> list[dict[str, Any]]:
        """The first ``k`` configurations in :attr:`library`'s parameter names."""
        return [to_library(self.family, config) for config in self.configurations[:k]]


def load_portfolio(family: str) -> Portfolio:
    """The shipped portfolio of ``family`` (``"xgboost"``, ``"rpart"`` or ``"mlp"``).

    Raises:
        InvalidParameterError: If no portfolio has that name.
    """
    name = _ALIASES.get(family, family)
    if name not in FAMILIES:
        raise InvalidParameterError(
            f"The 'family' parameter must be one of {sorted(FAMILIES)}. Got {family!r} instead."
        )
    document = json.loads((PORTFOLIO_DIR / f"{name}.json").read_text(encoding="utf-8"))
    return Portfolio(
        family=name,
        scenario=document["scenario"],
        target=document["target"],
        configurations=tuple(document["configurations"]),
        dev_regret=tuple(document["dev_regret"]),
        built_from=document["built_from"],
    )


def normalize_rows(scores: np.ndarray) -> np.ndarray:
    """Each row (a dataset) of ``scores`` mapped to [0, 1]: worst candidate 0, best 1.

    A row whose candidates all score the same becomes all ones (every candidate is best).
    """
    low = scores.min(axis=1, keepdims=True)
    span = scores.max(axis=1, keepdims=True) - low
    safe = np.where(span > 0, span, 1.0)
    return np.where(span > 0, (scores - low) / safe, 1.0)


def measured_portfolio(scores: np.ndarray, k: int) -> tuple[list[int], list[float]]:
    """Greedy portfolio of ``k`` candidates on a datasets x candidates score matrix.

    Args:
        scores: ``scores[d, c]``: candidate ``c``'s measured score on dataset ``d`` (higher is
            better).
        k: The portfolio's size.

    Returns:
        The chosen columns in greedy order, and each prefix's mean normalized regret
        (``1 - best normalized score``, averaged over datasets).

    Raises:
        InvalidParameterError: If ``k`` < 1 or ``scores`` is not a finite 2-D matrix.
    """
    if k < 1:
        raise InvalidParameterError(f"The 'k' parameter must be an int >= 1. Got {k!r} instead.")
    if scores.ndim != 2 or not np.all(np.isfinite(scores)):
        raise InvalidParameterError("The 'scores' parameter must be a finite 2-D matrix.")
    normalized = normalize_rows(scores)
    picks = greedy_portfolio(normalized, np.full(len(normalized), 1 / len(normalized)), k)
    best = np.maximum.accumulate(normalized[:, picks], axis=1)
    regret = [float(value) for value in 1 - best.mean(axis=0)]
    return picks, regret
