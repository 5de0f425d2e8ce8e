"""The contract of a built-in task.

A task is a complete tuning problem: data with a fixed train / validation / test protocol, a
model, a search space and a score. ``objective(trial)`` trains on the training split and returns
the validation score (the test split is never seen while tuning); ``final_fit(params)`` retrains
on train + validation with the chosen parameters and returns the test metrics.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:
    import optuna

__all__ = ["Task"]


class Task(ABC):
    """A built-in objective with an honest validation/test protocol.

    Subclasses set the class attributes and implement :meth:`objective` and :meth:`final_fit`.
    Constructors do no I/O; data is loaded on first use.
    """

    #: The name ``smarttune tune NAME`` accepts.
    name: ClassVar[str]
    #: One line for ``smarttune tasks``.
    summary: ClassVar[str]
    #: ``"maximize"`` or ``"minimize"`` for the value :meth:`objective` returns.
    direction: ClassVar[str]
    #: What the objective's value is, e.g. ``"validation accuracy"``.
    metric: ClassVar[str]

    @abstractmethod
    def objective(self, trial: optuna.Trial) -> float:
        """Suggest parameters, train on the training split, return the validation score."""

    @abstractmethod
    def final_fit(self, params: dict[str, Any]) -> dict[str, float]:
        """Retrain on train + validation with ``params``; return test metrics by name."""

    def meta_features(self) -> dict[str, float]:
        """Describe the task's data (rows, features, classes, …) for meta-learning."""
        return {}

    def __call__(self, trial: optuna.Trial) -> float:
        return self.objective(trial)
