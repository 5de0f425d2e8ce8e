"""Checkpoints of the torch tasks: resuming takes the weights from the file, the config from us."""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

torch = pytest.importorskip(
    "torch", reason="the torch tasks need the torch extra (pip install 'smarttune[torch]')"
)

from smarttune.pbt import (  # noqa: E402
    LocalCheckpointStore,
    PopulationBasedTraining,
    best_member,
    segments,
)
from smarttune.tasks import get_task  # noqa: E402

pytestmark = pytest.mark.torch
REPO_ROOT = Path(__file__).resolve().parents[2]

PARAMS = {"n_layers": 1, "units_0": 16, "dropout_0": 0.2, "optimizer": "Adam",
          "learning_rate": 1e-3}  # fmt: skip


@pytest.fixture(autouse=True)
def _one_torch_thread() -> Iterator[None]:
    assert importlib.util.find_spec("torch") is not None
    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(previous)


@pytest.fixture(scope="module")
def task() -> object:
    """One task for the module, so the data is loaded once."""
    path = Path(os.environ.get("SMARTTUNE_TEST_DATA_DIR", REPO_ROOT.parent / "shared/datasets"))
    if not path.is_dir():
        pytest.skip(f"dataset copies not found at {path}; set SMARTTUNE_TEST_DATA_DIR")
    return get_task("fashion-mlp", data_dir=path, max_train_rows=400, device="cpu")


def test_resume_uses_the_saved_weights_and_statistics_and_the_new_config(
    task: object, tmp_path: Path
) -> None:
    state = task.init_state(PARAMS, seed=0)  # type: ignore[attr-defined]
    task.train_steps(state, 2)  # type: ignore[attr-defined]
    path = tmp_path / "run.ckpt"
    task.save_checkpoint(state, path)  # type: ignore[attr-defined]
    new = {**PARAMS, "learning_rate": 0.05, "dropout_0": 0.45}
    resumed = task.load_checkpoint(path, new, seed=1)  # type: ignore[attr-defined]
    # Ray Tune issue #28196: Optimizer.load_state_dict restores the saved learning rate.
    assert [g["lr"] for g in resumed.trainer.optimizer.param_groups] == [0.05]
    assert resumed.trainer.model[2].p == 0.45  # the new dropout rate
    assert resumed.params == new and resumed.trainer.epoch == 2
    weights = zip(state.trainer.model.parameters(), resumed.trainer.model.parameters(), strict=True)
    for saved, loaded in weights:
        assert torch.equal(saved, loaded)
    old_moments = state.trainer.optimizer.state_dict()["state"]
    new_moments = resumed.trainer.optimizer.state_dict()["state"]
    assert torch.equal(old_moments[0]["exp_avg"], new_moments[0]["exp_avg"])
    score = task.train_steps(resumed, 1)  # type: ignore[attr-defined]
    assert 0.0 <= score <= 1.0 and resumed.trainer.epoch == 3
    assert set(task.test_metrics(resumed)) == {"test_loss", "test_accuracy"}  # type: ignore[attr-defined]


def test_another_optimizer_keeps_the_weights_but_not_the_statistics(
    task: object, tmp_path: Path
) -> None:
    state = task.init_state(PARAMS, seed=0)  # type: ignore[attr-defined]
    task.train_steps(state, 1)  # type: ignore[attr-defined]
    task.save_checkpoint(state, tmp_path / "run.ckpt")  # type: ignore[attr-defined]
    sgd = {**PARAMS, "optimizer": "SGD", "learning_rate": 0.01}
    resumed = task.load_checkpoint(tmp_path / "run.ckpt", sgd, seed=0)  # type: ignore[attr-defined]
    assert isinstance(resumed.trainer.optimizer, torch.optim.SGD)
    assert resumed.trainer.optimizer.state_dict()["state"] == {}
    assert resumed.trainer.optimizer.param_groups[0]["lr"] == 0.01
    first = next(iter(state.trainer.model.parameters()))
    assert torch.equal(first, next(iter(resumed.trainer.model.parameters())))


@pytest.mark.slow
def test_pbt_on_fashion_mlp(task: object, tmp_path: Path) -> None:
    pbt = PopulationBasedTraining(
        population_size=2,
        checkpoint_store=LocalCheckpointStore(directory=tmp_path),
        explore=["learning_rate"],
    )
    study = pbt.optimize(task, n_steps=2, study_name="fashion")  # type: ignore[arg-type]
    best = best_member(study)
    assert best.step == 2 and 0.0 < (best.score or 0.0) <= 1.0
    second = [s for s in segments(study) if s.round == 1]
    (exploited,) = [s for s in second if s.exploited]  # population 2: one exploit per round
    donor = next(s for s in segments(study) if s.trial == exploited.parent)
    assert donor.member == exploited.donor and donor.round == 0
    assert exploited.params["learning_rate"] != donor.params["learning_rate"]
    assert {k: v for k, v in exploited.params.items() if k != "learning_rate"} == {
        k: v for k, v in donor.params.items() if k != "learning_rate"
    }
