"""Rebuild the bundled MNIST subset, byte for byte, from the official MNIST files.

Usage (from the repository root)::

    python -m smarttune.datasets._make_bundle --data-dir ../shared/datasets
    python -m smarttune.datasets._make_bundle --data-dir ../shared/datasets --check

The selection is a stratified sample: each digit gets its share of the subset by the
largest-remainder method (exact integer arithmetic), and within a digit the images whose
``blake2b("<seed>:<split>:<index>")`` digests sort first are taken, then kept in the official
order. Neither step depends on NumPy's random generators, so the choice cannot drift between
versions. The ``.npz`` is written with fixed zip timestamps, permissions and member order, and
``.npy`` format 1.0 headers, so the same inputs give the same bytes (given the same zlib).
"""

from __future__ import annotations

import argparse
import hashlib
import io
import sys
import zipfile
from typing import TYPE_CHECKING, Any

import numpy as np

from smarttune.datasets._bundle import BUNDLE_PATH, BUNDLE_SHA256, SUBSET_SIZES
from smarttune.datasets._mnist import N_CLASSES, load_mnist

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from smarttune.datasets._dataset import IntArray, UInt8Array

__all__ = ["build_bundle", "main", "stratified_indices", "write_npz"]

SEED = 20240501
_DATE_TIME = (1980, 1, 1, 0, 0, 0)


def stratified_indices(labels: UInt8Array, n: int, *, seed: int, salt: str) -> IntArray:
    """Choose ``n`` indices of ``labels`` keeping each class's share, deterministically.

    Args:
        labels: Class labels in ``0 .. N_CLASSES - 1``.
        n: How many indices to choose (at most ``len(labels)``).
        seed: Changes the choice within each class.
        salt: Also mixed into the hash (the split name), so splits get unrelated choices.

    Returns:
        The chosen indices, sorted ascending (int64).
    """
    counts = np.bincount(labels, minlength=N_CLASSES).astype(np.int64)
    total = int(counts.sum())
    quotas = n * counts // total
    remainders = n * counts % total
    for c in np.argsort(-remainders, kind="stable")[: n - int(quotas.sum())]:
        quotas[c] += 1
    chosen: list[int] = []
    for c in range(N_CLASSES):
        members = np.flatnonzero(labels == c).tolist()
        members.sort(key=lambda i: hashlib.blake2b(f"{seed}:{salt}:{i}".encode()).digest())
        chosen.extend(members[: quotas[c]])
    return np.sort(np.asarray(chosen, dtype=np.int64))


def write_npz(arrays: Mapping[str, np.ndarray[Any, np.dtype[Any]]]) -> bytes:
    """Return a compressed ``.npz`` of ``arrays`` (in mapping order) with no varying metadata."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, array in arrays.items():
            member = io.BytesIO()
            array = np.ascontiguousarray(array)
            np.lib.format.write_array(member, array, version=(1, 0), allow_pickle=False)
            info = zipfile.ZipInfo(f"{name}.npy", date_time=_DATE_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # Unix, whatever the building platform
            info.external_attr = 0o644 << 16
            archive.writestr(info, member.getvalue(), compresslevel=6)
    return buffer.getvalue()


def build_bundle(data_dir: str) -> bytes:
    """Return the bytes of the bundle, built from the official files in ``<data_dir>/mnist/``.

    Raises:
        DataError: If the official files are missing (nothing is downloaded).
        ChecksumError: If they are not the published files.
    """
    arrays: dict[str, np.ndarray[Any, np.dtype[Any]]] = {}
    for split, size in SUBSET_SIZES.items():
        images, labels = load_mnist(split, data_dir=data_dir, download=False)
        indices = stratified_indices(labels, size, seed=SEED, salt=split)
        arrays[f"{split}_images"] = images[indices]
        arrays[f"{split}_labels"] = labels[indices]
        arrays[f"{split}_indices"] = indices
    return write_npz(arrays)


def main(argv: Sequence[str] | None = None) -> int:
    """Build the bundle and write it (or, with ``--check``, compare it with the shipped one)."""
    parser = argparse.ArgumentParser(
        prog="python -m smarttune.datasets._make_bundle",
        description="Rebuild the bundled MNIST subset from the official MNIST files.",
    )
    parser.add_argument("--data-dir", required=True, help="directory holding mnist/*.gz")
    parser.add_argument("--out", default=str(BUNDLE_PATH), help="where to write the .npz")
    parser.add_argument(
        "--check",
        action="store_true",
        help="write nothing; exit 1 unless the build equals the file at --out",
    )
    args = parser.parse_args(argv)
    data = build_bundle(args.data_dir)
    digest = hashlib.sha256(data).hexdigest()
    print(f"{len(data)} bytes, sha256 {digest}")
    if args.check:
        with open(args.out, "rb") as stream:
            same = stream.read() == data
        print("identical to " + args.out if same else "DIFFERS from " + args.out)
        return 0 if same else 1
    with open(args.out, "wb") as stream:
        stream.write(data)
    print(f"wrote {args.out}")
    if digest != BUNDLE_SHA256:
        print(f"update BUNDLE_SHA256 in smarttune/datasets/_bundle.py to {digest}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
