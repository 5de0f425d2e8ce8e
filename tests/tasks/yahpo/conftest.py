from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def yahpo_dir(monkeypatch: pytest.MonkeyPatch) -> Path:
    """The YAHPO Gym data (CI sets SMARTTUNE_TEST_YAHPO_DIR to ../shared/benchmarks/yahpo)."""
    pytest.importorskip("onnxruntime", reason="the yahpo extra (onnxruntime) is not installed")
    configured = os.environ.get("SMARTTUNE_TEST_YAHPO_DIR")
    path = Path(configured) if configured else REPO_ROOT.parent / "shared" / "benchmarks" / "yahpo"
    if not (path / "splits.json").is_file():
        pytest.skip(f"YAHPO Gym data not found at {path}; set SMARTTUNE_TEST_YAHPO_DIR")
    monkeypatch.setenv("SMARTTUNE_YAHPO_DIR", str(path))
    return path
