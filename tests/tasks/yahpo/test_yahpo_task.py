from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import optuna
import pytest

from smarttune.compare._tasks import resolve_task, task_kind
from smarttune.exceptions import InvalidParameterError, UnknownNameError
from smarttune.tasks import get_task, is_task_name, task_info
from smarttune.yahpo import load_scenario


def test_registry_resolves_yahpo_names_without_loading_anything() -> None:
    assert is_task_name("yahpo-lcbench-3945")
    assert is_task_name("yahpo-rbv2_xgboost-40983")
    assert not is_task_name("yahpo-rbv2_svm-3")
    info = task_info("yahpo-rbv2_rpart-3")
    assert (info.direction, info.extra) == ("maximize", "yahpo")
    assert dict(info.options) == {"scenario": "rbv2_rpart", "instance": "3"}
    with pytest.raises(UnknownNameError, match="Unknown task 'yahpo-lcbench'"):
        task_info("yahpo-lcbench")


def test_listing_tasks_imports_no_onnxruntime_or_optuna() -> None:
    code = (
        "import sys, smarttune.tasks as t; t.task_info('yahpo-lcbench-3945'); "
        "print('onnxruntime' in sys.modules, 'optuna' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


def test_objective_returns_the_usual_target_and_stores_every_target(yahpo_dir: Path) -> None:
    task = get_task("yahpo-rbv2_xgboost-40983")
    study = optuna.create_study(direction=task.direction, sampler=optuna.samplers.RandomSampler(0))
    study.optimize(task.objective, n_trials=5)
    scenario = load_scenario("rbv2_xgboost", yahpo_dir)
    for trial in study.trials:
        targets = trial.user_attrs["yahpo_targets"]
        assert set(targets) == set(scenario.targets)
        assert trial.value == targets["acc"]
        assert targets == pytest.approx(scenario.evaluate_one(trial.params, "40983"))
    assert task.final_fit(study.best_params)["acc"] == pytest.approx(study.best_value)


def test_other_target_sets_its_direction(yahpo_dir: Path) -> None:
    task = get_task("yahpo-rbv2_rpart-3", target="timetrain")
    assert (task.direction, task.metric) == ("minimize", "timetrain")
    with pytest.raises(InvalidParameterError, match=r"'target' parameter of YahpoTask .* Got 'x'"):
        get_task("yahpo-rbv2_rpart-3", target="x")


def test_lower_fidelity_trains_fewer_epochs(yahpo_dir: Path) -> None:
    full, low = get_task("yahpo-lcbench-3945"), get_task("yahpo-lcbench-3945", fidelity=0.1)
    sampler = optuna.samplers.RandomSampler(seed=2)
    trial = optuna.create_study(sampler=sampler).ask()
    config = full.suggest(trial)
    scenario = load_scenario("lcbench", yahpo_dir)
    fixed = optuna.trial.FixedTrial(config)
    assert low.objective(fixed) == pytest.approx(
        scenario.evaluate_one(config, "3945", fidelity={"epoch": 5})["val_accuracy"]
    )
    assert full.objective(fixed) != pytest.approx(low.objective(fixed))


def test_lcbench_reports_its_curve_and_can_be_pruned(yahpo_dir: Path) -> None:
    task = get_task("yahpo-lcbench-3945")
    study = optuna.create_study(
        direction="maximize",
        sampler=optuna.samplers.RandomSampler(seed=0),
        pruner=optuna.pruners.MedianPruner(n_startup_trials=1, n_warmup_steps=0),
    )
    study.optimize(task.objective, n_trials=12)
    first = study.trials[0]
    assert sorted(first.intermediate_values) == [1, 2, 4, 8, 16, 32]
    states = {trial.state for trial in study.trials}
    assert optuna.trial.TrialState.PRUNED in states


def test_unknown_instance_fails_with_the_allowed_ones(yahpo_dir: Path) -> None:
    task = get_task("yahpo-lcbench-1")
    with pytest.raises(
        InvalidParameterError, match=r"'instance' parameter of YahpoTask .* Got '1'"
    ):
        task.objective(optuna.create_study().ask())


def test_compare_runs_yahpo_tasks_as_user_objectives(yahpo_dir: Path) -> None:
    assert task_kind("yahpo-rbv2_rpart-3") == "user"
    resolved = resolve_task("yahpo-rbv2_rpart-3", seed=0)
    assert (resolved.kind, resolved.direction, resolved.test_metric) == ("user", "maximize", "acc")
    assert resolved.suggest is not None
    study = optuna.create_study(direction="maximize")
    study.optimize(resolved.objective, n_trials=3)
    assert resolved.final_fit is not None
    assert resolved.final_fit(study.best_params)["acc"] == pytest.approx(study.best_value)
    assert resolved.at_fidelity is not None
    assert resolved.at_fidelity(0.5).name == "yahpo-rbv2_rpart-3"


def test_cli_tunes_a_yahpo_task(yahpo_dir: Path, tmp_path: Path) -> None:
    command = [sys.executable, "-m", "smarttune", "tune", "yahpo-rbv2_rpart-3", "--trials", "4"]
    command += ["--sampler", "random", "--storage", f"sqlite:///{tmp_path / 's.db'}", "--quiet"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=240, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    # header, study summary, best value, "Best parameters:", then rpart's 5 parameters
    assert len(lines) == 9, lines
    assert lines[0].startswith("Tuning yahpo-rbv2_rpart-3 (maximize acc)")


def test_cli_without_data_prints_one_line_and_exits_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SMARTTUNE_YAHPO_DIR", raising=False)
    command = [sys.executable, "-m", "smarttune", "tune", "yahpo-rbv2_rpart-3", "--trials", "1"]
    command += ["--storage", f"sqlite:///{tmp_path / 's.db'}", "--quiet"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=240, cwd=tmp_path)
    assert result.returncode == 2
    output = (result.stdout + result.stderr).strip().splitlines()
    assert len(output) == 1, output
    assert "SMARTTUNE_YAHPO_DIR" in output[0]


def test_check_fails_early_on_a_missing_instance(yahpo_dir: Path) -> None:
    get_task("yahpo-rbv2_rpart-3").check()
    with pytest.raises(InvalidParameterError, match=r"'instance' parameter .* Got '2'"):
        get_task("yahpo-rbv2_rpart-2").check()
