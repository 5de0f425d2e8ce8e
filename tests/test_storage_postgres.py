"""Optuna's RDB storage opened by URL against the real PostgreSQL server (marked ``postgres``)."""

from __future__ import annotations

import os
import uuid

import optuna
import pytest

from smarttune import tune
from smarttune.storage import open_storage

pytestmark = pytest.mark.postgres

URL = os.environ.get("SMARTTUNE_TEST_POSTGRES_URL")


@pytest.fixture
def postgres_url() -> str:
    if not URL:
        if os.environ.get("SMARTTUNE_REQUIRE_SERVICES"):
            pytest.fail("SMARTTUNE_TEST_POSTGRES_URL is required in CI")
        pytest.skip("SMARTTUNE_TEST_POSTGRES_URL is not set (no PostgreSQL server to test against)")
    pytest.importorskip("psycopg", reason="the postgres extra (psycopg) is not installed")
    return URL


def test_tune_on_postgres_and_resume(postgres_url: str) -> None:
    name = f"pg-{uuid.uuid4().hex[:12]}"

    def objective(trial: optuna.Trial) -> float:
        return trial.suggest_float("x", 0, 1)

    try:
        tune(objective, n_trials=3, storage=postgres_url, study_name=name, progress=False)
        study = tune(objective, n_trials=2, storage=postgres_url, study_name=name, progress=False)
        assert len(study.trials) == 5
        assert open_storage(postgres_url) is open_storage(postgres_url)
        assert isinstance(open_storage(postgres_url), optuna.storages.RDBStorage)
    finally:
        optuna.delete_study(study_name=name, storage=open_storage(postgres_url))
