"""``smarttune studies``: the studies in a storage with their trials by state.

Every study gets a row, multi-objective ones included (their directions, and the size of their
Pareto front where a best value would go). Names come from the storage, which anyone may have
written to, so control characters are shown escaped and rich markup is not interpreted.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any

import click

from smarttune.cli._options import storage_option
from smarttune.storage import open_storage

if TYPE_CHECKING:
    import optuna

__all__ = ["printable", "studies_command"]

_STATES = ("COMPLETE", "PRUNED", "FAIL", "RUNNING", "WAITING")


def printable(text: str) -> str:
    """``text`` with every non-printable character (ESC, newline, ...) written as an escape."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


@click.command("studies")
@storage_option
def studies_command(storage: str) -> None:
    """List the studies in a storage: direction, trials by state, best value."""
    import optuna
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    opened = open_storage(storage)
    summaries = optuna.get_all_study_summaries(opened, include_best_trial=False)
    table = Table(title=Text(f"Studies in {printable(storage)}"))
    for column in ("study", "direction", *(s.lower() for s in _STATES), "best value"):
        table.add_column(column, justify="left" if column in ("study", "direction") else "right")
    for summary in sorted(summaries, key=lambda s: s.study_name):
        study = optuna.load_study(study_name=summary.study_name, storage=opened)
        table.add_row(*(Text(cell) for cell in _row(study)))
    empty = Text(f"No studies in {printable(storage)}.")
    Console(width=120).print(table if summaries else empty)


def _row(study: optuna.Study) -> list[str]:
    """The cells of one study: name, directions, trial counts by state, best value."""
    trials = study.get_trials(deepcopy=False)
    counts = Counter(t.state.name for t in trials)
    directions = ", ".join(d.name.lower() for d in study.directions)
    return [
        printable(study.study_name),
        directions,
        *(str(counts.get(state, 0)) for state in _STATES),
        _best(study, trials),
    ]


def _best(study: optuna.Study, trials: list[Any]) -> str:
    """The best value, or for several objectives the number of Pareto-optimal trials."""
    if not any(t.state.name == "COMPLETE" for t in trials):
        return "—"
    if len(study.directions) > 1:
        return f"{len(study.best_trials)} Pareto-optimal"
    return f"{study.best_value:.6g}"
