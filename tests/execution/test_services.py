"""Executors on the real PostgreSQL and Redis servers (markers ``postgres`` and ``redis``)."""

from __future__ import annotations

import socket
import time
from pathlib import Path

import optuna
import pytest

from smarttune import tune
from smarttune.execution import RETRY_OF_KEY, WORKER_KEY, LocalExecutor, open_shared_storage

from .conftest import assert_no_trial_lost_or_duplicated, objective

State = optuna.trial.TrialState


@pytest.mark.postgres
@pytest.mark.slow
def test_postgres_heartbeat_fails_and_retries_a_silent_remote_trial(
    postgres_url: str, study_name: str, fault_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A trial of a worker on another machine that stopped beating is failed after the grace
    period and run again with its parameters; a worker killed here is retried at once."""
    monkeypatch.setenv("SMARTTUNE_TEST_KILL_AT", "3")
    storage = open_shared_storage(postgres_url, heartbeat_interval=1, grace_period=2)
    study = optuna.create_study(storage=storage, study_name=study_name, direction="minimize")
    try:
        plain = optuna.load_study(study_name=study_name, storage=open_shared_storage(postgres_url))
        silent = plain.ask({"x": optuna.distributions.FloatDistribution(-5, 5)})
        tag = {"job": "elsewhere", "host": "another-machine", "process": "1@1"}
        storage.set_trial_system_attr(silent._trial_id, WORKER_KEY, tag)
        storage.record_heartbeat(silent._trial_id)  # type: ignore[attr-defined]
        time.sleep(3)  # longer than the grace period: the remote worker is gone
        executor = LocalExecutor(n_jobs=2, heartbeat_interval=1, grace_period=2)
        tune(objective(), n_trials=6, storage=postgres_url, study_name=study_name,
             direction="minimize", sampler="random", progress=False, executor=executor)  # fmt: skip
        study = optuna.load_study(study_name=study_name, storage=storage)
        assert study.trials[0].state == State.FAIL
        retry = [t for t in study.trials if t.system_attrs.get(RETRY_OF_KEY) == 0]
        assert len(retry) == 1 and retry[0].params["x"] == silent.params["x"]
        assert_no_trial_lost_or_duplicated(study, fault_env, complete=6, killed=2)
    finally:
        optuna.delete_study(study_name=study_name, storage=storage)


@pytest.mark.redis
@pytest.mark.slow
def test_redis_journal_with_a_worker_killed_mid_trial(
    redis_url: str, study_name: str, fault_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SMARTTUNE_TEST_KILL_AT", "1")
    study = tune(objective(), n_trials=6, storage=redis_url, study_name=study_name,
                 direction="minimize", sampler="tpe", seed=3, progress=False,
                 executor=LocalExecutor(n_jobs=2))  # fmt: skip
    try:
        assert isinstance(study._storage, optuna.storages.JournalStorage)
        assert_no_trial_lost_or_duplicated(study, fault_env, complete=6, killed=1)
        hosts = {t.system_attrs[WORKER_KEY]["host"] for t in study.trials}
        assert hosts == {socket.gethostname()}
    finally:
        optuna.delete_study(study_name=study_name, storage=study._storage)
