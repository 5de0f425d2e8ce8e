from __future__ import annotations

import subprocess
import sys

import pytest

import smarttune
from smarttune import exceptions
from smarttune._imports import optional_import


def test_every_error_derives_from_smarttune_error() -> None:
    for name in exceptions.__all__:
        assert issubclass(getattr(exceptions, name), exceptions.SmartTuneError)


def test_unknown_name_error_prints_without_key_error_quotes() -> None:
    assert str(exceptions.UnknownNameError("Unknown sampler 'x'")) == "Unknown sampler 'x'"


def test_optional_import_returns_module() -> None:
    assert optional_import("json", extra="none").dumps([1]) == "[1]"


def test_optional_import_names_the_extra_to_install() -> None:
    with pytest.raises(
        exceptions.MissingDependencyError,
        match=r"'no_such_module_xyz' is not installed; the demo needs it; install it with: "
        r"pip install 'smarttune\[torch\]'",
    ):
        optional_import("no_such_module_xyz", extra="torch", purpose="the demo")


def test_public_api_all_is_sorted_complete_and_documented() -> None:
    public = smarttune.__all__
    assert list(public) == sorted(public)
    assert set(exceptions.__all__) | {"tune", "__version__"} <= set(public)
    for name in public:
        value = getattr(smarttune, name)
        if callable(value):
            assert value.__doc__, f"{name} has no docstring"
    assert "tune" in dir(smarttune)
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        _ = smarttune.nope  # type: ignore[attr-defined]


def test_import_smarttune_is_light() -> None:
    code = (
        "import sys, smarttune, smarttune.cli; "
        "heavy = [m for m in ('torch', 'ray', 'matplotlib', 'plotly', 'sklearn') if m in sys.modules]; "
        "print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
    bare = subprocess.run(
        [sys.executable, "-c", "import sys, smarttune; print('optuna' in sys.modules)"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert bare.stdout.strip() == "False"
