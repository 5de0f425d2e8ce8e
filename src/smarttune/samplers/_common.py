"""Checks every smarttune sampler shares."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

import numpy as np
from optuna.study import StudyDirection
from optuna.trial import TrialState
from scipy.stats import norm, rankdata

from smarttune.exceptions import MultiObjectiveError

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from optuna.distributions import BaseDistribution
    from optuna.study import Study
    from optuna.trial import FrozenTrial

__all__ = [
    "PicklableLock",
    "check_single_objective",
    "completed_trials_covering",
    "copula_scores",
    "rank_scores",
    "yeo_johnson_scores",
]

FloatArray = np.ndarray[Any, np.dtype[np.float64]]


class PicklableLock:
    """Mixin for a sampler guarding its caches with ``self._lock``, a re-entrant lock.

    A lock cannot be pickled, and workers receive their sampler pickled: it is left out and a
    fresh one made on unpickling.
    """

    _lock: threading.RLock

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        del state["_lock"]
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._lock = threading.RLock()


def check_single_objective(study: Study, sampler_name: str) -> None:
    """Raise :class:`MultiObjectiveError` if ``study`` has more than one objective."""
    if study._is_multi_objective():
        raise MultiObjectiveError(
            f"{sampler_name} supports single-objective studies only; study "
            f"'{study.study_name}' has {len(study.directions)} objectives. Use "
            "optuna.samplers.NSGAIISampler for multi-objective optimization."
        )


def completed_trials_covering(
    study: Study, search_space: Mapping[str, BaseDistribution]
) -> list[FrozenTrial]:
    """The completed trials with a value and every parameter of ``search_space``."""
    trials = study._get_trials(deepcopy=False, states=(TrialState.COMPLETE,), use_cache=True)
    return [t for t in trials if t.value is not None and search_space.keys() <= t.params.keys()]


def rank_scores(trials: Sequence[FrozenTrial], direction: StudyDirection) -> FloatArray:
    """Return the completed ``trials``' values as scores to maximise (see :func:`copula_scores`)."""
    values = np.array([t.value for t in trials], dtype=float)
    return copula_scores(-values if direction == StudyDirection.MINIMIZE else values)


def copula_scores(values: FloatArray) -> FloatArray:
    """Return ``Phi^-1((rank - 1/2) / n)`` of ``values`` (higher values, higher scores).

    The Gaussian-copula transform (Salinas et al., "A Quantile-based Approach for
    Hyperparameter Transfer Learning", ICML 2020) makes a surrogate indifferent to the
    objective's scale and robust to outliers and infinities, so that it resolves differences
    among the good trials rather than fitting the worst ones.
    """
    if len(values) == 0:
        return np.empty(0)
    return np.asarray(norm.ppf((rankdata(values) - 0.5) / len(values)), dtype=float)


def yeo_johnson_scores(values: FloatArray) -> FloatArray:
    """Return ``values`` standardized, Yeo-Johnson transformed and standardized again.

    The power transform (Yeo and Johnson, "A new family of power transformations to improve
    normality or symmetry", Biometrika 2000; lambda by SciPy's maximum likelihood) tames skew
    and outliers like the copula transform, but keeps the spacing of the values, so a model
    still sees how much better the best points are (HEBO's output warping, Cowen-Rivers et al.,
    2022). Non-finite values become the worst finite one; constant values give zeros.
    """
    v = np.asarray(values, dtype=float)
    finite = np.isfinite(v)
    if len(v) == 0 or not finite.any():
        return np.zeros(len(v))
    v = np.where(finite, v, np.min(v[finite]))
    spread = float(np.std(v))
    if spread == 0.0:
        return np.zeros(len(v))
    from scipy.stats import yeojohnson

    transformed = np.asarray(yeojohnson((v - v.mean()) / spread)[0], dtype=float)
    scale = float(np.std(transformed))
    result: FloatArray = (transformed - transformed.mean()) / (scale if scale > 0 else 1.0)
    return result
