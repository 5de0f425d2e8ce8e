"""The base class of the torch tasks: options, the objective and the final fit.

A subclass says what its data is (:meth:`TorchTask.load_splits`), what it tunes
(:meth:`TorchTask.suggest`) and which network a configuration builds
(:meth:`TorchTask.build_model`); this class trains, reports, prunes, stops early and tests.
"""

from __future__ import annotations

import os
from abc import abstractmethod
from functools import cached_property
from typing import TYPE_CHECKING, Any, ClassVar

from smarttune._validation import InstanceOf, Interval, Options, validate_params
from smarttune.tasks._base import Task
from smarttune.tasks.torch._common import (
    DEVICES,
    Splits,
    require_torch,
    resolve_device,
    seed_everything,
)

if TYPE_CHECKING:
    import optuna
    import torch

    from smarttune.datasets._dataset import StrPath
    from smarttune.pruners import GradientEarlyStopping
    from smarttune.tasks.torch._checkpoint import RunState
    from smarttune.tasks.torch._training import Trainer

__all__ = ["OPTIMIZERS", "TorchTask"]

#: Optimizer names a task may suggest; SGD uses Nesterov-free momentum 0.9.
OPTIMIZERS = ("Adam", "RMSprop", "SGD")
_TEST_NAMES = {"acc": "accuracy"}


class TorchTask(Task):
    """A neural-network task trained epoch by epoch with PyTorch.

    The objective trains on the training split (or on each of ``k`` folds), reports the
    validation score after every epoch (``trial.report``, step = epoch) and raises
    :class:`optuna.TrialPruned` when the study's pruner says so. Early stopping ends training
    when the epoch-mean training loss flattens, by :class:`GradientEarlyStopping` with
    :attr:`early_stopping_rule`. The trial's user attributes ``history`` (one record per epoch:
    ``epoch``, ``train_*`` and ``val_*`` metrics) and ``stopped_early_at`` log the run.
    Training is seeded by ``seed`` alone, so equal parameters give equal scores.

    Args:
        seed: Seed of the data splits, the weights, dropout and shuffling.
        fidelity: Fraction of ``epochs`` to train (at least one epoch).
        epochs: Epochs per trial at full fidelity.
        final_epochs: Epochs of :meth:`final_fit`; None means ``epochs``.
        device: ``"auto"`` (CUDA when available), ``"cpu"`` or ``"cuda"``.
        data_dir: The dataset directory (see :mod:`smarttune.datasets`); None for the default.
        max_train_rows: Cap on the training rows of every run (quick runs, tests); None for all.
        early_stopping: Whether to stop training when the training loss flattens.
    """

    fidelity_unit = "epochs"
    #: ``"classification"`` or ``"regression"``.
    kind: ClassVar[str]
    #: The history key the objective returns, e.g. ``"val_acc"``.
    score: ClassVar[str]
    #: Settings of :class:`GradientEarlyStopping` applied to the epoch-mean training loss.
    early_stopping_rule: ClassVar[dict[str, Any]] = {"window": 3, "threshold": 0.01, "patience": 2}

    def __init__(
        self,
        *,
        seed: int,
        fidelity: float,
        epochs: int,
        final_epochs: int | None,
        device: str,
        data_dir: StrPath | None,
        max_train_rows: int | None,
        early_stopping: bool,
    ) -> None:
        super().__init__(seed=seed, fidelity=fidelity)
        validate_params(
            {
                "epochs": epochs,
                "final_epochs": final_epochs,
                "device": device,
                "data_dir": data_dir,
                "max_train_rows": max_train_rows,
                "early_stopping": early_stopping,
            },
            {
                "epochs": [Interval(int, 1, None)],
                "final_epochs": [Interval(int, 1, None), None],
                "device": [Options(DEVICES)],
                "data_dir": [InstanceOf(str, os.PathLike), None],
                "max_train_rows": [Interval(int, 1, None), None],
                "early_stopping": [InstanceOf(bool)],
            },
            owner=type(self).__name__,
        )
        require_torch(f"the {self.name} task")
        self.epochs = epochs
        self.final_epochs = final_epochs
        self.device = device
        self.data_dir = data_dir
        self.max_train_rows = max_train_rows
        self.early_stopping = early_stopping

    @property
    def n_epochs(self) -> int:
        """Epochs per trial: ``round(epochs * fidelity)``, at least one."""
        return max(1, round(self.epochs * self.fidelity))

    @abstractmethod
    def load_splits(self) -> Splits:
        """Load and prepare the data (on the CPU), split by :attr:`seed`."""

    @abstractmethod
    def suggest(self, trial: optuna.Trial) -> dict[str, Any]:
        """Suggest one configuration; the returned dict is what :meth:`final_fit` accepts."""

    @abstractmethod
    def build_model(self, params: dict[str, Any]) -> torch.nn.Module:
        """A new network for ``params``."""

    def batch_size(self, params: dict[str, Any]) -> int:
        """The mini-batch size for ``params`` (``params["batch_size"]``, else 128)."""
        return int(params.get("batch_size", 128))

    def make_optimizer(
        self, params: dict[str, Any], model: torch.nn.Module
    ) -> torch.optim.Optimizer:
        """``params["optimizer"]`` (default Adam) with ``learning_rate`` and ``weight_decay``."""
        import torch

        name = params.get("optimizer", "Adam")
        lr, decay = float(params["learning_rate"]), float(params.get("weight_decay", 0.0))
        if name == "SGD":
            return torch.optim.SGD(model.parameters(), lr=lr, momentum=0.9, weight_decay=decay)
        if name == "RMSprop":
            return torch.optim.RMSprop(model.parameters(), lr=lr, weight_decay=decay)
        return torch.optim.Adam(model.parameters(), lr=lr, weight_decay=decay)

    def objective(self, trial: optuna.Trial) -> float:
        """Train with suggested parameters; return the last epoch's validation score."""
        from smarttune.tasks.torch._training import train_epochs

        params = self.suggest(trial)
        splits = self._splits
        seed_everything(self.seed)
        trainers = [self._trainer(params, self.seed + i) for i in range(len(splits.folds))]
        history = train_epochs(
            trainers,
            splits.folds,
            epochs=self.n_epochs,
            batch_size=self.batch_size(params),
            score=self.score,
            trial=trial,
            stopper=self._stopper(),
        )
        return history[-1][self.score]

    def final_fit(self, params: dict[str, Any]) -> dict[str, float]:
        """Train on train + validation for ``final_epochs``; return ``test_*`` metrics.

        Each epoch's training metrics (``epoch``, ``train_loss``, ``train_acc``) are kept in
        :attr:`final_history`.
        """
        splits = self._splits
        seed_everything(self.seed)
        trainer = self._trainer(params, self.seed)
        self.final_history: list[dict[str, float]] = []
        for _ in range(self.final_epochs or self.epochs):
            epoch = trainer.train_epoch(splits.train_val, self.batch_size(params))
            record = {f"train_{key}": value for key, value in epoch.items()}
            self.final_history.append({"epoch": float(trainer.epoch), **record})
        metrics = trainer.evaluate(splits.test)
        return {f"test_{_TEST_NAMES.get(key, key)}": value for key, value in metrics.items()}

    # ----------------------------------------------------------------- checkpoints (PBT)

    supports_checkpoints = True
    mutable_params = ("learning_rate", "weight_decay", "dropout*", "batch_size")

    def init_state(self, params: dict[str, Any], *, seed: int) -> RunState:
        """A fresh run of ``params`` on the first fold, weights and shuffling seeded by ``seed``."""
        from smarttune.tasks.torch._checkpoint import RunState

        seed_everything(seed)
        return RunState(self._trainer(params, seed), dict(params))

    def train_steps(self, state: RunState, n_steps: int) -> float:
        """Train ``n_steps`` epochs on the first fold; return the validation score."""
        train, val = self._splits.folds[0]
        for _ in range(n_steps):
            state.trainer.train_epoch(train, self.batch_size(state.params))
        return state.trainer.evaluate(val)[self.score.removeprefix("val_")]

    def save_checkpoint(self, state: RunState, path: str | os.PathLike[str]) -> None:
        """Write weights, optimizer statistics and epoch (see :mod:`._checkpoint`)."""
        from smarttune.tasks.torch._checkpoint import save_run

        save_run(state, path)

    def load_checkpoint(
        self, path: str | os.PathLike[str], params: dict[str, Any], *, seed: int
    ) -> RunState:
        """Resume the run at ``path`` with ``params``' hyperparameters; reshuffle by ``seed``."""
        from smarttune.tasks.torch._checkpoint import load_run

        return load_run(self.init_state(params, seed=seed), path)

    def test_metrics(self, state: RunState) -> dict[str, float]:
        """The run's ``test_*`` metrics on the test split."""
        metrics = state.trainer.evaluate(self._splits.test)
        return {f"test_{_TEST_NAMES.get(key, key)}": value for key, value in metrics.items()}

    def meta_features(self) -> dict[str, float]:
        """Rows and input features of the training split."""
        train = self._splits.folds[0][0]
        return {"n_rows": float(len(train)), "n_features": float(train.X[0].numel())}

    def check(self) -> None:
        """Resolve the device and load the data (kept for the trials), before any trial.

        Raises:
            InvalidParameterError: If ``device="cuda"`` and CUDA is not available.
            DataError: If a dataset file is missing and cannot be downloaded.
        """
        _ = self._device
        _ = self._cpu_splits

    @cached_property
    def _device(self) -> torch.device:
        return resolve_device(self.device)

    @cached_property
    def _cpu_splits(self) -> Splits:
        splits = self.load_splits()
        cap = self.max_train_rows
        folds = tuple((train.head(cap), val) for train, val in splits.folds)
        return Splits(folds, splits.train_val.head(cap), splits.test)

    @cached_property
    def _splits(self) -> Splits:
        return self._cpu_splits.to(self._device)

    def _trainer(self, params: dict[str, Any], seed: int) -> Trainer:
        from smarttune.tasks.torch._training import Trainer

        model = self.build_model(params)
        optimizer = self.make_optimizer(params, model.to(self._device))
        return Trainer(model, optimizer, kind=self.kind, device=self._device, seed=seed)

    def _stopper(self) -> GradientEarlyStopping | None:
        from smarttune.pruners import GradientEarlyStopping

        if not self.early_stopping:
            return None
        return GradientEarlyStopping(direction="minimize", **self.early_stopping_rule)
