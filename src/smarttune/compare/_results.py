"""The results of a comparison: records, the per-cell files and the tables (the #5/#9 contract).

``smarttune compare --out DIR`` writes one JSON file per finished cell under ``DIR/cells/``
(atomically: its presence means "done", which makes a run resumable), then the tables built
from them: ``results.csv``/``results.json`` (one row per cell), ``curves.csv`` (one row per
evaluation) and ``params.csv`` (one row per evaluation and parameter). :func:`load_results`
reads them back as frozen dataclasses; nothing here plots or needs pandas.
"""

from __future__ import annotations

import csv
import json
import math
import os
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from smarttune.exceptions import InvalidParameterError

__all__ = [
    "CELLS_DIRECTORY",
    "CellResult",
    "ComparisonResults",
    "CurvePoint",
    "ParamRecord",
    "cell_file",
    "load_results",
    "read_cell",
    "write_cell",
    "write_tables",
]

#: The sub-directory of the per-cell files.
CELLS_DIRECTORY = "cells"


@dataclass(frozen=True)
class CellResult:
    """One method on one task with one seed and one budget (a row of ``results.csv``).

    Attributes:
        method: The method's name, e.g. ``"tpe"``.
        task: The task's name, e.g. ``"svm-digits"`` or ``"bbob-f1-d2-i1"``.
        seed: The seed of the method (and of the task's splits and training).
        budget_kind: ``"trials"`` or ``"seconds"``.
        budget: The number of evaluations, or of seconds.
        direction: ``"maximize"`` or ``"minimize"``.
        metric: What the values measure, e.g. ``"validation accuracy"``.
        best_value: The best validation value found (NaN if no evaluation finished).
        test_score: The holdout score of the final configuration (NaN when the task has none).
        n_evaluations: The objective evaluations run.
        wall_time_s: Wall-clock seconds of the cell's search (without the final fit).
        sampler_time_s: Seconds spent choosing configurations (outside the objective).
        status: ``"ok"`` or ``"failed"``.
        error: Why the cell failed, or ``""``.
        best_params: The final configuration (only in the cell files and ``results.json``).
    """

    method: str
    task: str
    seed: int
    budget_kind: str
    budget: float
    direction: str
    metric: str
    best_value: float
    test_score: float
    n_evaluations: int
    wall_time_s: float
    sampler_time_s: float
    status: str = "ok"
    error: str = ""
    best_params: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True)
class CurvePoint:
    """One evaluation of a cell (a row of ``curves.csv``); ``value`` is NaN if it failed."""

    method: str
    task: str
    seed: int
    budget: float
    evaluation: int
    elapsed_s: float
    value: float
    best_so_far: float


@dataclass(frozen=True)
class ParamRecord:
    """One parameter of one evaluation (a row of ``params.csv``).

    ``value`` is the parameter's value as a string; ``numeric_value`` is it as a float when it
    is a number (None for a category); ``score`` is the evaluation's value.
    """

    method: str
    task: str
    seed: int
    budget: float
    evaluation: int
    param: str
    value: str
    numeric_value: float | None
    score: float


@dataclass(frozen=True)
class ComparisonResults:
    """Everything a comparison directory holds, as records."""

    cells: list[CellResult]
    curves: list[CurvePoint]
    params: list[ParamRecord]
    config: dict[str, Any]


# --- per-cell files ----------------------------------------------------------------------------


def cell_file(directory: str | os.PathLike[str], cell_id: str) -> Path:
    """The path of the file that marks the cell ``cell_id`` as done."""
    return Path(directory) / CELLS_DIRECTORY / f"{cell_id}.json"


def write_cell(
    directory: str | os.PathLike[str],
    cell_id: str,
    result: CellResult,
    curve: list[CurvePoint],
    params: list[ParamRecord],
) -> Path:
    """Write one finished cell atomically (a temporary file, then ``os.replace``)."""
    path = cell_file(directory, cell_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    document = {
        "result": _plain(asdict(result)),
        "curve": [_plain(asdict(point)) for point in curve],
        "params": [_plain(asdict(record)) for record in params],
    }
    temporary = path.with_suffix(f".{os.getpid()}.tmp")
    temporary.write_text(json.dumps(document, default=str))
    os.replace(temporary, path)
    return path


def read_cell(
    path: str | os.PathLike[str],
) -> tuple[CellResult, list[CurvePoint], list[ParamRecord]]:
    """Read a file written by :func:`write_cell`."""
    document = json.loads(Path(path).read_text())
    result = _build(CellResult, document["result"])
    curve = [_build(CurvePoint, row) for row in document["curve"]]
    params = [_build(ParamRecord, row) for row in document["params"]]
    return result, curve, params


# --- tables ------------------------------------------------------------------------------------

_RESULT_COLUMNS = tuple(f.name for f in fields(CellResult) if f.name != "best_params")


def _read_cells(directory: Path) -> tuple[list[CellResult], list[CurvePoint], list[ParamRecord]]:
    cells: list[CellResult] = []
    curves: list[CurvePoint] = []
    params: list[ParamRecord] = []
    for path in sorted((directory / CELLS_DIRECTORY).glob("*.json")):
        result, curve, records = read_cell(path)
        cells.append(result)
        curves.extend(curve)
        params.extend(records)
    return cells, curves, params


def write_tables(directory: str | os.PathLike[str]) -> ComparisonResults:
    """Gather the cell files into ``results.csv``/``.json``, ``curves.csv`` and ``params.csv``."""
    root = Path(directory)
    cells, curves, params = _read_cells(root)
    _write_csv(root / "results.csv", _RESULT_COLUMNS, [asdict(cell) for cell in cells])
    rows = [_plain(asdict(cell)) for cell in cells]
    (root / "results.json").write_text(json.dumps(rows, indent=1, default=str))
    _write_csv(root / "curves.csv", _names(CurvePoint), [asdict(point) for point in curves])
    _write_csv(root / "params.csv", _names(ParamRecord), [asdict(record) for record in params])
    return ComparisonResults(cells, curves, params, _read_config(root))


def load_results(directory: str | os.PathLike[str]) -> ComparisonResults:
    """Read a comparison directory written by ``smarttune compare --out DIR``.

    The per-cell files are the source of truth; when a run was cut short before its tables
    were written, the cells finished so far are still returned.

    Raises:
        InvalidParameterError: If ``directory`` holds neither cell files nor ``results.csv``.
    """
    root = Path(directory)
    if (root / CELLS_DIRECTORY).is_dir():
        cells, curves, params = _read_cells(root)
        return ComparisonResults(cells, curves, params, _read_config(root))
    if not (root / "results.csv").is_file():
        raise InvalidParameterError(
            f"{str(root)!r} is not a comparison directory: it has no cells/ and no results.csv "
            "(write one with `smarttune compare --out DIR`)."
        )
    cells = [_build(CellResult, row) for row in _read_csv(root / "results.csv")]
    curves = [_build(CurvePoint, row) for row in _read_csv(root / "curves.csv")]
    params = [_build(ParamRecord, row) for row in _read_csv(root / "params.csv")]
    return ComparisonResults(cells, curves, params, _read_config(root))


def _read_config(root: Path) -> dict[str, Any]:
    path = root / "config.json"
    config: dict[str, Any] = json.loads(path.read_text()) if path.is_file() else {}
    return config


def _names(record: type) -> tuple[str, ...]:
    return tuple(f.name for f in fields(record))


def _write_csv(path: Path, columns: tuple[str, ...], rows: list[dict[str, Any]]) -> None:
    temporary = path.with_suffix(".csv.tmp")
    with temporary.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(columns)
        writer.writerows([_text(row[name]) for name in columns] for row in rows)
    os.replace(temporary, path)


def _read_csv(path: Path) -> list[dict[str, str]]:
    if not path.is_file():
        return []
    with path.open(newline="", encoding="utf-8") as stream:
        return list(csv.DictReader(stream))


def _text(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value)


def _plain(row: dict[str, Any]) -> dict[str, Any]:
    """JSON has no NaN: write it as null."""
    return {k: None if isinstance(v, float) and math.isnan(v) else v for k, v in row.items()}


def _build(record: type[Any], row: dict[str, Any]) -> Any:
    """A record from a JSON object or a CSV row (strings), restoring types and NaNs."""
    values: dict[str, Any] = {}
    for f in fields(record):
        if f.name not in row:
            continue
        raw, kind = row[f.name], str(f.type)
        if kind == "int":
            values[f.name] = int(raw)
        elif kind == "float":
            values[f.name] = math.nan if raw is None or raw == "" else float(raw)
        elif kind == "float | None":
            values[f.name] = None if raw is None or raw == "" else float(raw)
        elif kind.startswith("dict"):
            values[f.name] = dict(raw) if isinstance(raw, dict) else {}
        else:
            values[f.name] = "" if raw is None else str(raw)
    return record(**values)
