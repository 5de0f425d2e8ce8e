"""Fixtures for the dataset tests: an isolated environment, the shared copies, a file server."""

from __future__ import annotations

import dataclasses
import functools
import gzip
import hashlib
import http.server
import os
import struct
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pytest

from smarttune.datasets import _registry

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_SHARED = REPO_ROOT.parent / "shared" / "datasets"


@pytest.fixture(autouse=True)
def _isolated_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """No test reads the user's data directory or cache, or reaches the network by accident."""
    monkeypatch.delenv("SMARTTUNE_DATA_DIR", raising=False)
    monkeypatch.setenv("SMARTTUNE_OFFLINE", "1")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("xdg-cache")))
    for name in (
        "http_proxy",
        "HTTP_PROXY",
        "https_proxy",
        "HTTPS_PROXY",
        "all_proxy",
        "ALL_PROXY",
    ):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="session")
def shared_data_dir() -> Path:
    """The verified offline copies: ``$SMARTTUNE_TEST_DATA_DIR`` or ``<repo>/../shared/datasets``.

    A relative ``SMARTTUNE_TEST_DATA_DIR`` is taken relative to the repository root. When the
    variable is set the directory must exist (a CI misconfiguration fails, not skips).
    """
    env = os.environ.get("SMARTTUNE_TEST_DATA_DIR")
    if env:
        path = Path(env) if Path(env).is_absolute() else REPO_ROOT / env
        if not path.is_dir():
            pytest.fail(f"SMARTTUNE_TEST_DATA_DIR={env!r} is not a directory ({path})")
        return path
    if not DEFAULT_SHARED.is_dir():
        pytest.skip(
            f"no copies of the datasets: set SMARTTUNE_TEST_DATA_DIR or provide {DEFAULT_SHARED}"
        )
    return DEFAULT_SHARED


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def file_server(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """Serve a fresh directory over HTTP on localhost; yields ``(directory, base URL)``."""
    root = tmp_path / "served"
    root.mkdir()
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.01,), daemon=True)
    thread.start()
    try:
        yield root, f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def sha256_of(path: Path) -> str:
    """The SHA-256 of a file, lower-case hex."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def register(monkeypatch: pytest.MonkeyPatch) -> Callable[..., None]:
    """A function that replaces (or adds) a registry entry for the duration of a test.

    ``register(key, sha256=..., urls=(...))``; ``sha256`` may be a path, whose digest is used.
    """

    def replace(key: str, *, sha256: str | Path, urls: tuple[str, ...] = ()) -> None:
        digest = sha256_of(sha256) if isinstance(sha256, Path) else sha256
        old = _registry.FILES.get(key)
        urls = urls or (old.urls if old else ("http://example.invalid/" + key,))
        if old is None:
            entry = _registry.RemoteFile(key, digest, 0, urls)
        else:
            entry = dataclasses.replace(old, sha256=digest, urls=urls)
        monkeypatch.setitem(_registry.FILES, key, entry)

    return replace


@pytest.fixture
def write_idx() -> Callable[..., Path]:
    """A function writing an array as a gzipped IDX file: ``write_idx(path, array, *, magic,
    extra)``, where ``magic`` overrides the right magic number and ``extra`` is appended."""

    def write(
        path: Path, array: np.ndarray, *, magic: int | None = None, extra: bytes = b""
    ) -> Path:
        magic = (0x08 << 8) | array.ndim if magic is None else magic
        header = struct.pack(f">I{array.ndim}I", magic, *array.shape)
        path.parent.mkdir(parents=True, exist_ok=True)
        raw = header + array.astype(np.uint8).tobytes() + extra
        path.write_bytes(gzip.compress(raw, mtime=0))
        return path

    return write
