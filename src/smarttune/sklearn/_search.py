"""``SmartSearchCV``: RandomizedSearchCV's interface, with an Optuna sampler choosing candidates."""

from __future__ import annotations

import copy
import numbers
import time
from typing import TYPE_CHECKING, Any

import numpy as np
from sklearn.model_selection._search import BaseSearchCV

from smarttune._validation import (
    Constraint,
    InstanceOf,
    Interval,
    IsCallable,
    Options,
    validate_params,
)
from smarttune.exceptions import InvalidParameterError
from smarttune.sklearn._named import named_portfolio, named_space, portfolio_params
from smarttune.sklearn._space import SearchSpace, build_space
from smarttune.sklearn._trials import FoldRunner

if TYPE_CHECKING:
    import optuna

__all__ = ["SmartSearchCV"]

_OWNER = "SmartSearchCV"
_CONSTRAINTS: dict[str, list[Constraint | None]] = {
    "n_trials": [Interval(int, 1, None), None],
    "timeout": [Interval(float, 0, None, closed="neither"), None],
    "n_jobs": [Interval(int, 1, None), Options((-1,)), None],
    "refit": [InstanceOf(bool, str), IsCallable()],
    "error_score": [Options(("raise",)), InstanceOf(numbers.Real)],
    "return_train_score": [InstanceOf(bool)],
    "random_state": [Interval(int, 0, 2**32 - 1), InstanceOf(np.random.RandomState), None],
    "verbose": [Interval(int, 0, None)],
}


class SmartSearchCV(BaseSearchCV):  # type: ignore[misc]
    """Cross-validated search driven by an Optuna study: a drop-in for ``RandomizedSearchCV``.

    Where ``RandomizedSearchCV`` draws ``n_iter`` independent candidates, this search asks a
    sampler (smarttune's ``"hybrid"`` genetic + Bayesian-bandit sampler, TPE, …) for each
    candidate after seeing every earlier one. Each candidate is fitted fold by fold with
    scikit-learn's own fit-and-score routine on the same splits for every trial; after each
    fold the running mean score is reported to Optuna, so a pruner (``"median"``, …) can stop
    a poor candidate before its last fold. Pruned candidates stay in :attr:`study_` but are
    left out of ``cv_results_``, whose keys and shapes are otherwise those of
    ``RandomizedSearchCV`` (one row per evaluated candidate, in trial order). A failing fit
    gets ``error_score`` as there; a candidate whose mean score is NaN is a FAIL trial.

    ``param_distributions`` takes what ``RandomizedSearchCV`` takes: a dict (or a list of
    dicts) whose values are lists, scipy.stats frozen distributions, or Optuna distributions
    (see :mod:`smarttune.sklearn._space` for how each is searched). Scores are maximized.
    It also takes a name, ``"xgboost"`` (for ``xgboost.XGBClassifier``) or
    ``"decision_tree"`` (for ``DecisionTreeClassifier``): a space measured on YAHPO Gym's
    rbv2 data whose portfolio's first 8 configurations are the first trials (see
    :mod:`smarttune.sklearn._named`).

    Args:
        estimator: The estimator (or pipeline) to tune.
        param_distributions: The search space, or the name of one, as above.
        n_trials: Trials to run (pruned ones included); None runs until ``timeout``.
        cv: Anything ``sklearn.model_selection.check_cv`` accepts.
        scoring: A scorer name, a callable, or a list/tuple/dict of them (several metrics).
        refit: Refit the best candidate on all the data: True, the metric to select it by
            (several metrics), a callable of ``cv_results_`` returning its index, or False.
            With several metrics the study optimizes ``refit`` when it names one, else the
            first metric.
        n_jobs: Trials run in parallel threads (Optuna's ``n_jobs``); None means 1.
        sampler: A sampler name from :data:`smarttune.samplers.SAMPLER_NAMES` or an Optuna
            sampler (deep-copied at each ``fit``).
        pruner: None, a name from :data:`smarttune.pruners.PRUNER_NAMES` or an Optuna pruner;
            it sees one step per fold.
        timeout: Seconds after which no new trial starts; None for no limit.
        random_state: Seeds a sampler given by name (an int, a ``RandomState`` or None).
        error_score: ``"raise"``, or the score of a fold whose fit fails.
        return_train_score: Also score each fold's training part.
        verbose: scikit-learn's verbosity for each fit; at 0 Optuna's per-trial log is quiet.

    Attributes:
        study_: The :class:`optuna.Study` of the last ``fit``.
        cv_results_, best_index_, best_params_, best_score_, best_estimator_, refit_time_,
        n_splits_, scorer_, multimetric_: As for ``RandomizedSearchCV``.
    """

    def __init__(
        self,
        estimator: Any,
        param_distributions: Any,
        *,
        n_trials: int | None = 10,
        cv: Any = None,
        scoring: Any = None,
        refit: Any = True,
        n_jobs: int | None = None,
        sampler: str | optuna.samplers.BaseSampler = "hybrid",
        pruner: str | optuna.pruners.BasePruner | None = None,
        timeout: float | None = None,
        random_state: int | np.random.RandomState | None = None,
        error_score: Any = np.nan,
        return_train_score: bool = False,
        verbose: int = 0,
    ) -> None:
        self.estimator = estimator
        self.param_distributions = param_distributions
        self.n_trials = n_trials
        self.cv = cv
        self.scoring = scoring
        self.refit = refit
        self.n_jobs = n_jobs
        self.sampler = sampler
        self.pruner = pruner
        self.timeout = timeout
        self.random_state = random_state
        self.error_score = error_score
        self.return_train_score = return_train_score
        self.verbose = verbose

    def __sklearn_tags__(self) -> Any:
        """BaseSearchCV's tags, plus the estimator's multi-output support (it fits the targets)."""
        from sklearn.utils import get_tags

        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = get_tags(self.estimator).target_tags.multi_output
        return tags

    def _run_search(self, evaluate_candidates: Any, *, callback_ctx: Any = None) -> None:
        """Not used: :meth:`fit` asks the study for candidates one trial at a time."""
        raise NotImplementedError("SmartSearchCV.fit drives the study itself.")

    def fit(self, X: Any, y: Any = None, **params: Any) -> SmartSearchCV:
        """Run the study, then refit the best candidate on all of ``X`` (unless ``refit``).

        Args:
            X: Training data, as for the estimator.
            y: Targets, or None for unsupervised estimators.
            **params: Fit parameters routed as in ``RandomizedSearchCV`` (``groups`` goes
                to the splitter, sample-aligned arrays are split with ``X``).

        Returns:
            self.

        Raises:
            InvalidParameterError: A constructor argument outside its allowed set.
            ValueError: As ``RandomizedSearchCV`` (bad ``cv`` or ``scoring``, every fit failed).
        """
        from sklearn.utils.validation import _check_method_params, indexable

        self._check_arguments()
        scorers, refit_metric = self._get_scorers()
        X, y = indexable(X, y)
        params = _check_method_params(X, params=params)
        routed = self._get_routed_params_for_fit(params)
        runner = self._runner(X, y, scorers, routed)
        self.n_splits_ = len(runner.splits)
        self.study_ = self._optimize(runner)
        results, refit_metric = self._results(runner, refit_metric)
        self._select_best(results, refit_metric)
        if self.refit:
            self._refit(X, y, routed.estimator.fit)
        self.scorer_ = getattr(scorers, "_scorers", scorers)
        self.cv_results_ = results
        return self

    def _check_arguments(self) -> None:
        validate_params(
            {name: getattr(self, name) for name in _CONSTRAINTS}, _CONSTRAINTS, owner=_OWNER
        )
        if self.n_trials is None and self.timeout is None:
            raise InvalidParameterError(
                f"The 'n_trials' parameter of {_OWNER} must be an int in the range [1, inf) "
                "when 'timeout' is None. Got None instead."
            )
        if not hasattr(self.estimator, "fit"):
            raise InvalidParameterError(
                f"The 'estimator' parameter of {_OWNER} must be an object with a 'fit' method. "
                f"Got {self.estimator!r} instead."
            )

    def _runner(self, X: Any, y: Any, scorers: Any, routed: Any) -> FoldRunner:
        from sklearn.base import clone, is_classifier
        from sklearn.model_selection import check_cv

        space = self._space()
        cv = check_cv(self.cv, y, classifier=is_classifier(self.estimator))
        splits = list(cv.split(X, y, **routed.splitter.split))
        fit_kwargs = {
            "scorer": scorers,
            "fit_params": routed.estimator.fit,
            "score_params": routed.scorer.score,
            "return_train_score": self.return_train_score,
            "return_n_test_samples": True,
            "return_times": True,
            "return_parameters": False,
            "error_score": self.error_score,
            "verbose": self.verbose,
        }
        return FoldRunner(clone(self.estimator), space, X, y, splits, fit_kwargs, self.refit)

    def _space(self) -> SearchSpace:
        """The search space: ``param_distributions``, or the named space it names."""
        if isinstance(self.param_distributions, str):
            return build_space(named_space(self.param_distributions), owner=_OWNER)
        return build_space(self.param_distributions, owner=_OWNER)

    def _enqueue_portfolio(self, study: optuna.Study, space: SearchSpace) -> None:
        """A named space's portfolio: its first configurations are the first trials."""
        if not isinstance(self.param_distributions, str):
            return
        configs = named_portfolio(self.param_distributions)
        for config in configs[: self.n_trials or len(configs)]:
            params = portfolio_params(space, config)
            if params is not None:
                study.enqueue_trial(params)

    def _optimize(self, runner: FoldRunner) -> optuna.Study:
        import optuna

        from smarttune.pruners import resolve_pruner
        from smarttune.samplers import resolve_sampler

        seed = self.random_state
        if isinstance(seed, np.random.RandomState):
            seed = int(seed.randint(0, 2**31 - 1))
        sampler = self.sampler
        if isinstance(sampler, optuna.samplers.BaseSampler):
            sampler = copy.deepcopy(sampler)
        previous = optuna.logging.get_verbosity()
        if self.verbose == 0:  # failures already come as scikit-learn's FitFailedWarning
            optuna.logging.set_verbosity(optuna.logging.ERROR)
        try:
            study = optuna.create_study(
                direction="maximize",
                sampler=resolve_sampler(sampler, seed=seed),
                pruner=resolve_pruner(copy.deepcopy(self.pruner)),
            )
            self._enqueue_portfolio(study, runner.space)
            study.optimize(
                runner,
                n_trials=self.n_trials,
                timeout=self.timeout,
                n_jobs=1 if self.n_jobs is None else self.n_jobs,
            )
        finally:
            optuna.logging.set_verbosity(previous)
        return study

    def _results(self, runner: FoldRunner, refit_metric: Any) -> tuple[dict[str, Any], Any]:
        from sklearn.model_selection._validation import (
            _insert_error_scores,
            _warn_or_raise_about_fit_failures,
        )

        candidates, outs = runner.results()
        if not outs:
            raise ValueError(
                f"No candidate of {_OWNER} was evaluated on every fold: all "
                f"{len(self.study_.trials)} trials were pruned or stopped."
            )
        _warn_or_raise_about_fit_failures(outs, self.error_score)
        if callable(self.scoring):
            _insert_error_scores(outs, self.error_score)
        first = outs[0]["test_scores"]
        self.multimetric_ = isinstance(first, dict)
        if callable(self.scoring) and self.multimetric_:
            self._check_refit_for_multimetric(first)
            refit_metric = self.refit
        return self._format_results(candidates, self.n_splits_, outs), refit_metric

    def _select_best(self, results: dict[str, Any], refit_metric: Any) -> None:
        if self.refit or not self.multimetric_:
            self.best_index_ = self._select_best_index(self.refit, refit_metric, results)
            if not callable(self.refit):
                self.best_score_ = results[f"mean_test_{refit_metric}"][self.best_index_]
            self.best_params_ = results["params"][self.best_index_]

    def _refit(self, X: Any, y: Any, fit_params: dict[str, Any]) -> None:
        from sklearn.base import clone

        self.best_estimator_ = clone(self.estimator).set_params(
            **clone(self.best_params_, safe=False)
        )
        start = time.time()
        if y is None:
            self.best_estimator_.fit(X, **fit_params)
        else:
            self.best_estimator_.fit(X, y, **fit_params)
        self.refit_time_ = time.time() - start
        if hasattr(self.best_estimator_, "feature_names_in_"):
            self.feature_names_in_ = self.best_estimator_.feature_names_in_
