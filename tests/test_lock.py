"""The lock (requirements/constraints.txt) pins every dependency the Makefile installs."""

from __future__ import annotations

import re
from importlib import metadata
from pathlib import Path

import pytest
import tomllib
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).parents[1]
LOCK = ROOT / "requirements" / "constraints.txt"


def _pins() -> dict[str, Version]:
    pins = {}
    for line in LOCK.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, _, version = line.partition("==")
            assert version, f"not an exact pin: {line!r}"
            pins[canonicalize_name(name)] = Version(version)
    return pins


def _requirements() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    lines = list(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        lines += extra
    requirements = [Requirement(line) for line in lines]
    return [r for r in requirements if canonicalize_name(r.name) != "smarttune"]


def test_every_requirement_of_every_extra_is_pinned_within_its_range() -> None:
    pins = _pins()
    for requirement in _requirements():
        marker = requirement.marker
        if marker is not None and not marker.evaluate({"python_version": "3.11"}):
            continue
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{requirement.name} is not in the lock: run scripts/lock"
        assert requirement.specifier.contains(pins[name], prereleases=True), (
            f"lock pins {name}=={pins[name]} outside {requirement}: run scripts/lock"
        )


def test_the_lock_keeps_the_local_cpu_torch_and_the_build_tools() -> None:
    pins = _pins()
    assert pins["torch"] == Version("2.13.0")
    assert {"pip", "setuptools", "wheel"} <= pins.keys()


def test_every_makefile_install_uses_the_lock() -> None:
    makefile = (ROOT / "Makefile").read_text()
    assert "LOCK   := requirements/constraints.txt" in makefile
    installs = [line for line in makefile.splitlines() if re.search(r"pip install", line)]
    assert installs, "the Makefile installs nothing?"
    assert all("--constraint $(LOCK)" in line for line in installs), installs
    assert makefile.count("$(PIP)") >= 5  # venv tools, and torch + project for demo and test


@pytest.mark.parametrize("name", ["optuna", "numpy", "scipy", "scikit-learn", "torch"])
def test_the_installed_versions_are_the_locked_ones(name: str) -> None:
    installed = Version(metadata.version(name))
    assert Version(installed.public) == _pins()[canonicalize_name(name)], (
        f"{name} {installed} is installed but the lock says {_pins()[canonicalize_name(name)]}:"
        " reinstall with `make clean test`"
    )
