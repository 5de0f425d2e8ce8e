"""``fashion-mlp``: a multilayer perceptron of tuned depth and widths on Fashion-MNIST.

The search space is the one of Optuna's PyTorch example (depth, per-layer width and dropout,
optimizer, learning rate), a standard small benchmark of define-by-run search spaces: the
parameters ``units_{i}`` and ``dropout_{i}`` exist only when ``n_layers > i``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from smarttune._validation import Options, validate_parameter
from smarttune.tasks.torch._common import (
    Splits,
    TensorData,
    images_to_tensor,
    pixel_moments,
    split_indices,
)
from smarttune.tasks.torch._task import OPTIMIZERS, TorchTask

if TYPE_CHECKING:
    import optuna
    import torch

    from smarttune.datasets._dataset import StrPath, UInt8Array

__all__ = ["FashionMlpTask"]

#: (training, validation) images drawn from the 60,000 official training images.
_SUBSET_ROWS = {"sample": (10000, 5000), "full": (50000, 10000)}


class FashionMlpTask(TorchTask):
    """Tune an MLP on Fashion-MNIST: depth, widths, dropouts, optimizer and learning rate.

    Network: ``n_layers`` (1-3) blocks of linear (``units_{i}`` units, 4-128), ReLU and dropout
    (``dropout_{i}``, 0.2-0.5), then linear to 10 classes, over the 784 standardised pixels.
    Optimizer: Adam, RMSprop or SGD with momentum 0.9; batches of 128. Protocol:
    ``subset="sample"`` draws 10,000 training and 5,000 validation images from the official
    training set by ``seed`` (quick on a CPU), ``subset="full"`` splits it 50,000 / 10,000; the
    official 10,000 test images are the test split. Fashion-MNIST: H. Xiao, K. Rasul and
    R. Vollgraf, arXiv:1708.07747, 2017.

    Args:
        seed: Seed of the split and of training.
        fidelity: Fraction of ``epochs`` to train.
        subset: ``"sample"`` or ``"full"``.
        epochs: Epochs per trial at full fidelity.
        final_epochs: Epochs of :meth:`final_fit`; None means ``epochs``.
        device: ``"auto"``, ``"cpu"`` or ``"cuda"``.
        data_dir: Where the Fashion-MNIST files are; None for the default data directory.
        max_train_rows: Cap on training rows; None for all.
        early_stopping: Whether to stop when the training loss flattens.
    """

    name = "fashion-mlp"
    summary = "MLP on Fashion-MNIST (depth, widths, dropouts, optimizer, learning rate; accuracy)"
    direction = "maximize"
    metric = "validation accuracy"
    kind = "classification"
    score = "val_acc"

    def __init__(
        self,
        *,
        seed: int = 0,
        fidelity: float = 1.0,
        subset: str = "sample",
        epochs: int = 10,
        final_epochs: int | None = None,
        device: str = "auto",
        data_dir: StrPath | None = None,
        max_train_rows: int | None = None,
        early_stopping: bool = True,
    ) -> None:
        validate_parameter("subset", subset, [Options(_SUBSET_ROWS)], owner=type(self).__name__)
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
        self.subset = subset

    def load_splits(self) -> Splits:
        """Draw train and validation from the official training images; test on the test set."""
        from smarttune.datasets import load_fashion_mnist

        images, labels = load_fashion_mnist("train", data_dir=self.data_dir)
        test_images, test_labels = load_fashion_mnist("test", data_dir=self.data_dir)
        n_train, n_val = _SUBSET_ROWS[self.subset]
        rest, val_idx = split_indices(len(labels), n_val, self.seed)
        train_idx = rest[:n_train]
        mean, std = pixel_moments(images[train_idx])

        def tensors(x: UInt8Array, y: UInt8Array) -> TensorData:
            import torch

            X = images_to_tensor(x, mean=mean, std=std, flatten=True)
            return TensorData(X, torch.from_numpy(y.astype(np.int64)))

        both = np.concatenate([train_idx, val_idx])
        train = tensors(images[train_idx], labels[train_idx])
        return Splits(
            ((train, tensors(images[val_idx], labels[val_idx])),),
            tensors(images[both], labels[both]),
            tensors(test_images, test_labels),
        )

    def suggest(self, trial: optuna.Trial) -> dict[str, Any]:
        """Depth, then a width and a dropout per layer, the optimizer and its learning rate."""
        n_layers = trial.suggest_int("n_layers", 1, 3)
        params: dict[str, Any] = {"n_layers": n_layers}
        for i in range(n_layers):
            params[f"units_{i}"] = trial.suggest_int(f"units_{i}", 4, 128, log=True)
            params[f"dropout_{i}"] = trial.suggest_float(f"dropout_{i}", 0.2, 0.5)
        params["optimizer"] = trial.suggest_categorical("optimizer", OPTIMIZERS)
        params["learning_rate"] = trial.suggest_float("learning_rate", 1e-5, 1e-1, log=True)
        return params

    def build_model(self, params: dict[str, Any]) -> torch.nn.Module:
        """The MLP for ``params``."""
        from torch import nn

        layers: list[nn.Module] = []
        width = 28 * 28
        for i in range(int(params["n_layers"])):
            units = int(params[f"units_{i}"])
            layers += [
                nn.Linear(width, units),
                nn.ReLU(),
                nn.Dropout(float(params[f"dropout_{i}"])),
            ]
            width = units
        return nn.Sequential(*layers, nn.Linear(width, 10))

    def meta_features(self) -> dict[str, float]:
        """Training rows, input features (784 pixels) and classes (10)."""
        return {**super().meta_features(), "n_classes": 10.0}
