from __future__ import annotations

import math
import shutil
from pathlib import Path

import pytest

from smarttune.compare import CellResult, CurvePoint, ParamRecord, load_results
from smarttune.compare._results import read_cell, write_cell, write_tables
from smarttune.exceptions import InvalidParameterError


def _records() -> tuple[CellResult, list[CurvePoint], list[ParamRecord]]:
    result = CellResult(
        "tpe",
        "svm-wine",
        1,
        "trials",
        2.0,
        "maximize",
        "validation accuracy",
        0.9,
        math.nan,
        2,
        1.5,
        0.25,
        best_params={"C": 1.0, "kernel": "rbf"},
    )
    curve = [
        CurvePoint("tpe", "svm-wine", 1, 2.0, 1, 0.5, math.nan, math.nan),
        CurvePoint("tpe", "svm-wine", 1, 2.0, 2, 1.0, 0.9, 0.9),
    ]
    params = [
        ParamRecord("tpe", "svm-wine", 1, 2.0, 2, "C", "1.0", 1.0, 0.9),
        ParamRecord("tpe", "svm-wine", 1, 2.0, 2, "kernel", "rbf", None, 0.9),
    ]
    return result, curve, params


def _same(a: object, b: object) -> bool:
    return repr(a) == repr(b)  # NaN != NaN, but their reprs agree


def test_a_cell_file_round_trips_with_nans_and_parameters(tmp_path: Path) -> None:
    result, curve, params = _records()
    path = write_cell(tmp_path, "cell-1", result, curve, params)
    assert path == tmp_path / "cells" / "cell-1.json"
    assert not list(tmp_path.glob("cells/*.tmp"))
    back_result, back_curve, back_params = read_cell(path)
    assert _same(back_result, result) and back_result.best_params == {"C": 1.0, "kernel": "rbf"}
    assert _same(back_curve, curve) and _same(back_params, params)


def test_tables_read_back_the_same_records_without_the_cell_files(tmp_path: Path) -> None:
    result, curve, params = _records()
    write_cell(tmp_path, "cell-1", result, curve, params)
    (tmp_path / "config.json").write_text('{"seeds": [1]}')
    written = write_tables(tmp_path)
    header = (tmp_path / "results.csv").read_text().splitlines()[0]
    assert header.startswith("method,task,seed,budget_kind,budget,direction,metric,best_value")
    assert "best_params" not in header
    shutil.rmtree(tmp_path / "cells")
    loaded = load_results(tmp_path)
    assert loaded.config == {"seeds": [1]}
    assert _same(loaded.curves, written.curves) and _same(loaded.params, written.params)
    assert loaded.cells[0].best_value == 0.9 and math.isnan(loaded.cells[0].test_score)


def test_load_results_rejects_a_directory_without_results(tmp_path: Path) -> None:
    with pytest.raises(InvalidParameterError, match="not a comparison directory"):
        load_results(tmp_path)
