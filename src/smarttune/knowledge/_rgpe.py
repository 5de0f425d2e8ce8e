"""The ranking-weighted Gaussian process ensemble (RGPE) as a prior mean for a new study.

Feurer, Letham and Bakshy, "Scalable Meta-Learning for Bayesian Optimization using
Ranking-Weighted Gaussian Process Ensembles" (AutoML workshop at ICML 2018): each past study
gets its own Gaussian process; on the new study's observations, draw each model's function
values (a posterior draw for a past study's model, a leave-one-out draw for the new study's own
model), count the pairs of observations each draw orders wrongly (the ranking loss), and weight
each model by the fraction of draws in which its loss is the lowest (ties split at random). A
past model whose median loss exceeds the 95th percentile of the new study's own loss draws is
dropped before the weights are taken, so that many poor sources cannot dilute the weight of the
new study's model. The prior mean is the weighted sum of the past models' means; the new study's
share of the weight goes to the sampler's own model, which fits the residual.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from smarttune.knowledge._gp import GaussianProcess
from smarttune.knowledge._mapping import encode_mapped

if TYPE_CHECKING:
    from smarttune.knowledge._records import StudyRecord
    from smarttune.space import SpaceEncoder

__all__ = [
    "MAX_SOURCE_TRIALS",
    "MIN_TARGET_OBSERVATIONS",
    "copula",
    "ranking_losses",
    "rgpe_prior_mean",
    "rgpe_weights",
    "source_model",
]

FloatArray = np.ndarray[Any, np.dtype[np.float64]]

#: Below this many observations of the new study, every model gets the same weight.
MIN_TARGET_OBSERVATIONS = 3
_DROP_QUANTILE = 95.0
#: A past study's model is fitted on at most this many of its trials (its best half among them).
MAX_SOURCE_TRIALS = 120


def copula(values: FloatArray) -> FloatArray:
    """``Phi^-1((rank - 1/2) / n)``: the Gaussian-copula scores the samplers also use."""
    from scipy.stats import norm, rankdata

    return np.asarray(norm.ppf((rankdata(values) - 0.5) / len(values)), dtype=float)


def source_model(
    record: StudyRecord, encoder: SpaceEncoder, *, seed: int
) -> GaussianProcess | None:
    """A past study's Gaussian process on ``encoder``'s unit cube, None if too few trials map.

    The study's values become copula scores (larger is better) before subsampling; with more
    than :data:`MAX_SOURCE_TRIALS` trials the best half of the budget is kept and the rest drawn
    at random, so that the model resolves the good region without an O(n^3) cost.
    """
    rows, kept = encode_mapped(record.params, encoder)
    if len(kept) < MIN_TARGET_OBSERVATIONS:
        return None
    values = np.asarray(record.values, dtype=float)[kept]
    scores = copula(-values if record.direction == "minimize" else values)
    if len(kept) > MAX_SOURCE_TRIALS:
        order = np.argsort(-scores, kind="stable")
        best, rest = order[: MAX_SOURCE_TRIALS // 2], order[MAX_SOURCE_TRIALS // 2 :]
        drawn = np.random.default_rng(seed).choice(rest, MAX_SOURCE_TRIALS // 2, replace=False)
        chosen = np.concatenate([best, drawn])
        rows, scores = rows[chosen], scores[chosen]
    return GaussianProcess(rows, scores)


def ranking_losses(draws: FloatArray, y: FloatArray) -> FloatArray:
    """The number of misordered pairs of each row of ``draws`` (``(s, n)``) against ``y``."""
    truth = y[:, None] < y[None, :]
    predicted = draws[:, :, None] < draws[:, None, :]
    return np.asarray((predicted ^ truth).sum(axis=(1, 2)), dtype=float)


def _source_draws(
    model: GaussianProcess, X: FloatArray, n_draws: int, rng: np.random.Generator
) -> FloatArray:
    mean, cov = model.posterior(X)
    jitter = 1e-9 * max(1.0, float(np.abs(np.diag(cov)).max()))
    values, vectors = np.linalg.eigh(cov + jitter * np.eye(len(X)))
    root = vectors * np.sqrt(np.maximum(values, 0.0))
    return np.asarray(mean + rng.standard_normal((n_draws, len(X))) @ root.T, dtype=float)


def _target_draws(
    X: FloatArray, y: FloatArray, n_draws: int, rng: np.random.Generator
) -> FloatArray:
    mean, var = GaussianProcess(X, y).leave_one_out()
    draws = mean + np.sqrt(np.maximum(var, 0.0)) * rng.standard_normal((n_draws, len(y)))
    return np.asarray(draws, dtype=float)


def rgpe_weights(
    models: Sequence[GaussianProcess],
    X: FloatArray,
    y: FloatArray,
    *,
    n_draws: int = 256,
    rng: np.random.Generator,
) -> FloatArray:
    """The RGPE weights of ``models`` and, last, of the new study's own model.

    Args:
        models: One fitted model per past study, on the new study's unit cube.
        X: The new study's observed rows ``(n, d)``.
        y: Their scores (larger is better).
        n_draws: Draws of each model's function values.
        rng: The random generator (draws and tie breaks).

    Returns:
        ``len(models) + 1`` weights summing to 1; uniform below
        :data:`MIN_TARGET_OBSERVATIONS` observations, where no ranking says anything.
    """
    k = len(models)
    if len(y) < MIN_TARGET_OBSERVATIONS or k == 0:
        return np.full(k + 1, 1.0 / (k + 1))
    losses = np.empty((k + 1, n_draws))
    for i, model in enumerate(models):
        losses[i] = ranking_losses(_source_draws(model, X, n_draws, rng), y)
    losses[k] = ranking_losses(_target_draws(X, y, n_draws, rng), y)
    threshold = np.percentile(losses[k], _DROP_QUANTILE)
    dropped = np.append(np.median(losses[:k], axis=1) > threshold, False)
    losses[dropped] = np.inf
    noise = rng.random(losses.shape)  # ties go to a random one of the best
    winners = np.lexsort((noise, losses), axis=0)[0]
    return np.asarray(np.bincount(winners, minlength=k + 1) / n_draws, dtype=float)


def rgpe_prior_mean(
    models: Sequence[GaussianProcess],
    X: FloatArray,
    y: FloatArray,
    *,
    rng: np.random.Generator,
) -> Callable[[FloatArray], FloatArray] | None:
    """The weighted sum of the past models' means, or None when all weight is on the new study."""
    weights = rgpe_weights(models, X, y, rng=rng)
    used = [(w, m) for w, m in zip(weights[:-1], models, strict=True) if w > 0.0]
    if not used:
        return None

    def prior_mean(rows: FloatArray) -> FloatArray:
        rows = np.asarray(rows, dtype=float)
        total = np.zeros(len(rows))
        for weight, model in used:
            total += weight * model.predict(rows)
        return total

    return prior_mean
