"""Failed trials as one line each: the reporter callback, the log filter, the run's verdict.

Optuna logs every failed trial as a warning carrying the full traceback; a run with a broken
objective then floods the terminal. While :func:`one_line_failures` is active those warnings
are dropped, and :class:`FailureReporter` prints one line per failed trial instead (trial
number, exception type, message). The full traceback is not lost: the trial's system attribute
:data:`~smarttune.execution.TRACEBACK_KEY` holds it (written by
:func:`~smarttune.execution.guard_objective`), and ``verbose=True`` (``--verbose``) prints it
below the line.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from smarttune.execution import FAIL_REASON_KEY, TRACEBACK_KEY

if TYPE_CHECKING:
    import optuna

__all__ = ["FailureReporter", "all_failed_summary", "failure_line", "one_line_failures"]

#: Optuna's two warnings about a failed trial (``optuna.study._optimize``).
_OPTUNA_FAILURE = re.compile(r"^Trial \d+ failed with ")
_MESSAGE_CHARS = 300


def failure_line(trial: optuna.trial.FrozenTrial) -> str:
    """``trial N failed: Type: message``: the first line of the trial's recorded reason."""
    reason = str(trial.system_attrs.get(FAIL_REASON_KEY) or "no reason recorded")
    first = reason.strip().splitlines()[0] if reason.strip() else "no reason recorded"
    if len(first) > _MESSAGE_CHARS:
        first = first[: _MESSAGE_CHARS - 3] + "..."
    return f"trial {trial.number} failed: {first}"


class FailureReporter:
    """An Optuna callback printing one line per failed trial (and its traceback if verbose).

    Args:
        echo: Receives each line.
        verbose: Also print the trial's full traceback, as recorded in the storage.
    """

    def __init__(self, echo: Callable[[str], None], *, verbose: bool = False) -> None:
        self.echo = echo
        self.verbose = verbose

    def __call__(self, study: optuna.Study, trial: optuna.trial.FrozenTrial) -> None:
        """Print ``trial``'s line when it failed; do nothing otherwise."""
        if trial.state.name != "FAIL":
            return
        self.echo(failure_line(trial))
        trace = trial.system_attrs.get(TRACEBACK_KEY)
        if self.verbose and trace:
            self.echo(str(trace).rstrip())


class _DropFailureWarnings(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return not _OPTUNA_FAILURE.match(record.getMessage())


@contextmanager
def one_line_failures() -> Iterator[None]:
    """Drop Optuna's failed-trial warnings (and their tracebacks) while the block runs.

    The filter sits on Optuna's own logger for trials, so other Optuna warnings still show.
    """
    import optuna

    logger = optuna.logging.get_logger("optuna.study._optimize")
    drop = _DropFailureWarnings()
    logger.addFilter(drop)
    try:
        yield
    finally:
        logger.removeFilter(drop)


def all_failed_summary(study: optuna.Study, *, hint: str) -> str | None:
    """A one-line verdict when the study has trials and every one of them failed, else None.

    Args:
        study: The study after the run.
        hint: The end of the line: where the tracebacks are, what to do.
    """
    trials = study.get_trials(deepcopy=False)
    if not trials or any(t.state.name != "FAIL" for t in trials):
        return None
    last = failure_line(trials[-1]).split(": ", 1)[1]
    return (
        f"error: every trial of study {study.study_name!r} failed ({len(trials)} of "
        f"{len(trials)}; the last: {last}). {hint}"
    )
