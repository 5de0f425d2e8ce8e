"""A Keras 3 callback that reports each epoch's monitored metric to the trial.

Works with every Keras 3 backend (the tests use ``KERAS_BACKEND=torch``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from smarttune._imports import optional_import
from smarttune.exceptions import InvalidParameterError
from smarttune.integrations._report import report

if TYPE_CHECKING:
    import optuna

    from smarttune.pruners import GradientEarlyStopping

keras = optional_import("keras", extra="keras", purpose="smarttune.integrations.KerasCallback")

__all__ = ["KerasCallback"]


_Callback: Any = keras.callbacks.Callback


class KerasCallback(_Callback):  # type: ignore[misc]
    """Report ``logs[monitor]`` after each epoch; prune, or stop training when it flattens.

    Pass it to ``model.fit(..., callbacks=[KerasCallback(trial)])``. A pruned trial raises
    :class:`optuna.TrialPruned` out of ``fit``; an early stop sets ``model.stop_training`` and
    the objective goes on to return its score.

    Args:
        trial: The running Optuna trial.
        monitor: The ``logs`` key to report, e.g. ``"val_loss"`` or ``"val_accuracy"``.
        early_stopping: As for :func:`smarttune.torch.report`.
    """

    def __init__(
        self,
        trial: optuna.Trial,
        monitor: str = "val_loss",
        *,
        early_stopping: bool | GradientEarlyStopping = True,
    ) -> None:
        super().__init__()
        self.trial = trial
        self.monitor = monitor
        self.early_stopping = early_stopping

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        """Report the epoch's value (see the class docstring)."""
        logs = logs or {}
        if self.monitor not in logs:
            raise InvalidParameterError(
                f"The 'monitor' parameter of KerasCallback must be one of the logged metrics "
                f"{sorted(logs)}. Got {self.monitor!r} instead."
            )
        if report(self.trial, epoch, logs[self.monitor], early_stopping=self.early_stopping):
            self.model.stop_training = True
