"""``smarttune pbt TASK``: population-based training of a built-in task, resumable."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from smarttune._validation import Constraint, Interval, validate_parameter
from smarttune.cli._options import quiet_optuna_logs, storage_option
from smarttune.exceptions import InvalidParameterError

if TYPE_CHECKING:
    from smarttune.pbt import CheckpointStore

__all__ = ["pbt_command"]


@click.command("pbt")
@click.argument("task_name", metavar="TASK")
@click.option("--population", type=int, default=8, show_default=True, help="Members.")
@click.option(
    "--interval", type=int, default=1, show_default=True, help="Epochs between exploit steps."
)
@click.option("--steps", type=int, help="Epochs per member (default: the task's epochs).")
@click.option(
    "--quantile", type=float, default=0.25, show_default=True, help="Bottom/top fraction."
)
@click.option("--workers", type=int, default=1, show_default=True, help="Parallel workers.")
@click.option(
    "--executor",
    type=click.Choice(["local", "ray"]),
    default="local",
    show_default=True,
    help="local: worker processes here; ray: Ray actors on --ray-address.",
)
@click.option("--ray-address", help="The Ray cluster for --executor ray (default: RAY_ADDRESS).")
@storage_option
@click.option("--study", "study_name", help="Study name (default: pbt-TASK).")
@click.option(
    "--checkpoints",
    type=click.Path(file_okay=False),
    help="Checkpoint directory (default: ./smarttune-pbt/STUDY).",
)
@click.option(
    "--artifacts",
    type=click.Path(file_okay=False),
    help="Keep checkpoints in an Optuna FileSystemArtifactStore at this directory instead.",
)
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the run.")
@click.option(
    "--device",
    type=click.Choice(["auto", "cpu", "cuda"]),
    help="Where neural-network tasks train (default: auto).",
)
def pbt_command(
    task_name: str,
    population: int,
    interval: int,
    steps: int | None,
    quantile: float,
    workers: int,
    executor: str,
    ray_address: str | None,
    storage: str,
    study_name: str | None,
    checkpoints: str | None,
    artifacts: str | None,
    seed: int,
    device: str | None,
) -> None:
    """Train a population of TASK models, exploiting and exploring every --interval epochs.

    Rerunning the same command resumes a killed run from the storage and the checkpoints.
    """
    from smarttune.objectives import load_objective
    from smarttune.pbt import PopulationBasedTraining, best_member, lineage

    _validate(
        population=population, interval=interval, steps=steps, quantile=quantile,
        workers=workers, seed=seed,
    )  # fmt: skip
    quiet_optuna_logs()
    task = load_objective(task_name, seed=seed, device=device).task if _known(task_name) else None
    if task is None or not task.supports_checkpoints:
        raise InvalidParameterError(
            f"The TASK argument of `smarttune pbt` must be a built-in task that supports "
            f"checkpoints (the torch tasks). Got {task_name!r} instead."
        )
    name = study_name or f"pbt-{task_name}"
    pbt = PopulationBasedTraining(
        population_size=population,
        perturbation_interval=interval,
        quantile=quantile,
        checkpoint_store=_store(checkpoints, artifacts),
        n_workers=workers,
        executor=executor,
        ray_address=ray_address,
        seed=seed,
    )
    n_steps = steps if steps is not None else int(getattr(task, "epochs", 1))
    study = pbt.optimize(task, n_steps=n_steps, study_name=name, storage=storage)
    best = best_member(study)
    click.echo(f"Study {name!r} in {storage}: {len(study.trials)} segments.")
    click.echo(f"Best member: {best.member}, {task.metric} {best.score:.6g} at step {best.step}")
    click.echo("Its hyperparameter schedule (steps: parameters, * = exploited):")
    for segment in lineage(study, best):
        start = segment.step - min(interval, segment.step - segment.round * interval)
        mark = "*" if segment.exploited else " "
        click.echo(f" {mark} {start}-{segment.step}: {segment.params}")


def _validate(
    *, population: int, interval: int, steps: int | None, quantile: float, workers: int, seed: int
) -> None:
    checks: dict[str, tuple[object, list[Constraint | None]]] = {
        "--population": (population, [Interval(int, 2, None)]),
        "--interval": (interval, [Interval(int, 1, None)]),
        "--quantile": (quantile, [Interval(float, 0, 0.5, closed="right")]),
        "--workers": (workers, [Interval(int, 1, None)]),
        "--steps": (steps, [Interval(int, 1, None), None]),
        "--seed": (seed, [Interval(int, 0, 2**32 - 1)]),
    }
    for option, (value, constraints) in checks.items():
        validate_parameter(option, value, constraints, kind="option")


def _known(task_name: str) -> bool:
    """True for a built-in task; raises UnknownNameError (with close names) otherwise."""
    from smarttune.tasks import task_info

    task_info(task_name)
    return True


def _store(checkpoints: str | None, artifacts: str | None) -> CheckpointStore | None:
    from smarttune.pbt import ArtifactCheckpointStore, LocalCheckpointStore

    if checkpoints is not None and artifacts is not None:
        raise InvalidParameterError("Give --checkpoints or --artifacts, not both.")
    if artifacts is not None:
        from optuna.artifacts import FileSystemArtifactStore

        Path(artifacts).mkdir(parents=True, exist_ok=True)
        return ArtifactCheckpointStore(artifact_store=FileSystemArtifactStore(artifacts))
    return LocalCheckpointStore(directory=checkpoints) if checkpoints is not None else None
