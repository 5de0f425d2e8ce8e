"""``smarttune demo --full --device cuda``: the published budget's data and device on a GPU."""

from __future__ import annotations

from pathlib import Path

import pytest

from smarttune.cli import main
from smarttune.demo import PROFILES, DemoProfile

torch = pytest.importorskip("torch", reason="the torch extra is not installed")

pytestmark = [
    pytest.mark.torch,
    pytest.mark.gpu,
    pytest.mark.skipif(
        not torch.cuda.is_available(),
        reason="needs a CUDA GPU (torch.cuda.is_available() is False)",
    ),
]

# The full profile's data (all of MNIST), with a budget of seconds.
SMALL_FULL = DemoProfile("full", "full", 1, 1, 2, 1, 1, 1)


def test_full_runs_on_the_gpu_and_prints_the_published_accuracy(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    shared_data_dir: Path,
) -> None:
    from smarttune.tasks.torch._alexnet import MnistAlexNetTask

    devices: list[str] = []
    original = MnistAlexNetTask.final_fit

    def spy(self: MnistAlexNetTask, params: dict[str, object]) -> dict[str, float]:
        devices.append(self._device.type)
        return original(self, params)

    monkeypatch.setattr(MnistAlexNetTask, "final_fit", spy)
    monkeypatch.setitem(PROFILES, "full", SMALL_FULL)
    url = f"sqlite:///{tmp_path / 'gpu.db'}"
    code = main(
        ["demo", "--full", "--device", "cuda", "--storage", url, "--quiet", "--out",
         str(tmp_path), "--data-dir", str(shared_data_dir)]
    )  # fmt: skip
    out = capsys.readouterr().out
    assert code == 0
    assert devices == ["cuda"]
    assert "Test accuracy on the official 10,000 MNIST test images: ours " in out
    assert ", published 98.86%" in out
