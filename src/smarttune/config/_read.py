"""Read a study config file into plain data: TOML through ``tomllib``, YAML through PyYAML.

Every way a file can fail to be read (missing, a directory, not UTF-8, a syntax error, a YAML
document that is not a mapping) becomes one :class:`InvalidParameterError` whose message is a
single line naming the file.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from smarttune._imports import optional_import
from smarttune.exceptions import InvalidParameterError

__all__ = ["FORMATS", "read_document"]

#: File suffixes and the format each one is read as.
FORMATS = {".toml": "toml", ".yaml": "yaml", ".yml": "yaml"}


def read_document(path: Path) -> dict[str, Any]:
    """Return the top-level table of the TOML or YAML file at ``path``.

    Raises:
        InvalidParameterError: If the file cannot be read or parsed, or is not a mapping.
    """
    kind = FORMATS.get(path.suffix.lower())
    if kind is None:
        raise InvalidParameterError(
            f"Cannot read config {str(path)!r}: the file name must end in .toml, .yaml or .yml."
        )
    try:
        text = path.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidParameterError(f"Cannot read config {str(path)!r}: {_one_line(exc)}") from exc
    document = _parse_toml(text, path) if kind == "toml" else _parse_yaml(text, path)
    if document is None:
        document = {}
    if not isinstance(document, dict):
        raise InvalidParameterError(
            f"Cannot read config {str(path)!r}: the document must be a mapping of keys to "
            f"values. Got a {type(document).__name__} instead."
        )
    return document


def _parse_toml(text: str, path: Path) -> Any:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        tomllib = optional_import("tomli", extra="toml", purpose="reading TOML on Python 3.10")
    try:
        return tomllib.loads(text)
    except (tomllib.TOMLDecodeError, ValueError, RecursionError) as exc:
        raise InvalidParameterError(
            f"Cannot parse config {str(path)!r} as TOML: {_one_line(exc)}"
        ) from exc


def _parse_yaml(text: str, path: Path) -> Any:
    yaml = optional_import("yaml", extra="yaml", purpose="reading a YAML config")
    try:
        return yaml.safe_load(text)
    except (yaml.YAMLError, ValueError, RecursionError) as exc:
        raise InvalidParameterError(
            f"Cannot parse config {str(path)!r} as YAML: {_one_line(exc)}"
        ) from exc


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= 300 else text[:297] + "..."
