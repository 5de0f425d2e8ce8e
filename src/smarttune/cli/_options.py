"""Options and helpers shared by several commands."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

from smarttune.exceptions import StorageError
from smarttune.storage import DEFAULT_CLI_STORAGE, open_storage

__all__ = ["load_study", "quiet_optuna_logs", "storage_option"]

F = TypeVar("F", bound=Callable[..., Any])


def storage_option(function: F) -> F:
    """Add ``--storage URL`` (env ``SMARTTUNE_STORAGE``, default ``./smarttune.db``)."""
    decorator = click.option(
        "--storage",
        default=DEFAULT_CLI_STORAGE,
        show_default=True,
        envvar="SMARTTUNE_STORAGE",
        help="Storage URL: sqlite:///file.db, postgresql://user@host/db or journal:file.log.",
    )
    return decorator(function)


def load_study(storage: str, study_name: str) -> Any:
    """Load ``study_name`` from ``storage``, or raise StorageError listing the studies there."""
    import optuna

    opened = open_storage(storage)
    names = [s.study_name for s in optuna.get_all_study_summaries(opened)]
    if study_name not in names:
        listed = ", ".join(sorted(names)) if names else "none"
        raise StorageError(f"No study named {study_name!r} in {storage}; studies there: {listed}.")
    return optuna.load_study(study_name=study_name, storage=opened)


def quiet_optuna_logs() -> None:
    """Keep Optuna's per-trial INFO lines out of the terminal (the progress bar shows progress)."""
    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)


def trial_counts_line(study: Any, storage: str) -> str:
    """The line that counts a study's trials by state (complete, pruned, fail)."""
    from optuna.trial import TrialState

    states = [t.state for t in study.get_trials(deepcopy=False)]
    counts = ", ".join(
        f"{sum(s == state for s in states)} {state.name.lower()}"
        for state in (TrialState.COMPLETE, TrialState.PRUNED, TrialState.FAIL)
    )
    return f"Study {study.study_name!r} in {storage}: {len(states)} trials ({counts})."
