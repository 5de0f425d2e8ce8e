"""MO-ASHA: asynchronous successive halving that ranks intermediate results by Pareto fronts.

Schmucker, Donini, Perrone, Zafar, Archambeau (2021), "Multi-objective Asynchronous Successive
Halving". The rungs and the promotion rule are ASHA's (Li et al. 2020, Optuna's
``SuccessiveHalvingPruner``); only the ranking of the results at a rung changes:

1. Rung ``r`` is reached at step ``min_resource * reduction_factor ** (min_early_stopping_rate
   + r)``. When a trial's last reported step reaches its current rung, its vector of values at
   that step is recorded in the trial system attribute ``smarttune.mo_asha:rung:<r>``.
2. The vectors recorded at rung ``r`` by every trial so far (this one included) are ranked:
   first by non-domination rank (NSGA-II's non-dominated sorting), then, within a front, by
   ``tie_break``: ``"epsilon-net"`` (the paper's choice: greedy farthest-point order in the
   objectives scaled to [0, 1], starting from the point best in the first objective) or
   ``"crowding"`` (NSGA-II's crowding distance, largest first).
3. The trial goes on to the next rung when its place in that ranking is among the first
   ``max(1, n // reduction_factor)`` of the ``n`` ranked vectors; otherwise it is pruned. A
   vector holding NaN is pruned at once.

The vectors come from :func:`smarttune.pruners.report`; a single-objective study's values
reported with Optuna's ``trial.report`` are used as one-element vectors, so in such a study
this pruner is ASHA.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
from optuna.pruners import BasePruner

from smarttune._pareto import as_losses, crowding_distance, epsilon_net_order, nondominated_ranks
from smarttune._validation import Constraint, Interval, Options, validate_params
from smarttune.pruners._report import reported_values

if TYPE_CHECKING:
    import numpy.typing as npt
    from optuna.study import Study
    from optuna.trial import FrozenTrial

__all__ = ["RUNG_KEY_PREFIX", "MOASHAPruner", "promotion_order"]

#: Prefix of the trial system attributes holding the vector a trial recorded at each rung.
RUNG_KEY_PREFIX = "smarttune.mo_asha:rung:"

_CONSTRAINTS: dict[str, list[Constraint | None]] = {
    "min_resource": [Interval(int, 1, None)],
    "reduction_factor": [Interval(int, 2, None)],
    "min_early_stopping_rate": [Interval(int, 0, None)],
    "tie_break": [Options(("epsilon-net", "crowding"))],
}


def promotion_order(losses: npt.ArrayLike, tie_break: str = "epsilon-net") -> list[int]:
    """Return the indices of ``losses`` (``(n, m)``, minimized) best first, as MO-ASHA ranks."""
    points = np.asarray(losses, dtype=float)
    ranks = nondominated_ranks(points)
    order: list[int] = []
    for rank in range(int(ranks.max(initial=-1)) + 1):
        members = np.flatnonzero(ranks == rank)
        if tie_break == "crowding":
            within = np.argsort(-crowding_distance(points[members]), kind="stable")
        else:
            within = epsilon_net_order(points[members])
        order.extend(int(members[i]) for i in within)
    return order


class MOASHAPruner(BasePruner):
    """Prune trials whose intermediate objective vectors fall behind at a rung (MO-ASHA).

    The rule is stated in the module docstring. Report with :func:`smarttune.pruners.report`
    and ask with :func:`smarttune.pruners.should_prune` (Optuna's ``trial.report`` and
    ``trial.should_prune`` refuse multi-objective studies).

    Args:
        min_resource: The step of the first rung.
        reduction_factor: ``eta``: each rung is ``eta`` times further, and keeps ``1/eta``.
        min_early_stopping_rate: Rungs skipped at the start (ASHA's ``s``).
        tie_break: How points of one front are ordered: ``"epsilon-net"`` or ``"crowding"``.
    """

    def __init__(
        self,
        *,
        min_resource: int = 1,
        reduction_factor: int = 3,
        min_early_stopping_rate: int = 0,
        tie_break: str = "epsilon-net",
    ) -> None:
        validate_params(
            {
                "min_resource": min_resource,
                "reduction_factor": reduction_factor,
                "min_early_stopping_rate": min_early_stopping_rate,
                "tie_break": tie_break,
            },
            _CONSTRAINTS,
            owner="MOASHAPruner",
        )
        self.min_resource = min_resource
        self.reduction_factor = reduction_factor
        self.min_early_stopping_rate = min_early_stopping_rate
        self.tie_break = tie_break

    def rung_step(self, rung: int) -> int:
        """Return the step at which a trial reaches ``rung``."""
        exponent = self.min_early_stopping_rate + rung
        return int(self.min_resource * self.reduction_factor**exponent)

    def prune(self, study: Study, trial: FrozenTrial) -> bool:
        """Return whether ``trial`` falls outside the top ``1/eta`` at a rung it reached."""
        vectors = reported_values(trial)
        if not vectors:
            return False
        step = max(vectors)
        vector = vectors[step]
        directions = [d.name.lower() for d in study.directions]
        rung = _current_rung(trial)
        others: list[FrozenTrial] | None = None
        while step >= self.rung_step(rung):
            if any(math.isnan(v) for v in vector):
                return True
            key = f"{RUNG_KEY_PREFIX}{rung}"
            study._storage.set_trial_system_attr(trial._trial_id, key, vector)
            if others is None:
                others = study.get_trials(deepcopy=False)
            competing = [
                t.system_attrs[key]
                for t in others
                if t._trial_id != trial._trial_id and key in t.system_attrs
            ]
            losses = as_losses([*competing, vector], directions)
            keep = max(1, len(losses) // self.reduction_factor)
            if len(losses) - 1 not in promotion_order(losses, self.tie_break)[:keep]:
                return True
            rung += 1
        return False


def _current_rung(trial: FrozenTrial) -> int:
    rung = 0
    while f"{RUNG_KEY_PREFIX}{rung}" in trial.system_attrs:
        rung += 1
    return rung
