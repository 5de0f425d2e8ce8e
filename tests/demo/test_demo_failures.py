"""``smarttune demo``: pre-flight checks, a complete study, --fresh and a run where all fail."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import optuna
import pytest

from smarttune.cli import main
from smarttune.demo import PROFILES, DemoProfile
from smarttune.samplers._hybrid import PHASE_KEY
from smarttune.tasks.torch._alexnet import MnistAlexNetTask

RunDemo = Callable[..., subprocess.CompletedProcess[str]]  # the run_demo fixture (conftest)
pytestmark = pytest.mark.torch

TINY = DemoProfile(
    "tiny",
    "bundled",
    epochs=1,
    final_epochs=1,
    population_size=2,
    min_generations=1,
    max_generations=1,
    bandit_iterations=2,
    max_train_rows=200,
)


@pytest.fixture(autouse=True)
def _needs_torch() -> None:
    pytest.importorskip("torch", reason="the torch extra is not installed")


def test_cuda_without_cuda_is_one_line_and_exit_2(tmp_path: Path, run_demo: RunDemo) -> None:
    result = run_demo("--device", "cuda", env={"CUDA_VISIBLE_DEVICES": ""})
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "error: device='cuda' was asked for, but CUDA is not available on this machine "
        f"(torch {_torch_version()}): use device 'cpu' or 'auto' (--device cpu)."
    ]
    assert not (tmp_path / "d.db").exists()  # nothing was created


def test_full_offline_without_the_files_is_one_line_and_exit_2(
    tmp_path: Path, run_demo: RunDemo
) -> None:
    empty = tmp_path / "data"
    empty.mkdir()
    result = run_demo("--full", env={"SMARTTUNE_OFFLINE": "1", "SMARTTUNE_DATA_DIR": str(empty)})
    assert result.returncode == 2
    assert result.stdout == ""
    err = result.stderr.splitlines()
    assert len(err) == 1, result.stderr
    assert err[0].startswith("error: Dataset file 'mnist/train-images-idx3-ubyte.gz' was not found")


def test_rerunning_a_complete_demo_says_so_in_one_line(tmp_path: Path, run_demo: RunDemo) -> None:
    url = f"sqlite:///{tmp_path / 'd.db'}"
    study = optuna.create_study(study_name="demo-quick", storage=url, direction="maximize")
    for number in range(PROFILES["quick"].bandit_iterations):
        trial = study.ask()
        trial.suggest_float("learning_rate", 1e-4, 1e-2, log=True)
        study._storage.set_trial_system_attr(trial._trial_id, PHASE_KEY, "bandit")
        study.tell(trial, 0.9 + number / 1000)
    result = run_demo("--device", "cpu", env={})
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert result.stdout.splitlines() == [
        f"Study 'demo-quick' in {url} is complete (12 trials, best validation accuracy 0.9110): "
        "add --fresh to run it again, or --study NAME for a new study."
    ]


def test_fresh_starts_a_complete_demo_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(PROFILES, "quick", TINY)
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    args = ["demo", "--storage", url, "--device", "cpu", "--out", str(tmp_path / "o"), "--quiet"]
    assert main(args) == 0
    capsys.readouterr()
    assert main(args) == 0
    assert "is complete" in capsys.readouterr().out
    assert main([*args, "--fresh"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("smarttune demo (tiny): HybridSampler on mnist-alexnet (maximize ")
    assert len(optuna.load_study(study_name="demo-tiny", storage=url).trials) == 4


def test_a_demo_where_every_trial_fails_exits_1_with_one_line_per_trial(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken(self: MnistAlexNetTask, trial: optuna.Trial) -> float:
        trial.suggest_float("learning_rate", 1e-4, 1e-2, log=True)
        raise MemoryError("out of memory")

    monkeypatch.setitem(PROFILES, "quick", TINY)
    monkeypatch.setattr(MnistAlexNetTask, "objective", broken)
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    code = main(
        ["demo", "--storage", url, "--device", "cpu", "--out", str(tmp_path / "o"), "--quiet"]
    )
    out, err = capsys.readouterr()
    assert code == 1
    lines = out.splitlines()
    assert len(lines) == 1 + 4  # the header, then one line per trial
    assert all(line.endswith("| failed: MemoryError: out of memory") for line in lines[1:])
    assert err.splitlines() == [
        "error: every trial of study 'demo-tiny' failed (4 of 4; the last: MemoryError: out of "
        "memory). The tracebacks are in the storage; rerun with --verbose to print them."
    ]


def _torch_version() -> str:
    import torch

    return str(torch.__version__)
