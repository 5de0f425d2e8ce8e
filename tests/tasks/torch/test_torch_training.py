"""The shared pieces of the torch tasks: device, data utilities, the Trainer and its loop."""

from __future__ import annotations

import numpy as np
import optuna
import pytest

torch = pytest.importorskip(
    "torch", reason="the torch tasks need the torch extra (pip install 'smarttune[torch]')"
)

from smarttune.exceptions import InvalidParameterError  # noqa: E402
from smarttune.pruners import GradientEarlyStopping  # noqa: E402
from smarttune.tasks.torch._common import (  # noqa: E402
    Standardizer,
    TensorData,
    images_to_tensor,
    pixel_moments,
    resolve_device,
    split_indices,
)
from smarttune.tasks.torch._housing_mlp import HousingMlpTask  # noqa: E402
from smarttune.tasks.torch._training import Trainer, train_epochs  # noqa: E402

pytestmark = pytest.mark.torch


def test_resolve_device() -> None:
    assert resolve_device("cpu").type == "cpu"
    assert resolve_device("auto").type == ("cuda" if torch.cuda.is_available() else "cpu")
    if not torch.cuda.is_available():
        with pytest.raises(InvalidParameterError, match="CUDA is not available"):
            resolve_device("cuda")


def test_split_indices_are_a_seeded_partition() -> None:
    train, val = split_indices(100, 20, seed=3)
    assert len(val) == 20 and sorted([*train, *val]) == list(range(100))
    assert np.array_equal(val, split_indices(100, 20, seed=3)[1])
    assert not np.array_equal(val, split_indices(100, 20, seed=4)[1])


def test_images_to_tensor_scales_and_standardises() -> None:
    images = np.array([[[0, 255], [255, 0]]], dtype=np.uint8)
    mean, std = pixel_moments(images)
    assert (mean, std) == (0.5, 0.5)
    X = images_to_tensor(images, mean=mean, std=std)
    assert X.shape == (1, 1, 2, 2) and X.dtype == torch.float32
    assert X.flatten().tolist() == [-1.0, 1.0, 1.0, -1.0]
    assert images_to_tensor(images, mean=0.0, std=1.0, flatten=True).shape == (1, 4)


def test_standardizer_imputes_medians_fitted_on_its_own_rows() -> None:
    train = np.array([[1.0, 5.0], [np.nan, 5.0], [3.0, 5.0], [100.0, 5.0]])
    scaler = Standardizer().fit(train)
    assert scaler.medians_[0] == 3.0  # median of 1, 3, 100; the NaN is ignored
    other = scaler.transform(np.array([[np.nan, 7.0]]))
    filled = np.array([1.0, 3.0, 3.0, 100.0])
    assert other[0, 0] == pytest.approx((3.0 - filled.mean()) / filled.std())
    assert other[0, 1] == 2.0  # a constant column is centred, not scaled
    assert not np.isnan(scaler.transform(train)).any()


def test_tensor_data_head() -> None:
    data = TensorData(torch.arange(10.0).reshape(5, 2), torch.arange(5))
    assert len(data.head(3)) == 3 and data.head(None) is data and data.head(9) is data


def blobs(n: int = 200, seed: int = 0) -> TensorData:
    """Two separable Gaussian classes in 2-D."""
    g = torch.Generator().manual_seed(seed)
    y = torch.randint(0, 2, (n,), generator=g)
    X = torch.randn(n, 2, generator=g) + 3.0 * y.unsqueeze(1).float()
    return TensorData(X, y)


def trainer(lr: float, seed: int = 0) -> Trainer:
    torch.manual_seed(seed)
    model = torch.nn.Linear(2, 2)
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    return Trainer(model, optimizer, kind="classification", device=torch.device("cpu"), seed=seed)


def test_trainer_learns_and_counts_epochs() -> None:
    run = trainer(0.5)
    history = train_epochs(
        [run], [(blobs(), blobs(seed=1))], epochs=5, batch_size=32, score="val_acc"
    )
    assert [r["epoch"] for r in history] == [1, 2, 3, 4, 5] and run.epoch == 5
    assert set(history[0]) == {"epoch", "train_loss", "train_acc", "val_loss", "val_acc"}
    assert history[-1]["val_acc"] > 0.9


def test_early_stopping_triggers_on_a_flat_loss() -> None:
    # Learning rate 0: the training loss is exactly flat from the first epoch.
    stopper = GradientEarlyStopping(window=3, patience=2)
    history = train_epochs(
        [trainer(0.0)], [(blobs(), blobs(seed=1))], epochs=20, batch_size=32, score="val_acc",
        stopper=stopper,
    )  # fmt: skip
    assert len(history) == 4  # first check at 3 epochs, second flat check at 4
    losses = [r["train_loss"] for r in history]
    # Flat up to float rounding: each epoch sums the same batch losses in a new shuffled order.
    assert max(losses) - min(losses) <= 1e-6 * abs(losses[0])


def test_regression_metrics_are_in_original_units() -> None:
    X = torch.linspace(-1, 1, 50).unsqueeze(1)
    data = TensorData(X, X.squeeze(1).clone(), y_mean=10.0, y_std=1000.0)
    model = torch.nn.Linear(1, 1)
    with torch.no_grad():
        model.weight.fill_(0.0)
        model.bias.fill_(0.0)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.0)
    run = Trainer(model, optimizer, kind="regression", device=torch.device("cpu"), seed=0)
    metrics = run.evaluate(data)
    assert metrics["r2"] == pytest.approx(0.0, abs=1e-6)  # predicting the mean
    rms = float(X.pow(2).mean().sqrt())
    assert metrics["rmse"] == pytest.approx(1000.0 * rms, rel=1e-5)


def test_train_epochs_reports_logs_and_prunes() -> None:
    def objective(trial: optuna.Trial) -> float:
        history = train_epochs(
            [trainer(0.5)], [(blobs(), blobs(seed=1))], epochs=4, batch_size=32, score="val_acc",
            trial=trial,
        )  # fmt: skip
        return history[-1]["val_acc"]

    study = optuna.create_study(
        direction="maximize", pruner=optuna.pruners.ThresholdPruner(lower=2.0)
    )
    study.optimize(objective, n_trials=1)
    (trial,) = study.trials
    assert trial.state == optuna.trial.TrialState.PRUNED
    assert trial.intermediate_values.keys() == {1}
    assert [r["epoch"] for r in trial.user_attrs["history"]] == [1]


@pytest.mark.parametrize(
    ("name", "expected"),
    [("Adam", torch.optim.Adam), ("RMSprop", torch.optim.RMSprop), ("SGD", torch.optim.SGD)],
)
def test_make_optimizer(name: str, expected: type) -> None:
    params = {"optimizer": name, "learning_rate": 0.05, "weight_decay": 1e-4}
    optimizer = HousingMlpTask().make_optimizer(params, torch.nn.Linear(2, 1))
    assert type(optimizer) is expected
    assert optimizer.defaults["lr"] == 0.05 and optimizer.defaults["weight_decay"] == 1e-4
    if name == "SGD":
        assert optimizer.defaults["momentum"] == 0.9
