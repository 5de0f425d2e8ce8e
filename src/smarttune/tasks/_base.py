"""The contract of a built-in task.

A task is a complete tuning problem: data with a fixed train / validation / test protocol, a
model, a search space and a score.

* ``objective(trial)`` trains on the training split and returns the validation score; the test
  split is never seen while tuning. Tasks that train iteratively report the validation score
  after each epoch with ``trial.report`` and raise ``optuna.TrialPruned`` when
  ``trial.should_prune()``.
* ``final_fit(params)`` retrains on train + validation with the chosen parameters and returns
  the test metrics.
* ``meta_features()`` describes the data for the knowledge base.
* ``fidelity`` (a fraction in (0, 1], 1 = the full budget) scales the training budget: epochs
  for neural tasks, training rows for scikit-learn tasks; multi-fidelity schedulers lower it.
* ``seed`` makes splits and training deterministic.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import TYPE_CHECKING, Any, ClassVar

from smarttune._validation import Interval, validate_params

if TYPE_CHECKING:
    import optuna

__all__ = ["Task"]


class Task(ABC):
    """A built-in objective with an honest validation/test protocol.

    Subclasses set the class attributes and implement :meth:`objective` and :meth:`final_fit`.
    Constructors are keyword-only and do no I/O; data is loaded on first use.

    Args:
        seed: Seed of the data splits and of training.
        fidelity: Fraction of the full training budget, in (0, 1].
    """

    # Class attributes, or instance attributes where one class serves several names.
    #: The name ``smarttune tune NAME`` accepts.
    name: str
    #: One line for ``smarttune tasks``.
    summary: str
    #: ``"maximize"`` or ``"minimize"`` for the value :meth:`objective` returns.
    direction: str
    #: What the objective's value is, e.g. ``"validation accuracy"``.
    metric: str
    #: What :attr:`fidelity` scales, e.g. ``"epochs"`` or ``"training rows"``.
    fidelity_unit: ClassVar[str] = "training rows"

    def __init__(self, *, seed: int = 0, fidelity: float = 1.0) -> None:
        validate_params(
            {"seed": seed, "fidelity": fidelity},
            {
                "seed": [Interval(int, 0, 2**32 - 1)],
                "fidelity": [Interval(float, 0, 1, closed="right")],
            },
            owner=type(self).__name__,
        )
        self.seed = seed
        self.fidelity = float(fidelity)

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
