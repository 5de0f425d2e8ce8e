"""``smarttune best``: the best trial of a study as JSON on standard output."""

from __future__ import annotations

import json

import click

from smarttune.cli._options import load_study, storage_option
from smarttune.exceptions import StorageError

__all__ = ["best_command"]


@click.command("best")
@click.option("--study", "study_name", required=True, help="The study's name.")
@storage_option
def best_command(study_name: str, storage: str) -> None:
    """Print the best value and parameters of a study as JSON."""
    study = load_study(storage, study_name)
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
