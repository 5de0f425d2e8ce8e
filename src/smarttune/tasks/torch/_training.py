"""The training loop of the torch tasks: a small :class:`Trainer` and the per-epoch driver.

A :class:`Trainer` holds everything one training run needs between epochs (model, optimizer,
shuffling generator, epoch counter), so checkpointing a run (for population-based training)
means saving those four things. :func:`train_epochs` drives one or several trainers (several
for k-fold cross-validation, in lockstep) epoch by epoch: it logs a history, reports the
validation score to Optuna for pruning and applies early stopping to the training loss.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    import optuna
    import torch

    from smarttune.pruners import GradientEarlyStopping
    from smarttune.tasks.torch._common import TensorData

__all__ = ["Trainer", "train_epochs"]

_EVAL_BATCH = 2048


class Trainer:
    """One training run: a model, its optimizer and an epoch counter.

    Args:
        model: The network, moved to ``device``.
        optimizer: The optimizer of the model's parameters.
        kind: ``"classification"`` (cross-entropy over logits) or ``"regression"`` (mean
            squared error on standardised targets).
        device: Where the model and the data live.
        seed: Seed of the generator that shuffles the training data each epoch.
    """

    def __init__(
        self,
        model: torch.nn.Module,
        optimizer: torch.optim.Optimizer,
        *,
        kind: str,
        device: torch.device,
        seed: int,
    ) -> None:
        import torch

        self.model = model.to(device)
        self.optimizer = optimizer
        self.kind = kind
        self.device = device
        self.generator = torch.Generator().manual_seed(seed)
        self.epoch = 0

    def train_epoch(self, data: TensorData, batch_size: int) -> dict[str, float]:
        """Train one pass over ``data`` in shuffled mini-batches; return ``loss`` (and ``acc``).

        The metrics are means over the epoch's batches as they were trained (dropout on).
        """
        import torch

        self.model.train()
        order = torch.randperm(len(data), generator=self.generator).to(self.device)
        total_loss = torch.zeros((), device=self.device)
        correct = torch.zeros((), device=self.device, dtype=torch.int64)
        for batch in torch.split(order, batch_size):
            outputs = self.model(data.X[batch])
            loss = self._loss(outputs, data.y[batch])
            self.optimizer.zero_grad(set_to_none=True)
            torch.autograd.backward(loss)
            self.optimizer.step()
            total_loss += loss.detach() * len(batch)
            if self.kind == "classification":
                correct += (outputs.argmax(dim=1) == data.y[batch]).sum()
        self.epoch += 1
        metrics = {"loss": float(total_loss) / len(data)}
        if self.kind == "classification":
            metrics["acc"] = int(correct) / len(data)
        return metrics

    def evaluate(self, data: TensorData) -> dict[str, float]:
        """Return ``loss`` and ``acc`` (classification) or ``rmse`` and ``r2`` (regression).

        The RMSE is in the targets' original units; R² is 1 - SSE / SST.
        """
        outputs = self.predict(data.X)
        metrics = {"loss": float(self._loss(outputs, data.y))}
        if self.kind == "classification":
            metrics["acc"] = float((outputs.argmax(dim=1) == data.y).float().mean())
        else:
            sse = float(((outputs.squeeze(1) - data.y) ** 2).sum())
            sst = float(((data.y - data.y.mean()) ** 2).sum())
            metrics["rmse"] = math.sqrt(sse / len(data)) * data.y_std
            metrics["r2"] = 1.0 - sse / sst if sst > 0 else 0.0
        return metrics

    def predict(self, X: torch.Tensor) -> torch.Tensor:
        """The model's outputs for ``X`` in evaluation mode (dropout off), without gradients."""
        import torch

        self.model.eval()
        with torch.no_grad():
            return torch.cat([self.model(part) for part in torch.split(X, _EVAL_BATCH)])

    def _loss(self, outputs: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
        from torch.nn import functional

        if self.kind == "classification":
            return functional.cross_entropy(outputs, targets)
        return functional.mse_loss(outputs.squeeze(1), targets)


def train_epochs(
    trainers: Sequence[Trainer],
    folds: Sequence[tuple[TensorData, TensorData]],
    *,
    epochs: int,
    batch_size: int,
    score: str,
    trial: optuna.Trial | None = None,
    stopper: GradientEarlyStopping | None = None,
) -> list[dict[str, float]]:
    """Train ``trainers[i]`` on ``folds[i]`` for up to ``epochs`` epochs; return the history.

    After each epoch, the history gains one record: ``epoch``, then ``train_*`` and ``val_*``
    metrics averaged over the folds. With a ``trial``, the history is stored in the trial's
    user attribute ``history``, ``record[score]`` is reported with ``trial.report`` at step
    ``epoch`` and :class:`optuna.TrialPruned` is raised when ``trial.should_prune()``. With a
    ``stopper``, training ends early once ``stopper.update(train_loss)`` says the training
    loss has flattened; the trial's user attribute ``stopped_early_at`` then names the epoch.
    """
    import optuna

    history: list[dict[str, float]] = []
    for _ in range(epochs):
        per_fold = [
            {
                **{f"train_{k}": v for k, v in trainer.train_epoch(train, batch_size).items()},
                **{f"val_{k}": v for k, v in trainer.evaluate(val).items()},
            }
            for trainer, (train, val) in zip(trainers, folds, strict=True)
        ]
        epoch = trainers[0].epoch
        record = {"epoch": epoch, **{k: _mean(r[k] for r in per_fold) for k in per_fold[0]}}
        history.append(record)
        stop = stopper is not None and stopper.update(record["train_loss"])
        if trial is not None:
            trial.set_user_attr("history", history)
            trial.report(record[score], epoch)
            if trial.should_prune():
                raise optuna.TrialPruned(f"pruned after epoch {epoch}: {score}={record[score]}")
            if stop:
                trial.set_user_attr("stopped_early_at", epoch)
        if stop:
            break
    return history


def _mean(values: Iterable[float]) -> float:
    items = list(values)
    return sum(items) / len(items)
