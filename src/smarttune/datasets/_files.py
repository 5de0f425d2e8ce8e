"""The data directory, SHA-256 verification and downloads.

Contract of :func:`fetch_file`: it returns the path of a registered file inside the data
directory only after the file's SHA-256 matched the registry. A file already on disk is hashed
once per process while its size and modification time stay the same. A missing file is
downloaded (when allowed) to a temporary file in the target directory, verified, then moved into
place with :func:`os.replace`, so other processes never see a partial file.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from smarttune._validation import InstanceOf, validate_parameter
from smarttune.datasets._registry import FILES, RemoteFile
from smarttune.exceptions import ChecksumError, DataError

if TYPE_CHECKING:
    from smarttune.datasets._dataset import StrPath

__all__ = ["ENV_DATA_DIR", "ENV_OFFLINE", "fetch_file", "get_data_dir", "verify_file"]

ENV_DATA_DIR = "SMARTTUNE_DATA_DIR"
ENV_OFFLINE = "SMARTTUNE_OFFLINE"
_TRUE_WORDS = frozenset({"1", "true", "yes", "on"})
_CHUNK = 1 << 20
_TIMEOUT_S = 60.0
_logger = logging.getLogger("smarttune.datasets")

#: (resolved path, size, mtime_ns, digest) of files verified in this process.
_VERIFIED: set[tuple[str, int, int, str]] = set()


def get_data_dir(data_dir: StrPath | None = None) -> Path:
    """Return the directory datasets are read from and downloaded to.

    The first of these that is given wins: the ``data_dir`` argument, the environment variable
    ``SMARTTUNE_DATA_DIR``, ``$XDG_CACHE_HOME/smarttune/datasets``, then
    ``~/.cache/smarttune/datasets``. An empty environment variable counts as unset. The
    directory need not exist; nothing is created.

    Args:
        data_dir: An explicit directory, or None to use the environment and cache defaults.

    Returns:
        The directory, with ``~`` expanded.
    """
    validate_parameter(
        "data_dir", data_dir, [InstanceOf(str, os.PathLike), None], owner="get_data_dir()"
    )
    if data_dir is not None:
        return Path(data_dir).expanduser()
    if env := os.environ.get(ENV_DATA_DIR):
        return Path(env).expanduser()
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path("~", ".cache"))
    return Path(cache).expanduser() / "smarttune" / "datasets"


def check_source_args(data_dir: object, download: object, *, owner: str) -> None:
    """Validate the ``data_dir`` and ``download`` arguments every file-backed loader takes."""
    validate_parameter("data_dir", data_dir, [InstanceOf(str, os.PathLike), None], owner=owner)
    validate_parameter("download", download, [InstanceOf(bool), None], owner=owner)


def _download_allowed(download: bool | None) -> bool:
    if download is not None:
        return download
    return os.environ.get(ENV_OFFLINE, "").strip().lower() not in _TRUE_WORDS


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _stamp(path: Path, sha256: str) -> tuple[str, int, int, str]:
    stat = path.stat()
    return (str(path.resolve()), stat.st_size, stat.st_mtime_ns, sha256)


def verify_file(path: Path, sha256: str, *, name: str, remedy: str) -> None:
    """Raise :class:`ChecksumError` unless the file at ``path`` has the SHA-256 ``sha256``.

    A success is remembered for the process under the file's resolved path, size and
    modification time, so verifying an unchanged file again costs one ``stat``.

    Args:
        path: The file to check.
        sha256: The expected digest, lower-case hex.
        name: How the message names the file (its registry key).
        remedy: A sentence for the message saying how to get a good copy.

    Raises:
        ChecksumError: Naming the file, the expected and the actual digest.
    """
    stamp = _stamp(path, sha256)
    if stamp in _VERIFIED:
        return
    actual = _sha256(path)
    if actual != sha256:
        raise ChecksumError(
            f"Checksum mismatch for dataset file '{name}' at {path}: expected SHA-256 "
            f"{sha256}, got {actual}. The file is corrupt or incomplete. {remedy}"
        )
    _VERIFIED.add(stamp)


def fetch_file(key: str, *, data_dir: StrPath | None = None, download: bool | None = None) -> Path:
    """Return the verified path of the registered file ``key``, downloading it if needed.

    Args:
        key: A key of the registry, e.g. ``"mnist/train-images-idx3-ubyte.gz"``.
        data_dir: The data directory (see :func:`get_data_dir`).
        download: Whether a missing file may be downloaded; None means yes unless the
            environment variable ``SMARTTUNE_OFFLINE`` is ``1`` (or ``true``, ``yes``, ``on``).

    Returns:
        The path ``<data directory>/<key>``, whose SHA-256 matched the registry.

    Raises:
        DataError: If the file is missing and cannot be downloaded; the message says where to
            get it and which environment variable to set.
        ChecksumError: If the file on disk, or every downloaded copy, has the wrong digest.
    """
    remote = FILES[key]
    directory = get_data_dir(data_dir)
    path = directory / key
    if path.is_file():
        remedy = f"Delete it to download it again, or replace it with {remote.urls[0]}."
        verify_file(path, remote.sha256, name=key, remedy=remedy)
        return path
    if not _download_allowed(download):
        why = "download=False" if download is False else f"{ENV_OFFLINE} is set"
        raise DataError(
            f"Dataset file '{key}' was not found in {directory} (looked for {path}) and "
            f"downloading is disabled ({why}). {_how_to_get(remote, path)}"
        )
    _download(remote, directory)
    return path


def _how_to_get(remote: RemoteFile, path: Path) -> str:
    mirrors = f" (mirrors: {', '.join(remote.urls[1:])})" if len(remote.urls) > 1 else ""
    return (
        f"Download it from {remote.urls[0]}{mirrors} and save it as {path}, or set the "
        f"environment variable {ENV_DATA_DIR} to a directory that holds '{remote.key}'."
    )


def _download(remote: RemoteFile, directory: Path) -> None:
    import http.client
    import urllib.error

    path = directory / remote.key
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DataError(
            f"Dataset file '{remote.key}' is missing and cannot be downloaded: cannot create "
            f"{path.parent} ({exc}). {_how_to_get(remote, path)}"
        ) from exc
    failures: list[str] = []
    bad_digest = False
    for url in remote.urls:
        _logger.info("Downloading %s from %s", remote.key, url)
        try:
            _download_one(url, remote, path)
        except ChecksumError as exc:
            bad_digest = True
            failures.append(str(exc))
        except (OSError, ValueError, http.client.HTTPException, urllib.error.URLError) as exc:
            failures.append(f"{url}: {exc}")
        else:
            return
    error = ChecksumError if bad_digest else DataError
    raise error(
        f"Dataset file '{remote.key}' was not found in {directory} and could not be "
        f"downloaded: {'; '.join(failures)}. {_how_to_get(remote, path)}"
    )


def _download_one(url: str, remote: RemoteFile, path: Path) -> None:
    import urllib.request

    request = urllib.request.Request(url, headers={"User-Agent": "smarttune-datasets"})
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        digest = hashlib.sha256()
        with (
            os.fdopen(fd, "wb") as out,
            urllib.request.urlopen(request, timeout=_TIMEOUT_S) as response,
        ):
            while chunk := response.read(_CHUNK):
                digest.update(chunk)
                out.write(chunk)
        if (actual := digest.hexdigest()) != remote.sha256:
            raise ChecksumError(
                f"the copy downloaded from {url} has the wrong SHA-256: expected "
                f"{remote.sha256}, got {actual}"
            )
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    _VERIFIED.add(_stamp(path, remote.sha256))
