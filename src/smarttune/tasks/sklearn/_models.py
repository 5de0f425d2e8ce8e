"""One small spec per model: its search space, its classic grid and its estimator factory.

scikit-learn is imported inside the factories only, so importing this module stays cheap.
Spaces use log scales for scale parameters; depth limits are conditional (``limit_depth``
decides whether ``max_depth`` is suggested at all, unlimited otherwise).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from smarttune._validation import Options, validate_parameter

if TYPE_CHECKING:
    import optuna

__all__ = ["SPECS", "Context", "ModelSpec"]


@dataclass(frozen=True)
class Context:
    """What an estimator factory needs to know besides the parameters.

    Attributes:
        classification: Whether the target is a class (else a real number).
        seed: ``random_state`` of stochastic estimators.
        n_rows: The number of training rows the estimator will see.
    """

    classification: bool
    seed: int
    n_rows: int


Space = Callable[["optuna.Trial", Context], dict[str, Any]]
Factory = Callable[[dict[str, Any], Context], Any]


@dataclass(frozen=True)
class ModelSpec:
    """How one model is tuned.

    Attributes:
        space: Suggests the continuous search space's parameters and returns them.
        build: Makes the bare estimator from parameters (a ``KeyError`` if one is missing).
        scale: Whether features are standardized first (distance- and margin-based models).
        grid: The classic grid, parameter name to values, or None.
    """

    space: Space
    build: Factory
    scale: bool = False
    grid: dict[str, list[Any]] | None = None


def _depth(trial: optuna.Trial, low: int) -> int | None:
    if trial.suggest_categorical("limit_depth", [True, False]):
        return trial.suggest_int("max_depth", low, 32, log=True)
    return None


def _dt_space(trial: optuna.Trial, context: Context) -> dict[str, Any]:
    criteria = (
        ["gini", "entropy"] if context.classification else ["squared_error", "absolute_error"]
    )
    return {
        "max_depth": _depth(trial, 1),
        "min_samples_split": trial.suggest_int("min_samples_split", 2, 20),
        "min_samples_leaf": trial.suggest_int("min_samples_leaf", 1, 20),
        "criterion": trial.suggest_categorical("criterion", criteria),
    }


def _dt(params: dict[str, Any], context: Context) -> Any:
    from sklearn import tree

    cls = tree.DecisionTreeClassifier if context.classification else tree.DecisionTreeRegressor
    return cls(
        max_depth=params.get("max_depth"),
        min_samples_split=params["min_samples_split"],
        min_samples_leaf=params.get("min_samples_leaf", 1),
        criterion=params.get("criterion", "gini" if context.classification else "squared_error"),
        random_state=context.seed,
    )


def _rf_space(trial: optuna.Trial, context: Context) -> dict[str, Any]:
    return {
        "n_estimators": trial.suggest_int("n_estimators", 10, 300, log=True),
        "max_depth": _depth(trial, 2),
        "min_samples_split": trial.suggest_int("min_samples_split", 2, 20),
        "max_features": trial.suggest_float("max_features", 0.1, 1.0),
    }


def _rf(params: dict[str, Any], context: Context) -> Any:
    from sklearn import ensemble

    cls = (
        ensemble.RandomForestClassifier
        if context.classification
        else ensemble.RandomForestRegressor
    )
    return cls(
        n_estimators=params["n_estimators"],
        max_depth=params.get("max_depth"),
        min_samples_split=params.get("min_samples_split", 2),
        max_features=params.get("max_features", "sqrt" if context.classification else 1.0),
        random_state=context.seed,
        n_jobs=1,
    )


def _svm_space(trial: optuna.Trial, context: Context) -> dict[str, Any]:
    return {
        "C": trial.suggest_float("C", 1e-3, 1e3, log=True),
        "gamma": trial.suggest_float("gamma", 1e-5, 1e1, log=True),
    }


def _svm(params: dict[str, Any], context: Context) -> Any:
    from sklearn import svm

    cls = svm.SVC if context.classification else svm.SVR
    return cls(C=float(params["C"]), gamma=float(params["gamma"]), kernel="rbf")


def _knn_space(trial: optuna.Trial, context: Context) -> dict[str, Any]:
    return {
        "n_neighbors": trial.suggest_int("n_neighbors", 1, 50, log=True),
        "weights": trial.suggest_categorical("weights", ["uniform", "distance"]),
        "p": trial.suggest_categorical("p", [1, 2]),
    }


def _knn(params: dict[str, Any], context: Context) -> Any:
    from sklearn import neighbors

    cls = (
        neighbors.KNeighborsClassifier if context.classification else neighbors.KNeighborsRegressor
    )
    # Small fidelities can leave fewer rows than neighbours: use every row then.
    n_neighbors = min(int(params["n_neighbors"]), context.n_rows)
    return cls(n_neighbors=n_neighbors, weights=params["weights"], p=params["p"])


def _gb_space(trial: optuna.Trial, context: Context) -> dict[str, Any]:
    return {
        "learning_rate": trial.suggest_float("learning_rate", 1e-2, 1.0, log=True),
        "max_iter": trial.suggest_int("max_iter", 10, 300, log=True),
        "max_leaf_nodes": trial.suggest_int("max_leaf_nodes", 2, 64, log=True),
        "min_samples_leaf": trial.suggest_int("min_samples_leaf", 1, 50, log=True),
        "l2_regularization": trial.suggest_float("l2_regularization", 1e-4, 10.0, log=True),
    }


def _gb(params: dict[str, Any], context: Context) -> Any:
    from sklearn import ensemble

    cls = (
        ensemble.HistGradientBoostingClassifier
        if context.classification
        else ensemble.HistGradientBoostingRegressor
    )
    return cls(
        learning_rate=params["learning_rate"],
        max_iter=params["max_iter"],
        max_leaf_nodes=params["max_leaf_nodes"],
        min_samples_leaf=params["min_samples_leaf"],
        l2_regularization=params["l2_regularization"],
        early_stopping=False,
        random_state=context.seed,
    )


def _logreg_space(trial: optuna.Trial, context: Context) -> dict[str, Any]:
    return {
        "C": trial.suggest_float("C", 1e-3, 1e3, log=True),
        "penalty": trial.suggest_categorical("penalty", ["l1", "l2"]),
    }


def _logreg(params: dict[str, Any], context: Context) -> Any:
    """Logistic regression; on regression data lasso (l1) or ridge (l2) with ``alpha = 1 / C``."""
    from sklearn import linear_model

    C, penalty = float(params["C"]), params["penalty"]
    validate_parameter("penalty", penalty, [Options(("l1", "l2"))], owner="logreg")
    if not context.classification:
        return (linear_model.Lasso if penalty == "l1" else linear_model.Ridge)(alpha=1.0 / C)
    return linear_model.LogisticRegression(
        C=C,
        solver="saga" if penalty == "l1" else "lbfgs",
        tol=1e-3,
        max_iter=2000,
        random_state=context.seed,
        **_penalty_arguments(penalty),
    )


@functools.cache
def _penalty_arguments(penalty: str) -> dict[str, Any]:
    """``penalty=`` before scikit-learn 1.8 deprecated it, ``l1_ratio=`` since."""
    import inspect

    from sklearn.linear_model import LogisticRegression

    if inspect.signature(LogisticRegression).parameters["penalty"].default == "l2":
        return {"penalty": penalty}
    return {"l1_ratio": 1.0 if penalty == "l1" else 0.0}


#: The models by key (the keys of ``_catalog.MODELS``).
SPECS: dict[str, ModelSpec] = {
    "dt": ModelSpec(
        _dt_space,
        _dt,
        grid={"max_depth": [None, 10, 20, 30], "min_samples_split": [2, 5, 10]},
    ),
    "gb": ModelSpec(_gb_space, _gb),
    "knn": ModelSpec(_knn_space, _knn, scale=True),
    "logreg": ModelSpec(_logreg_space, _logreg, scale=True),
    "rf": ModelSpec(
        _rf_space,
        _rf,
        grid={"n_estimators": [10, 50, 100], "max_depth": [None, 10, 20]},
    ),
    "svm": ModelSpec(
        _svm_space,
        _svm,
        scale=True,
        grid={"C": [0.1, 1.0, 10.0], "gamma": [0.001, 0.01, 0.1]},
    ),
}
