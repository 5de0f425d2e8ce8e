"""``smarttune tune OBJECTIVE``: create or resume a study and run trials."""

from __future__ import annotations

from typing import Any

import click

from smarttune._api import tune
from smarttune._validation import Constraint, Interval, Options, validate_parameter
from smarttune.cli._config import apply_space, config_option
from smarttune.cli._execution import build_executor
from smarttune.cli._options import quiet_optuna_logs, storage_option
from smarttune.cli._recommend import learn_from
from smarttune.execution import ObjectiveSpec
from smarttune.objectives import load_objective
from smarttune.pruners import PRUNER_NAMES
from smarttune.samplers import SAMPLER_NAMES

__all__ = ["tune_command"]

_DEFAULT_TRIALS_WITHOUT_TIMEOUT = 20


@click.command("tune")
@click.argument("objective", required=False)
@click.option("--trials", type=int, help="Trials to add (20 when --timeout is not given).")
@click.option("--timeout", type=float, help="Seconds after which no new trial starts.")
@click.option(
    "--sampler", default="hybrid", show_default=True, help=f"One of: {', '.join(SAMPLER_NAMES)}."
)
@click.option(
    "--pruner", default="none", show_default=True, help=f"One of: {', '.join(PRUNER_NAMES)}."
)
@storage_option
@click.option("--study", "study_name", help="Study name (default: the task or function name).")
@click.option(
    "--jobs", type=int, default=1, show_default=True, help="Parallel trials (worker processes)."
)
@click.option(
    "--executor",
    type=click.Choice(["local", "ray"]),
    default="local",
    show_default=True,
    help="Where trials run: local processes (--jobs), or Ray tasks on --ray-address.",
)
@click.option("--ray-address", help="The Ray cluster for --executor ray (default: RAY_ADDRESS).")
@click.option(
    "--batch-size",
    type=int,
    help="Deterministic parallel mode: with --seed, propose as a serial run would.",
)
@click.option("--seed", type=int, help="Seed for the sampler (reproducible serial runs).")
@click.option(
    "--direction",
    type=str,
    help="maximize or minimize (default: the task's, or maximize for a function).",
)
@click.option(
    "--device",
    type=click.Choice(["auto", "cpu", "cuda"]),
    help="Where neural-network tasks train (default: auto, the GPU when present).",
)
@click.option("--quiet", is_flag=True, help="No progress bar.")
@click.option(
    "--learn",
    is_flag=True,
    help="Add the finished study to your knowledge base (SMARTTUNE_KNOWLEDGE or the cache).",
)
@config_option
def tune_command(
    objective: str,
    trials: int | None,
    timeout: float | None,
    sampler: str,
    pruner: str,
    storage: str,
    study_name: str | None,
    jobs: int,
    seed: int | None,
    direction: str | None,
    device: str | None,
    quiet: bool,
    learn: bool = False,
    executor: str = "local",
    ray_address: str | None = None,
    batch_size: int | None = None,
    space: dict[str, Any] | None = None,
) -> None:
    """Tune OBJECTIVE, resuming the study of the same name if the storage has one.

    OBJECTIVE is a built-in task (see `smarttune tasks`), package.module:function or
    path/to/file.py:function; with --config FILE it may come from the file instead.
    """
    _validate_options(trials=trials, timeout=timeout, jobs=jobs, seed=seed, direction=direction)
    quiet_optuna_logs()
    loaded = apply_space(load_objective(objective, seed=seed, device=device), space)
    if trials is None and timeout is None:
        trials = _DEFAULT_TRIALS_WITHOUT_TIMEOUT
    chosen = build_executor(executor, jobs=jobs, ray_address=ray_address, batch_size=batch_size)
    study = tune(
        loaded.function if chosen is None else ObjectiveSpec(objective, seed=seed, device=device),
        n_trials=trials,
        timeout=timeout,
        sampler=sampler,
        pruner=pruner,
        storage=storage,
        study_name=study_name or loaded.name,
        direction=direction or loaded.direction or "maximize",
        n_jobs=jobs,
        executor=chosen,
        seed=seed,
        progress=not quiet,
    )
    _print_summary(study, storage)
    if learn:
        learn_from(study, loaded)


def _validate_options(
    *, trials: int | None, timeout: float | None, jobs: int, seed: int | None, direction: str | None
) -> None:
    checks: dict[str, tuple[object, list[Constraint | None]]] = {
        "--trials": (trials, [Interval(int, 1, None)]),
        "--timeout": (timeout, [Interval(float, 0, None, closed="neither")]),
        "--jobs": (jobs, [Interval(int, 1, None), Options((-1,))]),
        "--seed": (seed, [Interval(int, 0, 2**32 - 1)]),
        "--direction": (direction, [Options(("maximize", "minimize"))]),
    }
    for name, (value, constraints) in checks.items():
        if value is not None:  # an option not given keeps its documented default
            validate_parameter(name, value, constraints, kind="option")


def _print_summary(study: object, storage: str) -> None:
    import optuna

    assert isinstance(study, optuna.Study)
    states = [t.state for t in study.get_trials(deepcopy=False)]
    counts = ", ".join(
        f"{sum(s == state for s in states)} {state.name.lower()}"
        for state in (
            optuna.trial.TrialState.COMPLETE,
            optuna.trial.TrialState.PRUNED,
            optuna.trial.TrialState.FAIL,
        )
    )
    click.echo(f"Study {study.study_name!r} in {storage}: {len(states)} trials ({counts}).")
    try:
        best = study.best_trial
    except ValueError:
        click.echo("No trial completed.")
        return
    click.echo(f"Best value: {best.value:.6g} (trial {best.number})")
    click.echo("Best parameters:")
    for name, value in best.params.items():
        click.echo(f"  {name} = {value!r}")
