"""The ``housing-mlp`` task's network as a scikit-learn regressor, for the SearchCV benchmark.

``HousingMLPRegressor`` trains the network of ``smarttune.tasks.torch.HousingMlpTask``:
``n_layers`` (0-3) hidden ReLU layers of ``units_0..units_2`` units, Adam / RMSprop / SGD
(momentum 0.9) at ``learning_rate``, batches of 128, mean squared error on the standardised
target, for ``epochs`` epochs, seeded by ``random_state``. Widths beyond ``n_layers`` are
ignored, so a search space without conditions (all RandomizedSearchCV can express) holds
the task's conditional one. Inputs are expected already imputed and standardised (a pipeline
step before it); predictions are in the target's units.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.utils.validation import check_is_fitted, validate_data


class HousingMLPRegressor(RegressorMixin, BaseEstimator):
    def __init__(
        self,
        *,
        n_layers: int = 1,
        units_0: float = 32,
        units_1: float = 32,
        units_2: float = 32,
        optimizer: str = "Adam",
        learning_rate: float = 1e-3,
        epochs: int = 10,
        random_state: int = 0,
    ) -> None:
        self.n_layers = n_layers
        self.units_0 = units_0
        self.units_1 = units_1
        self.units_2 = units_2
        self.optimizer = optimizer
        self.learning_rate = learning_rate
        self.epochs = epochs
        self.random_state = random_state

    def _network(self, width: int) -> Any:
        from torch import nn

        layers: list[Any] = []
        for units in (self.units_0, self.units_1, self.units_2)[: int(self.n_layers)]:
            layers += [nn.Linear(width, int(units)), nn.ReLU()]
            width = int(units)
        return nn.Sequential(*layers, nn.Linear(width, 1))

    def _optimizer(self, params: Any) -> Any:
        import torch

        if self.optimizer == "SGD":
            return torch.optim.SGD(params, lr=self.learning_rate, momentum=0.9)
        if self.optimizer == "RMSprop":
            return torch.optim.RMSprop(params, lr=self.learning_rate)
        return torch.optim.Adam(params, lr=self.learning_rate)

    def fit(self, X: Any, y: Any) -> HousingMLPRegressor:
        import torch

        X, y = validate_data(self, X, y, dtype=np.float32, y_numeric=True)
        torch.manual_seed(self.random_state)
        self.y_mean_, self.y_std_ = float(np.mean(y)), float(np.std(y)) or 1.0
        inputs = torch.from_numpy(X)
        targets = torch.from_numpy(((y - self.y_mean_) / self.y_std_).astype(np.float32))
        self.network_ = self._network(X.shape[1])
        optimizer = self._optimizer(self.network_.parameters())
        generator = torch.Generator().manual_seed(self.random_state)
        for _ in range(self.epochs):
            for batch in torch.randperm(len(inputs), generator=generator).split(128):
                optimizer.zero_grad()
                loss = torch.nn.functional.mse_loss(
                    self.network_(inputs[batch])[:, 0], targets[batch]
                )
                loss.backward()
                optimizer.step()
        return self

    def predict(self, X: Any) -> Any:
        import torch

        check_is_fitted(self)
        X = validate_data(self, X, dtype=np.float32, reset=False)
        with torch.no_grad():
            scaled = self.network_(torch.from_numpy(X))[:, 0].numpy().astype(np.float64)
        predicted = scaled * self.y_std_ + self.y_mean_
        # A diverged network predicts NaN; score it as predicting the mean, as a failure would.
        return np.where(np.isfinite(predicted), predicted, self.y_mean_)
