"""The MNIST subset shipped inside the package, for demos and tests without any download.

The file ``_bundled/mnist-subset.npz`` holds 6,000 training and 1,000 test images drawn from
the official MNIST files by :mod:`smarttune.datasets._make_bundle`: a stratified sample (each
digit keeps its share of the split, to within one image) chosen by a fixed seed. Its SHA-256 is
checked on load. MNIST is by Yann LeCun, Corinna Cortes and Christopher J. C. Burges (THE MNIST
DATABASE of handwritten digits) under CC BY-SA 3.0; see ``_bundled/LICENSE-MNIST``.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from smarttune._validation import Options, validate_parameter
from smarttune.datasets._files import verify_file
from smarttune.exceptions import DataError

if TYPE_CHECKING:
    from smarttune.datasets._dataset import IntArray, UInt8Array

__all__ = ["BUNDLE_PATH", "BUNDLE_SHA256", "SUBSET_SIZES", "load_mnist_subset"]

BUNDLE_PATH = Path(__file__).parent / "_bundled" / "mnist-subset.npz"
#: The digest of the shipped bundle; ``_make_bundle --check`` rebuilds it byte for byte.
BUNDLE_SHA256 = "75e9a05f19acae315fabfbd06d19c6479b93a0a19f02d94987b001b58b1e238d"
#: Images per split in the bundle.
SUBSET_SIZES: dict[Literal["train", "test"], int] = {"train": 6000, "test": 1000}
_REGENERATE = "python -m smarttune.datasets._make_bundle --data-dir <dir with mnist/>"


def load_mnist_subset(split: Literal["train", "test"] = "train") -> tuple[UInt8Array, UInt8Array]:
    """Load the stratified MNIST subset shipped with smarttune (no data directory, no network).

    Args:
        split: ``"train"`` (6,000 images from the official training set) or ``"test"``
            (1,000 images from the official test set).

    Returns:
        ``(images, labels)`` with the types of :func:`smarttune.datasets.load_mnist`: uint8
        arrays of shapes ``(n, 28, 28)`` and ``(n,)``, in the order of the official files.

    Raises:
        InvalidParameterError: If ``split`` is not ``"train"`` or ``"test"``.
        ChecksumError: If the bundled file's SHA-256 is not :data:`BUNDLE_SHA256`.
        DataError: If the bundled file is missing (a broken installation).
    """
    validate_parameter("split", split, [Options(SUBSET_SIZES)], owner="load_mnist_subset()")
    arrays = _read_bundle(BUNDLE_PATH)
    return arrays[f"{split}_images"], arrays[f"{split}_labels"]


def load_mnist_subset_indices(split: Literal["train", "test"] = "train") -> IntArray:
    """Return, for each image of the subset, its index in the official MNIST file (int64)."""
    validate_parameter("split", split, [Options(SUBSET_SIZES)], owner="load_mnist_subset_indices()")
    return _read_bundle(BUNDLE_PATH)[f"{split}_indices"]


def _read_bundle(path: Path) -> dict[str, np.ndarray[Any, np.dtype[Any]]]:
    if not path.is_file():
        raise DataError(
            f"The bundled MNIST subset {path} is missing; reinstall smarttune, or rebuild it "
            f"with: {_REGENERATE}"
        )
    remedy = f"Reinstall smarttune, or rebuild the file with: {_REGENERATE}"
    verify_file(path, BUNDLE_SHA256, name="mnist-subset.npz (bundled)", remedy=remedy)
    with np.load(path, allow_pickle=False) as npz:
        return {name: npz[name] for name in npz.files}
