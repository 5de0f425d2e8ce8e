from __future__ import annotations

import os
from pathlib import Path

import optuna
import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def _quiet_optuna() -> None:
    optuna.logging.set_verbosity(optuna.logging.WARNING)


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'study.db'}"


@pytest.fixture
def shared_data_dir() -> Path:
    """The verified dataset copies (CI sets SMARTTUNE_TEST_DATA_DIR to ../shared/datasets)."""
    configured = os.environ.get("SMARTTUNE_TEST_DATA_DIR")
    path = Path(configured) if configured else REPO_ROOT.parent / "shared" / "datasets"
    if not path.is_dir():
        pytest.skip(f"dataset copies not found at {path}; set SMARTTUNE_TEST_DATA_DIR")
    return path


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
