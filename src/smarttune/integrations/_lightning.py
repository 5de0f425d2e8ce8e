"""A PyTorch Lightning callback that reports each validation epoch's metric to the trial."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from smarttune._imports import optional_import
from smarttune.exceptions import InvalidParameterError
from smarttune.integrations._report import report

if TYPE_CHECKING:
    import optuna

    from smarttune.pruners import GradientEarlyStopping

pl = optional_import(
    "lightning.pytorch", extra="lightning", purpose="smarttune.integrations.LightningCallback"
)

__all__ = ["LightningCallback"]


_Callback: Any = pl.Callback


class LightningCallback(_Callback):  # type: ignore[misc]
    """Report ``trainer.callback_metrics[monitor]`` after each validation epoch.

    Pass it to ``lightning.pytorch.Trainer(callbacks=[LightningCallback(trial)])``. A pruned
    trial raises :class:`optuna.TrialPruned` out of ``trainer.fit``; an early stop sets
    ``trainer.should_stop``. The sanity-check validation run is not reported.

    Args:
        trial: The running Optuna trial.
        monitor: The logged metric to report (``self.log("val_loss", ...)`` in the module).
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

    def on_validation_end(self, trainer: Any, pl_module: Any) -> None:
        """Report the epoch's value (see the class docstring)."""
        if trainer.sanity_checking:
            return
        metrics = trainer.callback_metrics
        if self.monitor not in metrics:
            raise InvalidParameterError(
                f"The 'monitor' parameter of LightningCallback must be one of the logged "
                f"metrics {sorted(metrics)}. Got {self.monitor!r} instead."
            )
        step = trainer.current_epoch
        if report(self.trial, step, metrics[self.monitor], early_stopping=self.early_stopping):
            trainer.should_stop = True
