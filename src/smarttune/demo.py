"""The main job: HybridSampler tunes the simplified AlexNet on MNIST, end to end.

Genetic generations explore, the data-driven switch hands over to Bayesian-bandit refinement,
each trial is printed as it finishes, the best configuration is retrained on train +
validation and scored on the test set, and a figure summarises the run. Everything lives in a
storage (the CLI's embedded SQLite file by default), so an interrupted demo resumes; a
finished one is reported as complete (``fresh=True`` starts it again). The device and the data
are checked before the first trial; a failed trial is one line (its traceback is kept in the
trial's ``smarttune:traceback`` system attribute, and printed when ``verbose``).
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from smarttune._api import create_or_load_study, guard_objective
from smarttune._failures import all_failed_summary, failure_line, one_line_failures
from smarttune._target import target_of
from smarttune.execution import TRACEBACK_KEY
from smarttune.progress import StudyProgress
from smarttune.report import render_study_figure, study_records
from smarttune.samplers import HybridSampler
from smarttune.samplers._hybrid import PHASE_KEY
from smarttune.tasks import get_task

if TYPE_CHECKING:
    import optuna

__all__ = ["PROFILES", "DemoProfile", "DemoResult", "run_demo"]

TASK_NAME = "mnist-alexnet"


@dataclass(frozen=True)
class DemoProfile:
    """The budget of a demo run.

    Attributes:
        name: ``"quick"`` or ``"full"``.
        subset: The task's data: ``"bundled"`` (the packaged 7,000-image MNIST subset) or
            ``"full"`` (the official 60,000 + 10,000 images).
        epochs: Training epochs per trial (early stopping may end a trial sooner).
        final_epochs: Epochs of the final retrain on train + validation.
        population_size: Trials per genetic generation.
        min_generations: Generations always explored.
        max_generations: Generations after which the bandit phase starts regardless.
        bandit_iterations: Trials of the bandit refinement phase.
        max_train_rows: Cap on the training images (None: all of ``subset``).
    """

    name: str
    subset: str
    epochs: int
    final_epochs: int
    population_size: int
    min_generations: int
    max_generations: int
    bandit_iterations: int
    max_train_rows: int | None = None

    @property
    def max_trials(self) -> int:
        """The most trials the profile runs: every generation, then every bandit iteration."""
        return self.population_size * self.max_generations + self.bandit_iterations


#: ``quick`` finishes in minutes on two CPU cores; ``full`` is the original budget, for a GPU.
PROFILES: dict[str, DemoProfile] = {
    "quick": DemoProfile("quick", "bundled", 2, 4, 8, 1, 3, 12),
    "full": DemoProfile("full", "full", 5, 10, 10, 2, 3, 25),
}


@dataclass(frozen=True)
class DemoResult:
    """What a demo run produced.

    ``status`` is ``"ok"`` (trials ran, the best was retrained and drawn), ``"complete"`` (the
    study had already run its budget: nothing ran) or ``"failed"`` (no trial completed;
    ``message`` is a one-line summary).
    """

    study: optuna.Study
    best_params: dict[str, Any]
    best_value: float
    test_metrics: dict[str, float]
    figure: Path | None
    wall_seconds: float
    status: str = "ok"
    message: str = ""


def run_demo(
    profile: DemoProfile,
    *,
    storage: str | None,
    study_name: str,
    seed: int = 0,
    device: str = "auto",
    data_dir: str | None = None,
    out_dir: str | Path = "smarttune-demo",
    progress: bool = True,
    echo: Callable[[str], None] = print,
    fresh: bool = False,
    verbose: bool = False,
) -> DemoResult:
    """Run (or resume) the demo study and return its results.

    Args:
        profile: The budget, one of :data:`PROFILES`.
        storage: Storage URL; a study of the same name there is resumed.
        study_name: The study's name.
        seed: Seeds the sampler, the data split and training.
        device: ``"auto"``, ``"cpu"`` or ``"cuda"``.
        data_dir: Where the full MNIST files are (the ``full`` profile only).
        out_dir: Directory of the figure ``demo.png``; created if needed.
        progress: Show the live progress bar.
        echo: Receives the per-trial lines and the summary.
        fresh: Delete the study ``study_name`` first, if ``storage`` has one.
        verbose: Print each failed trial's traceback below its line.

    Raises:
        SmartTuneError: Before any trial, if the device or the data is not available.
    """
    import optuna

    started = time.perf_counter()
    task = get_task(
        TASK_NAME,
        seed=seed,
        subset=profile.subset,
        epochs=profile.epochs,
        final_epochs=profile.final_epochs,
        device=device,
        data_dir=data_dir,
        max_train_rows=profile.max_train_rows,
    )
    task.check()  # before --fresh deletes anything
    if fresh:
        _delete_study(storage, study_name)
    sampler = HybridSampler(n_startup_trials=profile.population_size, seed=seed)
    study = create_or_load_study(
        storage=storage,
        study_name=study_name,
        direction=task.direction,
        sampler=sampler,
        pruner=optuna.pruners.MedianPruner(n_startup_trials=5, n_warmup_steps=1),
        target=target_of(task, task.direction),
    )
    if _complete(study, profile):
        return _result(study, started, status="complete")
    remaining = _remaining_trials(study, profile)
    echo(
        f"smarttune demo ({profile.name}): HybridSampler on {TASK_NAME} ({task.direction} "
        f"{task.metric}), study {study_name!r}, up to {remaining} more trials"
    )
    with one_line_failures(), StudyProgress(remaining, enabled=progress) as bar:
        study.optimize(
            guard_objective(task.objective),
            n_trials=remaining,
            catch=(Exception,),
            callbacks=[_trial_printer(echo, verbose), bar.callback, _bandit_limit(profile)],
        )
    if not _completed(study):
        hint = "The tracebacks are in the storage; rerun with --verbose to print them."
        message = all_failed_summary(study, hint=hint) or f"error: no trial completed. {hint}"
        return _result(study, started, status="failed", message=message)
    best = study.best_trial
    echo(f"Retraining the best configuration (trial {best.number}) on train + validation...")
    test_metrics = task.final_fit(best.params)
    figure = _figure(study, Path(out_dir), task.metric, profile)
    return DemoResult(
        study=study,
        best_params=dict(best.params),
        best_value=float(best.value if best.value is not None else float("nan")),
        test_metrics=test_metrics,
        figure=figure,
        wall_seconds=time.perf_counter() - started,
    )


def describe_trial(trial: optuna.trial.FrozenTrial) -> str:
    """One line: number, phase, parameters, epochs run and the validation score."""
    phase = trial.system_attrs.get(PHASE_KEY, "?")
    params = " ".join(f"{k}={_short(v)}" for k, v in trial.params.items())
    epochs = len(trial.user_attrs.get("history", []))
    if trial.state.name == "COMPLETE" and trial.value is not None:
        outcome = f"val_acc {trial.value:.4f}"
    elif trial.state.name == "FAIL":
        outcome = failure_line(trial).split(": ", 1)[1]
        outcome = f"failed: {outcome}"
    else:
        outcome = trial.state.name.lower()
    return f"trial {trial.number:>3} [{phase:<7}] {params} | epochs {epochs} | {outcome}"


def _trial_printer(
    echo: Callable[[str], None], verbose: bool
) -> Callable[[optuna.Study, optuna.trial.FrozenTrial], None]:
    def callback(study: optuna.Study, trial: optuna.trial.FrozenTrial) -> None:
        echo(describe_trial(trial))
        trace = trial.system_attrs.get(TRACEBACK_KEY)
        if verbose and trace:
            echo(str(trace).rstrip())

    return callback


def _result(study: optuna.Study, started: float, *, status: str, message: str = "") -> DemoResult:
    """A result without a retrain or a figure: the study was complete, or nothing completed."""
    best = study.best_trial if _completed(study) else None
    return DemoResult(
        study=study,
        best_params=dict(best.params) if best else {},
        best_value=float(best.value) if best and best.value is not None else float("nan"),
        test_metrics={},
        figure=None,
        wall_seconds=time.perf_counter() - started,
        status=status,
        message=message,
    )


def _delete_study(storage: str | None, study_name: str) -> None:
    import optuna

    from smarttune.storage import open_storage

    opened = open_storage(storage)
    if opened is None:  # in memory: nothing kept between runs
        return
    with contextlib.suppress(KeyError):  # no such study: nothing to delete
        optuna.delete_study(study_name=study_name, storage=opened)


def _completed(study: optuna.Study) -> bool:
    return any(t.state.name == "COMPLETE" for t in study.get_trials(deepcopy=False))


def _complete(study: optuna.Study, profile: DemoProfile) -> bool:
    """Whether the study already ran its budget (and has a completed trial)."""
    finished = sum(t.state.is_finished() for t in study.get_trials(deepcopy=False))
    spent = _bandit_trials(study) >= profile.bandit_iterations or finished >= profile.max_trials
    return spent and _completed(study)


def _bandit_limit(
    profile: DemoProfile,
) -> Callable[[optuna.Study, optuna.trial.FrozenTrial], None]:
    """Stop the study once the bandit phase has run ``profile.bandit_iterations`` trials."""

    def callback(study: optuna.Study, trial: optuna.trial.FrozenTrial) -> None:
        if _bandit_trials(study) >= profile.bandit_iterations:
            study.stop()

    return callback


def _bandit_trials(study: optuna.Study) -> int:
    return sum(
        t.system_attrs.get(PHASE_KEY) == "bandit" and t.state.is_finished()
        for t in study.get_trials(deepcopy=False)
    )


def _remaining_trials(study: optuna.Study, profile: DemoProfile) -> int:
    """Trials still to run when resuming: the profile's maximum minus finished ones (>= 1)."""
    finished = sum(t.state.is_finished() for t in study.get_trials(deepcopy=False))
    return max(profile.max_trials - finished, 1)


def _figure(study: optuna.Study, out_dir: Path, metric: str, profile: DemoProfile) -> Path | None:
    """Draw the run's figure when matplotlib is installed; None otherwise."""
    from smarttune.exceptions import MissingDependencyError

    out_dir.mkdir(parents=True, exist_ok=True)
    try:
        return render_study_figure(
            study_records(study),
            out_dir / "demo.png",
            maximize=True,
            metric=metric,
            title=f"smarttune demo ({profile.name}): HybridSampler on {TASK_NAME}",
        )
    except MissingDependencyError:
        return None


def _short(value: Any) -> str:
    return f"{value:.3g}" if isinstance(value, float) else str(value)
