"""A reader for gzipped IDX files, the format of MNIST and Fashion-MNIST.

An IDX file is big-endian: two zero bytes, a type code (``0x08`` for unsigned bytes), the number
of dimensions ``d``, then ``d`` sizes as uint32, then the data. Hence the magic number
``0x00000803`` for a stack of images and ``0x00000801`` for a vector of labels. The format is
described at http://yann.lecun.com/exdb/mnist/ (LeCun, Cortes and Burges, THE MNIST DATABASE).
"""

from __future__ import annotations

import gzip
import math
import struct
import zlib
from typing import TYPE_CHECKING

import numpy as np

from smarttune.exceptions import DataError

if TYPE_CHECKING:
    from pathlib import Path

    from smarttune.datasets._dataset import UInt8Array

__all__ = ["read_idx"]

_UBYTE = 0x08
_MAX_BYTES = 1 << 32  # far above any real IDX file; guards against absurd headers


def read_idx(path: Path, *, ndim: int, shape: tuple[int | None, ...] | None = None) -> UInt8Array:
    """Read a gzipped IDX file of unsigned bytes into a writable array.

    Args:
        path: The ``.gz`` file.
        ndim: The number of dimensions the file must declare (3 for images, 1 for labels), so
            the magic number must be ``0x00000800 + ndim``.
        shape: Sizes the header must declare; None in a position accepts any size.

    Returns:
        A uint8 array of the declared shape.

    Raises:
        DataError: If the file is not gzip, its magic number or sizes are not the expected ones,
            or its data is shorter or longer than the header says; the message names the file.
    """
    try:
        with gzip.open(path, "rb") as stream:
            magic = struct.unpack(">I", _read_exactly(stream, 4, path, "magic number"))[0]
            if magic != (_UBYTE << 8) | ndim:
                raise DataError(
                    f"{path} is not an IDX file of {ndim}-D unsigned bytes: magic number "
                    f"{magic:#010x}, expected {(_UBYTE << 8) | ndim:#010x}"
                )
            dims = struct.unpack(f">{ndim}I", _read_exactly(stream, 4 * ndim, path, "sizes"))
            if shape is not None and any(
                w is not None and w != d for w, d in zip(shape, dims, strict=True)
            ):
                raise DataError(f"{path} declares the shape {dims}, expected {shape}")
            if math.prod(dims) > _MAX_BYTES:
                raise DataError(f"{path} declares an implausible shape {dims}")
            array = np.empty(dims, dtype=np.uint8)
            _fill(stream, array.data.cast("B"), path)
            if stream.read(1):
                raise DataError(f"{path} has more data than its header declares {dims}")
    except (OSError, EOFError, zlib.error) as exc:
        raise DataError(f"{path} is not a readable gzip file: {exc}") from exc
    return array


def _read_exactly(stream: gzip.GzipFile, n: int, path: Path, what: str) -> bytes:
    data = stream.read(n)
    if len(data) != n:
        raise DataError(f"{path} is truncated: expected {n} bytes of IDX {what}, found {len(data)}")
    return data


def _fill(stream: gzip.GzipFile, buffer: memoryview, path: Path) -> None:
    filled = 0
    while filled < len(buffer):
        n = stream.readinto(buffer[filled:])
        if not n:
            raise DataError(
                f"{path} is truncated: its header declares {len(buffer)} bytes of data, "
                f"found {filled}"
            )
        filled += n
