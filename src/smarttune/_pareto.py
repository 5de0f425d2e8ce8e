"""Pareto maths on arrays of objective values: dominance, fronts, tie-breaks and hypervolume.

Every function takes *losses*: an ``(n, m)`` array where each of the ``m`` objectives is
minimized (:func:`as_losses` negates the maximized ones). Nothing here imports Optuna, so the
pruners, the samplers, the comparison harness and the reports share one implementation.

- :func:`nondominated_ranks`: the fast non-dominated sorting of NSGA-II (Deb, Pratap, Agarwal,
  Meyarivan 2002, "A fast and elitist multiobjective genetic algorithm: NSGA-II"): rank 0 is
  the Pareto front, rank 1 the front once rank 0 is removed, and so on.
- :func:`crowding_distance`: NSGA-II's crowding distance within one front.
- :func:`epsilon_net_order`: the greedy epsilon-net order used by MO-ASHA (Schmucker et al.
  2021, after Salinas et al. 2021): start from the point best in the first objective, then
  repeatedly take the point farthest (Euclidean, objectives scaled to [0, 1]) from those taken.
- :func:`hypervolume`: the volume dominated by the points and bounded by a reference point,
  by a sweep in two dimensions and by slicing objectives (HSO, While et al. 2006) above.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

__all__ = [
    "as_losses",
    "crowding_distance",
    "epsilon_net_order",
    "hypervolume",
    "nondominated_ranks",
    "pareto_mask",
]

FloatArray = npt.NDArray[np.float64]


def as_losses(values: npt.ArrayLike, directions: Sequence[str]) -> FloatArray:
    """Return ``values`` (``(n, m)``) with every ``"maximize"`` column negated."""
    array = np.asarray(values, dtype=float).reshape(-1, len(directions))
    signs = np.array([-1.0 if d.lower() == "maximize" else 1.0 for d in directions])
    losses: FloatArray = array * signs
    return losses


def _dominates(a: FloatArray, b: FloatArray) -> bool:
    return bool(np.all(a <= b) and np.any(a < b))


def nondominated_ranks(losses: npt.ArrayLike) -> npt.NDArray[np.int64]:
    """Return each point's non-domination rank (0 for the Pareto front), as in NSGA-II."""
    points = np.asarray(losses, dtype=float)
    n = len(points)
    ranks = np.full(n, -1, dtype=np.int64)
    if n == 0:
        return ranks
    le = np.all(points[:, None, :] <= points[None, :, :], axis=2)
    lt = np.any(points[:, None, :] < points[None, :, :], axis=2)
    dominates = le & lt  # dominates[i, j]: i dominates j
    counts = dominates.sum(axis=0)
    front = np.flatnonzero(counts == 0)
    rank = 0
    while front.size:
        ranks[front] = rank
        counts = counts - dominates[front].sum(axis=0)
        counts[ranks >= 0] = -1
        front = np.flatnonzero(counts == 0)
        rank += 1
    return ranks


def pareto_mask(losses: npt.ArrayLike) -> npt.NDArray[np.bool_]:
    """Return which points are on the Pareto front (dominated by no other point)."""
    mask: npt.NDArray[np.bool_] = nondominated_ranks(losses) == 0
    return mask


def crowding_distance(losses: npt.ArrayLike) -> FloatArray:
    """Return NSGA-II's crowding distance of each point of one front (inf at the extremes)."""
    points = np.asarray(losses, dtype=float)
    n, m = points.shape
    distance = np.zeros(n)
    if n <= 2:
        return np.full(n, np.inf)
    for k in range(m):
        order = np.argsort(points[:, k], kind="stable")
        column = points[order, k]
        spread = column[-1] - column[0]
        distance[order[0]] = distance[order[-1]] = np.inf
        if spread > 0:
            distance[order[1:-1]] += (column[2:] - column[:-2]) / spread
    return distance


def epsilon_net_order(losses: npt.ArrayLike) -> npt.NDArray[np.int64]:
    """Return the points' greedy epsilon-net order (farthest point first after the best)."""
    points = np.asarray(losses, dtype=float)
    n = len(points)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    low, high = points.min(axis=0), points.max(axis=0)
    scaled = (points - low) / np.where(high > low, high - low, 1.0)
    order = [int(np.lexsort(points.T[::-1])[0])]
    nearest = np.linalg.norm(scaled - scaled[order[0]], axis=1)
    for _ in range(n - 1):
        nearest[order] = -1.0
        pick = int(np.argmax(nearest))
        order.append(pick)
        nearest = np.minimum(nearest, np.linalg.norm(scaled - scaled[pick], axis=1))
    return np.asarray(order, dtype=np.int64)


def hypervolume(losses: npt.ArrayLike, reference: Sequence[float]) -> float:
    """Return the volume dominated by ``losses`` and bounded above by ``reference``.

    Points that do not strictly dominate ``reference`` in every objective add nothing.
    """
    ref = np.asarray(reference, dtype=float)
    points = np.asarray(losses, dtype=float).reshape(-1, ref.size)
    points = points[np.all(points < ref, axis=1)]
    if len(points) == 0:
        return 0.0
    points = np.unique(points[pareto_mask(points)], axis=0)
    return _volume(points, ref)


def _volume(points: FloatArray, ref: FloatArray) -> float:
    if ref.size == 1:
        return float(ref[0] - points[:, 0].min())
    if ref.size == 2:
        order = np.argsort(points[:, 0], kind="stable")
        xs, ys = points[order, 0], points[order, 1]
        best_y = np.minimum.accumulate(ys)
        widths = np.diff(np.append(xs, ref[0]))
        return float(np.sum(widths * (ref[1] - best_y)))
    order = np.argsort(points[:, -1], kind="stable")
    points = points[order]
    cuts = np.append(points[:, -1], ref[-1])
    total = 0.0
    for i in range(len(points)):
        depth = cuts[i + 1] - cuts[i]
        if depth > 0:
            base = points[: i + 1, :-1]
            total += depth * _volume(base[pareto_mask(base)], ref[:-1])
    return total
