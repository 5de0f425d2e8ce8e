"""Nothing lost, nothing stuck: real processes, real signals (issue 17 items 3 and 4).

Each case runs `smarttune tune` as a process, sends a signal by PID to the driver, a worker or
the whole group, then checks the exit status and printed lines the README promises, that every
completed trial is stored once, and that nothing is left RUNNING after the next run.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import optuna
import pytest

from smarttune.cli import main
from smarttune.execution import FAIL_REASON_KEY, WORKER_KEY
from smarttune.storage import open_storage

from .conftest import OBJECTIVES, logged

pytestmark = pytest.mark.slow
State = optuna.trial.TrialState
# Python ignores SIGINT when it starts with SIGINT ignored (a background job): undo that first.
_DEFAULT_SIGINT = (
    "import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); "
    "os.execv(sys.executable, [sys.executable, '-m', 'smarttune', *sys.argv[1:]])"
)
_INTERRUPTED = [
    "",  # click ends the terminal's ^C line
    "Interrupted: finished trials are saved; run the same command to continue the study.",
]


def _args(url: str, objective: str, trials: int, *extra: str) -> list[str]:
    return [
        "tune", f"{OBJECTIVES}:{objective}", "--storage", url, "--study", "s",
        "--trials", str(trials), "--sampler", "random", "--quiet", *extra,
    ]  # fmt: skip


def _start(args: list[str], **settings: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", _DEFAULT_SIGINT, *args],
        env={**os.environ, **settings},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group: the test can signal the whole group
    )


def _study(url: str) -> optuna.Study:
    return optuna.load_study(study_name="s", storage=open_storage(url))


def _running(url: str) -> list[optuna.trial.FrozenTrial]:
    try:
        study = _study(url)
    except (KeyError, Exception):  # the study is not created yet
        return []
    return study.get_trials(deepcopy=False, states=(State.RUNNING,))


def _wait_for(condition: Callable[[], bool], process: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 120
    while not condition():
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


def _numbers(trials: list[optuna.trial.FrozenTrial]) -> list[int]:
    return sorted(t.number for t in trials)


def _pids(trials: list[optuna.trial.FrozenTrial]) -> list[int]:
    return [int(str(t.system_attrs[WORKER_KEY]["process"]).split("@")[0]) for t in trials]


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    with open(f"/proc/{pid}/stat") as stat:  # a zombie is gone too
        return stat.read().rsplit(")", 1)[1].split()[0] == "Z"


def _group_gone(group: int, timeout: float = 15) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.killpg(group, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.1)
    return False


def _assert_settled(url: str, log: Path) -> list[optuna.trial.FrozenTrial]:
    """Nothing RUNNING or WAITING; each evaluated configuration COMPLETE at most once."""
    trials = _study(url).get_trials(deepcopy=False)
    assert not [t for t in trials if t.state in (State.RUNNING, State.WAITING)]
    numbers = [int(e["number"]) for e in logged(log)]  # type: ignore[call-overload]
    assert len(numbers) == len(set(numbers))
    done = {t.number for t in trials if t.state == State.COMPLETE}
    assert done <= set(numbers)
    return trials


def _next_run_recovers(
    url: str, log: Path, trials: int = 1, objective: str = "slow_from"
) -> list[optuna.trial.FrozenTrial]:
    result = subprocess.run(
        [sys.executable, "-m", "smarttune", *_args(url, objective, trials)],
        env={**os.environ, "SMARTTUNE_TEST_SLOW_FROM": "1000"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert len(result.stdout.splitlines()) == 5  # header, summary, best value, parameters (1)
    return _assert_settled(url, log)


def test_sigkill_of_a_serial_run_leaves_a_trial_the_next_run_recovers(
    tmp_path: Path, fault_env: Path
) -> None:
    url = f"sqlite:///{tmp_path / 's.db'}"
    driver = _start(
        _args(url, "slow_from", 5), SMARTTUNE_TEST_SLOW_FROM="2", SMARTTUNE_TEST_SLEEP="60"
    )
    _wait_for(lambda: _numbers(_running(url)) == [2], driver)
    driver.send_signal(signal.SIGKILL)
    driver.communicate()
    assert [t.number for t in _running(url)] == [2]

    trials = _next_run_recovers(url, fault_env)
    assert [t.state for t in trials] == [State.COMPLETE] * 2 + [State.FAIL, State.COMPLETE]
    assert (
        trials[2].system_attrs[FAIL_REASON_KEY] == "lost: its process is gone (killed or crashed)"
    )


def test_sigterm_of_a_serial_run_is_handled_like_ctrl_c(tmp_path: Path, fault_env: Path) -> None:
    url = f"sqlite:///{tmp_path / 's.db'}"
    driver = _start(
        _args(url, "slow_from", 5), SMARTTUNE_TEST_SLOW_FROM="1", SMARTTUNE_TEST_SLEEP="60"
    )
    _wait_for(lambda: _numbers(_running(url)) == [1], driver)
    driver.send_signal(signal.SIGTERM)
    out, err = driver.communicate(timeout=60)
    assert driver.returncode == 130
    assert len(out.splitlines()) == 1  # the header
    assert err.splitlines() == _INTERRUPTED
    trials = _assert_settled(url, fault_env)
    assert [t.state for t in trials] == [State.COMPLETE, State.FAIL]
    assert trials[1].system_attrs[FAIL_REASON_KEY] == "interrupted (signal SIGTERM)"


def test_os_exit_in_an_objective_is_recovered_by_the_next_run(
    tmp_path: Path, fault_env: Path
) -> None:
    url = f"journal:{tmp_path / 's.log'}"
    result = subprocess.run(
        [sys.executable, "-m", "smarttune", *_args(url, "hard_exit", 4)],
        env={**os.environ, "SMARTTUNE_TEST_EXIT_AT": "1"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 3
    assert [t.number for t in _running(url)] == [1]

    trials = _next_run_recovers(url, fault_env, objective="hard_exit")  # exits once only
    assert [t.state for t in trials] == [State.COMPLETE, State.FAIL, State.COMPLETE]


def test_sys_exit_in_an_objective_fails_its_trial_and_the_study_goes_on(
    tmp_path: Path, fault_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SMARTTUNE_TEST_EXIT_AT", "1")
    for extra in ((), ("--jobs", "2")):
        url = f"journal:{tmp_path / f's{len(extra)}.log'}"
        result = subprocess.run(
            [sys.executable, "-m", "smarttune", *_args(url, "exits", 4, *extra)],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, result.stderr
        assert len(result.stdout.splitlines()) == 5
        assert result.stderr.splitlines() == [
            "trial 1 failed: ObjectiveExited: the objective called sys.exit(3)"
        ]
        trials = _study(url).trials
        assert sorted(t.state.name for t in trials) == ["COMPLETE"] * 3 + ["FAIL"]


def test_ctrl_c_with_jobs_2_fails_both_running_trials_without_tracebacks(
    tmp_path: Path, fault_env: Path
) -> None:
    url = f"journal:{tmp_path / 's.log'}"
    driver = _start(
        _args(url, "slow_from", 8, "--jobs", "2"),
        SMARTTUNE_TEST_SLOW_FROM="2",
        SMARTTUNE_TEST_SLEEP="60",
    )
    _wait_for(lambda: _numbers(_running(url)) == [2, 3], driver)
    workers = _pids(_running(url))
    os.killpg(driver.pid, signal.SIGINT)  # what Ctrl-C in a terminal does
    out, err = driver.communicate(timeout=60)
    assert driver.returncode == 130
    assert len(out.splitlines()) == 1
    assert err.splitlines() == _INTERRUPTED
    assert _group_gone(driver.pid)
    assert all(_gone(pid) for pid in workers)
    trials = _assert_settled(url, fault_env)
    assert [t.state for t in trials] == [State.COMPLETE] * 2 + [State.FAIL] * 2


def test_sigterm_to_the_driver_alone_stops_its_workers_and_fails_their_trials(
    tmp_path: Path, fault_env: Path
) -> None:
    url = f"journal:{tmp_path / 's.log'}"
    driver = _start(
        _args(url, "slow_from", 8, "--jobs", "2"),
        SMARTTUNE_TEST_SLOW_FROM="2",
        SMARTTUNE_TEST_SLEEP="60",
    )
    _wait_for(lambda: _numbers(_running(url)) == [2, 3], driver)
    driver.send_signal(signal.SIGTERM)
    out, err = driver.communicate(timeout=60)
    assert driver.returncode == 130
    assert len(out.splitlines()) == 1
    assert err.splitlines() == _INTERRUPTED
    assert _group_gone(driver.pid)
    trials = _assert_settled(url, fault_env)
    assert [t.state for t in trials] == [State.COMPLETE] * 2 + [State.FAIL] * 2


def test_workers_and_the_forkserver_die_with_a_sigkilled_driver(
    tmp_path: Path, fault_env: Path
) -> None:
    url = f"sqlite:///{tmp_path / 's.db'}"
    driver = _start(
        _args(url, "slow_from", 8, "--jobs", "2"),
        SMARTTUNE_TEST_SLOW_FROM="2",
        SMARTTUNE_TEST_SLEEP="600",  # hung trials
    )
    _wait_for(lambda: _numbers(_running(url)) == [2, 3], driver)
    workers = _pids(_running(url))
    driver.send_signal(signal.SIGKILL)  # the driver alone: its group lives on without it
    driver.communicate()
    assert _group_gone(driver.pid), "a worker or the forkserver outlived the driver"
    assert all(_gone(pid) for pid in workers)

    trials = _next_run_recovers(url, fault_env, trials=2)
    # The two lost trials are failed and retried once with their parameters.
    assert sorted(t.state.name for t in trials) == ["COMPLETE"] * 4 + ["FAIL"] * 2


def test_sigterm_to_one_worker_fails_its_trial_and_the_run_goes_on(
    tmp_path: Path, fault_env: Path
) -> None:
    url = f"journal:{tmp_path / 's.log'}"
    driver = _start(
        _args(url, "slow_from", 4, "--jobs", "2"),
        SMARTTUNE_TEST_SLOW_FROM="1",
        SMARTTUNE_TEST_SLEEP="3",
    )
    _wait_for(lambda: len(_running(url)) == 2, driver)
    os.kill(_pids(_running(url))[0], signal.SIGTERM)
    out, err = driver.communicate(timeout=120)
    assert driver.returncode == 0, err
    assert err == ""
    assert len(out.splitlines()) == 5
    trials = _assert_settled(url, fault_env)
    assert sorted(t.state.name for t in trials) == ["COMPLETE"] * 3 + ["FAIL"]
    failed = next(t for t in trials if t.state == State.FAIL)
    assert failed.system_attrs[FAIL_REASON_KEY] == "interrupted (signal SIGTERM)"


def test_the_cli_main_keeps_its_exit_status_for_a_finished_run(tmp_path: Path) -> None:
    # The SIGTERM handler installed by `tune` does not change a normal run's outcome.
    url = f"sqlite:///{tmp_path / 's.db'}"
    assert main(_args(url, "cheap", 2)) == 0
    assert [t.state for t in _study(url).trials] == [State.COMPLETE] * 2


def test_a_killed_forkserver_is_replaced_and_the_run_goes_on(
    tmp_path: Path, fault_env: Path
) -> None:
    url = f"journal:{tmp_path / 's.log'}"
    driver = _start(
        _args(url, "slow_from", 6, "--jobs", "2"),
        SMARTTUNE_TEST_SLOW_FROM="0",
        SMARTTUNE_TEST_SLEEP="1",
    )
    _wait_for(lambda: len(logged(fault_env)) >= 1 and len(_running(url)) == 2, driver)
    os.kill(_forkserver_of(driver.pid), signal.SIGKILL)  # its workers die with it
    out, err = driver.communicate(timeout=180)
    assert driver.returncode == 0, err
    assert err == ""
    assert len(out.splitlines()) == 5
    trials = _assert_settled(url, fault_env)
    assert sum(t.state == State.COMPLETE for t in trials) == 6


def _forkserver_of(driver: int) -> int:
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
                cmdline = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            if parent == driver and b"forkserver" in cmdline:
                return int(entry.name)
    raise AssertionError("no forkserver")
