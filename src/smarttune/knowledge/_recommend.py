"""Recommendations and transferred priors: what a knowledge base hands to a new study."""

from __future__ import annotations

import json
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from smarttune.space import SpaceEncoder

if TYPE_CHECKING:
    from optuna.distributions import BaseDistribution

    from smarttune.knowledge._records import StudyRecord

FloatArray = np.ndarray[Any, np.dtype[np.float64]]

__all__ = [
    "Recommendation",
    "TaskKnowledge",
    "UnseenParameterWarning",
    "adapt_to_space",
    "candidate_pool",
    "greedy_portfolio",
    "select",
    "space_defaults",
]

#: Configurations each past study contributes to the candidate pool (its best ones).
POOL_PER_STUDY = 10


class UnseenParameterWarning(UserWarning):
    """A parameter of the new task's space appears in no study of the knowledge base."""


@dataclass(frozen=True)
class Recommendation:
    """One recommended configuration.

    Attributes:
        params: The configuration (parameter name to value).
        predicted_score: The meta-model's predicted normalized score (1 = as good as the best
            trial of a similar past study); NaN for a fallback to defaults.
    """

    params: dict[str, Any]
    predicted_score: float


@dataclass(frozen=True)
class TaskKnowledge:
    """What a :class:`~smarttune.samplers.HybridSampler` takes from past studies.

    Attributes:
        warm_start: Configurations to evaluate first, best predicted first; they may come from
            another space: :meth:`warm_start_for` maps them onto the new one.
        prior_params: Accepted for compatibility; :meth:`KnowledgeBase.transfer` no longer
            fills it (predicted pseudo-observations are not trained on as if they were real).
        prior_scores: The predicted score of each ``prior_params`` entry.
        sources: The past studies whose models :meth:`prior_mean` weights.
        seed: Seed of :meth:`prior_mean`'s draws.
    """

    warm_start: list[dict[str, Any]]
    prior_params: list[dict[str, Any]] = field(default_factory=list)
    prior_scores: list[float] = field(default_factory=list)
    sources: Sequence[StudyRecord] = ()
    seed: int = 0
    _models: dict[Any, list[Any]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def warm_start_for(self, search_space: Mapping[str, BaseDistribution]) -> list[dict[str, Any]]:
        """The warm start mapped onto ``search_space`` (clipped; unusable ones skipped)."""
        from smarttune.knowledge._mapping import map_to_space

        mapped = (map_to_space(config, search_space) for config in self.warm_start)
        return [config for config in mapped if config is not None]

    def prior_mean(
        self, encoder: SpaceEncoder, X: FloatArray, y: FloatArray
    ) -> Callable[[FloatArray], FloatArray] | None:
        """A prior mean for the new study's model: RGPE over the :attr:`sources`.

        Each past study gets a Gaussian process on ``encoder``'s unit cube (its configurations
        mapped onto the space, its values on the copula scale); the models are weighted by
        their ranking loss on the new study's observations (``smarttune.knowledge._rgpe``).

        Args:
            encoder: The encoder of the new study's search space.
            X: The new study's observed rows in the unit cube, ``(n, d)``; ``n`` may be 0.
            y: Their scores, larger is better, on the Gaussian-copula scale.

        Returns:
            A function from unit-cube rows ``(m, d)`` to prior means on ``y``'s scale, or None
            when no past study maps onto the space or all weight is on the new study.
        """
        from smarttune.knowledge._rgpe import rgpe_prior_mean

        models = self._source_models(encoder)
        if not models:
            return None
        X = np.asarray(X, dtype=float).reshape(-1, encoder.dim)
        y = np.asarray(y, dtype=float)
        rng = np.random.default_rng([self.seed, len(y)])
        return rgpe_prior_mean(models, X, y, rng=rng)

    def _source_models(self, encoder: SpaceEncoder) -> list[Any]:
        key = tuple(encoder.search_space.items())
        if key not in self._models:
            from smarttune.knowledge._rgpe import source_model

            fitted = (source_model(record, encoder, seed=self.seed) for record in self.sources)
            self._models.clear()  # one space at a time
            self._models[key] = [model for model in fitted if model is not None]
        return self._models[key]


def candidate_pool(records: Sequence[StudyRecord]) -> tuple[list[dict[str, Any]], list[int]]:
    """The distinct best :data:`POOL_PER_STUDY` configurations of every study, and their study.

    Returns:
        The configurations, and for each the index (in ``records``) of the study it came from.
    """
    seen: set[str] = set()
    pool, sources = [], []
    for index, record in enumerate(records):
        for params in record.top_params(POOL_PER_STUDY):
            key = json.dumps(params, sort_keys=True, default=repr)
            if key not in seen:
                seen.add(key)
                pool.append(params)
                sources.append(index)
    return pool, sources


def greedy_portfolio(matrix: FloatArray, weights: FloatArray, k: int) -> list[int]:
    """Greedily pick ``k`` columns of ``matrix`` that maximise the weighted best-per-row score.

    ``matrix[s, c]`` is candidate ``c``'s (predicted) normalized score on past study ``s``.
    Each step adds the candidate that most raises ``sum_s w_s max_{c in P} matrix[s, c]``: a
    zero-shot portfolio whose members cover each other's weak datasets (Wistuba, Schilling and
    Schmidt-Thieme, "Sequential Model-Free Hyperparameter Tuning", ICDM 2015; the portfolios
    of Feurer et al., "Auto-Sklearn 2.0", JMLR 2022). The objective is submodular, so the
    greedy choice is within ``1 - 1/e`` of the best portfolio of its size.
    """
    best = np.full(matrix.shape[0], -np.inf)
    picks: list[int] = []
    for _ in range(min(k, matrix.shape[1])):
        gain = weights @ np.maximum(matrix, best[:, None])
        gain[picks] = -np.inf
        choice = int(np.argmax(gain))
        picks.append(choice)
        best = np.maximum(best, matrix[:, choice])
    return picks


def select(
    pool: Sequence[dict[str, Any]],
    sources: Sequence[int],
    predicted: FloatArray,
    k: int,
    search_space: Mapping[str, BaseDistribution] | None,
    seen: set[str],
    order: Sequence[int] | None = None,
) -> tuple[list[Recommendation], list[str]]:
    """Pick ``k`` distinct configurations by predicted score, one per source study first.

    Taking the best configuration of different past studies before a second one of any study
    keeps the portfolio diverse (Feurer et al., AAAI 2015, warm-start from the best
    configuration of each of the nearest datasets); configurations admissible in
    ``search_space`` as they are come before those that need adapting.

    A given ``order`` (a portfolio) replaces the ranking by predicted score and the
    one-per-study rule.

    Returns:
        The picks and the parameters that fell back to defaults because no study had them.
    """
    admissible = [search_space is None or _admissible(p, search_space) for p in pool]
    passes = (True, False) if order is None else (False,)
    if order is None:
        rank_of = {i: float(-predicted[i]) for i in range(len(pool))}
    else:
        rank_of = {i: float(rank) for rank, i in enumerate(order)}
    ranked = sorted(rank_of, key=lambda i: (not admissible[i], rank_of[i]))
    picks: list[Recommendation] = []
    keys: set[str] = set()
    used: set[int] = set()
    filled_all: list[str] = []
    for one_per_study in passes:
        for i in ranked:
            if len(picks) == k or (one_per_study and sources[i] in used):
                continue
            params = pool[i]
            if search_space is not None:
                params, filled = adapt_to_space(params, search_space, seen)
                filled_all += filled
            key = json.dumps(params, sort_keys=True, default=repr)
            if key not in keys:
                keys.add(key)
                used.add(sources[i])
                picks.append(Recommendation(params, float(predicted[i])))
    return picks, filled_all


def _admissible(params: Mapping[str, Any], search_space: Mapping[str, BaseDistribution]) -> bool:
    for name, value in params.items():
        dist = search_space.get(name)
        if dist is None:
            continue
        try:
            if not dist._contains(dist.to_internal_repr(value)):
                return False
        except (ValueError, TypeError):
            return False
    return True


def space_defaults(search_space: Mapping[str, BaseDistribution]) -> dict[str, Any]:
    """The centre of each parameter's range: the (log-)midpoint, the middle choice."""
    encoder = SpaceEncoder(search_space)
    return encoder.decode(np.full(encoder.dim, 0.5))


def adapt_to_space(
    params: Mapping[str, Any],
    search_space: Mapping[str, BaseDistribution],
    seen: set[str],
) -> tuple[dict[str, Any], list[str]]:
    """Fit ``params`` to ``search_space``; return it and the parameters filled with defaults.

    Parameters outside the space are dropped, numeric values outside their range are clipped
    to it (through the unit-cube encoding). A parameter of the space that no past study had
    (not in ``seen``) takes its default from :func:`space_defaults` and is reported; so does,
    silently, a categorical value that is not one of the new space's choices (a regression
    criterion for a classifier). Parameters seen in the past but absent from ``params`` stay
    absent: they are conditional and the configuration does not use them.
    """
    defaults = space_defaults(search_space)
    out: dict[str, Any] = {}
    filled = []
    for name, dist in search_space.items():
        if name not in seen:
            out[name] = defaults[name]
            filled.append(name)
        elif name in params and _admissible({name: params[name]}, {name: dist}):
            out[name] = params[name]
        elif name in params:
            encoder = SpaceEncoder({name: dist})
            try:
                out[name] = encoder.decode(encoder.encode({name: params[name]}))[name]
            except (ValueError, TypeError):
                out[name] = defaults[name]
    return out, filled


def warn_unseen(names: Sequence[str], family: str) -> None:
    """Warn that ``names`` fell back to their defaults."""
    if names:
        warnings.warn(
            f"No study of family {family!r} in the knowledge base has the parameter(s) "
            f"{', '.join(sorted(set(names)))}; recommending their defaults (the centre of "
            "their range).",
            UnseenParameterWarning,
            stacklevel=3,
        )
