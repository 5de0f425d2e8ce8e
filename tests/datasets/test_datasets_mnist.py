"""MNIST and Fashion-MNIST on the verified shared copies: shapes, dtypes, ranges, class counts."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from smarttune.datasets import FASHION_MNIST_CLASSES, load_fashion_mnist, load_mnist
from smarttune.datasets._files import fetch_file
from smarttune.datasets._registry import FILES
from smarttune.exceptions import InvalidParameterError

MNIST_COUNTS = {
    "train": [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949],
    "test": [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009],
}
FASHION_COUNTS = {"train": [6000] * 10, "test": [1000] * 10}
SIZES = {"train": 60_000, "test": 10_000}


@pytest.mark.parametrize("key", sorted(FILES))
def test_shared_copies_match_the_registry(shared_data_dir: Path, key: str) -> None:
    path = fetch_file(key, data_dir=shared_data_dir, download=False)
    assert path.stat().st_size == FILES[key].size


@pytest.mark.parametrize(
    ("loader", "counts"), [(load_mnist, MNIST_COUNTS), (load_fashion_mnist, FASHION_COUNTS)]
)
@pytest.mark.parametrize("split", ["train", "test"])
def test_split(shared_data_dir: Path, loader, counts, split: str) -> None:
    images, labels = loader(split, data_dir=shared_data_dir)
    assert images.shape == (SIZES[split], 28, 28)
    assert labels.shape == (SIZES[split],)
    assert images.dtype == np.uint8
    assert labels.dtype == np.uint8
    assert images.min() == 0
    assert images.max() == 255
    assert np.bincount(labels, minlength=10).tolist() == counts[split]
    assert 20 < images.mean() < 90  # mostly background, not garbage


def test_first_labels_are_the_official_ones(shared_data_dir: Path) -> None:
    _, labels = load_mnist("train", data_dir=shared_data_dir)
    assert labels[:10].tolist() == [5, 0, 4, 1, 9, 2, 1, 3, 1, 4]
    _, labels = load_fashion_mnist("test", data_dir=shared_data_dir)
    assert labels[:5].tolist() == [9, 2, 1, 1, 6]
    assert FASHION_MNIST_CLASSES[9] == "Ankle boot"


def test_env_var_finds_the_shared_copies(
    shared_data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SMARTTUNE_DATA_DIR", str(shared_data_dir))
    images, _ = load_mnist("test")
    assert images.shape == (10_000, 28, 28)


def test_split_is_validated() -> None:
    with pytest.raises(
        InvalidParameterError,
        match=r"The 'split' parameter of load_fashion_mnist\(\) must be one of \{'train', 'test'\}",
    ):
        load_fashion_mnist("validation")  # type: ignore[arg-type]
