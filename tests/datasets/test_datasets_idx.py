"""The IDX reader, and the loaders' checks on well-checksummed but malformed files."""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np
import pytest

from smarttune.datasets import load_mnist
from smarttune.datasets._idx import read_idx
from smarttune.exceptions import DataError


@pytest.fixture
def images() -> np.ndarray:
    return np.arange(3 * 28 * 28, dtype=np.uint32).reshape(3, 28, 28).astype(np.uint8)


def test_round_trip(tmp_path: Path, write_idx, images: np.ndarray) -> None:
    path = write_idx(tmp_path / "x.gz", images)
    result = read_idx(path, ndim=3, shape=(None, 28, 28))
    assert result.dtype == np.uint8
    np.testing.assert_array_equal(result, images)
    assert result.flags.writeable


def test_wrong_magic(tmp_path: Path, write_idx, images: np.ndarray) -> None:
    path = write_idx(tmp_path / "x.gz", images, magic=0x0D03)
    with pytest.raises(DataError, match=r"magic number 0x00000d03, expected 0x00000803"):
        read_idx(path, ndim=3)


def test_labels_file_where_images_expected(tmp_path: Path, write_idx) -> None:
    path = write_idx(tmp_path / "y.gz", np.zeros(5, dtype=np.uint8))
    with pytest.raises(DataError, match=r"magic number 0x00000801, expected 0x00000803"):
        read_idx(path, ndim=3)


def test_wrong_image_size(tmp_path: Path, write_idx) -> None:
    path = write_idx(tmp_path / "x.gz", np.zeros((2, 27, 28), dtype=np.uint8))
    with pytest.raises(DataError, match=r"declares the shape \(2, 27, 28\), expected"):
        read_idx(path, ndim=3, shape=(None, 28, 28))


def test_truncated_data(tmp_path: Path, images: np.ndarray) -> None:
    path = tmp_path / "x.gz"
    header = bytes.fromhex("00000803") + (3).to_bytes(4, "big") + (28).to_bytes(4, "big") * 2
    path.write_bytes(gzip.compress(header + images.tobytes()[:-10]))
    with pytest.raises(DataError, match=r"truncated: its header declares 2352 bytes"):
        read_idx(path, ndim=3)


def test_truncated_header(tmp_path: Path) -> None:
    path = tmp_path / "x.gz"
    path.write_bytes(gzip.compress(bytes.fromhex("00000803000000")))
    with pytest.raises(DataError, match=r"truncated: expected 12 bytes of IDX sizes, found 3"):
        read_idx(path, ndim=3)


def test_implausible_header(tmp_path: Path) -> None:
    path = tmp_path / "x.gz"
    header = bytes.fromhex("00000803") + (0xFFFFFFFF).to_bytes(4, "big") * 3
    path.write_bytes(gzip.compress(header))
    with pytest.raises(DataError, match="implausible shape"):
        read_idx(path, ndim=3)


def test_trailing_data(tmp_path: Path, write_idx, images: np.ndarray) -> None:
    path = write_idx(tmp_path / "x.gz", images, extra=b"\x00")
    with pytest.raises(DataError, match="more data than its header declares"):
        read_idx(path, ndim=3)


def test_not_gzip(tmp_path: Path) -> None:
    path = tmp_path / "x.gz"
    path.write_bytes(b"plain text, not gzip")
    with pytest.raises(DataError, match="not a readable gzip file"):
        read_idx(path, ndim=1)


def test_truncated_gzip_stream(tmp_path: Path, images: np.ndarray, write_idx) -> None:
    path = write_idx(tmp_path / "x.gz", images)
    path.write_bytes(path.read_bytes()[:-20])
    with pytest.raises(DataError, match=str(path)):
        read_idx(path, ndim=3)


def _install(tmp_path: Path, register, write_idx, images: np.ndarray, labels: np.ndarray) -> None:
    """Write a test split into tmp_path/mnist and register the files' digests."""
    for kind, array in (("images-idx3", images), ("labels-idx1", labels)):
        key = f"mnist/t10k-{kind}-ubyte.gz"
        register(key, sha256=write_idx(tmp_path / key, array))


def test_loader_rejects_a_malformed_header(tmp_path: Path, register, write_idx) -> None:
    images = np.zeros((4, 28, 28), dtype=np.uint8)
    labels = np.zeros(4, dtype=np.uint8)
    _install(tmp_path, register, write_idx, images, labels)
    key = "mnist/t10k-labels-idx1-ubyte.gz"
    register(key, sha256=write_idx(tmp_path / key, labels, magic=0x0803))
    with pytest.raises(DataError, match=r"t10k-labels-idx1-ubyte\.gz is not an IDX file"):
        load_mnist("test", data_dir=tmp_path)


def test_loader_rejects_count_mismatch(tmp_path: Path, register, write_idx) -> None:
    images = np.zeros((4, 28, 28), dtype=np.uint8)
    _install(tmp_path, register, write_idx, images, np.zeros(5, dtype=np.uint8))
    with pytest.raises(DataError, match=r"holds 4 images but .* holds 5 labels"):
        load_mnist("test", data_dir=tmp_path)


def test_loader_rejects_labels_out_of_range(tmp_path: Path, register, write_idx) -> None:
    images = np.zeros((2, 28, 28), dtype=np.uint8)
    _install(tmp_path, register, write_idx, images, np.array([3, 10], dtype=np.uint8))
    with pytest.raises(DataError, match=r"holds the label 10; labels must be 0\.\.9"):
        load_mnist("test", data_dir=tmp_path)
