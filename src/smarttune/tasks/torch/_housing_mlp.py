"""``housing-mlp``: an MLP regressor of median house values on California Housing."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from smarttune._validation import Interval, validate_parameter
from smarttune.tasks.torch._common import Splits, Standardizer, TensorData, as_float_tensor
from smarttune.tasks.torch._task import OPTIMIZERS, TorchTask

if TYPE_CHECKING:
    import optuna
    import torch

    from smarttune.datasets._dataset import FloatArray, IntArray, StrPath

__all__ = ["HousingMlpTask"]

_TEST_FRACTION = 0.2
_VAL_FRACTION = 0.25  # of the rows left after the test split: 60 / 20 / 20 overall


class HousingMlpTask(TorchTask):
    """Tune an MLP regressor on California Housing; the score is validation RMSE in dollars.

    Network: ``n_layers`` (0-3; 0 is linear regression) hidden layers of ``units_{i}`` (1-100)
    ReLU units, then one output. Optimizer: Adam, RMSprop or SGD with momentum 0.9, learning
    rate 1e-4 to 1e-1 (log), batches of 128, mean squared error on standardised targets.

    Protocol: 20% of the rows (drawn by ``seed``) are the test split. Of the rest, ``cv=None``
    holds out a quarter for validation; ``cv=k`` scores the mean over ``k`` folds, trained in
    lockstep so that the per-epoch mean is reported for pruning. Preprocessing is fitted on
    each training part only: median imputation of the missing ``total_bedrooms``,
    standardisation of the 13 inputs (8 numbers, 5 one-hot ``ocean_proximity`` columns) and of
    the target. The history holds ``val_rmse`` (dollars) and ``val_r2``; the trial's user
    attribute ``val_r2`` is the last epoch's R². Data: R. K. Pace and R. Barry, "Sparse Spatial
    Autoregressions", Statistics and Probability Letters 33, 1997.

    Args:
        seed: Seed of the splits and of training.
        fidelity: Fraction of ``epochs`` to train.
        cv: None for one validation split, or the number of cross-validation folds.
        epochs: Epochs per trial at full fidelity.
        final_epochs: Epochs of :meth:`final_fit`; None means ``epochs``.
        device: ``"auto"``, ``"cpu"`` or ``"cuda"``.
        data_dir: Where ``california-housing/housing.csv`` is; None for the default.
        max_train_rows: Cap on training rows; None for all.
        early_stopping: Whether to stop when the training loss flattens.
    """

    name = "housing-mlp"
    summary = "MLP regressor on California Housing (depth, widths, optimizer, learning rate; RMSE)"
    direction = "minimize"
    metric = "validation RMSE (dollars)"
    kind = "regression"
    score = "val_rmse"

    def __init__(
        self,
        *,
        seed: int = 0,
        fidelity: float = 1.0,
        cv: int | None = None,
        epochs: int = 20,
        final_epochs: int | None = None,
        device: str = "auto",
        data_dir: StrPath | None = None,
        max_train_rows: int | None = None,
        early_stopping: bool = True,
    ) -> None:
        validate_parameter("cv", cv, [Interval(int, 2, 20), None], owner=type(self).__name__)
        super().__init__(
            seed=seed,
            fidelity=fidelity,
            epochs=epochs,
            final_epochs=final_epochs,
            device=device,
            data_dir=data_dir,
            max_train_rows=max_train_rows,
            early_stopping=early_stopping,
        )
        self.cv = cv

    def load_splits(self) -> Splits:
        """Test split, then one validation split or ``cv`` folds, each preprocessed on its own."""
        from smarttune.datasets import load_california_housing

        data = load_california_housing(data_dir=self.data_dir)
        y = data.y.astype(np.float64)
        order = np.random.default_rng(self.seed).permutation(data.n_samples)
        n_test = round(_TEST_FRACTION * data.n_samples)
        rest, test = order[n_test:], order[:n_test]
        if self.cv is None:
            parts = [rest[: round(_VAL_FRACTION * len(rest))]]
        else:
            parts = list(np.array_split(rest, self.cv))
        folds = tuple(_prepare(data.X, y, rest[~np.isin(rest, val)], val) for val in parts)
        train_val, test_data = _prepare(data.X, y, rest, test)
        return Splits(folds, train_val, test_data)

    def suggest(self, trial: optuna.Trial) -> dict[str, Any]:
        """Depth, a width per hidden layer, the optimizer and its learning rate."""
        n_layers = trial.suggest_int("n_layers", 0, 3)
        params: dict[str, Any] = {"n_layers": n_layers}
        for i in range(n_layers):
            params[f"units_{i}"] = trial.suggest_int(f"units_{i}", 1, 100, log=True)
        params["optimizer"] = trial.suggest_categorical("optimizer", OPTIMIZERS)
        params["learning_rate"] = trial.suggest_float("learning_rate", 1e-4, 1e-1, log=True)
        return params

    def build_model(self, params: dict[str, Any]) -> torch.nn.Module:
        """The MLP for ``params``."""
        from torch import nn

        layers: list[nn.Module] = []
        width = int(self._splits.test.X.shape[1])
        for i in range(int(params["n_layers"])):
            units = int(params[f"units_{i}"])
            layers += [nn.Linear(width, units), nn.ReLU()]
            width = units
        return nn.Sequential(*layers, nn.Linear(width, 1))

    def objective(self, trial: optuna.Trial) -> float:
        """Validation RMSE in dollars (mean over folds with ``cv``); R² as ``val_r2``."""
        value = super().objective(trial)
        trial.set_user_attr("val_r2", trial.user_attrs["history"][-1]["val_r2"])
        return value


def _prepare(
    X: FloatArray, y: FloatArray, fit_rows: IntArray, other_rows: IntArray
) -> tuple[TensorData, TensorData]:
    """Fit the imputer, scaler and target scaling on ``fit_rows``; apply them to both parts."""
    scaler = Standardizer().fit(X[fit_rows])
    y_mean, y_std = float(y[fit_rows].mean()), float(y[fit_rows].std())

    def tensors(rows: IntArray) -> TensorData:
        targets = as_float_tensor((y[rows] - y_mean) / y_std)
        return TensorData(as_float_tensor(scaler.transform(X[rows])), targets, y_mean, y_std)

    return tensors(fit_rows), tensors(other_rows)
