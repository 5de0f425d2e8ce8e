"""Local worker processes: parallel trials, a worker killed with SIGKILL, batch determinism."""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path

import optuna
import pytest

from smarttune import tune
from smarttune.exceptions import InvalidParameterError
from smarttune.execution import WORKER_KEY, LocalExecutor, RetryDeadTrial

from .conftest import assert_no_trial_lost_or_duplicated, objective

pytestmark = pytest.mark.slow
State = optuna.trial.TrialState


def run(
    url: str, name: str, executor: LocalExecutor, n_trials: int, **kwargs: object
) -> optuna.Study:
    return tune(
        objective(),
        n_trials=n_trials,
        storage=url,
        study_name=name,
        direction="minimize",
        progress=False,
        executor=executor,
        **kwargs,  # type: ignore[arg-type]
    )


def test_worker_that_kills_itself_mid_trial_is_replaced_and_its_trial_retried(
    tmp_path: Path, fault_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SMARTTUNE_TEST_KILL_AT", "2")
    url = f"journal:{tmp_path / 'study.log'}"
    study = run(url, "s", LocalExecutor(n_jobs=2), 8, sampler="tpe", seed=0)
    assert_no_trial_lost_or_duplicated(study, fault_env, complete=8, killed=1)
    dead = study.trials[2]
    assert dead.state == State.FAIL
    assert "worker process" in dead.system_attrs["smarttune:fail_reason"]
    processes = {t.system_attrs[WORKER_KEY]["process"] for t in study.trials}
    assert len(processes) >= 2  # trials ran in more than one process


def test_external_sigkill_of_a_busy_worker_on_sqlite(
    tmp_path: Path, fault_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SMARTTUNE_TEST_SLEEP", "0.4")
    url = f"sqlite:///{tmp_path / 'study.db'}"
    killed: list[str] = []

    def killer() -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not killed:
            time.sleep(0.2)
            try:
                running = optuna.load_study(study_name="s", storage=url).get_trials(
                    deepcopy=False, states=(State.RUNNING,)
                )
            except Exception:  # the study does not exist yet
                continue
            for trial in running:
                if WORKER_KEY in trial.system_attrs and trial.number >= 2:
                    process = str(trial.system_attrs[WORKER_KEY]["process"])
                    os.kill(int(process.split("@")[0]), signal.SIGKILL)
                    killed.append(process)  # busy with this trial, or the next one by now
                    return

    optuna.create_study(storage=url, study_name="s", direction="minimize")  # tables first
    thread = threading.Thread(target=killer)
    thread.start()
    study = run(url, "s", LocalExecutor(n_jobs=2), 8, sampler="random", seed=1)
    thread.join()
    assert len(killed) == 1
    failed = [t for t in study.trials if t.state == State.FAIL]
    assert [t.system_attrs[WORKER_KEY]["process"] for t in failed] == killed
    assert_no_trial_lost_or_duplicated(study, fault_env, complete=8, killed=1)


def test_batch_mode_parallel_proposes_what_serial_proposes(tmp_path: Path, fault_env: Path) -> None:
    def proposals(n_jobs: int) -> list[dict[str, object]]:
        url = f"journal:{tmp_path / f'batch{n_jobs}.log'}"
        executor = LocalExecutor(n_jobs=n_jobs, batch_size=4)
        study = run(url, "s", executor, 12, sampler="tpe", seed=7)
        assert [t.state for t in study.trials] == [State.COMPLETE] * 12
        return [t.params for t in study.trials]

    serial, parallel = proposals(1), proposals(3)
    assert serial == parallel
    assert len({str(p) for p in serial}) == 12  # not one configuration repeated


def test_tune_n_jobs_runs_processes_and_returns_an_in_memory_study(fault_env: Path) -> None:
    study = tune(
        objective(), n_trials=6, n_jobs=2, direction="minimize", sampler="random", progress=False
    )
    assert isinstance(study._storage, optuna.storages.InMemoryStorage)
    assert [t.state for t in study.trials] == [State.COMPLETE] * 6
    assert len({t.system_attrs[WORKER_KEY]["process"] for t in study.trials}) == 2


def test_retry_is_bounded_by_max_retries() -> None:
    study = optuna.create_study()
    trial = study.ask({"x": optuna.distributions.FloatDistribution(0, 1)})
    study.tell(trial, state=State.FAIL)
    retry = RetryDeadTrial(max_retries=1)
    assert retry(study, study.trials[0]) is True
    waiting = study.trials[1]
    assert waiting.state == State.WAITING and waiting.params == study.trials[0].params
    again = study.ask()
    study.tell(again, state=State.FAIL)
    assert retry(study, study.trials[1]) is False  # the retry of a retry: one retry only
    assert len(study.trials) == 2
    assert RetryDeadTrial(max_retries=0)(study, study.trials[0]) is False


def test_executor_errors_name_the_parameter(tmp_path: Path) -> None:
    with pytest.raises(InvalidParameterError, match=r"'n_jobs' parameter of LocalExecutor must be"):
        run(f"journal:{tmp_path / 'a.log'}", "s", LocalExecutor(n_jobs=0), 1)
    with pytest.raises(InvalidParameterError, match=r"'max_retries' parameter of LocalExecutor"):
        run(f"journal:{tmp_path / 'b.log'}", "s", LocalExecutor(max_retries=-1), 1)
    with pytest.raises(InvalidParameterError, match=r"'executor' parameter of tune\(\) must be"):
        tune(objective(), n_trials=1, executor="cluster", progress=False)  # type: ignore[arg-type]
    with pytest.raises(
        InvalidParameterError, match=r"'storage' parameter of tune\(\) must be a URL"
    ):
        tune(
            objective(),
            n_trials=1,
            executor="local",
            storage=optuna.storages.InMemoryStorage(),
            progress=False,
        )
