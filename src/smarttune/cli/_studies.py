"""``smarttune studies``: the studies in a storage with their trials by state."""

from __future__ import annotations

from collections import Counter

import click

from smarttune.cli._options import storage_option
from smarttune.storage import open_storage

__all__ = ["studies_command"]

_STATES = ("COMPLETE", "PRUNED", "FAIL", "RUNNING", "WAITING")


@click.command("studies")
@storage_option
def studies_command(storage: str) -> None:
    """List the studies in a storage: direction, trials by state, best value."""
    import optuna
    from rich.console import Console
    from rich.table import Table

    opened = open_storage(storage)
    summaries = optuna.get_all_study_summaries(opened, include_best_trial=True)
    table = Table(title=f"Studies in {storage}")
    for column in ("study", "direction", *(s.lower() for s in _STATES), "best value"):
        table.add_column(column, justify="left" if column in ("study", "direction") else "right")
    for summary in sorted(summaries, key=lambda s: s.study_name):
        study = optuna.load_study(study_name=summary.study_name, storage=opened)
        trials = study.get_trials(deepcopy=False)
        counts = Counter(t.state.name for t in trials)
        best = summary.best_trial.value if summary.best_trial is not None else None
        table.add_row(
            summary.study_name,
            summary.direction.name.lower(),
            *(str(counts.get(state, 0)) for state in _STATES),
            "—" if best is None else f"{best:.6g}",
        )
    Console(width=120).print(table if summaries else f"No studies in {storage}.")
