"""Knowledge bases as JSON: export, and an import that trusts nothing it reads.

A knowledge base may come from someone else, so the format is plain JSON (never pickle) and
:func:`load_records` checks every field against the schema below before building anything;
any departure raises :class:`~smarttune.exceptions.DataError` with one line saying where::

    {"format": "smarttune-knowledge", "version": 1,
     "studies": [{"name": str, "task": str, "family": str, "dataset": str,
                  "direction": "maximize" | "minimize", "seconds": number >= 0,
                  "meta_features": {str: finite number},
                  "space": {param: {"name": "FloatDistribution" | "IntDistribution" |
                                             "CategoricalDistribution", "attributes": {...}}},
                  "trials": [[internal value or null per parameter of "space"], ...],
                  "values": [finite number per trial]}]}

Parameter values are stored in Optuna's internal representation (a float; the index of a
choice for categorical parameters), ``null`` where a conditional parameter is absent.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

from smarttune.exceptions import DataError, InvalidParameterError
from smarttune.knowledge._records import StudyRecord

if TYPE_CHECKING:
    import os
    from collections.abc import Iterable

__all__ = ["FORMAT", "MAX_BYTES", "VERSION", "dump_records", "load_records"]

FORMAT = "smarttune-knowledge"
VERSION = 1
#: Files larger than this are refused before parsing.
MAX_BYTES = 256 * 2**20
_STUDY_KEYS = frozenset(
    {
        "name",
        "task",
        "family",
        "dataset",
        "direction",
        "seconds",
        "meta_features",
        "space",
        "trials",
        "values",
    }
)
_DISTRIBUTIONS = frozenset({"FloatDistribution", "IntDistribution", "CategoricalDistribution"})
_SIGNIFICANT_DIGITS = 7


def dump_records(records: Iterable[StudyRecord]) -> dict[str, Any]:
    """Return the JSON document (a dict) of ``records``."""
    return {"format": FORMAT, "version": VERSION, "studies": [_dump(r) for r in records]}


def _dump(record: StudyRecord) -> dict[str, Any]:
    from optuna.distributions import distribution_to_json

    names = list(record.space)
    rows = []
    for params in record.params:
        row = []
        for name in names:
            value = params.get(name)
            absent = name not in params
            row.append(None if absent else _round(record.space[name].to_internal_repr(value)))
        rows.append(row)
    return {
        "name": record.name,
        "task": record.task,
        "family": record.family,
        "dataset": record.dataset,
        "direction": record.direction,
        "seconds": round(float(record.seconds), 3),
        "meta_features": {k: _round(v) for k, v in record.meta_features.items()},
        "space": {n: json.loads(distribution_to_json(d)) for n, d in record.space.items()},
        "trials": rows,
        "values": [_round(v) for v in record.values],
    }


def _round(value: float) -> float:
    return float(f"{float(value):.{_SIGNIFICANT_DIGITS}g}")


def read_document(path: str | os.PathLike[str]) -> Any:
    """Parse the JSON file at ``path`` (size-checked), or raise a one-line DataError."""
    file = Path(path)
    try:
        size = file.stat().st_size
        if size > MAX_BYTES:
            raise DataError(f"knowledge base {file}: {size} bytes is over the {MAX_BYTES} limit")
        return json.loads(file.read_text(encoding="utf-8"), parse_constant=_reject_constant)
    except OSError as exc:
        raise DataError(f"knowledge base {file}: cannot be read ({exc.strerror})") from None
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        line = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise DataError(f"knowledge base {file}: not valid JSON ({line})") from None


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a finite number")


def load_records(document: Any, *, source: str = "document") -> list[StudyRecord]:
    """Validate a parsed JSON document against the schema; return its records.

    Raises:
        DataError: One line naming the first field that breaks the schema.
    """
    if not isinstance(document, dict) or set(document) != {"format", "version", "studies"}:
        raise DataError(
            f"knowledge base {source}: expected an object with the keys format, version and studies"
        )
    if document["format"] != FORMAT or document["version"] != VERSION:
        raise DataError(f"knowledge base {source}: not a {FORMAT!r} document of version {VERSION}")
    studies = document["studies"]
    if not isinstance(studies, list):
        raise DataError(f"knowledge base {source}: 'studies' must be a list")
    records = []
    for i, study in enumerate(studies):
        try:
            records.append(_load(study))
        except (DataError, InvalidParameterError) as exc:
            raise DataError(f"knowledge base {source}: study #{i}: {exc}") from None
    return records


def _load(study: Any) -> StudyRecord:
    if not isinstance(study, dict) or set(study) != _STUDY_KEYS:
        raise DataError(f"expected an object with the keys {', '.join(sorted(_STUDY_KEYS))}")
    for key in ("name", "task", "family", "dataset", "direction"):
        _check(isinstance(study[key], str) and len(study[key]) <= 1000, f"'{key}' is not a string")
    _check(_is_number(study["seconds"]) and study["seconds"] >= 0, "'seconds' is not >= 0")
    meta = study["meta_features"]
    _check(isinstance(meta, dict), "'meta_features' is not an object")
    _check(all(_is_number(v) for v in meta.values()), "a meta-feature is not a finite number")
    space = _load_space(study["space"])
    params = _load_trials(study["trials"], space)
    values = study["values"]
    _check(
        isinstance(values, list) and all(_is_number(v) for v in values),
        "'values' is not a list of finite numbers",
    )
    return StudyRecord(
        name=study["name"],
        task=study["task"],
        family=study["family"],
        dataset=study["dataset"],
        direction=study["direction"],
        meta_features={str(k): float(v) for k, v in meta.items()},
        space=space,
        params=params,
        values=[float(v) for v in values],
        seconds=float(study["seconds"]),
    )


def _load_space(space: Any) -> dict[str, Any]:
    from optuna.distributions import json_to_distribution

    _check(isinstance(space, dict), "'space' is not an object")
    out = {}
    for name, spec in space.items():
        ok = isinstance(spec, dict) and set(spec) == {"name", "attributes"}
        _check(
            ok and spec["name"] in _DISTRIBUTIONS and isinstance(spec["attributes"], dict),
            f"the distribution of {name!r} is not one of {', '.join(sorted(_DISTRIBUTIONS))}",
        )
        try:
            out[name] = json_to_distribution(json.dumps(spec))
        except (ValueError, TypeError, KeyError, AssertionError) as exc:
            raise DataError(f"the distribution of {name!r} is invalid ({exc})") from None
    return out


def _load_trials(rows: Any, space: dict[str, Any]) -> list[dict[str, Any]]:
    _check(isinstance(rows, list), "'trials' is not a list")
    names = list(space)
    params = []
    for row in rows:
        _check(
            isinstance(row, list) and len(row) == len(names),
            f"a trial is not a list of {len(names)} values",
        )
        config = {}
        for name, value in zip(names, row, strict=True):
            if value is None:
                continue
            dist = space[name]
            _check(
                _is_number(value) and dist._contains(float(value)),
                f"a value of {name!r} is outside its distribution",
            )
            config[name] = dist.to_external_repr(float(value))
        params.append(config)
    return params


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _check(condition: bool, message: str) -> None:
    if not condition:
        raise DataError(message)
