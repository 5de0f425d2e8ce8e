"""What every torch task shares: device, seeding, tensors from arrays, splits, scaling.

Nothing here imports torch at module level: each function imports it when called, after the
task's constructor has checked (with :func:`require_torch`) that the extra is installed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from smarttune._imports import optional_import
from smarttune.exceptions import InvalidParameterError

if TYPE_CHECKING:
    import torch

    from smarttune.datasets._dataset import FloatArray, IntArray, UInt8Array

__all__ = [
    "DEVICES",
    "Splits",
    "Standardizer",
    "TensorData",
    "as_float_tensor",
    "images_to_tensor",
    "pixel_moments",
    "require_torch",
    "resolve_device",
    "seed_everything",
    "split_indices",
]

#: The values of every torch task's ``device`` option.
DEVICES = ("auto", "cpu", "cuda")


def require_torch(purpose: str) -> None:
    """Raise :class:`~smarttune.exceptions.MissingDependencyError` unless torch is installed."""
    optional_import("torch", extra="torch", purpose=purpose)


def resolve_device(device: str) -> torch.device:
    """Return the device for ``"auto"`` (CUDA when available, else CPU), ``"cpu"`` or ``"cuda"``.

    Raises:
        InvalidParameterError: If ``device`` is ``"cuda"`` and no CUDA device is available.
    """
    import torch

    if device == "cuda" and not torch.cuda.is_available():
        raise InvalidParameterError(
            "device='cuda' was asked for, but CUDA is not available on this machine "
            f"(torch {torch.__version__}): use device 'cpu' or 'auto' (--device cpu)."
        )
    if device == "auto":
        device = "cuda" if torch.cuda.is_available() else "cpu"
    return torch.device(device)


def seed_everything(seed: int) -> None:
    """Seed torch's global generators and ask cuDNN for deterministic kernels.

    CPU training is then repeatable on one machine with one thread count; CUDA training is
    repeatable up to the few kernels cuDNN has no deterministic version of.
    """
    import torch

    torch.manual_seed(seed)
    torch.backends.cudnn.deterministic = True
    torch.backends.cudnn.benchmark = False


@dataclass(frozen=True)
class TensorData:
    """Inputs and targets on one device; batches are index slices, with no DataLoader.

    Attributes:
        X: Inputs, float32, one row per example.
        y: Targets: int64 class indices, or float32 standardised regression targets.
        y_mean: The mean the regression targets were shifted by (0 for classes).
        y_std: The standard deviation they were divided by (1 for classes).
    """

    X: torch.Tensor
    y: torch.Tensor
    y_mean: float = 0.0
    y_std: float = 1.0

    def __len__(self) -> int:
        return int(self.X.shape[0])

    def head(self, n: int | None) -> TensorData:
        """The first ``n`` examples (all when ``n`` is None); splits are shuffled already."""
        if n is None or n >= len(self):
            return self
        return TensorData(self.X[:n], self.y[:n], self.y_mean, self.y_std)

    def to(self, device: torch.device) -> TensorData:
        """The same data on ``device``."""
        return TensorData(self.X.to(device), self.y.to(device), self.y_mean, self.y_std)


@dataclass(frozen=True)
class Splits:
    """A task's data, ready for training.

    Attributes:
        folds: ``(train, validation)`` pairs: one for a hold-out split, ``k`` for k-fold CV.
        train_val: Training plus validation data, for :meth:`Task.final_fit`.
        test: The test split, seen only by :meth:`Task.final_fit`.
    """

    folds: tuple[tuple[TensorData, TensorData], ...]
    train_val: TensorData
    test: TensorData

    def to(self, device: torch.device) -> Splits:
        """The same splits on ``device``."""
        return Splits(
            tuple((train.to(device), val.to(device)) for train, val in self.folds),
            self.train_val.to(device),
            self.test.to(device),
        )


def split_indices(n: int, n_val: int, seed: int) -> tuple[IntArray, IntArray]:
    """Shuffle ``range(n)`` with ``seed``; return ``(train, validation)`` index arrays."""
    order = np.random.default_rng(seed).permutation(n)
    return order[n_val:], order[:n_val]


def images_to_tensor(
    images: UInt8Array, *, mean: float, std: float, flatten: bool = False
) -> torch.Tensor:
    """Grayscale ``(n, H, W)`` uint8 images to float32 ``(n, 1, H, W)`` (or ``(n, H*W)``).

    Pixels are scaled to [0, 1], then standardised: ``(x - mean) / std``.
    """
    import torch

    X = torch.from_numpy(np.ascontiguousarray(images)).to(torch.float32).div_(255.0)
    X = X.sub_(mean).div_(std)
    return X.reshape(len(images), -1) if flatten else X.unsqueeze(1)


def pixel_moments(images: UInt8Array) -> tuple[float, float]:
    """The mean and standard deviation of the pixels of ``images`` scaled to [0, 1]."""
    scaled = images.astype(np.float64) / 255.0
    return float(scaled.mean()), float(scaled.std())


class Standardizer:
    """Median imputation of NaNs, then standardisation, with statistics fitted on one array.

    Columns that are constant in the fitted array are left centred but not scaled.
    """

    def fit(self, X: FloatArray) -> Standardizer:
        """Learn each column's median (over non-NaN values), mean and standard deviation."""
        self.medians_ = np.nanmedian(X, axis=0) if np.isnan(X).any() else np.median(X, axis=0)
        filled = self._impute(X)
        self.mean_ = filled.mean(axis=0)
        std = filled.std(axis=0)
        self.std_ = np.where(std > 0, std, 1.0)
        return self

    def transform(self, X: FloatArray) -> FloatArray:
        """Impute NaNs with the fitted medians and standardise with the fitted moments."""
        result: FloatArray = (self._impute(X) - self.mean_) / self.std_
        return result

    def _impute(self, X: FloatArray) -> FloatArray:
        missing = np.isnan(X)
        if not missing.any():
            return X
        filled: FloatArray = np.where(missing, self.medians_[np.newaxis, :], X)
        return filled


def as_float_tensor(X: np.ndarray[Any, Any]) -> torch.Tensor:
    """A float32 tensor holding a copy of ``X``."""
    import torch

    return torch.from_numpy(np.asarray(X, dtype=np.float32).copy())
