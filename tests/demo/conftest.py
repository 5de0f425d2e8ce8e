from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

RunDemo = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def run_demo(tmp_path: Path) -> RunDemo:
    """``smarttune demo --quiet`` in a subprocess, its study in ``tmp_path/d.db``."""

    def run(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "smarttune", "demo", "--quiet", "--out", str(tmp_path / "o"),
             *args],
            capture_output=True,
            text=True,
            cwd=tmp_path,
            env={**os.environ, "SMARTTUNE_STORAGE": f"sqlite:///{tmp_path / 'd.db'}", **env},
            check=False,
            timeout=300,
        )  # fmt: skip

    return run
