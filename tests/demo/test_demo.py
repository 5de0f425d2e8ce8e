from __future__ import annotations

from pathlib import Path

import optuna
import pytest

from smarttune.cli import main
from smarttune.demo import PROFILES, DemoProfile, describe_trial, run_demo
from smarttune.samplers._hybrid import PHASE_KEY

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
    max_train_rows=400,
)


@pytest.fixture(autouse=True)
def _needs_torch() -> None:
    pytest.importorskip("torch", reason="the torch extra is not installed")


def test_profiles_match_the_documented_budgets() -> None:
    full = PROFILES["full"]
    assert (full.population_size, full.max_generations, full.bandit_iterations) == (10, 3, 25)
    assert (full.epochs, full.final_epochs, full.subset) == (5, 10, "full")
    assert PROFILES["quick"].subset == "bundled"
    assert full.max_trials == 55


def test_run_demo_explores_refines_retrains_and_draws(tmp_path: Path) -> None:
    lines: list[str] = []
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    result = run_demo(
        TINY,
        storage=url,
        study_name="d",
        seed=0,
        device="cpu",
        out_dir=tmp_path / "out",
        progress=False,
        echo=lines.append,
    )
    phases = [t.system_attrs.get(PHASE_KEY) for t in result.study.trials]
    assert phases[:2] == ["initial", "initial"]
    # After the design, the GP proposes ("bandit") or, while it ranks poorly, a genetic child.
    assert set(phases[2:]) <= {"bandit", "genetic"}
    assert len(result.study.trials) == 4  # the trial budget: 2 x 1 generation + 2
    assert lines[0].startswith("smarttune demo (tiny): HybridSampler on mnist-alexnet")
    assert sum(line.startswith("trial ") for line in lines) == 4
    assert 0.0 < result.test_metrics["test_accuracy"] <= 1.0
    assert result.figure is not None
    assert result.figure.read_bytes()[:4] == b"\x89PNG"

    again = run_demo(
        TINY,
        storage=url,
        study_name="d",
        seed=0,
        device="cpu",
        out_dir=tmp_path / "out",
        progress=False,
        echo=lines.append,
    )
    assert len(again.study.trials) == 4  # the trial budget was spent: nothing more to run


def test_describe_trial_names_phase_params_epochs_and_score() -> None:
    study = optuna.create_study(direction="maximize")
    trial = study.ask()
    trial.suggest_float("lr", 1e-4, 1e-2, log=True)
    trial.set_user_attr("history", [{"epoch": 1}, {"epoch": 2}])
    study.tell(trial, 0.98765)
    line = describe_trial(study.trials[0])
    assert line.startswith("trial   0 [?      ] lr=")
    assert line.endswith("| epochs 2 | val_acc 0.9877")


def test_cli_demo_prints_the_summary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(PROFILES, "quick", TINY)
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    code = main(
        ["demo", "--storage", url, "--device", "cpu", "--out", str(tmp_path / "o"), "--quiet"]
    )
    out = capsys.readouterr().out
    assert code == 0
    assert "Best validation accuracy:" in out
    assert "Final retrain, test_accuracy:" in out
    assert (
        "(The published 98.86% is on the official MNIST test set; --profile standard compares "
        "with it.)" in out
    )
    assert "Phase switch at trial 2" in out
    assert f"Figure: {tmp_path / 'o' / 'demo.png'}" in out
    assert "Study 'demo-tiny'" in out
