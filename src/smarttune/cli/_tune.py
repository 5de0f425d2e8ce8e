"""``smarttune tune OBJECTIVE``: create or resume a study and run trials."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from smarttune._validation import Constraint, Interval, Options, validate_parameter
from smarttune.cli._config import apply_space, config_option
from smarttune.cli._options import quiet_optuna_logs, storage_option, trial_counts_line
from smarttune.objectives import load_objective
from smarttune.pruners import PRUNER_NAMES, check_pruner_name
from smarttune.samplers import SAMPLER_NAMES, check_sampler_name

if TYPE_CHECKING:
    from smarttune.objectives import LoadedObjective

__all__ = ["tune_command"]

_DEFAULT_TRIALS_WITHOUT_TIMEOUT = 20
#: Exit status of a run in which every trial of the study failed.
EXIT_ALL_FAILED = 1


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
    help="maximize or minimize (default: the task's, or minimize for a function, as Optuna).",
)
@click.option(
    "--directions",
    help="Several objectives, e.g. maximize,minimize: the function returns one number each.",
)
@click.option(
    "--device",
    type=click.Choice(["auto", "cpu", "cuda"]),
    help="Where neural-network tasks train (default: auto, the GPU when present).",
)
@click.option("--quiet", is_flag=True, help="No progress bar.")
@click.option(
    "--verbose", is_flag=True, help="Print each failed trial's traceback (kept in the storage)."
)
@click.option(
    "--learn",
    is_flag=True,
    help="Add the finished study to your knowledge base (SMARTTUNE_KNOWLEDGE or the cache).",
)
@click.option(
    "--transfer-from",
    metavar="URL",
    help="Learn from the past studies in this storage (default: --storage's own).",
)
@click.option(
    "--no-transfer", is_flag=True, help="Do not learn from past studies of the same space."
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
    verbose: bool = False,
    learn: bool = False,
    executor: str = "local",
    ray_address: str | None = None,
    batch_size: int | None = None,
    space: dict[str, Any] | None = None,
    transfer_from: str | None = None,
    no_transfer: bool = False,
    directions: str | None = None,
) -> int:
    """Tune OBJECTIVE, resuming the study of the same name if the storage has one.

    OBJECTIVE is a built-in task (see `smarttune tasks`), package.module:function or
    path/to/file.py:function; with --config FILE it may come from the file instead. A function
    is minimized unless --direction says otherwise; a task has its own direction. A failed
    trial prints one line; its traceback is kept in the storage (and printed with --verbose).
    """
    # Optuna, SciPy and the samplers load here, not at import: `smarttune tune --help` is fast.
    from smarttune._api import preflight, tune
    from smarttune._failures import all_failed_summary
    from smarttune.cli._execution import build_executor, prepare_run
    from smarttune.cli._recommend import learn_from
    from smarttune.execution import ObjectiveSpec

    _validate_options(trials=trials, timeout=timeout, jobs=jobs, seed=seed, direction=direction)
    check_sampler_name(sampler)  # an unknown name ("did you mean …?") stops before any output
    check_pruner_name(pruner)
    quiet_optuna_logs()
    prepare_run(storage)
    loaded = apply_space(load_objective(objective, seed=seed, device=device), space)
    if trials is None and timeout is None:
        trials = _DEFAULT_TRIALS_WITHOUT_TIMEOUT
    if directions is not None:
        from smarttune.cli._tune_multi import tune_pareto

        given: dict[str, Any] = {"direction": direction, "executor": executor, "jobs": jobs}
        given |= {"seed": seed}
        given |= {"trials": trials, "timeout": timeout, "sampler": sampler, "pruner": pruner}
        return tune_pareto(loaded, directions, storage, study_name, given, verbose=verbose)
    chosen = build_executor(executor, jobs=jobs, ray_address=ray_address, batch_size=batch_size)
    name = study_name or loaded.name
    target = preflight(
        loaded.function,
        storage=storage,
        study_name=name,
        direction=direction,
        check_task=executor != "ray",  # Ray workers may run elsewhere, e.g. on a GPU node
    )
    click.echo(
        f"Tuning {target.objective} ({_goal(target.direction, loaded)}) in study {name!r} "
        f"at {storage}: {_budget(trials, timeout)}, sampler {sampler}."
    )
    study = tune(
        loaded.function if chosen is None else ObjectiveSpec(objective, seed=seed, device=device),
        n_trials=trials,
        timeout=timeout,
        sampler=sampler,
        pruner=pruner,
        storage=storage,
        study_name=name,
        direction=target.direction,
        n_jobs=jobs,
        executor=chosen,
        seed=seed,
        progress=not quiet,
        verbose=verbose,
        transfer=False if no_transfer else (transfer_from or True),
    )
    hint = "The tracebacks are in the storage; rerun with --verbose to print them."
    if summary := all_failed_summary(study, hint=hint):
        click.echo(summary, err=True)
        return EXIT_ALL_FAILED
    _print_summary(study, storage)
    if learn:
        learn_from(study, loaded)
    return 0


def _goal(direction: str, loaded: LoadedObjective) -> str:
    """``maximize validation accuracy`` for a task, ``minimize`` for a function."""
    return f"{direction} {loaded.task.metric}" if loaded.task is not None else direction


def _budget(trials: int | None, timeout: float | None) -> str:
    parts = ([f"{trials} trials"] if trials else []) + ([f"{timeout:g} s"] if timeout else [])
    return " or ".join(parts)


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
    click.echo(trial_counts_line(study, storage))
    try:
        best = study.best_trial
    except ValueError:
        click.echo("No trial completed.")
        return
    click.echo(f"Best value: {best.value:.6g} (trial {best.number})")
    click.echo("Best parameters:")
    for name, value in best.params.items():
        click.echo(f"  {name} = {value!r}")
