"""Declarative parameter checks whose error messages are generated from the declaration.

A function or constructor declares, once, the constraints each parameter must meet; this module
checks values against them and writes the message, in the style of scikit-learn::

    The 'population_size' parameter of GeneticSampler must be an int in the range [2, inf).
    Got 1 instead.

Example:
    >>> PARAMS = {"n_trials": [Interval(int, 1, None), None]}
    >>> validate_params({"n_trials": 5}, PARAMS, owner="tune()")
"""

from __future__ import annotations

import difflib
import math
import numbers
import os
import reprlib
import stat
from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Literal

from smarttune.exceptions import InvalidParameterError

__all__ = [
    "Constraint",
    "InstanceOf",
    "Interval",
    "IsCallable",
    "Options",
    "read_bounded",
    "shown",
    "validate_parameter",
    "validate_params",
]

#: How many characters of a value an error message echoes.
SHOWN_CHARS = 80

Closed = Literal["both", "left", "right", "neither"]


class Constraint(ABC):
    """One set of allowed values; ``str(constraint)`` describes the set in words."""

    @abstractmethod
    def is_satisfied_by(self, value: Any) -> bool:
        """Return whether ``value`` belongs to the allowed set."""

    @abstractmethod
    def __str__(self) -> str:
        """Describe the allowed set, e.g. ``"an int in the range [1, inf)"``."""


class Interval(Constraint):
    """Real numbers (``float``) or integers (``int``) between two optional bounds.

    Args:
        kind: ``int`` for integers (bools excluded) or ``float`` for any real number.
        left: The lower bound, or None for no bound.
        right: The upper bound, or None for no bound.
        closed: Which bounds belong to the interval.
    """

    def __init__(
        self,
        kind: type[int] | type[float],
        left: float | None,
        right: float | None,
        *,
        closed: Closed = "both",
    ) -> None:
        self.kind = kind
        self.left = left
        self.right = right
        self.closed = closed

    def is_satisfied_by(self, value: Any) -> bool:
        if isinstance(value, bool):
            return False
        if self.kind is int and not isinstance(value, numbers.Integral):
            return False
        if not isinstance(value, numbers.Real) or math.isnan(float(value)):
            return False
        x = float(value)
        below = self.left is not None and (
            x < self.left or (x == self.left and self.closed in ("right", "neither"))
        )
        above = self.right is not None and (
            x > self.right or (x == self.right and self.closed in ("left", "neither"))
        )
        return not (below or above)

    def __str__(self) -> str:
        noun = "an int" if self.kind is int else "a float"
        left_bracket = "[" if self.closed in ("both", "left") and self.left is not None else "("
        right_bracket = "]" if self.closed in ("both", "right") and self.right is not None else ")"
        left = "-inf" if self.left is None else _format_bound(self.left)
        right = "inf" if self.right is None else _format_bound(self.right)
        return f"{noun} in the range {left_bracket}{left}, {right}{right_bracket}"


class Options(Constraint):
    """A finite set of allowed values (compared with ``==``)."""

    def __init__(self, options: Iterable[Any]) -> None:
        self.options = tuple(options)

    def is_satisfied_by(self, value: Any) -> bool:
        try:
            return value in self.options
        except TypeError:  # unhashable or incomparable value
            return False

    def __str__(self) -> str:
        return "one of {" + ", ".join(repr(o) for o in self.options) + "}"


class InstanceOf(Constraint):
    """Instances of one of the given types; ``None`` is written as the type ``type(None)``."""

    def __init__(self, *types: type) -> None:
        self.types = types

    def is_satisfied_by(self, value: Any) -> bool:
        return isinstance(value, self.types)

    def __str__(self) -> str:
        names = [_type_name(t) for t in self.types]
        return " or ".join(names)


class IsCallable(Constraint):
    """Any callable object."""

    def is_satisfied_by(self, value: Any) -> bool:
        return callable(value)

    def __str__(self) -> str:
        return "a callable"


def validate_parameter(
    name: str,
    value: Any,
    constraints: Sequence[Constraint | None],
    *,
    owner: str | None = None,
    kind: str = "parameter",
) -> None:
    """Raise :class:`InvalidParameterError` unless ``value`` meets one of ``constraints``.

    Args:
        name: The parameter's name as the user wrote it (``"n_trials"``, ``"--trials"``).
        value: The value given.
        constraints: Allowed sets; ``None`` in the list allows the value ``None``.
        owner: The function or class the parameter belongs to, e.g. ``"tune()"``.
        kind: The word for the parameter in the message (``"parameter"``, ``"option"``).

    Raises:
        InvalidParameterError: Naming the parameter, every allowed set and the value given.
    """
    for constraint in constraints:
        if constraint is None:
            if value is None:
                return
        elif constraint.is_satisfied_by(value):
            return
    descriptions = ["None" if c is None else str(c) for c in constraints]
    if len(descriptions) > 1:
        allowed = ", ".join(descriptions[:-1]) + " or " + descriptions[-1]
    else:
        allowed = descriptions[0]
    where = f" of {owner}" if owner else ""
    raise InvalidParameterError(
        f"The '{name}' {kind}{where} must be {allowed}. Got {shown(value)} instead."
        + _did_you_mean(value, constraints)
    )


def _did_you_mean(value: Any, constraints: Sequence[Constraint | None]) -> str:
    """`` Did you mean 'x'?`` naming the allowed string closest to a string ``value``, or ``""``."""
    if not isinstance(value, str) or len(value) > SHOWN_CHARS:
        return ""
    names = {
        option.lower(): option
        for constraint in constraints
        if isinstance(constraint, Options)
        for option in constraint.options
        if isinstance(option, str)
    }
    close = difflib.get_close_matches(value.strip().lower(), names, n=1)
    return f" Did you mean {names[close[0]]!r}?" if close else ""


def validate_params(
    params: Mapping[str, Any],
    constraints: Mapping[str, Sequence[Constraint | None]],
    *,
    owner: str | None = None,
) -> None:
    """Validate every entry of ``params`` that has a declared constraint (see above)."""
    for name, value in params.items():
        if name in constraints:
            validate_parameter(name, value, constraints[name], owner=owner)


class _BoundedRepr(reprlib.Repr):
    """reprlib's bounded repr, which also spares integers too long to print in full."""

    def __init__(self, limit: int) -> None:
        super().__init__()
        self.maxstring = self.maxother = self.maxlong = limit
        self.maxlevel, self.maxlist, self.maxtuple, self.maxdict = 3, 6, 6, 6
        self.maxset = self.maxfrozenset = self.maxdeque = self.maxarray = 6

    def repr_int(self, x: int, level: int) -> str:
        if x.bit_length() > 4 * self.maxlong:  # more digits than could be shown
            return f"<an int of about {int(x.bit_length() * math.log10(2)) + 1} digits>"
        return super().repr_int(x, level)


def shown(value: Any, limit: int = SHOWN_CHARS) -> str:
    """``repr(value)`` for an error message: one line, at most ``limit`` characters.

    The repr is built with :mod:`reprlib`'s bounds, so a huge or deeply shared value (a 10 MB
    string, a YAML alias bomb, a 5,000-digit integer) costs no more to show than a small one.
    """
    text = " ".join(_BoundedRepr(limit).repr(value).split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def read_bounded(path: str | os.PathLike[str], limit: int) -> bytes:
    """Read a regular file of at most ``limit`` bytes, never more than ``limit + 1`` of them.

    A size from ``stat`` cannot be trusted (``/dev/zero`` and pipes report 0, a file may grow),
    so the read itself is bounded; anything but a regular file is refused.

    Raises:
        OSError: If the file cannot be opened or read.
        InvalidParameterError: If it is not a regular file or is over ``limit`` bytes.
    """
    # O_NONBLOCK: opening a FIFO must not wait for a writer; reads of a regular file ignore it.
    handle = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    with os.fdopen(handle, "rb") as stream:
        if not stat.S_ISREG(os.fstat(stream.fileno()).st_mode):
            raise InvalidParameterError(f"{shown(str(path))} is not a regular file.")
        data = stream.read(limit + 1)
    if len(data) > limit:
        raise InvalidParameterError(f"{shown(str(path))} is over the limit of {limit} bytes.")
    return data


def _format_bound(bound: float) -> str:
    return str(int(bound)) if float(bound).is_integer() and abs(bound) < 1e15 else repr(bound)


def _type_name(t: type) -> str:
    if t is type(None):
        return "None"
    module = t.__module__
    if module == "builtins":
        return f"an instance of '{t.__qualname__}'"
    return f"an instance of '{module.split('._')[0]}.{t.__qualname__}'"
