"""``smarttune demo --profile``: choosing a profile, its one-line errors, the published line."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from smarttune.cli import main
from smarttune.demo import PROFILES, DemoProfile

RunDemo = Callable[..., subprocess.CompletedProcess[str]]  # the run_demo fixture (conftest)
pytestmark = pytest.mark.torch

# The standard profile's shape (full MNIST, a row cap, an epoch budget) at a tiny size.
TINY_FULL = DemoProfile(
    "standard",
    "full",
    epochs=1,
    final_epochs=1,
    population_size=2,
    min_generations=1,
    max_generations=1,
    bandit_iterations=0,
    max_train_rows=300,
    pruner="hyperband",
    search_epochs=2,
    retrain_all_rows=True,
)


@pytest.fixture(autouse=True)
def _needs_torch() -> None:
    pytest.importorskip("torch", reason="the torch extra is not installed")


def test_an_unknown_profile_is_one_line_naming_the_closest_and_exit_2(
    tmp_path: Path, run_demo: RunDemo
) -> None:
    result = run_demo("--profile", "standart", env={})
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert "--profile" in lines[0]
    assert "'standard'" in lines[0]
    assert not (tmp_path / "d.db").exists()


def test_full_with_another_profile_is_one_line_and_exit_2(
    tmp_path: Path, run_demo: RunDemo
) -> None:
    result = run_demo("--full", "--profile", "standard", env={})
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "error: --full means --profile full; it cannot be combined with --profile standard."
    ]


def test_standard_offline_without_the_files_is_one_line_and_exit_2(
    tmp_path: Path, run_demo: RunDemo
) -> None:
    empty = tmp_path / "data"
    empty.mkdir()
    env = {"SMARTTUNE_OFFLINE": "1", "SMARTTUNE_DATA_DIR": str(empty)}
    result = run_demo("--profile", "standard", env=env)
    assert result.returncode == 2
    assert result.stdout == ""
    err = result.stderr.splitlines()
    assert len(err) == 1, result.stderr
    assert err[0].startswith("error: Dataset file 'mnist/train-images-idx3-ubyte.gz' was not found")


@pytest.mark.slow
@pytest.mark.timeout(900)  # a 1-epoch retrain on all 60,000 images: about a minute when idle
def test_standard_prints_the_published_accuracy_beside_ours(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    shared_data_dir: Path,
) -> None:
    monkeypatch.setitem(PROFILES, "standard", TINY_FULL)
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    args = ["demo", "--profile", "standard", "--storage", url, "--device", "cpu", "--quiet"]
    args += ["--sampler", "random", "--data-dir", str(shared_data_dir), "--out", str(tmp_path)]
    assert main(args) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("smarttune demo (standard): RandomSampler on mnist-alexnet")
    assert "study 'demo-standard-random'" in out[0]
    assert "Retraining the best configuration (trial " in out[-8]
    assert out[-8].endswith(") on all 60,000 training images...")
    line = next(x for x in out if x.startswith("Test accuracy on the official 10,000"))
    assert line.endswith(", published 98.86%")
    assert out[-1].startswith("Study 'demo-standard-random' in ")
