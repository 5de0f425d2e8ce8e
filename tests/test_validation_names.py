""" "Did you mean" in the messages generated from Options constraints."""

from __future__ import annotations

import pytest

from smarttune._validation import Interval, Options, validate_parameter
from smarttune.exceptions import InvalidParameterError


def test_a_near_miss_names_the_closest_option() -> None:
    with pytest.raises(
        InvalidParameterError,
        match=r"^The 'direction' parameter must be one of \{'maximize', 'minimize'\}\. "
        r"Got 'maximise' instead\. Did you mean 'maximize'\?$",
    ):
        validate_parameter("direction", "maximise", [Options(("maximize", "minimize"))])


def test_case_alone_is_a_near_miss() -> None:
    with pytest.raises(InvalidParameterError, match=r"Got 'TPE' instead\. Did you mean 'tpe'\?$"):
        validate_parameter("sampler", "TPE", [Options(("hybrid", "tpe"))])


@pytest.mark.parametrize(
    ("value", "constraints"),
    [
        ("sideways", [Options(("maximize", "minimize"))]),  # close to nothing
        (3, [Options((1, 2))]),  # not a string
        ("7", [Interval(int, 1, None)]),  # no options to name
        ("maximize" * 20, [Options(("maximize",))]),  # too long to compare
    ],
)
def test_no_hint_without_a_close_string_option(value: object, constraints: list[object]) -> None:
    with pytest.raises(InvalidParameterError, match=r" instead\.$"):
        validate_parameter("x", value, constraints)  # type: ignore[arg-type]
