from __future__ import annotations

from pathlib import Path

import optuna

from smarttune._failures import all_failed_summary, failure_line
from smarttune._target import StudyTarget, target_of
from smarttune.execution import FAIL_REASON_KEY, ObjectiveSpec
from smarttune.tasks import get_task


def _failed(study: optuna.Study, reason: str | None) -> optuna.trial.FrozenTrial:
    trial = study.ask()
    if reason is not None:
        study._storage.set_trial_system_attr(trial._trial_id, FAIL_REASON_KEY, reason)
    study.tell(trial, state=optuna.trial.TrialState.FAIL)
    return study.trials[-1]


def test_failure_line_keeps_the_first_line_and_cuts_a_long_message() -> None:
    study = optuna.create_study()
    trial = _failed(study, "ValueError: " + "x" * 400 + "\nsecond line")
    line = failure_line(trial)
    assert line.startswith("trial 0 failed: ValueError: xxx")
    assert line.endswith("...") and len(line) == len("trial 0 failed: ") + 300
    assert failure_line(_failed(study, None)) == "trial 1 failed: no reason recorded"


def test_all_failed_summary_only_when_every_trial_failed() -> None:
    study = optuna.create_study(study_name="s")
    assert all_failed_summary(study, hint="H.") is None  # no trial yet
    _failed(study, "KeyError: 'a'")
    _failed(study, "OSError: disk full")
    assert all_failed_summary(study, hint="H.") == (
        "error: every trial of study 's' failed (2 of 2; the last: OSError: disk full). H."
    )
    study.enqueue_trial({})
    study.optimize(lambda t: 1.0, n_trials=1)
    assert all_failed_summary(study, hint="H.") is None


class _Loss:
    def __call__(self, trial: optuna.Trial) -> float:
        return 0.0


def test_targets_name_tasks_specs_files_and_callable_instances(tmp_path: Path) -> None:
    task = get_task("svm-digits")
    assert target_of(task, "maximize") == StudyTarget("svm-digits", "svm-digits", "maximize")
    assert target_of(task.objective, "maximize").task == "svm-digits"
    assert target_of(ObjectiveSpec("svm-digits"), "maximize").task == "svm-digits"
    (tmp_path / "obj.py").write_text("def loss(trial):\n    return 0.0\n")
    spec = ObjectiveSpec(f"{tmp_path / 'obj.py'}:loss")
    assert target_of(spec, "minimize") == StudyTarget(
        f"{(tmp_path / 'obj.py').resolve()}:loss", None, "minimize"
    )
    assert target_of(_Loss(), "minimize").objective == f"{__name__}:_Loss"
