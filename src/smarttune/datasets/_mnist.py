"""Loaders of MNIST and Fashion-MNIST from the official IDX files.

MNIST: Yann LeCun, Corinna Cortes and Christopher J. C. Burges, THE MNIST DATABASE of
handwritten digits (CC BY-SA 3.0). Fashion-MNIST: Han Xiao, Kashif Rasul and Roland Vollgraf,
"Fashion-MNIST: a Novel Image Dataset for Benchmarking Machine Learning Algorithms", 2017
(MIT licence, Zalando SE).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from smarttune._validation import Options, validate_parameter
from smarttune.datasets._files import check_source_args, fetch_file
from smarttune.datasets._idx import read_idx
from smarttune.exceptions import DataError

if TYPE_CHECKING:
    from smarttune.datasets._dataset import StrPath, UInt8Array

__all__ = ["FASHION_MNIST_CLASSES", "load_fashion_mnist", "load_mnist"]

#: The Fashion-MNIST class names, indexed by label.
FASHION_MNIST_CLASSES = (
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
    "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
)  # fmt: skip

_PREFIX = {"train": "train", "test": "t10k"}
N_CLASSES = 10


def load_mnist(
    split: Literal["train", "test"] = "train",
    *,
    data_dir: StrPath | None = None,
    download: bool | None = None,
) -> tuple[UInt8Array, UInt8Array]:
    """Load the MNIST handwritten digits from ``<data_dir>/mnist/``.

    The two files of the split are verified against their published SHA-256, downloaded first
    if missing and allowed (see :func:`smarttune.datasets.get_data_dir` for where they are
    looked for).

    Args:
        split: ``"train"`` (60,000 images) or ``"test"`` (10,000 images).
        data_dir: The data directory; None means ``SMARTTUNE_DATA_DIR`` or the user cache.
        download: Whether missing files may be downloaded; None means yes unless
            ``SMARTTUNE_OFFLINE=1``.

    Returns:
        ``(images, labels)``: uint8 arrays of shapes ``(n, 28, 28)`` (pixel values 0..255, 0 is
        background) and ``(n,)`` (digits 0..9), in the official order. The arrays are new and
        writable.

    Raises:
        InvalidParameterError: If an argument is invalid.
        DataError: If a file is missing and cannot be downloaded, or is malformed.
        ChecksumError: If a file's SHA-256 is not the published one.
    """
    return _load_pair("mnist", split, data_dir, download, owner="load_mnist()")


def load_fashion_mnist(
    split: Literal["train", "test"] = "train",
    *,
    data_dir: StrPath | None = None,
    download: bool | None = None,
) -> tuple[UInt8Array, UInt8Array]:
    """Load Fashion-MNIST from ``<data_dir>/fashion-mnist/``; same contract as :func:`load_mnist`.

    The labels index :data:`FASHION_MNIST_CLASSES`; each split has the same number of images
    of every class (6,000 in train, 1,000 in test).

    Args:
        split: ``"train"`` (60,000 images) or ``"test"`` (10,000 images).
        data_dir: The data directory; None means ``SMARTTUNE_DATA_DIR`` or the user cache.
        download: Whether missing files may be downloaded; None means yes unless
            ``SMARTTUNE_OFFLINE=1``.

    Returns:
        ``(images, labels)``: uint8 arrays of shapes ``(n, 28, 28)`` and ``(n,)``.

    Raises:
        InvalidParameterError: If an argument is invalid.
        DataError: If a file is missing and cannot be downloaded, or is malformed.
        ChecksumError: If a file's SHA-256 is not the published one.
    """
    return _load_pair("fashion-mnist", split, data_dir, download, owner="load_fashion_mnist()")


def _load_pair(
    dataset: str, split: str, data_dir: StrPath | None, download: bool | None, *, owner: str
) -> tuple[UInt8Array, UInt8Array]:
    validate_parameter("split", split, [Options(_PREFIX)], owner=owner)
    check_source_args(data_dir, download, owner=owner)
    prefix = f"{dataset}/{_PREFIX[split]}"
    images_path = fetch_file(f"{prefix}-images-idx3-ubyte.gz", data_dir=data_dir, download=download)
    labels_path = fetch_file(f"{prefix}-labels-idx1-ubyte.gz", data_dir=data_dir, download=download)
    images = read_idx(images_path, ndim=3, shape=(None, 28, 28))
    labels = read_idx(labels_path, ndim=1)
    if len(images) != len(labels):
        raise DataError(
            f"{images_path} holds {len(images)} images but {labels_path} holds {len(labels)} labels"
        )
    if labels.size and int(labels.max()) >= N_CLASSES:
        raise DataError(f"{labels_path} holds the label {int(labels.max())}; labels must be 0..9")
    return images, labels
