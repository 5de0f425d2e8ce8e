"""The MNIST subset shipped in the package, and its reproducible build."""

from __future__ import annotations

import hashlib
import io
import shutil
import zipfile
from pathlib import Path

import numpy as np
import pytest

from smarttune.datasets import _bundle, load_mnist, load_mnist_subset, load_mnist_subset_indices
from smarttune.datasets._make_bundle import main, stratified_indices, write_npz
from smarttune.exceptions import ChecksumError, DataError, InvalidParameterError

OFFICIAL_COUNTS = {
    "train": np.array([5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]),
    "test": np.array([980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]),
}


def test_shipped_file_has_the_recorded_digest() -> None:
    digest = hashlib.sha256(_bundle.BUNDLE_PATH.read_bytes()).hexdigest()
    assert digest == _bundle.BUNDLE_SHA256
    assert _bundle.BUNDLE_PATH.stat().st_size < 3_000_000
    for name in ("README.md", "LICENSE-MNIST"):
        text = (_bundle.BUNDLE_PATH.parent / name).read_text()
        assert "Corinna Cortes" in text
        assert "CC BY-SA 3.0" in text


@pytest.mark.parametrize("split", ["train", "test"])
def test_subset_is_stratified(split: str) -> None:
    images, labels = load_mnist_subset(split)  # type: ignore[arg-type]
    size = _bundle.SUBSET_SIZES[split]  # type: ignore[index]
    assert images.shape == (size, 28, 28)
    assert images.dtype == np.uint8
    assert labels.shape == (size,)
    assert labels.dtype == np.uint8
    assert images.max() == 255
    official = OFFICIAL_COUNTS[split]
    share = size * official / official.sum()
    assert np.abs(np.bincount(labels, minlength=10) - share).max() < 1
    indices = load_mnist_subset_indices(split)  # type: ignore[arg-type]
    assert indices.dtype == np.int64
    assert (np.diff(indices) > 0).all()
    assert indices[0] >= 0
    assert indices[-1] < official.sum()


@pytest.mark.parametrize("split", ["train", "test"])
def test_subset_matches_the_official_images(shared_data_dir: Path, split: str) -> None:
    images, labels = load_mnist(split, data_dir=shared_data_dir)  # type: ignore[arg-type]
    indices = load_mnist_subset_indices(split)  # type: ignore[arg-type]
    sub_images, sub_labels = load_mnist_subset(split)  # type: ignore[arg-type]
    np.testing.assert_array_equal(sub_images, images[indices])
    np.testing.assert_array_equal(sub_labels, labels[indices])


def test_rebuild_is_byte_identical(
    shared_data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--data-dir", str(shared_data_dir), "--check"]) == 0
    out = capsys.readouterr().out
    assert f"sha256 {_bundle.BUNDLE_SHA256}" in out
    assert "identical to" in out


def test_build_writes_the_bundle(shared_data_dir: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "rebuilt.npz"
    assert main(["--data-dir", str(shared_data_dir), "--out", str(out)]) == 0
    assert hashlib.sha256(out.read_bytes()).hexdigest() == _bundle.BUNDLE_SHA256
    assert "update BUNDLE_SHA256" not in capsys.readouterr().out
    assert main(["--data-dir", str(shared_data_dir), "--out", str(out), "--check"]) == 0
    out.write_bytes(b"stale")
    assert main(["--data-dir", str(shared_data_dir), "--out", str(out), "--check"]) == 1


def test_corrupt_bundle_raises(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    copy = tmp_path / "mnist-subset.npz"
    shutil.copy(_bundle.BUNDLE_PATH, copy)
    data = bytearray(copy.read_bytes())
    data[1000] ^= 0x01
    copy.write_bytes(bytes(data))
    monkeypatch.setattr(_bundle, "BUNDLE_PATH", copy)
    actual = hashlib.sha256(data).hexdigest()
    with pytest.raises(
        ChecksumError, match=rf"expected SHA-256 {_bundle.BUNDLE_SHA256}, got {actual}"
    ):
        load_mnist_subset()


def test_missing_bundle_raises(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_bundle, "BUNDLE_PATH", tmp_path / "absent.npz")
    with pytest.raises(DataError, match=r"bundled MNIST subset .* is missing"):
        load_mnist_subset("test")


def test_subset_split_is_validated() -> None:
    with pytest.raises(InvalidParameterError, match=r"'split' parameter of load_mnist_subset\(\)"):
        load_mnist_subset("all")  # type: ignore[arg-type]


def test_stratified_indices() -> None:
    labels = np.repeat(np.arange(10, dtype=np.uint8), [50, 30, 20, 10, 10, 10, 10, 10, 5, 5])
    chosen = stratified_indices(labels, 32, seed=1, salt="train")
    assert len(chosen) == 32
    assert len(np.unique(chosen)) == 32
    share = 32 * np.bincount(labels) / len(labels)
    assert np.abs(np.bincount(labels[chosen], minlength=10) - share).max() < 1
    np.testing.assert_array_equal(chosen, stratified_indices(labels, 32, seed=1, salt="train"))
    assert not np.array_equal(chosen, stratified_indices(labels, 32, seed=2, salt="train"))


def test_write_npz_is_deterministic_and_loadable() -> None:
    arrays = {"a": np.arange(10, dtype=np.uint8), "b": np.eye(3)}
    data = write_npz(arrays)
    assert data == write_npz(arrays)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert [i.date_time for i in archive.infolist()] == [(1980, 1, 1, 0, 0, 0)] * 2
    with np.load(io.BytesIO(data), allow_pickle=False) as npz:
        np.testing.assert_array_equal(npz["b"], np.eye(3))
