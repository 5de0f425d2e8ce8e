"""RayExecutor on a real two-node local Ray cluster against PostgreSQL (marker ``ray``).

The module starts a head node and a second worker node (``ray start --block``, one CPU and a
small object store each, in their own process groups) and stops them at teardown; the last
test kills the worker node mid-run.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import optuna
import pytest

from smarttune import tune
from smarttune.exceptions import InvalidParameterError
from smarttune.execution import WORKER_KEY, LocalExecutor, open_shared_storage

from .conftest import OBJECTIVES, assert_no_trial_lost_or_duplicated, objective, service_url

pytestmark = [pytest.mark.ray, pytest.mark.postgres, pytest.mark.slow]
State = optuna.trial.TrialState
_OBJECT_STORE = str(80 * 1024 * 1024)


class Cluster:
    def __init__(
        self,
        address: str,
        head: subprocess.Popen[bytes],
        worker: subprocess.Popen[bytes],
        temp: str,
    ) -> None:
        self.address, self.head, self.worker = address, head, worker
        self.settings = Path(temp) / "settings.json"

    def stop_worker_node(self) -> None:
        """Kill the node as a lost machine would go: every process of it at once (Ray's task
        workers put themselves in process groups of their own)."""
        for pid in _descendants(self.worker.pid):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        _kill_group(self.worker)


def _descendants(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError, IndexError, ValueError):
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
                children.setdefault(ppid, []).append(int(entry.name))
    found, frontier = [], [root]
    while frontier:
        pid = frontier.pop()
        found.append(pid)
        frontier.extend(children.get(pid, []))
    return found


@pytest.fixture(scope="module")
def cluster() -> Iterator[Cluster]:
    service_url("SMARTTUNE_TEST_POSTGRES_URL", "PostgreSQL", "psycopg")
    ray = pytest.importorskip("ray", reason="the ray extra is not installed")
    ray_cli = shutil.which("ray", path=str(Path(sys.executable).parent))
    if ray_cli is None:
        pytest.skip("the ray command is not installed beside this Python")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    temp = tempfile.mkdtemp(prefix="st-ray-", dir="/tmp")  # short: Ray's socket paths
    address = f"127.0.0.1:{port}"
    common = ["--num-cpus", "1", "--object-store-memory", _OBJECT_STORE,
              "--node-ip-address", "127.0.0.1", "--disable-usage-stats", "--block"]  # fmt: skip
    # A token in ~/.ray (written by any earlier local ray.init) would switch token auth on.
    patch = pytest.MonkeyPatch()
    patch.setenv("RAY_AUTH_MODE", "disabled")
    patch.setenv("RAY_USAGE_STATS_ENABLED", "0")
    env = dict(os.environ)
    head = subprocess.Popen(
        [ray_cli, "start", "--head", "--port", str(port), "--include-dashboard=false",
         "--temp-dir", temp, *common],
        env=env, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    worker: subprocess.Popen[bytes] | None = None
    try:
        _wait_for(lambda: _port_open(port), 60, "the Ray head node")
        worker = subprocess.Popen(
            [ray_cli, "start", "--address", address, *common],
            env=env, start_new_session=True, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        ray.init(address=address, logging_level="ERROR", log_to_driver=False)
        _wait_for(lambda: sum(n["Alive"] for n in ray.nodes()) == 2, 60, "two Ray nodes")
        yield Cluster(address, head, worker, temp)
    finally:
        ray.shutdown()
        for process in (worker, head):
            if process is not None:
                _kill_group(process)
        shutil.rmtree(temp, ignore_errors=True)
        patch.undo()


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def _port_open(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def _wait_for(condition: Any, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"{what} did not come up in {seconds} s")
        time.sleep(0.2)


def _executor(cluster: Cluster, log: Path, **options: Any) -> Any:
    """A RayExecutor whose tasks read their settings from the cluster's settings file: one
    runtime environment for the whole module, so Ray reuses its warm workers."""
    from smarttune.execution.ray import RayExecutor

    settings = {"SMARTTUNE_TEST_LOG": str(log), **options.pop("env", {})}
    cluster.settings.write_text(json.dumps(settings))
    env = {"env_vars": {"SMARTTUNE_TEST_SETTINGS": str(cluster.settings)}}
    return RayExecutor(address=cluster.address, runtime_env=env,
                       heartbeat_interval=1, grace_period=3, **options)  # fmt: skip


def _run(url: str, name: str, executor: Any, n_trials: int, **kwargs: Any) -> optuna.Study:
    return tune(objective(), n_trials=n_trials, storage=url, study_name=name,
                direction="minimize", progress=False, executor=executor, **kwargs)  # fmt: skip


def test_trials_run_as_tasks_on_both_nodes(
    cluster: Cluster, postgres_url: str, study_name: str, fault_env: Path
) -> None:
    executor = _executor(cluster, fault_env, env={"SMARTTUNE_TEST_SLEEP": "0.5"})
    study = _run(postgres_url, study_name, executor, 6, sampler="random", seed=0)
    try:
        assert_no_trial_lost_or_duplicated(study, fault_env, complete=6, killed=0)
        assert len({t.system_attrs[WORKER_KEY]["process"] for t in study.trials}) >= 2
        starts = sorted((t.datetime_start, t.datetime_complete) for t in study.trials)
        assert any(b[0] < a[1] for a, b in itertools.pairwise(starts))  # overlapped
        too_big = _executor(cluster, fault_env, cpus_per_trial=2.0)
        with pytest.raises(InvalidParameterError, match=r"No live Ray node has 2\.0 CPUs"):
            _run(postgres_url, study_name, too_big, 1, sampler="random")
    finally:
        optuna.delete_study(study_name=study_name, storage=open_shared_storage(postgres_url))


def test_batch_mode_on_ray_proposes_what_a_serial_local_run_proposes(
    cluster: Cluster, postgres_url: str, study_name: str, fault_env: Path, tmp_path: Path
) -> None:
    on_ray = _run(postgres_url, study_name, _executor(cluster, fault_env, batch_size=3), 6,
                  sampler="tpe", seed=5)  # fmt: skip
    serial = _run(f"journal:{tmp_path / 'serial.log'}", "serial",
                  LocalExecutor(n_jobs=1, batch_size=3), 6, sampler="tpe", seed=5)  # fmt: skip
    try:
        assert [t.state for t in on_ray.trials] == [State.COMPLETE] * 6
        assert [t.params for t in on_ray.trials] == [t.params for t in serial.trials]
    finally:
        optuna.delete_study(study_name=study_name, storage=open_shared_storage(postgres_url))


def test_cli_tune_with_the_ray_executor(
    cluster: Cluster, postgres_url: str, study_name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from smarttune.cli import main

    args = ["tune", f"{OBJECTIVES}:quadratic", "--executor", "ray", "--ray-address",
            cluster.address, "--storage", postgres_url, "--study", study_name, "--trials", "3",
            "--direction", "minimize", "--sampler", "random", "--quiet"]  # fmt: skip
    try:
        assert main(args) == 0
        assert "3 trials (3 complete, 0 pruned, 0 fail)" in capsys.readouterr().out
    finally:
        optuna.delete_study(study_name=study_name, storage=open_shared_storage(postgres_url))


def test_population_based_training_runs_on_ray_actors(cluster: Cluster, tmp_path: Path) -> None:
    import importlib.util

    from ray import cloudpickle

    from smarttune.pbt import LocalCheckpointStore, PopulationBasedTraining

    spec = importlib.util.spec_from_file_location(
        "st_ray_toy_task", Path(__file__).parents[1] / "pbt" / "toy_task.py"
    )
    assert spec is not None and spec.loader is not None
    toy = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = toy
    spec.loader.exec_module(toy)
    cloudpickle.register_pickle_by_value(toy)  # the actors cannot import the tests

    def run(executor: str, workers: int) -> optuna.Study:
        pbt = PopulationBasedTraining(
            population_size=4, perturbation_interval=2, n_workers=workers, executor=executor,
            ray_address=cluster.address, seed=3,
            checkpoint_store=LocalCheckpointStore(directory=str(tmp_path / executor)),
        )  # fmt: skip
        return pbt.optimize(toy.ToyTask(), n_steps=6, study_name="pbt",
                            storage=f"sqlite:///{tmp_path / executor}.db")  # fmt: skip

    try:
        on_ray, here = run("ray", 2), run("local", 1)
    finally:
        cloudpickle.unregister_pickle_by_value(toy)
        del sys.modules[spec.name]
    assert [t.state for t in on_ray.trials] == [State.COMPLETE] * 12  # 4 members x 3 rounds
    assert [(t.params, t.value) for t in on_ray.trials] == [
        (t.params, t.value) for t in here.trials
    ]
    with pytest.raises(InvalidParameterError, match="'executor' parameter of Population"):
        PopulationBasedTraining(executor="dask")


_DRIVER = textwrap.dedent(
    """
    import sys
    from smarttune import tune
    from smarttune.execution import ObjectiveSpec
    from smarttune.execution.ray import RayExecutor
    address, url, name, log = sys.argv[1:5]
    env = {"env_vars": {"SMARTTUNE_TEST_LOG": log, "SMARTTUNE_TEST_SLEEP": "0.7"}}
    executor = RayExecutor(address=address, runtime_env=env, heartbeat_interval=1, grace_period=3)
    tune(ObjectiveSpec(sys.argv[5]), n_trials=int(sys.argv[6]), storage=url, study_name=name,
         direction="minimize", sampler="random", progress=False, executor=executor)
    """
)


def test_driver_killed_and_restarted_continues_the_study(
    cluster: Cluster, postgres_url: str, study_name: str, fault_env: Path
) -> None:
    from .conftest import logged

    args = [sys.executable, "-c", _DRIVER, cluster.address, postgres_url, study_name,
            str(fault_env), f"{OBJECTIVES}:quadratic"]  # fmt: skip
    driver = subprocess.Popen([*args, "10"], start_new_session=True)
    try:
        _wait_for(lambda: len(logged(fault_env)) >= 2, 90, "two evaluations")
    finally:
        driver.kill()  # the driver only: Ray ends its tasks
        driver.wait()
    storage = open_shared_storage(postgres_url)
    try:
        before = optuna.load_study(study_name=study_name, storage=storage)
        done_before = sum(t.state == State.COMPLETE for t in before.trials)
        subprocess.run([*args, "3"], check=True, timeout=120)
        study = optuna.load_study(study_name=study_name, storage=storage)
        assert_no_trial_lost_or_duplicated(study, fault_env, complete=done_before + 3)
    finally:
        optuna.delete_study(study_name=study_name, storage=storage)


def test_losing_a_worker_node_mid_run_does_not_stop_the_study(
    cluster: Cluster, postgres_url: str, study_name: str, fault_env: Path
) -> None:
    """Runs last: the worker node does not come back."""
    storage = open_shared_storage(postgres_url)
    killed = threading.Event()

    def kill_node_when_both_busy() -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                running = optuna.load_study(study_name=study_name, storage=storage).get_trials(
                    deepcopy=False, states=(State.RUNNING,)
                )
            except KeyError:
                running = []
            if len(running) >= 2:  # one CPU per node: one of them runs on the worker node
                cluster.stop_worker_node()
                killed.set()
                return
            time.sleep(0.1)

    optuna.create_study(storage=storage, study_name=study_name, direction="minimize")
    thread = threading.Thread(target=kill_node_when_both_busy)
    thread.start()
    executor = _executor(cluster, fault_env, env={"SMARTTUNE_TEST_SLEEP": "1.0"})
    study = _run(postgres_url, study_name, executor, 5, sampler="random", seed=2)
    thread.join()
    try:
        assert killed.is_set()
        assert_no_trial_lost_or_duplicated(study, fault_env, complete=5, killed=1)
        reason = next(t for t in study.trials if t.state == State.FAIL).system_attrs
        assert "lost:" in reason["smarttune:fail_reason"]
    finally:
        optuna.delete_study(study_name=study_name, storage=storage)
