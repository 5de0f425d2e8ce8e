"""Bounded echo (issue 17): error messages show at most a short repr of what the user gave."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from smarttune._validation import SHOWN_CHARS, Interval, read_bounded, shown, validate_parameter
from smarttune.cli import MAX_ERROR_CHARS
from smarttune.exceptions import InvalidParameterError


def _alias_bomb() -> list[object]:
    value: list[object] = ["lol"] * 9
    for _ in range(8):
        value = [value] * 9  # 9**9 strings when printed in full
    return value


@pytest.mark.parametrize(
    "value",
    ["x" * 10_000_000, 10**5000, _alias_bomb(), {f"k{i}": "v" * 1000 for i in range(1000)}],
    ids=["long-string", "huge-int", "alias-bomb", "big-dict"],
)
def test_shown_is_short_and_quick_for_any_value(value: object) -> None:
    start = time.perf_counter()
    text = shown(value)
    assert len(text) <= SHOWN_CHARS and "\n" not in text
    assert time.perf_counter() - start < 0.5


def test_shown_keeps_small_values_as_their_repr() -> None:
    assert [shown(v) for v in (3, "a\nb", [1, "x"], None)] == ["3", "'a\\nb'", "[1, 'x']", "None"]


def test_a_parameter_error_echoes_a_shortened_value() -> None:
    with pytest.raises(InvalidParameterError) as info:
        validate_parameter("n_trials", "9" * 1_000_000, [Interval(int, 1, None)], owner="tune()")
    message = str(info.value)
    assert message.startswith("The 'n_trials' parameter of tune() must be an int in the range")
    assert message.endswith("' instead.") and "999..." in message and len(message) < 200


def test_read_bounded_refuses_devices_and_oversized_files(tmp_path: Path) -> None:
    with pytest.raises(InvalidParameterError, match="'/dev/zero' is not a regular file"):
        read_bounded("/dev/zero", 100)
    big = tmp_path / "big"
    big.write_bytes(b"x" * 101)
    with pytest.raises(InvalidParameterError, match="over the limit of 100 bytes"):
        read_bounded(big, 100)
    assert read_bounded(big, 101) == b"x" * 101


def test_a_huge_option_value_is_one_short_error_line_in_a_subprocess() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "smarttune", "tune", "rf-wine", "--trials", "x" * 100_000],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2 and result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and len(lines[0]) <= len("error: ") + MAX_ERROR_CHARS
    assert lines[0].startswith("error: Invalid value for '--trials': 'xxx")
