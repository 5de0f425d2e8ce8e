"""The Bayesmark scoring protocol of the NeurIPS 2020 black-box optimization challenge.

R. Turner, D. Eriksson, M. McCourt, J. Kiili, E. Laaksonen, Z. Xu and I. Guyon, "Bayesian
Optimization is Superior to Random Search for Machine Learning Hyperparameter Tuning: Analysis of
the Black-Box Optimization Challenge 2020", PMLR 133, 2021. Each problem's loss is normalized so
that random search scores 0 and the best value ever observed on the problem (by any method, any
seed) scores 100: ``score = 100 * (1 - (loss - loss_opt) / (loss_random - loss_opt))`` with
``loss_random`` the mean over seeds of random search's final loss; a method's score is the mean
over its seeds, then over problems. The challenge ran 16 rounds of 8 parallel suggestions
(``smarttune compare --trials 128 --batch 8``); the sequential variant runs 100 x 1
(``--trials 100``). The scoring is native: the ``bayesmark`` package itself pins old numpy and
scikit-learn and cannot share smarttune's environment.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from smarttune.exceptions import InvalidParameterError

if TYPE_CHECKING:
    from smarttune.compare._results import CellResult, CurvePoint

__all__ = ["bayesmark_scores"]


def _loss(cell: CellResult) -> float:
    return -cell.best_value if cell.direction == "maximize" else cell.best_value


def bayesmark_scores(
    cells: Sequence[CellResult],
    curves: Sequence[CurvePoint] = (),
    *,
    baseline: str = "random",
) -> dict[str, dict[str, float]]:
    """Normalized scores (random = 0, best observed = 100) of each method on each task.

    Uses each (task, method, seed)'s largest trials budget. ``curves``, when given, extend the
    best observed loss to every evaluation (also of smaller budgets); otherwise the final values
    of the cells define it.

    Returns:
        ``{method: {task: score, ..., "mean": mean over tasks}}``; tasks where random search
        already found the best observed value (no room to normalize) are left out.

    Raises:
        InvalidParameterError: If no cell of ``baseline`` finished.
    """
    final = _final_cells(cells)
    if not any(c.method == baseline for c in final):
        raise InvalidParameterError(
            f"Bayesmark scores are normalized by {baseline!r}, which has no finished cell: "
            f"add it to the methods."
        )
    optimum = _best_observed(final, curves)
    scores: dict[str, dict[str, float]] = {}
    for task in sorted({c.task for c in final}):
        runs = [c for c in final if c.task == task]
        random_losses = [_loss(c) for c in runs if c.method == baseline]
        if not random_losses:
            continue
        gap = float(np.mean(random_losses)) - optimum[task]
        if gap <= 0:
            continue
        for method in sorted({c.method for c in runs}):
            losses = [_loss(c) for c in runs if c.method == method]
            normalized = (float(np.mean(losses)) - optimum[task]) / gap
            scores.setdefault(method, {})[task] = 100.0 * (1.0 - normalized)
    for by_task in scores.values():
        by_task["mean"] = float(np.mean(list(by_task.values())))
    return scores


def _final_cells(cells: Sequence[CellResult]) -> list[CellResult]:
    largest: dict[tuple[str, str, int], CellResult] = {}
    for cell in cells:
        if cell.status != "ok" or cell.budget_kind != "trials" or math.isnan(cell.best_value):
            continue
        key = (cell.method, cell.task, cell.seed)
        if key not in largest or cell.budget > largest[key].budget:
            largest[key] = cell
    return list(largest.values())


def _best_observed(final: Sequence[CellResult], curves: Sequence[CurvePoint]) -> dict[str, float]:
    directions = {c.task: c.direction for c in final}
    best = {task: math.inf for task in directions}
    for cell in final:
        best[cell.task] = min(best[cell.task], _loss(cell))
    for point in curves:
        if point.task in best and not math.isnan(point.value):
            loss = -point.value if directions[point.task] == "maximize" else point.value
            best[point.task] = min(best[point.task], loss)
    return best
