"""A live progress bar for a running study: trials done, best value so far, elapsed time.

While the bar is shown, Optuna's per-trial INFO lines are not: the terminal gets one or the
other, never both.
"""

from __future__ import annotations

import math
import threading
from types import TracebackType
from typing import TYPE_CHECKING

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
)

if TYPE_CHECKING:
    import optuna

__all__ = ["StudyProgress"]


class StudyProgress:
    """A context manager whose :meth:`callback` advances a rich progress bar after each trial.

    Args:
        n_trials: The number of trials this run will add, or None when only a timeout bounds it.
        console: Where to draw; standard error by default, so standard output stays parseable.
        enabled: When False, every method is a no-op (``--quiet``) and Optuna's log level is
            left as it is; when True, Optuna logs only warnings and errors until the bar stops.
    """

    def __init__(
        self, n_trials: int | None, *, console: Console | None = None, enabled: bool = True
    ) -> None:
        self.enabled = enabled
        self._lock = threading.Lock()
        self._progress = Progress(
            TextColumn("[bold]trials"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("best {task.fields[best]}"),
            TimeElapsedColumn(),
            console=console or Console(stderr=True),
            transient=False,
            disable=not enabled,
        )
        self._task_id = self._progress.add_task("tune", total=n_trials, best="—")
        self._optuna_verbosity: int | None = None

    def __enter__(self) -> StudyProgress:
        if self.enabled:
            self._optuna_verbosity = _quiet_optuna()
        self._progress.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._progress.stop()
        if self._optuna_verbosity is not None:
            import optuna

            optuna.logging.set_verbosity(self._optuna_verbosity)
            self._optuna_verbosity = None

    def callback(self, study: optuna.Study, trial: optuna.trial.FrozenTrial) -> None:
        """Optuna callback: count the finished trial and show the study's best value."""
        best = _best_value_or_none(study)
        with self._lock:
            self._progress.update(
                self._task_id, advance=1, best="—" if best is None else f"{best:.6g}"
            )

    @property
    def completed(self) -> int:
        """How many trials the bar has counted."""
        return int(self._progress.tasks[0].completed)


def _quiet_optuna() -> int:
    """Raise Optuna's log level to WARNING (no per-trial INFO lines); return the level it had."""
    import optuna

    previous = optuna.logging.get_verbosity()
    optuna.logging.set_verbosity(max(previous, optuna.logging.WARNING))
    return previous


def _best_value_or_none(study: optuna.Study) -> float | None:
    try:
        value = study.best_value
    except ValueError:  # no completed trial yet
        return None
    return value if math.isfinite(value) else None
