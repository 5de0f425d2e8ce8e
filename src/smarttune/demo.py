"""The main job: a sampler (HybridSampler by default) tunes the simplified AlexNet on MNIST.

Each trial is printed as it finishes, the best configuration is retrained on train +
validation and scored on the test set (beside the published result when the profile uses the
official MNIST files), and a figure shows the search per phase and the final retrain.
Everything lives in a storage (the CLI's embedded SQLite file by default), so an interrupted
demo resumes; a finished one is reported as complete (``fresh=True`` starts it again). The
device and the data are checked before the first trial; a failed trial is one line (its
traceback is kept in the trial's ``smarttune:traceback`` system attribute, and printed when
``verbose``). The profiles and their budgets are in :mod:`smarttune._demo_profiles`.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from smarttune._api import create_or_load_study, guard_objective
from smarttune._demo_figure import demo_figure_data, final_curves
from smarttune._demo_profiles import (
    PROFILES,
    PUBLISHED,
    DemoProfile,
    budget_spent,
    epochs_trained,
    make_pruner,
    remaining_trials,
)
from smarttune._failures import all_failed_summary, failure_line, one_line_failures
from smarttune._imports import optional_import
from smarttune._target import target_of
from smarttune.execution import TRACEBACK_KEY
from smarttune.progress import StudyProgress
from smarttune.report import study_records
from smarttune.samplers import HybridSampler, resolve_sampler
from smarttune.samplers._hybrid import PHASE_KEY
from smarttune.tasks import get_task

if TYPE_CHECKING:
    import optuna

    from smarttune.tasks.torch._task import TorchTask

__all__ = ["PROFILES", "PUBLISHED", "DemoProfile", "DemoResult", "run_demo"]

TASK_NAME = "mnist-alexnet"
#: Study user attribute holding the final retrain: trial, parameters, per-epoch history, test
#: metrics.
FINAL_KEY = "smarttune.demo:final"


@dataclass(frozen=True)
class DemoResult:
    """What a demo run produced.

    ``status`` is ``"ok"`` (trials ran, the best was retrained and drawn), ``"complete"`` (the
    study had already run its budget: nothing ran) or ``"failed"`` (no trial completed;
    ``message`` is a one-line summary). ``final_history`` holds the final retrain's epochs
    (``epoch``, ``train_loss``, ``train_acc``); ``search_epochs`` the epochs the search
    trained in all.
    """

    study: optuna.Study
    best_params: dict[str, Any]
    best_value: float
    test_metrics: dict[str, float]
    figure: Path | None
    wall_seconds: float
    status: str = "ok"
    message: str = ""
    final_history: list[dict[str, float]] = field(default_factory=list)
    search_epochs: int = 0
    search_seconds: float = 0.0


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
    sampler: str = "hybrid",
    threads: int | None = None,
) -> DemoResult:
    """Run (or resume) the demo study and return its results.

    Args:
        profile: The budget, one of :data:`PROFILES`.
        storage: Storage URL; a study of the same name there is resumed.
        study_name: The study's name.
        seed: Seeds the sampler, the data split and training.
        device: ``"auto"``, ``"cpu"`` or ``"cuda"``.
        data_dir: Where the full MNIST files are (profiles on the full data).
        out_dir: Directory of the figure ``demo.png``; created if needed.
        progress: Show the live progress bar.
        echo: Receives the per-trial lines and the summary.
        fresh: Delete the study ``study_name`` first, if ``storage`` has one.
        verbose: Print each failed trial's traceback below its line.
        sampler: ``"hybrid"`` (HybridSampler with the profile's initial design) or another
            registered sampler name (``"random"``, ``"tpe"``, ...), for comparisons on the same
            budget.
        threads: Torch's CPU threads during the run (restored after); None leaves them.

    Raises:
        SmartTuneError: Before any trial, if the device or the data is not available.
    """
    started = time.perf_counter()
    task = _task(profile, seed=seed, device=device, data_dir=data_dir)
    task.check()  # before --fresh deletes anything
    if fresh:
        _delete_study(storage, study_name)
    study = create_or_load_study(
        storage=storage,
        study_name=study_name,
        direction=task.direction,
        sampler=_sampler(sampler, profile, seed),
        pruner=make_pruner(profile),
        target=target_of(task, task.direction),
    )
    if budget_spent(study, profile) and _completed(study):
        return _result(study, started, status="complete")
    with _torch_threads(threads):
        _search(study, task, profile, echo=echo, progress=progress, verbose=verbose)
        searched = time.perf_counter() - started
        if not _completed(study):
            hint = "The tracebacks are in the storage; rerun with --verbose to print them."
            message = all_failed_summary(study, hint=hint) or f"error: no trial completed. {hint}"
            return _result(study, started, status="failed", message=message)
        best = study.best_trial
        echo(_retrain_line(best.number, profile))
        final_task = task
        if profile.retrain_all_rows and profile.max_train_rows is not None:
            final_task = _task(profile, seed=seed, device=device, data_dir=data_dir, all_rows=True)
        del task  # the search's copy of the data
        test_metrics = final_task.final_fit(best.params)
    history = list(final_task.final_history)
    study.set_user_attr(
        FINAL_KEY, {"trial": best.number, "history": history, "test_metrics": test_metrics}
    )
    return DemoResult(
        study=study,
        best_params=dict(best.params),
        best_value=float(best.value if best.value is not None else float("nan")),
        test_metrics=test_metrics,
        figure=_figure(study, Path(out_dir), profile, sampler, history, test_metrics),
        wall_seconds=time.perf_counter() - started,
        final_history=history,
        search_epochs=epochs_trained(study),
        search_seconds=searched,
    )


def _task(
    profile: DemoProfile,
    *,
    seed: int,
    device: str,
    data_dir: str | None,
    all_rows: bool = False,
) -> TorchTask:
    """The AlexNet task of ``profile``: the search's rows, or every row (``all_rows``)."""
    task = get_task(
        TASK_NAME,
        seed=seed,
        subset=profile.subset,
        epochs=profile.epochs,
        final_epochs=profile.final_epochs,
        device=device,
        data_dir=data_dir,
        max_train_rows=None if all_rows else profile.max_train_rows,
    )
    return task  # type: ignore[return-value]


def _sampler(name: str, profile: DemoProfile, seed: int) -> optuna.samplers.BaseSampler:
    if name == "hybrid":
        return HybridSampler(n_startup_trials=profile.population_size, seed=seed)
    return resolve_sampler(name, seed=seed)


def _search(
    study: optuna.Study,
    task: TorchTask,
    profile: DemoProfile,
    *,
    echo: Callable[[str], None],
    progress: bool,
    verbose: bool,
) -> None:
    """Run the search's trials until the profile's budget is spent."""
    remaining = remaining_trials(study, profile)
    echo(f"{_header(study, profile)}, {_budget_words(study, profile, remaining)}")
    with one_line_failures(), StudyProgress(remaining, enabled=progress) as bar:
        study.optimize(
            guard_objective(task.objective),
            n_trials=remaining,
            catch=(Exception,),
            callbacks=[_trial_printer(echo, verbose), bar.callback, _budget_limit(profile)],
        )


def _header(study: optuna.Study, profile: DemoProfile) -> str:
    name = type(study.sampler).__name__
    return (
        f"smarttune demo ({profile.name}): {name} on {TASK_NAME} (maximize validation "
        f"accuracy), study {study.study_name!r}"
    )


def _budget_words(study: optuna.Study, profile: DemoProfile, remaining: int | None) -> str:
    if profile.search_epochs is None:
        return f"up to {remaining} more trials"
    rows = f"{profile.max_train_rows:,}" if profile.max_train_rows else "all"
    left = profile.search_epochs - epochs_trained(study)
    return (
        f"{left} of {profile.search_epochs} search epochs left ({rows} training images, "
        f"{profile.pruner} over 1-{profile.epochs} epochs)"
    )


def _retrain_line(number: int, profile: DemoProfile) -> str:
    data = "all 60,000 training images" if profile.on_full_mnist else "train + validation"
    return f"Retraining the best configuration (trial {number}) on {data}..."


@contextlib.contextmanager
def _torch_threads(threads: int | None) -> Iterator[None]:
    """Set torch's intra-op CPU threads to ``threads`` for the block (None: leave them)."""
    if threads is None:
        yield
        return
    torch = optional_import("torch", extra="torch", purpose="the demo")
    before = torch.get_num_threads()
    torch.set_num_threads(threads)
    try:
        yield
    finally:
        torch.set_num_threads(before)


def available_cores() -> int:
    """The CPU cores this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1  # pragma: no cover - platforms without affinity


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


def _budget_limit(
    profile: DemoProfile,
) -> Callable[[optuna.Study, optuna.trial.FrozenTrial], None]:
    """Stop the study once the profile's budget is spent (epochs, or bandit trials)."""

    def callback(study: optuna.Study, trial: optuna.trial.FrozenTrial) -> None:
        if budget_spent(study, profile):
            study.stop()

    return callback


def _result(study: optuna.Study, started: float, *, status: str, message: str = "") -> DemoResult:
    """A result without a retrain or a figure: the study was complete, or nothing completed."""
    best = study.best_trial if _completed(study) else None
    final = study.user_attrs.get(FINAL_KEY, {})
    return DemoResult(
        study=study,
        best_params=dict(best.params) if best else {},
        best_value=float(best.value) if best and best.value is not None else float("nan"),
        test_metrics=dict(final.get("test_metrics", {})),
        figure=None,
        wall_seconds=time.perf_counter() - started,
        status=status,
        message=message,
        final_history=list(final.get("history", [])),
        search_epochs=epochs_trained(study),
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


def _figure(
    study: optuna.Study,
    out_dir: Path,
    profile: DemoProfile,
    sampler: str,
    history: list[dict[str, float]],
    test_metrics: dict[str, float],
) -> Path | None:
    """Draw the run's figure when matplotlib is installed; None otherwise."""
    from smarttune._demo_png import render_demo_figure
    from smarttune.exceptions import MissingDependencyError

    data = demo_figure_data(
        study_records(study),
        final=final_curves(history, test_metrics.get("test_accuracy")),
        published=PUBLISHED.test_accuracy,
        default_phase=sampler,
    )
    title = f"smarttune demo ({profile.name}): {type(study.sampler).__name__} on {TASK_NAME}"
    out_dir.mkdir(parents=True, exist_ok=True)
    try:
        return render_demo_figure(data, out_dir / "demo.png", title=title)
    except MissingDependencyError:
        return None


def _short(value: Any) -> str:
    return f"{value:.3g}" if isinstance(value, float) else str(value)
