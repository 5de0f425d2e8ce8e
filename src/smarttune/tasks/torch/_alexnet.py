"""``mnist-alexnet`` and ``mnist-cnn-grid``: convolutional networks on MNIST digits.

The simplified AlexNet keeps what made AlexNet (A. Krizhevsky, I. Sutskever and G. E. Hinton,
"ImageNet Classification with Deep Convolutional Neural Networks", NIPS 2012) work: stacked
convolutions with ReLU, max pooling, dropout before a fully connected classifier. It is sized
for 28x28 grayscale images and two CPU cores: 32, 64 and 128 channels and a 256-unit hidden
layer (about 0.5 M weights); an epoch over the bundled subset's 5,000 training images takes
about 1-3 s on two cores.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from smarttune._validation import Options, validate_parameter
from smarttune.tasks.torch._common import (
    Splits,
    TensorData,
    images_to_tensor,
    pixel_moments,
    split_indices,
)
from smarttune.tasks.torch._task import TorchTask

if TYPE_CHECKING:
    import optuna
    import torch

    from smarttune.datasets._dataset import StrPath, UInt8Array

__all__ = ["MnistAlexNetTask", "MnistCnnGridTask"]

#: Validation images split off the training images, per ``subset``.
_VAL_ROWS = {"bundled": 1000, "full": 10000}


class _MnistTask(TorchTask):
    """MNIST with a train / validation / test protocol (see the subclasses for the options)."""

    direction = "maximize"
    metric = "validation accuracy"
    kind = "classification"
    score = "val_acc"

    def __init__(
        self,
        *,
        seed: int = 0,
        fidelity: float = 1.0,
        subset: str = "bundled",
        epochs: int = 5,
        final_epochs: int | None = None,
        device: str = "auto",
        data_dir: StrPath | None = None,
        max_train_rows: int | None = None,
        early_stopping: bool = True,
    ) -> None:
        validate_parameter("subset", subset, [Options(_VAL_ROWS)], owner=type(self).__name__)
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
        """Split the training images into train and validation; test on the test images."""
        from smarttune.datasets import load_mnist, load_mnist_subset

        if self.subset == "bundled":
            (images, labels), test = load_mnist_subset("train"), load_mnist_subset("test")
        else:
            images, labels = load_mnist("train", data_dir=self.data_dir)
            test = load_mnist("test", data_dir=self.data_dir)
        train_idx, val_idx = split_indices(len(labels), _VAL_ROWS[self.subset], self.seed)
        mean, std = pixel_moments(images[train_idx])

        def tensors(x: UInt8Array, y: UInt8Array) -> TensorData:
            import torch

            labels_tensor = torch.from_numpy(y.astype(np.int64))
            return TensorData(images_to_tensor(x, mean=mean, std=std), labels_tensor)

        both = np.concatenate([train_idx, val_idx])
        return Splits(
            (
                (
                    tensors(images[train_idx], labels[train_idx]),
                    tensors(images[val_idx], labels[val_idx]),
                ),
            ),
            tensors(images[both], labels[both]),
            tensors(*test),
        )

    def meta_features(self) -> dict[str, float]:
        """Training rows, input features (784 pixels) and classes (10)."""
        return {**super().meta_features(), "n_classes": 10.0}


class MnistAlexNetTask(_MnistTask):
    """Tune a simplified AlexNet on MNIST: learning rate, batch size, dropout, weight decay.

    Network: conv 3x3 (1→32), ReLU, max-pool 2; conv 3x3 (32→64), ReLU, max-pool 2; conv 3x3
    (64→128), ReLU; dropout, linear 1152→256, ReLU, dropout, linear 256→10. Optimizer: Adam
    (with L2 weight decay). Protocol: ``subset="bundled"`` uses the 6,000 + 1,000 images shipped
    with smarttune (5,000 train / 1,000 validation, split by ``seed``; the 1,000 test images);
    ``subset="full"`` the official 60,000 + 10,000 (50,000 / 10,000 / 10,000).

    Args:
        seed: Seed of the split and of training.
        fidelity: Fraction of ``epochs`` to train.
        subset: ``"bundled"`` (offline) or ``"full"`` (needs the MNIST files).
        epochs: Epochs per trial at full fidelity.
        final_epochs: Epochs of :meth:`final_fit`; None means ``epochs``.
        device: ``"auto"``, ``"cpu"`` or ``"cuda"``.
        data_dir: Where the full MNIST files are; None for the default data directory.
        max_train_rows: Cap on training rows; None for all.
        early_stopping: Whether to stop when the training loss flattens.
    """

    name = "mnist-alexnet"
    summary = (
        "Simplified AlexNet on MNIST (learning rate, batch size, dropout, weight decay; accuracy)"
    )

    def suggest(self, trial: optuna.Trial) -> dict[str, Any]:
        """Learning rate, batch size, dropout and weight decay."""
        return {
            "learning_rate": trial.suggest_float("learning_rate", 1e-4, 1e-2, log=True),
            "batch_size": trial.suggest_int("batch_size", 32, 256, log=True),
            "dropout": trial.suggest_float("dropout", 0.1, 0.7),
            "weight_decay": trial.suggest_float("weight_decay", 1e-5, 1e-3, log=True),
        }

    def build_model(self, params: dict[str, Any]) -> torch.nn.Module:
        """The simplified AlexNet with ``params["dropout"]``."""
        from torch import nn

        dropout = float(params["dropout"])
        return nn.Sequential(
            nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2),  # 28 -> 26 -> 13
            nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2),  # 13 -> 11 -> 5
            nn.Conv2d(64, 128, 3), nn.ReLU(),  # 5 -> 3
            nn.Flatten(), nn.Dropout(dropout),
            nn.Linear(128 * 3 * 3, 256), nn.ReLU(), nn.Dropout(dropout),
            nn.Linear(256, 10),
        )  # fmt: skip


class MnistCnnGridTask(_MnistTask):
    """The classic grid over a one-block CNN on MNIST: filters, kernel size, pool size.

    Network: conv ``kernel_size`` ('same' padding, 1→``num_filters``), ReLU, max-pool
    ``pool_size``, dropout 0.25, linear to 10 classes; Adam with learning rate 1e-3, batches of
    128. The 12 configurations of :attr:`search_space` suit ``optuna.samplers.GridSampler``.
    Options as for :class:`MnistAlexNetTask`.
    """

    name = "mnist-cnn-grid"
    summary = "One-block CNN on MNIST, grid of filters x kernel size x pool size (accuracy)"
    #: The grid, as ``optuna.samplers.GridSampler`` takes it.
    search_space: ClassVar[dict[str, list[int]]] = {
        "num_filters": [32, 64, 128],
        "kernel_size": [3, 5],
        "pool_size": [2, 3],
    }

    def suggest(self, trial: optuna.Trial) -> dict[str, Any]:
        """One categorical choice per grid axis."""
        return {name: trial.suggest_categorical(name, v) for name, v in self.search_space.items()}

    def build_model(self, params: dict[str, Any]) -> torch.nn.Module:
        """The one-block CNN for ``params``."""
        from torch import nn

        filters, kernel, pool = (
            int(params[k]) for k in ("num_filters", "kernel_size", "pool_size")
        )
        side = 28 // pool
        return nn.Sequential(
            nn.Conv2d(1, filters, kernel, padding=kernel // 2), nn.ReLU(), nn.MaxPool2d(pool),
            nn.Flatten(), nn.Dropout(0.25), nn.Linear(filters * side * side, 10),
        )  # fmt: skip

    def make_optimizer(
        self, params: dict[str, Any], model: torch.nn.Module
    ) -> torch.optim.Optimizer:
        """Adam with learning rate 1e-3."""
        return super().make_optimizer({"learning_rate": 1e-3}, model)
