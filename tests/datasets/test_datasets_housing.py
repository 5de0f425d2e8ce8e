"""California Housing: the shared copy, and malformed CSV files."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from smarttune.datasets import OCEAN_PROXIMITY_CATEGORIES, Dataset, load_california_housing
from smarttune.exceptions import DataError

KEY = "california-housing/housing.csv"
HEADER = (
    "longitude,latitude,housing_median_age,total_rooms,total_bedrooms,population,households,"
    "median_income,median_house_value,ocean_proximity"
)


def test_shared_copy(shared_data_dir: Path) -> None:
    data = load_california_housing(data_dir=shared_data_dir)
    assert isinstance(data, Dataset)
    assert data.task == "regression"
    assert data.X.shape == (20_640, 13)
    assert data.X.dtype == np.float64
    assert data.y.dtype == np.float64
    assert data.feature_names[:8] == HEADER.split(",")[:8]
    assert data.feature_names[8:] == [f"ocean_proximity={c}" for c in OCEAN_PROXIMITY_CATEGORIES]
    missing = np.isnan(data.X).sum(axis=0)
    assert missing[data.feature_names.index("total_bedrooms")] == 207
    assert missing.sum() == 207
    one_hot = data.X[:, 8:]
    assert set(np.unique(one_hot)) == {0.0, 1.0}
    assert (one_hot.sum(axis=1) == 1).all()
    counts = dict(zip(OCEAN_PROXIMITY_CATEGORIES, one_hot.sum(axis=0).astype(int), strict=True))
    assert counts == {"<1H OCEAN": 9136, "INLAND": 6551, "ISLAND": 5, "NEAR BAY": 2290,
                      "NEAR OCEAN": 2658}  # fmt: skip
    assert data.y.max() == 500_001
    assert data.X[:, data.feature_names.index("median_income")].max() == pytest.approx(15.0001)
    assert data.target_name == "median_house_value"


def _install(tmp_path: Path, register, text: str) -> None:
    path = tmp_path / KEY
    path.parent.mkdir(parents=True)
    path.write_text(text)
    register(KEY, sha256=path)


def test_small_valid_file(tmp_path: Path, register) -> None:
    _install(tmp_path, register, f"{HEADER}\n1,2,3,4,,6,7,8,9,ISLAND\n1,2,3,4,5,6,7,8,10,INLAND\n")
    data = load_california_housing(data_dir=tmp_path)
    assert data.y.tolist() == [9.0, 10.0]
    assert np.isnan(data.X[0, 4])
    assert data.X[:, 8:].tolist() == [[0, 0, 1, 0, 0], [0, 1, 0, 0, 0]]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a,b\n1,2\n", "expected the header"),
        (f"{HEADER}\n1,2,3\n", "line 2 has 3 fields, expected 10"),
        (f"{HEADER}\n1,2,3,4,5,6,7,8,9,MOON\n", r"unknown ocean_proximity values \['MOON'\]"),
        (f"{HEADER}\n1,x,3,4,5,6,7,8,9,INLAND\n", "non-number"),
        (f"{HEADER}\n1,2,3,4,5,6,7,8,,INLAND\n", "median_house_value has missing values"),
    ],
)
def test_malformed_file(tmp_path: Path, register, text: str, message: str) -> None:
    _install(tmp_path, register, text)
    with pytest.raises(DataError, match=message):
        load_california_housing(data_dir=tmp_path)
