from __future__ import annotations

import json
import os
import uuid
from pathlib import Path

import optuna
import pytest

from smarttune.execution import RETRY_HISTORY_KEY, RETRY_OF_KEY, ObjectiveSpec

HERE = Path(__file__).resolve().parent
OBJECTIVES = HERE / "objectives.py"


def objective(name: str = "quadratic") -> ObjectiveSpec:
    return ObjectiveSpec(f"{OBJECTIVES}:{name}")


def service_url(variable: str, what: str, module: str) -> str:
    """The URL in ``variable``; skip (fail in CI, SMARTTUNE_REQUIRE_SERVICES=1) when unset."""
    url = os.environ.get(variable)
    if not url:
        if os.environ.get("SMARTTUNE_REQUIRE_SERVICES"):
            pytest.fail(f"{variable} is required in CI")
        pytest.skip(f"{variable} is not set (no {what} server to test against)")
    pytest.importorskip(module, reason=f"{module} is not installed")
    return url


@pytest.fixture
def postgres_url() -> str:
    return service_url("SMARTTUNE_TEST_POSTGRES_URL", "PostgreSQL", "psycopg")


@pytest.fixture
def redis_url() -> str:
    return service_url("SMARTTUNE_TEST_REDIS_URL", "Redis", "redis")


@pytest.fixture
def study_name() -> str:
    return f"exec-{uuid.uuid4().hex[:12]}"


@pytest.fixture
def fault_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Worker settings for objectives.py; yields the evaluation log."""
    log = tmp_path / "evaluations.log"
    monkeypatch.setenv("SMARTTUNE_TEST_LOG", str(log))
    monkeypatch.setenv("SMARTTUNE_TEST_MARKER", str(tmp_path / "killed.marker"))
    return log


def logged(log: Path) -> list[dict[str, object]]:
    if not log.exists():
        return []
    return [json.loads(line) for line in log.read_text().splitlines()]


def assert_no_trial_lost_or_duplicated(
    study: optuna.Study, log: Path, *, complete: int, killed: int | None = None
) -> None:
    """Check that no trial is lost or duplicated.

    Every COMPLETE trial was evaluated and is stored once; every FAIL trial (a killed one) has
    exactly one COMPLETE retry with its parameters; nothing is left RUNNING or WAITING.

    An evaluation logged by a trial that is not COMPLETE was killed between its evaluation and
    its tell: it must be one of the failed, retried trials.
    """
    trials = study.get_trials(deepcopy=False)
    state = optuna.trial.TrialState
    done = [t for t in trials if t.state == state.COMPLETE]
    assert len(done) == complete
    assert len({t.number for t in trials}) == len(trials)
    failed = [t for t in trials if t.state == state.FAIL]
    if killed is not None:
        assert len(failed) == killed
    evaluated = [int(e["number"]) for e in logged(log)]  # type: ignore[call-overload]
    assert len(evaluated) == len(set(evaluated))
    assert {t.number for t in done} <= set(evaluated)
    assert set(evaluated) - {t.number for t in done} <= {t.number for t in failed}
    for dead in failed:
        retries = [t for t in trials if t.system_attrs.get(RETRY_OF_KEY) == dead.number]
        assert len(retries) == 1, f"trial {dead.number} retried {len(retries)} times"
        assert retries[0].state == state.COMPLETE
        # the same parameters: those the dead attempt had drawn (all, unless it died early)
        assert dead.params.items() <= retries[0].params.items()
        assert retries[0].system_attrs[RETRY_HISTORY_KEY] == [dead.number]
    assert not [t for t in trials if t.state in (state.RUNNING, state.WAITING)]
