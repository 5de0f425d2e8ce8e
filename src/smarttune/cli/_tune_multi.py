"""``smarttune tune --directions maximize,minimize``: a multi-objective study from the CLI.

The function returns one number per direction; trials run serially in this process. The run
ends with the Pareto front: one line per trial on it (number, values, parameters).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from smarttune.cli._options import trial_counts_line
from smarttune.exceptions import InvalidParameterError

if TYPE_CHECKING:
    import optuna

    from smarttune.objectives import LoadedObjective

__all__ = ["pareto_lines", "tune_pareto"]


def tune_pareto(
    loaded: LoadedObjective,
    directions: str,
    storage: str,
    study_name: str | None,
    given: dict[str, Any],
    *,
    verbose: bool,
) -> int:
    """Run the study; return the exit status (1 when every trial failed)."""
    from smarttune._api import tune
    from smarttune._api_multi import check_directions
    from smarttune._failures import all_failed_summary
    from smarttune._target import target_of

    wanted = check_directions(directions, "--directions")
    _check_options(loaded, given)
    name = study_name or loaded.name
    reference = target_of(loaded.function, ",".join(wanted)).objective
    budget = " or ".join(
        ([f"{given['trials']} trials"] if given["trials"] else [])
        + ([f"{given['timeout']:g} s"] if given["timeout"] else [])
    )
    click.echo(
        f"Tuning {reference} ({', '.join(wanted)}) in study {name!r} at {storage}: "
        f"{budget}, sampler {given['sampler']}."
    )
    study = tune(
        loaded.function,
        directions=wanted,
        n_trials=given["trials"],
        timeout=given["timeout"],
        sampler=given["sampler"],
        pruner=given["pruner"],
        storage=storage,
        study_name=name,
        seed=given["seed"],
        verbose=verbose,
    )
    hint = "The tracebacks are in the storage; rerun with --verbose to print them."
    if summary := all_failed_summary(study, hint=hint):
        click.echo(summary, err=True)
        return 1
    for line in pareto_lines(study, storage):
        click.echo(line)
    return 0


def _check_options(loaded: LoadedObjective, given: dict[str, Any]) -> None:
    if loaded.task is not None:
        raise InvalidParameterError(
            f"The '--directions' option needs a function returning one number per direction; "
            f"the task {loaded.task.name!r} returns one value. Got task {loaded.name!r}."
        )
    if given["direction"] is not None or given["executor"] != "local" or given["jobs"] != 1:
        raise InvalidParameterError(
            "The '--directions' option runs trials serially in this process: leave out "
            "--direction, --executor and --jobs. Got --direction "
            f"{given['direction']!r}, --executor {given['executor']!r}, --jobs {given['jobs']!r}."
        )


def pareto_lines(study: optuna.Study, storage: str) -> list[str]:
    """The closing summary: trial counts, the Pareto front's size, one line per front trial."""
    lines = [trial_counts_line(study, storage)]
    front = sorted(study.best_trials, key=lambda t: t.number)
    if not front:
        return [*lines, "No trial completed."]
    directions = ", ".join(d.name.lower() for d in study.directions)
    lines.append(f"Pareto front ({directions}): {len(front)} trials")
    for trial in front:
        values = ", ".join(f"{v:.6g}" for v in trial.values)
        params = ", ".join(f"{k}={v!r}" for k, v in trial.params.items())
        lines.append(f"  trial {trial.number}: ({values}) {params}")
    return lines
