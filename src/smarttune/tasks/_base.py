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
* ``check()`` runs once before the first trial (``tune()``, ``smarttune tune``, ``demo`` and
  ``compare`` call it): it raises a one-line :class:`~smarttune.exceptions.SmartTuneError`
  naming the fix for what would make every trial fail (device, dataset); what it loads may be
  kept for the trials.

Checkpoints (population-based training, :mod:`smarttune.pbt`), for tasks that set
``supports_checkpoints``: ``suggest(trial)`` suggests a configuration without training;
``init_state(params, seed=)`` starts a training run; ``train_steps(state, n)`` trains ``n``
steps (epochs) and returns the validation score; ``save_checkpoint(state, path)`` writes the
run to one file; ``load_checkpoint(path, params, seed=)`` resumes a saved run **with**
``params``, which may differ from the saved run's in the parameters matching
``mutable_params`` (fnmatch patterns): the weights and optimizer statistics come from the file,
every hyperparameter from ``params`` (Ray Tune issue #28196 is a scheduler that got this
wrong); ``test_metrics(state)`` scores the run on the test split.
"""

from __future__ import annotations

import os
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

    def check(self) -> None:
        """Check before the first trial what would make every trial fail; the base checks nothing.

        Raises:
            SmartTuneError: One line naming what is missing and how to fix it (e.g.
                :class:`~smarttune.exceptions.DataError` for a dataset that is neither present
                nor downloadable).
        """
        return None

    # ----------------------------------------------------------------- checkpoints (PBT)

    #: Whether the checkpoint methods below are implemented.
    supports_checkpoints: ClassVar[bool] = False
    #: fnmatch patterns of the parameters that may change when a run resumes from a checkpoint.
    mutable_params: ClassVar[tuple[str, ...]] = ()

    def suggest(self, trial: optuna.Trial) -> dict[str, Any]:
        """Suggest one configuration without training (checkpointing tasks)."""
        raise NotImplementedError(f"{type(self).__name__} does not support checkpoints.")

    def init_state(self, params: dict[str, Any], *, seed: int) -> Any:
        """Start a training run of ``params``, seeded by ``seed``."""
        raise NotImplementedError(f"{type(self).__name__} does not support checkpoints.")

    def train_steps(self, state: Any, n_steps: int) -> float:
        """Train the run ``state`` for ``n_steps`` more steps; return the validation score."""
        raise NotImplementedError(f"{type(self).__name__} does not support checkpoints.")

    def save_checkpoint(self, state: Any, path: str | os.PathLike[str]) -> None:
        """Write the run ``state`` (weights, optimizer statistics, step) to the file ``path``."""
        raise NotImplementedError(f"{type(self).__name__} does not support checkpoints.")

    def load_checkpoint(
        self, path: str | os.PathLike[str], params: dict[str, Any], *, seed: int
    ) -> Any:
        """Resume the run saved at ``path`` with the hyperparameters of ``params``."""
        raise NotImplementedError(f"{type(self).__name__} does not support checkpoints.")

    def test_metrics(self, state: Any) -> dict[str, float]:
        """Score the run ``state`` on the test split: ``test_*`` metrics by name."""
        raise NotImplementedError(f"{type(self).__name__} does not support checkpoints.")

    def __call__(self, trial: optuna.Trial) -> float:
        return self.objective(trial)
