"""The CLI side: a driver killed with its workers and resumed; `smarttune worker` joining."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import optuna
import pytest

from smarttune.cli import main
from smarttune.storage import open_storage

from .conftest import OBJECTIVES, assert_no_trial_lost_or_duplicated, logged

pytestmark = pytest.mark.slow
State = optuna.trial.TrialState


def tune_args(url: str, trials: int, *extra: str) -> list[str]:
    return [
        "tune", f"{OBJECTIVES}:quadratic", "--storage", url, "--study", "s",
        "--trials", str(trials), "--direction", "minimize", "--sampler", "random", "--quiet",
        *extra,
    ]  # fmt: skip


def kill_driver_group_when(
    process: subprocess.Popen[bytes], log: Path, evaluations: int, url: str
) -> None:
    """Kill the driver's process group once ``evaluations`` are logged and a trial is running
    (on a loaded machine a poll can fall between two trials of both workers)."""
    deadline = time.monotonic() + 120
    while len(logged(log)) < evaluations or not _running(url):
        assert process.poll() is None, "the driver ended before it could be killed"
        assert time.monotonic() < deadline
        time.sleep(0.05)
    os.killpg(process.pid, signal.SIGKILL)  # the driver and its worker processes
    process.wait()


def _running(url: str) -> bool:
    study = optuna.load_study(study_name="s", storage=open_storage(url))
    return bool(study.get_trials(deepcopy=False, states=(State.RUNNING,)))


def test_driver_killed_with_its_workers_resumes_and_retries_their_trials(
    tmp_path: Path, fault_env: Path
) -> None:
    # SQLite: a journal file whose lock holder was killed stalls everyone for Optuna's 30 s.
    url = f"sqlite:///{tmp_path / 's.db'}"
    env = {**os.environ, "SMARTTUNE_TEST_SLEEP": "0.5"}
    command = [sys.executable, "-m", "smarttune", *tune_args(url, 12, "--jobs", "2")]
    driver = subprocess.Popen(command, env=env, start_new_session=True)
    kill_driver_group_when(driver, fault_env, 3, url)
    study = optuna.load_study(study_name="s", storage=open_storage(url))
    done_before = sum(t.state == State.COMPLETE for t in study.trials)
    running = [t.number for t in study.trials if t.state == State.RUNNING]
    assert running, "no trial was running when the driver was killed"

    code = main(tune_args(url, 4, "--jobs", "2"))  # same study name: continue it
    assert code == 0
    study = optuna.load_study(study_name="s", storage=open_storage(url))
    assert_no_trial_lost_or_duplicated(
        study, fault_env, complete=done_before + 4, killed=len(running)
    )
    assert sorted(t.number for t in study.trials if t.state == State.FAIL) == running


def test_worker_command_joins_a_study_with_its_recorded_objective(
    tmp_path: Path, fault_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"journal:{tmp_path / 'w.log'}"
    assert main(tune_args(url, 2, "--jobs", "2")) == 0
    code = main(["worker", "--storage", url, "--study", "s", "--trials", "3", "--heartbeat", "0"])
    out = capsys.readouterr().out
    assert code == 0
    assert "Worker ran 3 trials of 's' (3 complete)" in out
    study = optuna.load_study(study_name="s", storage=open_storage(url))
    assert [t.state for t in study.trials] == [State.COMPLETE] * 5
    assert len(logged(fault_env)) == 5


def test_worker_command_needs_an_objective_for_a_foreign_study(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"journal:{tmp_path / 'f.log'}"
    optuna.create_study(
        study_name="plain",
        storage=optuna.storages.JournalStorage(
            optuna.storages.journal.JournalFileBackend(str(tmp_path / "f.log"))
        ),
    )
    assert main(["worker", "--storage", url, "--study", "plain", "--trials", "1"]) == 2
    assert "recorded no objective" in capsys.readouterr().err
    assert main(["worker", "--storage", url, "--study", "plain", "--trials", "0"]) == 2
    assert "'--trials' option must be an int in the range [1, inf)" in capsys.readouterr().err
