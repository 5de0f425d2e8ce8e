"""LightningCallback: a 2-trial study with pruning, and early stopping."""

from __future__ import annotations

import optuna
import pytest

torch = pytest.importorskip("torch")
pl = pytest.importorskip("lightning.pytorch")

from smarttune.integrations import STOPPED_EARLY_KEY, LightningCallback  # noqa: E402

pytestmark = [
    pytest.mark.torch,
    pytest.mark.slow,
    # Lightning's advice on a tiny CPU run (few batches, no workers) is not a failure.
    pytest.mark.filterwarnings("ignore::lightning.fabric.utilities.warnings.PossibleUserWarning"),
    pytest.mark.filterwarnings("ignore:.*does not have many workers:UserWarning"),
    # Lightning 2.6 still calls a torch.utils._pytree API that torch 2.13 deprecates.
    pytest.mark.filterwarnings(
        "ignore:`isinstance\\(treespec, LeafSpec\\)` is deprecated:FutureWarning"
    ),
]


class _Regression(pl.LightningModule):  # type: ignore[misc]
    def __init__(self, lr: float) -> None:
        super().__init__()
        self.lr = lr
        self.layer = torch.nn.Linear(4, 1)

    def training_step(self, batch: tuple[object, object], _: int) -> object:
        X, y = batch
        return torch.nn.functional.mse_loss(self.layer(X)[:, 0], y)

    def validation_step(self, batch: tuple[object, object], _: int) -> None:
        X, y = batch
        self.log("val_loss", torch.nn.functional.mse_loss(self.layer(X)[:, 0], y))

    def configure_optimizers(self) -> object:
        return torch.optim.SGD(self.parameters(), lr=self.lr)


def _loader() -> object:
    generator = torch.Generator().manual_seed(0)
    X = torch.randn(128, 4, generator=generator)
    y = X @ torch.tensor([1.0, -2.0, 0.5, 3.0])
    return torch.utils.data.DataLoader(torch.utils.data.TensorDataset(X, y), batch_size=64)


def _objective(trial: optuna.Trial, epochs: int = 8) -> float:
    pl.seed_everything(0, verbose=False)
    module = _Regression(trial.suggest_float("lr", 1e-6, 1.0, log=True))
    trainer = pl.Trainer(
        max_epochs=epochs,
        callbacks=[LightningCallback(trial)],
        logger=False,
        enable_checkpointing=False,
        enable_progress_bar=False,
        enable_model_summary=False,
        accelerator="cpu",
    )
    trainer.fit(module, _loader(), _loader())
    return float(trainer.callback_metrics["val_loss"])


def test_two_trial_study_prunes_the_poor_trial() -> None:
    study = optuna.create_study(
        pruner=optuna.pruners.MedianPruner(n_startup_trials=1, n_warmup_steps=1)
    )
    study.enqueue_trial({"lr": 0.1})
    study.enqueue_trial({"lr": 1e-6})
    study.optimize(_objective, n_trials=2)
    good, poor = study.trials
    assert good.state == optuna.trial.TrialState.COMPLETE
    assert poor.state == optuna.trial.TrialState.PRUNED
    assert 0 not in good.intermediate_values or len(good.intermediate_values) >= 2
    assert max(poor.intermediate_values) < 7


def test_flat_validation_loss_stops_training() -> None:
    study = optuna.create_study()
    study.enqueue_trial({"lr": 0.2})
    study.optimize(lambda t: _objective(t, epochs=100), n_trials=1)
    trial = study.trials[0]
    assert trial.state == optuna.trial.TrialState.COMPLETE
    assert trial.user_attrs[STOPPED_EARLY_KEY] < 99
