"""Tables as plain data: columns, and per cell the text shown and the key it sorts by."""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from smarttune.report._params import ParamSpec
from smarttune.report._study_data import TrialRecord

__all__ = ["Cell", "Table", "cell", "trial_table"]

#: User attributes longer than this (as text) are cut in the table.
MAX_CELL_CHARS = 120


@dataclass(frozen=True)
class Cell:
    """A table cell: the text shown and the number it sorts by (None: sort as text)."""

    text: str
    key: float | None = None


@dataclass(frozen=True)
class Table:
    """A table: column headings and rows of cells (every row as long as ``columns``)."""

    columns: list[str]
    rows: list[list[Cell]]


def cell(value: Any, *, digits: int = 6) -> Cell:
    """A cell for any value.

    Numbers get ``digits`` significant digits and sort as numbers; None is blank; other
    objects are shown as compact JSON, cut to ``MAX_CELL_CHARS``.
    """
    if value is None:
        return Cell("")
    if isinstance(value, bool):
        return Cell(str(value))
    if isinstance(value, int):
        return Cell(str(value), float(value))
    if isinstance(value, float):
        if not math.isfinite(value):
            return Cell(str(value))
        return Cell(f"{value:.{digits}g}", value)
    text = value if isinstance(value, str) else json.dumps(value, default=str)
    if len(text) > MAX_CELL_CHARS:
        text = text[: MAX_CELL_CHARS - 1] + "…"
    return Cell(text)


def _time(seconds: float | None) -> Cell:
    if seconds is None:
        return Cell("")
    stamp = datetime.fromtimestamp(seconds, tz=timezone.utc).strftime("%Y-%m-%d %H:%M:%S")
    return Cell(stamp, seconds)


def trial_table(records: Sequence[TrialRecord], specs: Sequence[ParamSpec]) -> Table:
    """One row per finished trial.

    Columns: number, state, value, duration, phase, generation, worker, start time, each
    parameter, then the user attributes (``history`` is left out: the learning curves show it).
    """
    attrs = sorted({k for r in records for k in r.user_attrs if k != "history"})
    columns = [
        "trial", "state", "value", "duration (s)", "phase", "generation", "worker", "started",
        *(s.name for s in specs), *attrs,
    ]  # fmt: skip
    rows = [
        [
            cell(r.number),
            cell(r.state),
            cell(r.value),
            cell(r.duration, digits=3),
            cell(r.phase),
            cell(r.generation),
            cell(r.worker),
            _time(r.started),
            *(cell(r.params.get(s.name)) for s in specs),
            *(cell(r.user_attrs.get(k)) for k in attrs),
        ]
        for r in records
    ]
    return Table(columns, rows)
