"""Checkpoints of a torch training run, for population-based training.

A checkpoint holds the network's weights, the optimizer's name and statistics (Adam's moments,
SGD's momentum buffers) and the epoch counter. Resuming it with a *new* configuration builds
the network and the optimizer from the new configuration, then loads the saved tensors: the
weights always (dropout rates have none), the optimizer statistics when the optimizer is the
same kind, and finally writes the new learning rate and weight decay back into the optimizer.
``torch.optim.Optimizer.load_state_dict`` restores the *saved* ``param_groups``, learning rate
included, so a resume that stopped after loading would silently train with the donor's
hyperparameters (the bug of Ray Tune issue #28196).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import os

    from smarttune.tasks.torch._training import Trainer

__all__ = ["RunState", "load_run", "save_run"]

#: Optimizer settings that come from the configuration, never from a checkpoint.
_HYPERPARAMETERS = ("lr", "weight_decay", "momentum", "betas", "alpha", "eps")


@dataclass
class RunState:
    """One training run of a torch task: its trainer and the configuration it trains with."""

    trainer: Trainer
    params: dict[str, Any]


def save_run(state: RunState, path: str | os.PathLike[str]) -> None:
    """Write weights, optimizer name and statistics, epoch and configuration to ``path``."""
    import torch

    trainer = state.trainer
    torch.save(
        {
            "model": trainer.model.state_dict(),
            "optimizer_class": type(trainer.optimizer).__name__,
            "optimizer": trainer.optimizer.state_dict(),
            "epoch": trainer.epoch,
            "params": state.params,
        },
        path,
    )


def load_run(state: RunState, path: str | os.PathLike[str]) -> RunState:
    """Load the checkpoint at ``path`` into ``state``, a fresh run of the new configuration.

    The weights and, for the same optimizer class, the optimizer statistics come from the file;
    the optimizer's hyperparameters stay those ``state`` was built with.
    """
    import torch

    saved = torch.load(path, map_location=state.trainer.device, weights_only=True)
    trainer = state.trainer
    trainer.model.load_state_dict(saved["model"])
    if saved["optimizer_class"] == type(trainer.optimizer).__name__:
        own = [
            {key: group[key] for key in _HYPERPARAMETERS if key in group}
            for group in trainer.optimizer.param_groups
        ]
        trainer.optimizer.load_state_dict(saved["optimizer"])
        for group, settings in zip(trainer.optimizer.param_groups, own, strict=True):
            group.update(settings)
    trainer.epoch = int(saved["epoch"])
    return state
