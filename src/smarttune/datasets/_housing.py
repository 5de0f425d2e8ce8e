"""The California Housing loader (the ``housing.csv`` of Géron's *Hands-On Machine Learning*).

Data: R. Kelley Pace and Ronald Barry, "Sparse Spatial Autoregressions", Statistics and
Probability Letters 33 (1997) 291-297, from the 1990 U.S. census, one row per block group.
This version removes 207 ``total_bedrooms`` values on purpose and adds ``ocean_proximity``.
"""

from __future__ import annotations

import csv
from typing import TYPE_CHECKING, Any

import numpy as np

from smarttune.datasets._dataset import Dataset
from smarttune.datasets._files import check_source_args, fetch_file
from smarttune.exceptions import DataError

if TYPE_CHECKING:
    from pathlib import Path

    from smarttune.datasets._dataset import FloatArray, StrPath

__all__ = ["OCEAN_PROXIMITY_CATEGORIES", "load_california_housing"]

_KEY = "california-housing/housing.csv"
_NUMERIC = (
    "longitude", "latitude", "housing_median_age", "total_rooms", "total_bedrooms",
    "population", "households", "median_income",
)  # fmt: skip
_TARGET = "median_house_value"
_CATEGORY = "ocean_proximity"
_HEADER = [*_NUMERIC, _TARGET, _CATEGORY]

#: The values of ``ocean_proximity``, in the order of their one-hot columns.
OCEAN_PROXIMITY_CATEGORIES = ("<1H OCEAN", "INLAND", "ISLAND", "NEAR BAY", "NEAR OCEAN")


def load_california_housing(
    *, data_dir: StrPath | None = None, download: bool | None = None
) -> Dataset:
    """Load California Housing from ``<data_dir>/california-housing/housing.csv``.

    The file is verified against its published SHA-256, downloaded first if missing and allowed.

    Args:
        data_dir: The data directory; None means ``SMARTTUNE_DATA_DIR`` or the user cache.
        download: Whether a missing file may be downloaded; None means yes unless
            ``SMARTTUNE_OFFLINE=1``.

    Returns:
        A regression :class:`Dataset` of 20,640 rows. ``X`` has the eight numeric columns in
        file order (``longitude`` .. ``median_income``; the 207 missing ``total_bedrooms`` are
        NaN, left for the caller's imputer), then one 0/1 column per
        :data:`OCEAN_PROXIMITY_CATEGORIES` entry named ``"ocean_proximity=<category>"``.
        ``y`` is ``median_house_value`` in dollars (capped at 500,001 in the source data).

    Raises:
        InvalidParameterError: If an argument is invalid.
        DataError: If the file is missing and cannot be downloaded, or is malformed.
        ChecksumError: If the file's SHA-256 is not the published one.
    """
    check_source_args(data_dir, download, owner="load_california_housing()")
    path = fetch_file(_KEY, data_dir=data_dir, download=download)
    numeric, categories = _read_csv(path)
    values, inverse = np.unique(categories, return_inverse=True)
    if unknown := sorted(set(values.tolist()) - set(OCEAN_PROXIMITY_CATEGORIES)):
        raise DataError(f"{path}: unknown {_CATEGORY} values {unknown}")
    codes = np.asarray(np.searchsorted(OCEAN_PROXIMITY_CATEGORIES, values))[inverse]
    one_hot = np.eye(len(OCEAN_PROXIMITY_CATEGORIES), dtype=np.float64)[codes]
    return Dataset(
        name="california_housing",
        X=np.hstack([numeric[:, : len(_NUMERIC)], one_hot]),
        y=numeric[:, len(_NUMERIC)].copy(),
        feature_names=[*_NUMERIC, *(f"{_CATEGORY}={c}" for c in OCEAN_PROXIMITY_CATEGORIES)],
        target_name=_TARGET,
        task="regression",
    )


def _read_csv(path: Path) -> tuple[FloatArray, np.ndarray[Any, np.dtype[np.str_]]]:
    """Return the nine numeric columns as float64 (empty fields as NaN) and the category column."""
    with path.open(newline="", encoding="utf-8") as stream:
        reader = csv.reader(stream)
        header = next(reader, None)
        if header != _HEADER:
            raise DataError(f"{path}: expected the header {','.join(_HEADER)}, found {header}")
        rows = list(reader)
    bad = next((i for i, row in enumerate(rows) if len(row) != len(_HEADER)), None)
    if bad is not None:
        raise DataError(
            f"{path}: line {bad + 2} has {len(rows[bad])} fields, expected {len(_HEADER)}"
        )
    table = np.array(rows, dtype=str).reshape(len(rows), len(_HEADER))
    text = table[:, : len(_HEADER) - 1]
    text[text == ""] = "nan"
    try:
        numeric = text.astype(np.float64)
    except ValueError as exc:
        raise DataError(f"{path}: a numeric column holds a non-number ({exc})") from exc
    if np.isnan(numeric[:, len(_NUMERIC)]).any():
        raise DataError(f"{path}: {_TARGET} has missing values")
    return numeric, table[:, -1]
