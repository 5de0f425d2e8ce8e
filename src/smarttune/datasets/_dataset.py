"""The container tabular loaders return, and the array types every loader uses."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any, Literal, TypeAlias

import numpy as np

from smarttune.exceptions import InvalidParameterError

__all__ = ["Dataset", "FloatArray", "IntArray", "StrPath", "UInt8Array"]

FloatArray: TypeAlias = "np.ndarray[Any, np.dtype[np.float64]]"
IntArray: TypeAlias = "np.ndarray[Any, np.dtype[np.int64]]"
UInt8Array: TypeAlias = "np.ndarray[Any, np.dtype[np.uint8]]"
StrPath: TypeAlias = "str | os.PathLike[str]"


@dataclass(frozen=True, eq=False)
class Dataset:
    """A tabular dataset: a feature matrix, a target vector and their names.

    Attributes:
        name: A short identifier, e.g. ``"california_housing"`` or ``"iris"``.
        X: Features, float64 of shape ``(n_samples, n_features)``; missing values are NaN.
        y: Targets of shape ``(n_samples,)``: float64 for regression, int64 class indices
            ``0 .. n_classes - 1`` for classification.
        feature_names: One name per column of ``X``.
        target_name: The name of the target.
        task: ``"classification"`` or ``"regression"``.
        class_names: For classification, the name of each class index; None for regression.
    """

    name: str
    X: FloatArray
    y: FloatArray | IntArray
    feature_names: list[str]
    target_name: str
    task: Literal["classification", "regression"]
    class_names: list[str] | None = None

    def __post_init__(self) -> None:
        if self.X.ndim != 2 or self.y.shape != (self.X.shape[0],):
            raise InvalidParameterError(
                f"X must be 2-D and y 1-D of the same length; got {self.X.shape} and {self.y.shape}"
            )
        if len(self.feature_names) != self.X.shape[1]:
            raise InvalidParameterError(
                f"{len(self.feature_names)} feature names for {self.X.shape[1]} columns"
            )

    @property
    def n_samples(self) -> int:
        """The number of rows."""
        return int(self.X.shape[0])

    @property
    def n_features(self) -> int:
        """The number of feature columns."""
        return int(self.X.shape[1])

    def __repr__(self) -> str:
        return (
            f"Dataset(name={self.name!r}, task={self.task!r}, n_samples={self.n_samples}, "
            f"n_features={self.n_features}, target_name={self.target_name!r})"
        )
