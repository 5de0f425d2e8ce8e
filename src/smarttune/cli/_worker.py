"""``smarttune worker``: join a running study from any machine that can reach its storage."""

from __future__ import annotations

import time
import uuid
from typing import Any

import click

from smarttune._validation import Constraint, Interval, validate_parameter
from smarttune.cli._execution import prepare_run
from smarttune.cli._options import load_study, quiet_optuna_logs
from smarttune.exceptions import StorageError
from smarttune.execution import ObjectiveSpec
from smarttune.execution._base import OBJECTIVE_KEY, PRUNER_KEY, SAMPLER_KEY, StudySpec, TrialJob
from smarttune.execution._worker import run_job

__all__ = ["worker_command"]


@click.command("worker")
@click.option(
    "--storage", required=True, envvar="SMARTTUNE_STORAGE", help="The study's storage URL."
)
@click.option("--study", "study_name", required=True, help="The study to join.")
@click.option(
    "--trials", type=int, help="Trials to run, then exit (default: until --timeout or Ctrl-C)."
)
@click.option("--timeout", type=float, help="Seconds after which no new trial starts.")
@click.option(
    "--objective",
    help="OBJECTIVE spec (default: the one the study recorded when `smarttune tune` created it).",
)
@click.option(
    "--heartbeat",
    "heartbeat_interval",
    type=int,
    default=10,
    show_default=True,
    help="Seconds between heartbeats of a running trial (every storage; 0: none).",
)
@click.option(
    "--max-retries",
    type=int,
    default=1,
    show_default=True,
    help="Retries of a dead worker's trial.",
)
def worker_command(
    storage: str,
    study_name: str,
    trials: int | None,
    timeout: float | None,
    objective: str | None,
    heartbeat_interval: int,
    max_retries: int,
) -> None:
    """Run trials of the study STUDY in STORAGE, alongside its other workers."""
    checks: dict[str, tuple[Any, list[Constraint | None]]] = {
        "--trials": (trials, [Interval(int, 1, None)]),
        "--timeout": (timeout, [Interval(float, 0, None, closed="neither")]),
        "--heartbeat": (heartbeat_interval, [Interval(int, 0, None)]),
        "--max-retries": (max_retries, [Interval(int, 0, None)]),
    }
    for name, (value, constraints) in checks.items():
        if value is not None:
            validate_parameter(name, value, constraints, kind="option")
    quiet_optuna_logs()
    prepare_run(storage)
    study = load_study(storage, study_name)
    attrs = study._storage.get_study_system_attrs(study._study_id)
    spec = StudySpec(
        storage=storage,
        study_name=study_name,
        objective=_objective(objective, attrs, storage, study_name),
        sampler=str(attrs.get(SAMPLER_KEY, "tpe")),
        pruner=attrs.get(PRUNER_KEY),
        heartbeat_interval=heartbeat_interval or None,
        max_retries=max_retries,
    )
    counts = _run(spec, trials, timeout)
    summary = ", ".join(f"{n} {state.lower()}" for state, n in sorted(counts.items()))
    click.echo(f"Worker ran {sum(counts.values())} trials of {study_name!r} ({summary or 'none'}).")


def _objective(
    given: str | None, attrs: dict[str, Any], storage: str, study_name: str
) -> ObjectiveSpec:
    if given is not None:
        return ObjectiveSpec(given)
    recorded = attrs.get(OBJECTIVE_KEY)
    if not isinstance(recorded, dict):
        raise StorageError(
            f"The study {study_name!r} in {storage} recorded no objective (it was not created "
            "by `smarttune tune` with an executor); give one with --objective SPEC."
        )
    return ObjectiveSpec.from_dict(recorded)


def _run(spec: StudySpec, trials: int | None, timeout: float | None) -> dict[str, int]:
    deadline = None if timeout is None else time.monotonic() + timeout
    counts: dict[str, int] = {}
    while trials is None or sum(counts.values()) < trials:
        if deadline is not None and time.monotonic() >= deadline:
            break
        outcome = run_job(TrialJob(spec, uuid.uuid4().hex))
        counts[outcome.state] = counts.get(outcome.state, 0) + 1
    return counts
