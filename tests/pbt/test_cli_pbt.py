from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from smarttune.cli import main


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def one_torch_thread() -> Iterator[None]:
    """Train on one thread (the CI machine has two cores)."""
    torch = pytest.importorskip("torch", reason="the torch tasks need the torch extra")
    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(previous)


@pytest.mark.torch
@pytest.mark.slow
@pytest.mark.usefixtures("one_torch_thread")
def test_pbt_command_trains_and_resumes(
    tmp_path: Path,
    shared_data_dir: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SMARTTUNE_DATA_DIR", str(shared_data_dir))
    url = f"sqlite:///{tmp_path / 'pbt.db'}"
    args = ["pbt", "fashion-mlp", "--population", "2", "--steps", "2", "--storage", url,
            "--artifacts", str(tmp_path / "artifacts"), "--device", "cpu"]  # fmt: skip
    code, out, err = run(capsys, *args)
    assert code == 0, err
    assert "Study 'pbt-fashion-mlp'" in out and "4 segments" in out
    assert "Best member:" in out and "validation accuracy" in out
    assert "0-1: {" in out and "1-2: {" in out
    assert len(list((tmp_path / "artifacts").iterdir())) == 4
    code, out, _ = run(capsys, *args)  # everything is recorded: nothing is trained again
    assert code == 0 and "4 segments" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["svm-digits"], "must be a built-in task that supports checkpoints"),
        (["fashion-mlp", "--population", "1"], r"'--population' option must be an int"),
        (["fashion-mlp", "--quantile", "0.9"], r"'--quantile' option"),
        (["nope"], "Unknown task 'nope'"),
    ],
)
def test_pbt_command_rejects_bad_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    code, _, err = run(capsys, "pbt", *args, "--storage", f"sqlite:///{tmp_path / 'x.db'}")
    assert code == 2
    assert len(err.strip().splitlines()) == 1
    assert re.search(message, err)
