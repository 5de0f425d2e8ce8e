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

import contextlib
import dataclasses
import json
import math
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from smarttune._validation import read_bounded, shown
from smarttune.exceptions import DataError, InvalidParameterError
from smarttune.knowledge._records import StudyRecord

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

__all__ = [
    "FORMAT",
    "MAX_BYTES",
    "VERSION",
    "Learned",
    "add_to_file",
    "dump_records",
    "load_records",
    "write_document",
]

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
    """Parse the JSON file at ``path`` (a regular file, read up to a bound), or a DataError.

    Raises:
        DataError: One line: the file is missing, not a regular file, over :data:`MAX_BYTES`,
            or not JSON.
    """
    file = Path(path)
    try:
        data = read_bounded(file, MAX_BYTES)
        return json.loads(data.decode("utf-8"), parse_constant=_reject_constant)
    except OSError as exc:
        raise DataError(f"knowledge base {file}: cannot be read ({exc.strerror})") from None
    except InvalidParameterError as exc:
        raise DataError(f"knowledge base {exc}") from None
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        line = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise DataError(f"knowledge base {file}: not valid JSON ({shown(line, 200)})") from None


def write_document(path: Path, document: dict[str, Any]) -> None:
    """Write ``document`` as compact JSON to ``path`` atomically (a temporary file, renamed)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(document, separators=(",", ":"), allow_nan=False)
    handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.chmod(tmp, 0o644)  # mkstemp makes it private; a knowledge base is meant to be shared
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


@dataclasses.dataclass(frozen=True)
class Learned:
    """How :func:`add_to_file` stored a study.

    Attributes:
        name: The name the record has in the file: the study's, or ``"name (2)"`` and so on
            when the file already holds a study of another task under the study's name.
        replaced: Whether it replaced the file's earlier record of the same study (same name
            and the same task, family and dataset: a resumed or re-run study).
    """

    name: str
    replaced: bool


def add_to_file(path: Path, record: StudyRecord) -> Learned:
    """Merge ``record`` into the knowledge-base file at ``path`` (created if absent).

    The file is read, updated and replaced atomically while holding an exclusive lock on
    ``<path>.lock`` (``fcntl.flock``), so concurrent learners each add their study and none is
    lost. A record of another task never replaces one of the same name: it is renamed.

    Raises:
        DataError: If the existing file is not a valid knowledge base.
    """
    with _locked(path):
        exists = path.exists()
        records = load_records(read_document(path), source=str(path)) if exists else []
        by_name = {r.name: r for r in records}
        name, replaced = _place(record, by_name)
        by_name[name] = record if name == record.name else dataclasses.replace(record, name=name)
        write_document(path, dump_records(by_name.values()))
    return Learned(name, replaced)


def _place(record: StudyRecord, by_name: dict[str, StudyRecord]) -> tuple[str, bool]:
    """The name ``record`` is stored under, and whether it replaces a record of that name."""

    def same_study(other: StudyRecord) -> bool:
        return (other.task, other.family, other.dataset) == (
            record.task,
            record.family,
            record.dataset,
        )

    name, copy = record.name, 1
    while name in by_name and not same_study(by_name[name]):
        copy += 1
        name = f"{record.name} ({copy})"
    return name, name in by_name


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    """Hold an exclusive ``flock`` on ``<path>.lock`` (no lock where fcntl is missing)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        yield
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_name(path.name + ".lock"), "a") as lock:
        fcntl.flock(lock.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock.fileno(), fcntl.LOCK_UN)


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
            f"the distribution of {shown(name)} is not one of {', '.join(sorted(_DISTRIBUTIONS))}",
        )
        try:
            out[name] = json_to_distribution(json.dumps(spec))
        except (ValueError, TypeError, KeyError, AssertionError, OverflowError) as exc:
            reason = shown(str(exc), 120)
            raise DataError(f"the distribution of {shown(name)} is invalid ({reason})") from None
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
                f"a value of {shown(name)} is outside its distribution",
            )
            config[name] = dist.to_external_repr(float(value))
        params.append(config)
    return params


def _is_number(value: Any) -> bool:
    """A JSON number that is a finite float (an integer too large for a float is not)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    try:
        return math.isfinite(value)
    except OverflowError:  # an int beyond the float range
        return False


def _check(condition: bool, message: str) -> None:
    if not condition:
        raise DataError(message)
