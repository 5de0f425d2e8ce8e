"""The torch tasks' names and summaries (importing this imports no torch)."""

from __future__ import annotations

from smarttune.tasks._info import TaskInfo

__all__ = ["TASKS"]

_MODULE = "smarttune.tasks.torch"

TASKS: tuple[TaskInfo, ...] = (
    TaskInfo(
        "mnist-alexnet",
        "Simplified AlexNet on MNIST (learning rate, batch size, dropout, weight decay; accuracy)",
        "maximize",
        f"{_MODULE}._alexnet:MnistAlexNetTask",
        extra="torch",
    ),
    TaskInfo(
        "mnist-cnn-grid",
        "One-block CNN on MNIST, grid of filters x kernel size x pool size (accuracy)",
        "maximize",
        f"{_MODULE}._alexnet:MnistCnnGridTask",
        extra="torch",
    ),
    TaskInfo(
        "fashion-mlp",
        "MLP on Fashion-MNIST (depth, widths, dropouts, optimizer, learning rate; accuracy)",
        "maximize",
        f"{_MODULE}._fashion_mlp:FashionMlpTask",
        extra="torch",
    ),
    TaskInfo(
        "housing-mlp",
        "MLP regressor on California Housing (depth, widths, optimizer, learning rate; RMSE)",
        "minimize",
        f"{_MODULE}._housing_mlp:HousingMlpTask",
        extra="torch",
    ),
)
