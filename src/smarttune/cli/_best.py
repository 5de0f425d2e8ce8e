"""``smarttune best``: the best trial of a study as JSON on standard output."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import click

from smarttune.cli._options import load_study, storage_option
from smarttune.exceptions import StorageError

if TYPE_CHECKING:
    import optuna

__all__ = ["best_command", "pareto_document"]


@click.command("best")
@click.option("--study", "study_name", required=True, help="The study's name.")
@storage_option
def best_command(study_name: str, storage: str) -> None:
    """Print the best value and parameters of a study as JSON (its Pareto front if several)."""
    study = load_study(storage, study_name)
    if len(study.directions) > 1:
        click.echo(json.dumps(pareto_document(study), indent=2, default=str))
        return
    try:
        trial = study.best_trial
    except ValueError as exc:
        raise StorageError(f"The study {study_name!r} has no completed trial yet.") from exc
    document = {
        "study": study_name,
        "direction": study.direction.name.lower(),
        "trial": trial.number,
        "value": trial.value,
        "params": trial.params,
    }
    click.echo(json.dumps(document, indent=2, default=str))


def pareto_document(study: optuna.Study) -> dict[str, Any]:
    """A multi-objective study's directions and Pareto-optimal trials, by trial number."""
    front = sorted(study.best_trials, key=lambda t: t.number)
    if not front:
        raise StorageError(f"The study {study.study_name!r} has no completed trial yet.")
    return {
        "study": study.study_name,
        "directions": [d.name.lower() for d in study.directions],
        "pareto_front": [
            {"trial": t.number, "values": t.values, "params": t.params} for t in front
        ],
    }
