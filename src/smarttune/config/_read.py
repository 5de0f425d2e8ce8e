"""Read a study config file into plain data: TOML through ``tomllib``, YAML through PyYAML.

Every way a file can fail to be read (missing, a directory, a device, over :data:`MAX_BYTES`,
not UTF-8, a syntax error, a YAML document that is not a mapping or whose aliases expand to more
than :data:`MAX_YAML_NODES` nodes) becomes one :class:`InvalidParameterError` whose message is a
single line naming the file.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from smarttune._imports import optional_import
from smarttune._validation import read_bounded
from smarttune.exceptions import InvalidParameterError

__all__ = ["FORMATS", "MAX_BYTES", "MAX_YAML_NODES", "read_document"]

#: File suffixes and the format each one is read as.
FORMATS = {".toml": "toml", ".yaml": "yaml", ".yml": "yaml"}
#: Config files larger than this are refused (a study config is a few hundred bytes).
MAX_BYTES = 2**20
#: A YAML document whose nodes, with every alias expanded, outnumber this is refused: aliases
#: may share a node many times over (the "billion laughs"), and what reads the document later
#: walks and prints it expanded.
MAX_YAML_NODES = 10_000


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
        text = read_bounded(path, MAX_BYTES).decode("utf-8")
    except (OSError, UnicodeDecodeError, InvalidParameterError) as exc:
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
        return _load_bounded_yaml(yaml, text, path)
    except (yaml.YAMLError, ValueError, RecursionError) as exc:
        if isinstance(exc, InvalidParameterError):
            raise
        raise InvalidParameterError(
            f"Cannot parse config {str(path)!r} as YAML: {_one_line(exc)}"
        ) from exc


def _load_bounded_yaml(yaml: Any, text: str, path: Path) -> Any:
    """``yaml.safe_load(text)``, refusing a document whose aliases expand too far."""
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is not None and _expanded_size(node, MAX_YAML_NODES) > MAX_YAML_NODES:
            raise InvalidParameterError(
                f"Cannot read config {str(path)!r}: its aliases expand to more than "
                f"{MAX_YAML_NODES} values; write the values out instead."
            )
        return None if node is None else loader.construct_document(node)
    finally:
        loader.dispose()


def _expanded_size(root: Any, limit: int) -> int:
    """The number of nodes under ``root`` with every alias expanded, counting up to ``limit``.

    Each distinct node's expanded size is computed once, so the walk is linear in the number of
    distinct nodes however often aliases repeat them; a node that contains itself counts as
    over the limit.
    """
    sizes: dict[int, int] = {}
    open_nodes: set[int] = set()

    def size(node: Any) -> int:
        key = id(node)
        if key in sizes:
            return sizes[key]
        if key in open_nodes:  # a recursive alias: infinite when expanded
            return limit + 1
        open_nodes.add(key)
        children = node.value if isinstance(node.value, list) else []
        total = 1
        for child in children:
            for part in child if isinstance(child, tuple) else (child,):
                total = min(total + size(part), limit + 1)
        open_nodes.discard(key)
        sizes[key] = total
        return total

    return size(root)


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= 300 else text[:297] + "..."
