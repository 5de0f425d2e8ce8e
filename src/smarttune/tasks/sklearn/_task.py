"""``SklearnTask``: one class for every ``<model>-<dataset>[-grid]`` task of the catalog."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

from smarttune._validation import InstanceOf, Options, validate_params
from smarttune.exceptions import InvalidParameterError
from smarttune.tasks._base import Task
from smarttune.tasks.sklearn._catalog import (
    DATASETS,
    GRID_MODELS,
    MODELS,
    metric_for,
    summary_for,
    task_name,
)
from smarttune.tasks.sklearn._data import Splits, load_splits, subsample
from smarttune.tasks.sklearn._fitting import fit, make_estimator, single_threaded
from smarttune.tasks.sklearn._meta import meta_features
from smarttune.tasks.sklearn._models import SPECS, Context

if TYPE_CHECKING:
    import numpy as np
    import optuna
    from numpy.typing import NDArray

__all__ = ["SklearnTask"]


class SklearnTask(Task):
    """Tune a scikit-learn model on one of scikit-learn's bundled datasets.

    Protocol: a 60/20/20 train/validation/test split seeded by ``seed`` (stratified on
    classification data). :meth:`objective` fits on the training split, subsampled to
    ``fidelity`` of its rows (stratified, seeded, nested, at least 5 rows per class), and
    returns validation accuracy, or validation R^2 on regression data (``diabetes``); every
    task maximizes. :meth:`final_fit` refits on train + validation (all rows whatever the
    fidelity) and returns ``test_accuracy`` and ``test_f1_macro``, or ``test_rmse`` and
    ``test_r2``.

    Models: on regression data ``svm`` is an SVR and ``logreg`` is lasso (``l1``) or ridge
    (``l2``) with ``alpha = 1 / C``. Features are standardized for ``svm``, ``knn`` and
    ``logreg``; regression targets always are (predictions return to the original units).
    Stochastic estimators get ``random_state=seed``. A linear model that reaches its iteration
    cap is scored as it stands (its ``ConvergenceWarning`` is silenced). Fits and scoring run
    on one thread (see ``_fitting.single_threaded``).

    Args:
        model: A model key: ``"dt"``, ``"gb"``, ``"knn"``, ``"logreg"``, ``"rf"`` or ``"svm"``.
        dataset: ``"breast-cancer"``, ``"diabetes"``, ``"digits"``, ``"iris"`` or ``"wine"``.
        grid: Search the model's classic grid (:meth:`search_grid`) with categorical
            parameters instead of its continuous space; only for ``dt``, ``rf`` and ``svm``.
        seed: Seed of the splits, the fidelity subsample and the estimators.
        fidelity: Fraction of the training rows the objective fits on, in (0, 1].

    Raises:
        InvalidParameterError: If an argument is outside its allowed set.
    """

    name = "sklearn"
    summary = "a scikit-learn model on a scikit-learn dataset"
    direction = "maximize"
    metric = "validation accuracy"
    fidelity_unit = "training rows"

    def __init__(
        self,
        *,
        model: str,
        dataset: str,
        grid: bool = False,
        seed: int = 0,
        fidelity: float = 1.0,
    ) -> None:
        owner = type(self).__name__
        validate_params(
            {"model": model, "dataset": dataset, "grid": grid},
            {
                "model": [Options(MODELS)],
                "dataset": [Options(DATASETS)],
                "grid": [InstanceOf(bool)],
            },
            owner=owner,
        )
        if grid and model not in GRID_MODELS:
            raise InvalidParameterError(
                f"The 'grid' parameter of {owner} must be False for model {model!r}, which has "
                f"no classic grid (models with one: {', '.join(GRID_MODELS)}). Got True instead."
            )
        super().__init__(seed=seed, fidelity=fidelity)
        self.model = model
        self.dataset = dataset
        self.grid = grid
        # Task declares these as class variables; one class serves every name here.
        self.name = task_name(model, dataset, grid)
        self.summary = summary_for(model, dataset, grid)
        self.metric = metric_for(dataset)
        self._spec = SPECS[model]

    def __repr__(self) -> str:
        return f"SklearnTask(name={self.name!r}, seed={self.seed}, fidelity={self.fidelity})"

    def search_grid(self) -> dict[str, list[Any]] | None:
        """Return the classic grid (parameter name to values) of a ``-grid`` task, else None.

        ``optuna.samplers.GridSampler(task.search_grid())`` enumerates a grid task exactly.
        """
        if not self.grid or self._spec.grid is None:
            return None
        return {name: list(values) for name, values in self._spec.grid.items()}

    def objective(self, trial: optuna.Trial) -> float:
        """Suggest parameters, fit on the (subsampled) training split, score on validation."""
        X, y = self._training_rows
        context = self._context(len(y))
        grid = self.search_grid()
        if grid is not None:
            params = {
                name: trial.suggest_categorical(name, values) for name, values in grid.items()
            }
        else:
            params = self._spec.space(trial, context)
        with single_threaded():
            estimator = fit(make_estimator(self._spec, params, context), X, y)
            return self._scores(estimator, self._splits.X_val, self._splits.y_val)[0]

    def final_fit(self, params: dict[str, Any]) -> dict[str, float]:
        """Refit on train + validation with ``params`` (e.g. ``study.best_params``).

        Returns:
            ``{"test_accuracy", "test_f1_macro"}`` on classification data,
            ``{"test_rmse", "test_r2"}`` on regression data.

        Raises:
            InvalidParameterError: If ``params`` lacks a parameter the model needs.
        """
        splits = self._splits
        X, y = splits.refit_rows()
        context = self._context(len(y))
        try:
            estimator = make_estimator(self._spec, dict(params), context)
        except KeyError as error:
            raise InvalidParameterError(
                f"final_fit() of {self.name} needs the parameter {error.args[0]!r}; "
                f"got {sorted(params)}."
            ) from None
        with single_threaded():
            fit(estimator, X, y)
            first, second = self._scores(estimator, splits.X_test, splits.y_test)
        if splits.classification:
            return {"test_accuracy": first, "test_f1_macro": second}
        return {"test_rmse": second, "test_r2": first}

    def meta_features(self) -> dict[str, float]:
        """Describe the training split (see ``_meta.meta_features``); cached per process."""
        return meta_features(self.dataset, self.seed)

    @property
    def _splits(self) -> Splits:
        return load_splits(self.dataset, self.seed)

    @functools.cached_property
    def _training_rows(self) -> tuple[NDArray[np.float64], NDArray[Any]]:
        splits = self._splits
        return subsample(
            splits.X_train,
            splits.y_train,
            self.fidelity,
            classification=splits.classification,
            seed=self.seed,
        )

    def _context(self, n_rows: int) -> Context:
        return Context(self._splits.classification, self.seed, n_rows)

    def _scores(
        self, estimator: Any, X: NDArray[np.float64], y: NDArray[Any]
    ) -> tuple[float, float]:
        """(accuracy, macro-F1) on classification data, (R^2, RMSE) on regression data."""
        from sklearn import metrics

        predicted = estimator.predict(X)
        if self._splits.classification:
            return (
                float(metrics.accuracy_score(y, predicted)),
                float(metrics.f1_score(y, predicted, average="macro", zero_division=0.0)),
            )
        rmse = float(metrics.mean_squared_error(y, predicted) ** 0.5)
        return float(metrics.r2_score(y, predicted)), rmse
