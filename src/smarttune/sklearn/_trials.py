"""One trial of SmartSearchCV: fit and score one configuration fold by fold, pruning between folds.

Each fold goes through scikit-learn's own ``_fit_and_score`` (the function
``RandomizedSearchCV`` runs for every candidate and split), so ``error_score``, fit-failure
warnings, train scores, timings and metadata routing behave exactly as there. After fold ``k``
the running mean of the optimized metric over folds ``0..k`` is reported to Optuna at step
``k``; when the study's pruner says so the trial stops and is left out of ``cv_results_``.
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    import optuna

    from smarttune.sklearn._space import SearchSpace

__all__ = ["FoldRunner", "metric_of"]


def metric_of(test_scores: Any, refit: Any) -> float:
    """The optimized score in one fold's ``test_scores`` (a number, or a dict of them).

    For several metrics it is ``refit`` when ``refit`` names one, else the first metric.
    """
    if isinstance(test_scores, dict):
        key = refit if isinstance(refit, str) and refit in test_scores else next(iter(test_scores))
        return float(test_scores[key])
    return float(test_scores)


@dataclass
class FoldRunner:
    """The Optuna objective of a search; keeps each finished trial's fold results.

    Attributes:
        estimator: The unfitted base estimator (cloned for each fold).
        space: The search space.
        X: Indexable training data.
        y: Indexable targets, or None.
        splits: ``(train, test)`` index pairs, the same for every trial.
        fit_kwargs: Keyword arguments for ``_fit_and_score`` common to every fold.
        refit: The search's ``refit`` (names the optimized metric for several metrics).
    """

    estimator: Any
    space: SearchSpace
    X: Any
    y: Any
    splits: list[tuple[Any, Any]]
    fit_kwargs: dict[str, Any]
    refit: Any
    _finished: dict[int, tuple[dict[str, Any], list[dict[str, Any]]]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __call__(self, trial: optuna.Trial) -> float:
        """Fit and score the trial's configuration on every fold; return the mean score."""
        import optuna
        from sklearn.base import clone
        from sklearn.model_selection._validation import _fit_and_score

        params = self.space.suggest(trial)
        outs: list[dict[str, Any]] = []
        for k, (train, test) in enumerate(self.splits):
            out = _fit_and_score(
                clone(self.estimator),
                self.X,
                self.y,
                train=train,
                test=test,
                parameters=params,
                split_progress=(k, len(self.splits)),
                **self.fit_kwargs,
            )
            outs.append(out)
            running = float(np.mean([metric_of(o["test_scores"], self.refit) for o in outs]))
            if math.isfinite(running):
                trial.report(running, k)
                if k + 1 < len(self.splits) and trial.should_prune():
                    raise optuna.TrialPruned(f"pruned after fold {k} with mean score {running}")
        with self._lock:
            self._finished[trial.number] = (params, outs)
        return running

    def results(self) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """The evaluated configurations in trial order, and their fold results (flat)."""
        candidates, outs = [], []
        for number in sorted(self._finished):
            params, trial_outs = self._finished[number]
            candidates.append(params)
            outs.extend(trial_outs)
        return candidates, outs
