"""``ArrayTask``: a scikit-learn model family tuned on any arrays, with the tasks' protocol.

It follows :class:`smarttune.tasks.sklearn.SklearnTask` exactly (seeded 60/20/20 splits,
stratified for classes; scaling for distance- and margin-based models; standardized regression
targets; one thread) and re-uses its model specs, so that a study on ``svm`` here and one on the
built-in ``svm-digits`` task share parameter names and meaning. It adds the ``mlp`` family
(scikit-learn's multilayer perceptron), which the built-in catalog lacks.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

import numpy as np

from smarttune.knowledge import dataset_meta_features
from smarttune.tasks._base import Task
from smarttune.tasks.sklearn._fitting import fit, make_estimator, single_threaded
from smarttune.tasks.sklearn._models import SPECS, Context, ModelSpec

if TYPE_CHECKING:
    import optuna

__all__ = ["FAMILIES", "GRID_FAMILIES", "SPECS_WITH_MLP", "ArrayTask"]


def _mlp_space(trial: optuna.Trial, context: Context) -> dict[str, Any]:
    return {
        "hidden_units": trial.suggest_int("hidden_units", 16, 256, log=True),
        "n_layers": trial.suggest_int("n_layers", 1, 2),
        "alpha": trial.suggest_float("alpha", 1e-6, 1e-1, log=True),
        "learning_rate_init": trial.suggest_float("learning_rate_init", 1e-4, 1e-1, log=True),
    }


def _mlp(params: dict[str, Any], context: Context) -> Any:
    from sklearn import neural_network

    cls = neural_network.MLPClassifier if context.classification else neural_network.MLPRegressor
    return cls(
        hidden_layer_sizes=(int(params["hidden_units"]),) * int(params["n_layers"]),
        alpha=float(params["alpha"]),
        learning_rate_init=float(params["learning_rate_init"]),
        max_iter=100,
        random_state=context.seed,
    )


SPECS_WITH_MLP: dict[str, ModelSpec] = {**SPECS, "mlp": ModelSpec(_mlp_space, _mlp, scale=True)}
#: The model families the meta-dataset tunes over continuous spaces.
FAMILIES: tuple[str, ...] = ("dt", "rf", "svm", "knn", "gb", "mlp")
#: The families that also have a classic grid (``<family>-grid``).
GRID_FAMILIES: tuple[str, ...] = tuple(k for k in FAMILIES if SPECS_WITH_MLP[k].grid is not None)


class ArrayTask(Task):
    """Tune one model family on ``(X, y)`` with the protocol of the scikit-learn tasks.

    Args:
        model: A family of :data:`FAMILIES`.
        dataset: The dataset's name (for the task's name).
        X: Features, ``(n, d)``.
        y: Targets, ``(n,)``.
        classification: Whether ``y`` holds classes.
        grid: Search the family's classic grid (categorical parameters).
        seed: Seed of the splits and the estimators.
    """

    direction = "maximize"
    summary = "a scikit-learn model on arrays"

    def __init__(
        self,
        *,
        model: str,
        dataset: str,
        X: Any,
        y: Any,
        classification: bool,
        grid: bool = False,
        seed: int = 0,
    ) -> None:
        super().__init__(seed=seed)
        self.model, self.dataset, self.grid = model, dataset, grid
        self.name = f"{model}-{dataset}{'-grid' if grid else ''}"
        self.metric = "validation accuracy" if classification else "validation R^2"
        self.classification = classification
        self._spec = SPECS_WITH_MLP[model]
        self._splits = _split(np.asarray(X, dtype=float), np.asarray(y), classification, seed)

    def search_grid(self) -> dict[str, list[Any]] | None:
        """The classic grid of a ``grid`` task, else None."""
        if not self.grid or self._spec.grid is None:
            return None
        return {name: list(values) for name, values in self._spec.grid.items()}

    def objective(self, trial: optuna.Trial) -> float:
        """Suggest parameters, fit on the training split, return the validation score."""
        grid = self.search_grid()
        context = Context(self.classification, self.seed, len(self._splits[1]))
        if grid is not None:
            params = {n: trial.suggest_categorical(n, v) for n, v in grid.items()}
        else:
            params = self._spec.space(trial, context)
        X_train, y_train, X_val, y_val = self._splits[:4]
        return self._fit_score(params, X_train, y_train, X_val, y_val)

    def final_fit(self, params: dict[str, Any]) -> dict[str, float]:
        """Refit on train + validation; return ``test_score`` (accuracy or R^2)."""
        X_train, y_train, X_val, y_val, X_test, y_test = self._splits
        X, y = np.vstack([X_train, X_val]), np.concatenate([y_train, y_val])
        return {"test_score": self._fit_score(dict(params), X, y, X_test, y_test)}

    def meta_features(self) -> dict[str, float]:
        """The training split's meta-features (``smarttune.knowledge.dataset_meta_features``)."""
        return dict(self._meta_features)

    @functools.cached_property
    def _meta_features(self) -> dict[str, float]:
        X_train, y_train = self._splits[0], self._splits[1]
        return dataset_meta_features(
            X_train, y_train, classification=self.classification, seed=self.seed
        )

    def _fit_score(self, params: dict[str, Any], X: Any, y: Any, X_eval: Any, y_eval: Any) -> float:
        context = Context(self.classification, self.seed, len(y))
        with single_threaded():
            estimator = fit(make_estimator(self._spec, params, context), X, y)
            return float(estimator.score(X_eval, y_eval))


def _split(X: Any, y: Any, classification: bool, seed: int) -> tuple[Any, ...]:
    from sklearn.model_selection import train_test_split

    strat = y if classification else None
    X_rest, X_test, y_rest, y_test = train_test_split(
        X, y, test_size=0.2, stratify=strat, random_state=seed
    )
    X_train, X_val, y_train, y_val = train_test_split(
        X_rest,
        y_rest,
        test_size=0.25,
        stratify=y_rest if classification else None,
        random_state=seed,
    )
    return X_train, y_train, X_val, y_val, X_test, y_test
