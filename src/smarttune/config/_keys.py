"""Shared checks of config tables: unknown keys and custom one-line errors."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from typing import Any, NoReturn

from smarttune._validation import shown
from smarttune.exceptions import InvalidParameterError

__all__ = ["check_keys", "fail", "label", "show"]


def show(value: Any) -> str:
    """``repr(value)`` on one line, shortened past 120 characters (bounded work, see ``shown``)."""
    return shown(value, 120)


def label(name: str) -> str:
    """A key as it appears in a dotted path: itself, or its repr when it holds line breaks."""
    return (name if name.isprintable() else repr(name)) if len(name) <= 120 else show(name)


def fail(key: str, expected: str, value: Any, *, where: str) -> NoReturn:
    """Raise the standard message: the key, what it must be, and the value given."""
    raise InvalidParameterError(
        f"The '{key}' key of {where} must be {expected}. Got {show(value)} instead."
    )


def check_keys(
    table: Mapping[Any, Any], allowed: Iterable[str], *, prefix: str, where: str
) -> None:
    """Raise for the first key of ``table`` that is not a string in ``allowed``."""
    allowed = tuple(allowed)
    for key in table:
        if isinstance(key, str) and key in allowed:
            continue
        guessable = isinstance(key, str) and len(key) <= 100
        close = difflib.get_close_matches(key, allowed, n=1) if guessable else []
        hint = f" (did you mean '{prefix}{close[0]}'?)" if close else ""
        listed = ", ".join(f"'{prefix}{name}'" for name in allowed)
        raise InvalidParameterError(
            f"Unknown key {show(prefix + key if isinstance(key, str) else key)} in {where}{hint}; "
            f"the keys allowed here are {listed}."
        )
