"""PyTorch training loops: ``smarttune.torch.report(trial, step, value)`` each epoch.

Example:
    >>> def objective(trial):  # doctest: +SKIP
    ...     model, optimizer = build(trial)
    ...     for epoch in range(50):
    ...         train_one_epoch(model, optimizer)
    ...         loss = validation_loss(model)  # a float or a 0-d tensor
    ...         if smarttune.torch.report(trial, epoch, loss):
    ...             break  # the loss curve has flattened: stop and keep this score
    ...     return float(loss)

``report`` raises :class:`optuna.TrialPruned` when the study's pruner prunes the trial, and
returns True when gradient-flatness early stopping (:class:`smarttune.pruners.
GradientEarlyStopping`, with the study's direction) says the curve has stopped improving.
Importing this module does not import torch.
"""

from __future__ import annotations

from smarttune.integrations._report import STOPPED_EARLY_KEY, report

__all__ = ["STOPPED_EARLY_KEY", "report"]
