"""``svm-digits``: an RBF SVM on scikit-learn's bundled 8x8 digits."""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np

from smarttune.tasks._base import Task

if TYPE_CHECKING:
    import optuna

__all__ = ["SvmDigitsTask"]

_SPLIT_SEED = 0


class SvmDigitsTask(Task):
    """Tune ``C`` and ``gamma`` of ``sklearn.svm.SVC`` on digits (1,797 images, 10 classes).

    Protocol: a stratified 60/20/20 train/validation/test split with a fixed seed; the objective
    is validation accuracy; :meth:`final_fit` refits on train + validation and reports test
    accuracy.
    """

    name = "svm-digits"
    summary = "RBF SVM on scikit-learn's digits"
    direction = "maximize"
    metric = "validation accuracy"

    @cached_property
    def _splits(self) -> dict[str, tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]]:
        from sklearn.datasets import load_digits
        from sklearn.model_selection import train_test_split

        X, y = load_digits(return_X_y=True)
        X = X / 16.0
        X_rest, X_test, y_rest, y_test = train_test_split(
            X, y, test_size=0.2, stratify=y, random_state=_SPLIT_SEED
        )
        X_train, X_val, y_train, y_val = train_test_split(
            X_rest, y_rest, test_size=0.25, stratify=y_rest, random_state=_SPLIT_SEED
        )
        return {"train": (X_train, y_train), "val": (X_val, y_val), "test": (X_test, y_test)}

    def objective(self, trial: optuna.Trial) -> float:
        """Validation accuracy of an SVC with the suggested ``C`` and ``gamma``."""
        params = {
            "C": trial.suggest_float("C", 1e-3, 1e3, log=True),
            "gamma": trial.suggest_float("gamma", 1e-5, 1e1, log=True),
        }
        X_train, y_train = self._splits["train"]
        X_val, y_val = self._splits["val"]
        return float(self._model(params).fit(X_train, y_train).score(X_val, y_val))

    def final_fit(self, params: dict[str, Any]) -> dict[str, float]:
        """Refit on train + validation; return ``{"test_accuracy": ...}``."""
        X = np.vstack([self._splits["train"][0], self._splits["val"][0]])
        y = np.concatenate([self._splits["train"][1], self._splits["val"][1]])
        X_test, y_test = self._splits["test"]
        return {"test_accuracy": float(self._model(params).fit(X, y).score(X_test, y_test))}

    def meta_features(self) -> dict[str, float]:
        """Rows, features and classes of the training split."""
        X_train, y_train = self._splits["train"]
        return {
            "n_rows": float(X_train.shape[0]),
            "n_features": float(X_train.shape[1]),
            "n_classes": float(len(np.unique(y_train))),
        }

    @staticmethod
    def _model(params: dict[str, Any]) -> Any:
        from sklearn.svm import SVC

        return SVC(C=float(params["C"]), gamma=float(params["gamma"]), kernel="rbf")
