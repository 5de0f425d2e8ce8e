from __future__ import annotations

import pytest

from smarttune._validation import (
    InstanceOf,
    Interval,
    IsCallable,
    Options,
    validate_parameter,
    validate_params,
)
from smarttune.exceptions import InvalidParameterError, SmartTuneError


@pytest.mark.parametrize(
    ("constraint", "good", "bad"),
    [
        (Interval(int, 1, None), [1, 2, 10**9], [0, -1, 1.5, True, "3", None]),
        (Interval(float, 0, 1), [0, 0.5, 1, 1.0], [-0.1, 1.01, float("nan"), "x"]),
        (Interval(float, 0, 1, closed="neither"), [0.5], [0, 1]),
        (Interval(float, 0, 1, closed="left"), [0], [1]),
        (Interval(float, 0, 1, closed="right"), [1], [0]),
        (Interval(float, None, 0), [-1e300, 0], [1e-9]),
        (Options(("a", "b")), ["a", "b"], ["c", None, ["a"]]),
        (InstanceOf(str), ["x"], [1]),
        (IsCallable(), [len], [1]),
    ],
)
def test_constraints_accept_and_reject(
    constraint: object, good: list[object], bad: list[object]
) -> None:
    assert all(constraint.is_satisfied_by(v) for v in good)  # type: ignore[attr-defined]
    assert not any(constraint.is_satisfied_by(v) for v in bad)  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("constraint", "text"),
    [
        (Interval(int, 2, None), "an int in the range [2, inf)"),
        (Interval(float, 0, 1, closed="neither"), "a float in the range (0, 1)"),
        (Interval(float, None, 0.5), "a float in the range (-inf, 0.5]"),
        (Options(("a", 1)), "one of {'a', 1}"),
        (InstanceOf(str, type(None)), "an instance of 'str' or None"),
        (
            InstanceOf(InvalidParameterError),
            "an instance of 'smarttune.exceptions.InvalidParameterError'",
        ),
    ],
)
def test_constraint_descriptions(constraint: object, text: str) -> None:
    assert str(constraint) == text


def test_message_names_parameter_owner_range_and_value() -> None:
    with pytest.raises(
        InvalidParameterError,
        match=r"^The 'population_size' parameter of GeneticSampler must be an int in the range "
        r"\[2, inf\)\. Got 1 instead\.$",
    ):
        validate_parameter("population_size", 1, [Interval(int, 2, None)], owner="GeneticSampler")


def test_several_constraints_are_joined_with_or() -> None:
    with pytest.raises(
        InvalidParameterError, match=r"an int in the range \[1, inf\) or None\. Got 'x'"
    ):
        validate_params({"n": "x", "other": 5}, {"n": [Interval(int, 1, None), None]}, owner="f()")


def test_none_is_allowed_only_when_declared() -> None:
    validate_parameter("n", None, [Interval(int, 1, None), None])
    with pytest.raises(InvalidParameterError, match="Got None instead"):
        validate_parameter("n", None, [Interval(int, 1, None)])


def test_invalid_parameter_error_is_both_ours_and_a_value_error() -> None:
    assert issubclass(InvalidParameterError, SmartTuneError)
    assert issubclass(InvalidParameterError, ValueError)
