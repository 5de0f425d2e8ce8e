"""The data directory, checksum verification and downloads (smarttune.datasets._files)."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
from pathlib import Path

import pytest

from smarttune.datasets import _files, get_data_dir, load_mnist
from smarttune.datasets._files import fetch_file
from smarttune.exceptions import ChecksumError, DataError, InvalidParameterError

KEY = "toy/data.bin"
PAYLOAD = b"smarttune toy dataset\n" * 100
DIGEST = hashlib.sha256(PAYLOAD).hexdigest()


# --- the data directory ----------------------------------------------------------------------


def test_argument_wins_over_env_and_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SMARTTUNE_DATA_DIR", str(tmp_path / "env"))
    assert get_data_dir(tmp_path / "arg") == tmp_path / "arg"
    assert get_data_dir(str(tmp_path / "arg")) == tmp_path / "arg"


def test_env_wins_over_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SMARTTUNE_DATA_DIR", str(tmp_path / "env"))
    assert get_data_dir() == tmp_path / "env"


def test_cache_dir_follows_xdg_then_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert get_data_dir() == tmp_path / "xdg" / "smarttune" / "datasets"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert get_data_dir() == tmp_path / "home" / ".cache" / "smarttune" / "datasets"


def test_empty_env_counts_as_unset(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SMARTTUNE_DATA_DIR", "")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert get_data_dir() == tmp_path / "smarttune" / "datasets"


def test_tilde_is_expanded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    assert get_data_dir("~/data") == tmp_path / "data"


def test_env_data_dir_is_used_by_loaders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SMARTTUNE_DATA_DIR", str(tmp_path / "from-env"))
    with pytest.raises(DataError, match=re.escape(str(tmp_path / "from-env"))):
        load_mnist("test")


@pytest.mark.parametrize(("argument", "value"), [("data_dir", 3), ("download", "yes")])
def test_source_arguments_are_validated(argument: str, value: object) -> None:
    with pytest.raises(InvalidParameterError, match=f"The '{argument}' parameter of load_mnist"):
        load_mnist("test", **{argument: value})  # type: ignore[arg-type]


# --- missing and corrupt files ---------------------------------------------------------------


def test_missing_file_offline_names_file_directory_url_and_env(tmp_path: Path) -> None:
    pattern = (
        r"'mnist/t10k-images-idx3-ubyte\.gz' was not found in "
        + re.escape(str(tmp_path))
        + r".*SMARTTUNE_OFFLINE is set.*https://ossci-datasets\.s3\.amazonaws\.com/mnist/"
        r"t10k-images-idx3-ubyte\.gz.*yann\.lecun\.com.*SMARTTUNE_DATA_DIR"
    )
    with pytest.raises(DataError, match=pattern):
        load_mnist("test", data_dir=tmp_path)


def test_download_false_beats_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SMARTTUNE_OFFLINE", "0")
    with pytest.raises(DataError, match=r"downloading is disabled \(download=False\)"):
        load_mnist("test", data_dir=tmp_path, download=False)


def test_wrong_checksum_names_file_and_both_digests(tmp_path: Path, register) -> None:
    register(KEY, sha256=DIGEST)
    (tmp_path / "toy").mkdir()
    corrupt = PAYLOAD[:-1] + b"?"
    (tmp_path / KEY).write_bytes(corrupt)
    actual = hashlib.sha256(corrupt).hexdigest()
    pattern = rf"'{KEY}' at .*expected SHA-256 {DIGEST}, got {actual}"
    with pytest.raises(ChecksumError, match=pattern):
        fetch_file(KEY, data_dir=tmp_path)


def test_corrupt_copy_of_real_file(tmp_path: Path, shared_data_dir: Path) -> None:
    (tmp_path / "mnist").mkdir()
    for name in ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"):
        shutil.copy(shared_data_dir / "mnist" / name, tmp_path / "mnist" / name)
    labels = tmp_path / "mnist" / "t10k-labels-idx1-ubyte.gz"
    data = bytearray(labels.read_bytes())
    data[-1] ^= 0xFF
    labels.write_bytes(bytes(data))
    expected = "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6"
    actual = hashlib.sha256(data).hexdigest()
    with pytest.raises(ChecksumError, match=rf"t10k-labels.*{expected}, got {actual}"):
        load_mnist("test", data_dir=tmp_path)


def test_verification_is_cached_until_the_file_changes(
    tmp_path: Path, register, monkeypatch: pytest.MonkeyPatch
) -> None:
    register(KEY, sha256=DIGEST)
    path = tmp_path / KEY
    path.parent.mkdir()
    path.write_bytes(PAYLOAD)
    calls: list[Path] = []
    real_sha256 = _files._sha256
    monkeypatch.setattr(_files, "_sha256", lambda p: calls.append(p) or real_sha256(p))
    assert fetch_file(KEY, data_dir=tmp_path) == path
    assert fetch_file(KEY, data_dir=tmp_path) == path
    assert len(calls) == 1
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    fetch_file(KEY, data_dir=tmp_path)
    assert len(calls) == 2


# --- downloads from a local server -----------------------------------------------------------


def test_download_verifies_and_moves_into_place(tmp_path: Path, file_server, register) -> None:
    served, base = file_server
    (served / "data.bin").write_bytes(PAYLOAD)
    register(KEY, sha256=DIGEST, urls=(f"{base}/data.bin",))
    target = tmp_path / "data"
    path = fetch_file(KEY, data_dir=target, download=True)
    assert path == target / KEY
    assert path.read_bytes() == PAYLOAD
    assert sorted(p.name for p in path.parent.iterdir()) == ["data.bin"]


def test_download_is_the_default_when_online(
    tmp_path: Path, file_server, register, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SMARTTUNE_OFFLINE")
    served, base = file_server
    (served / "data.bin").write_bytes(PAYLOAD)
    register(KEY, sha256=DIGEST, urls=(f"{base}/data.bin",))
    assert fetch_file(KEY, data_dir=tmp_path).read_bytes() == PAYLOAD


def test_download_falls_back_to_the_next_mirror(tmp_path: Path, file_server, register) -> None:
    served, base = file_server
    (served / "data.bin").write_bytes(PAYLOAD)
    register(KEY, sha256=DIGEST, urls=(f"{base}/gone.bin", f"{base}/data.bin"))
    assert fetch_file(KEY, data_dir=tmp_path, download=True).read_bytes() == PAYLOAD


def test_download_with_wrong_checksum(tmp_path: Path, file_server, register) -> None:
    served, base = file_server
    (served / "data.bin").write_bytes(b"not the data")
    register(KEY, sha256=DIGEST, urls=(f"{base}/data.bin",))
    actual = hashlib.sha256(b"not the data").hexdigest()
    pattern = rf"downloaded from {re.escape(base)}/data\.bin .*expected {DIGEST}, got {actual}"
    with pytest.raises(ChecksumError, match=pattern):
        fetch_file(KEY, data_dir=tmp_path, download=True)
    assert list((tmp_path / "toy").iterdir()) == []  # neither the file nor a temporary


def test_download_failure_says_where_to_get_the_file(tmp_path: Path, file_server, register) -> None:
    _, base = file_server
    register(KEY, sha256=DIGEST, urls=(f"{base}/gone.bin",))
    pattern = rf"'{KEY}' was not found in .*could not be downloaded: .*404.*SMARTTUNE_DATA_DIR"
    with pytest.raises(DataError, match=pattern) as info:
        fetch_file(KEY, data_dir=tmp_path, download=True)
    assert not isinstance(info.value, ChecksumError)


def test_unwritable_data_dir(tmp_path: Path, register) -> None:
    register(KEY, sha256=DIGEST, urls=("http://127.0.0.1:9/data.bin",))
    (tmp_path / "file").write_text("a file, not a directory")
    with pytest.raises(DataError, match="cannot create"):
        fetch_file(KEY, data_dir=tmp_path / "file", download=True)


def test_load_mnist_downloads_real_files(
    tmp_path: Path, file_server, register, shared_data_dir: Path
) -> None:
    served, base = file_server
    for name in ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"):
        shutil.copy(shared_data_dir / "mnist" / name, served / name)
        key = f"mnist/{name}"
        register(key, sha256=_files.FILES[key].sha256, urls=(f"{base}/{name}",))
    images, labels = load_mnist("test", data_dir=tmp_path, download=True)
    assert images.shape == (10_000, 28, 28)
    assert labels.shape == (10_000,)
    assert (tmp_path / "mnist" / "t10k-labels-idx1-ubyte.gz").is_file()
