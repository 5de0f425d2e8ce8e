"""Fuzzed config files through the CLI: every malformed file is one error line and exit 2."""

from __future__ import annotations

import contextlib
import io
import json
import math
import tempfile
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from smarttune.cli import main
from smarttune.config import load_config

TOP = ["task", "objective", "study", "direction", "sampler", "pruner", "storage", "executor"]
TOP += ["jobs", "seed", "device", "budget", "space"]
PARAM = ["type", "low", "high", "log", "step", "choices"]

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.sampled_from(
        [
            *("svm-digits", "tpe", "median", "local", "ray", "maximize", "float", "int"),
            *("categorical", "auto", "x.py:f", "os:getcwd", "sqlite:///:memory:"),
        ]
    ),
)
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=8,
)
param_tables = st.dictionaries(st.sampled_from(PARAM) | st.text(max_size=5), values, max_size=5)
space_tables = st.dictionaries(st.text(max_size=5), param_tables | values, max_size=3)
budget_tables = st.dictionaries(
    st.sampled_from(["trials", "timeout"]) | st.text(max_size=5), values
)
documents = st.dictionaries(st.sampled_from(TOP) | st.text(max_size=8), values, max_size=6).flatmap(
    lambda d: st.fixed_dictionaries(
        {},
        optional={"budget": budget_tables | values, "space": space_tables | values},
    ).map(lambda extra: {**d, **extra})
)


class ReachedError(Exception):
    """The config was accepted and the command went on to load the objective."""


def _toml_value(value: Any) -> str:
    if value is None:
        return '"null"'  # TOML has no null; a string stands in
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return "nan" if math.isnan(value) else ("inf" if value == math.inf else repr(value))
    if isinstance(value, (int, str)):
        return repr(value) if isinstance(value, int) else json.dumps(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    items = ", ".join(f"{json.dumps(k)} = {_toml_value(v)}" for k, v in value.items())
    return "{ " + items + " }"


def _toml(document: dict[str, Any]) -> str:
    return "".join(f"{json.dumps(k)} = {_toml_value(v)}\n" for k, v in document.items())


def _run_cli(path: Path) -> None:
    """main() must return 2 with one line on stderr, unless the file is a valid config."""
    stderr = io.StringIO()
    with (
        mock.patch("smarttune.cli._tune.load_objective", side_effect=ReachedError),
        contextlib.redirect_stderr(stderr),
        contextlib.redirect_stdout(io.StringIO()),
    ):
        try:
            code = main(["tune", "--config", str(path), "--quiet"])
        except ReachedError:
            load_config(path)  # accepted: it must really be valid
            return
    lines = stderr.getvalue().splitlines()
    assert code == 2, (code, stderr.getvalue())
    assert len(lines) == 1 and lines[0].startswith("error: "), stderr.getvalue()


pytestmark = pytest.mark.slow

FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(document=documents)
def test_fuzzed_toml_documents(document: dict[str, Any]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "study.toml"
        path.write_text(_toml(document), encoding="utf-8", errors="surrogatepass")
        _run_cli(path)


@FUZZ
@given(document=documents)
def test_fuzzed_yaml_documents(document: dict[str, Any]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "study.yaml"
        path.write_text(yaml.safe_dump(document), encoding="utf-8", errors="surrogatepass")
        _run_cli(path)


@FUZZ
@given(
    raw=st.binary(max_size=200) | st.text(max_size=200).map(str.encode),
    suffix=st.sampled_from([".toml", ".yaml", ".yml", ".json"]),
)
def test_fuzzed_raw_files(raw: bytes, suffix: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"study{suffix}"
        path.write_bytes(raw)
        _run_cli(path)


BASE = {
    "objective": "train.py:objective",
    "sampler": "tpe",
    "budget": {"trials": 3},
    "space": {"x": {"type": "float", "low": 0.0, "high": 1.0}},
}
KEY_PATHS = [("sampler",), ("budget", "trials"), ("budget", "timeout"), ("space", "x", "low")]
KEY_PATHS += [("space", "x", "high"), ("space", "x", "type"), ("space", "x", "step"), ("seed",)]
KEY_PATHS += [("space", "x", "log"), ("jobs",), ("executor",), ("objective",), ("study",)]


@FUZZ
@given(where=st.sampled_from(KEY_PATHS), value=values)
def test_one_corrupted_key_of_a_valid_config(where: tuple[str, ...], value: Any) -> None:
    document = json.loads(json.dumps(BASE))
    table = document
    for key in where[:-1]:
        table = table[key]
    table[where[-1]] = value
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "study.yaml"
        path.write_text(yaml.safe_dump(document), encoding="utf-8", errors="surrogatepass")
        _run_cli(path)
