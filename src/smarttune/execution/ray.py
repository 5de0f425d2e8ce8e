"""Trials as Ray tasks on a Ray cluster: the only module of smarttune that imports ray.

Each trial is one Ray task that asks for ``cpus_per_trial`` CPUs and ``gpus_per_trial`` GPUs,
so Ray places it on a node with room; the driver keeps as many tasks in flight as the live
nodes' resources hold, re-reading them as nodes join or leave. Tasks open the study's storage
themselves: it must be reachable from every node (PostgreSQL, Redis, or Optuna's gRPC proxy).
A task whose node or worker process dies is not retried by Ray (``max_retries=0``): the driver
fails its trial and runs it again with the same parameters, so no configuration is counted
twice.

:class:`RayActorPool` is the same cluster seen as a :class:`concurrent.futures.Executor`: a pool
of actors, each set up once, for work that is not a trial (population-based training's
segments).
"""

from __future__ import annotations

import concurrent.futures
import logging
import os
import socket
import threading
import time
from collections.abc import Callable
from contextlib import contextmanager, suppress
from typing import TYPE_CHECKING, Any

from smarttune._imports import optional_import
from smarttune._validation import InstanceOf, Interval, validate_params
from smarttune.exceptions import InvalidParameterError
from smarttune.execution._base import Finished, TrialJob
from smarttune.execution._executor import Executor
from smarttune.execution._worker import run_job

if TYPE_CHECKING:
    from collections.abc import Iterator
    from types import ModuleType

__all__ = ["RayActorPool", "RayExecutor"]

_RESOURCES_TTL_S = 1.0
_CONNECT_TIMEOUT_S = 5.0


def check_reachable(address: str | None, timeout: float = _CONNECT_TIMEOUT_S) -> None:
    """Fail in ``timeout`` seconds, not hang, when the cluster at ``address`` does not answer.

    ``None`` checks ``RAY_ADDRESS`` if it is set; ``"auto"`` and a new local instance are left
    to Ray.

    Raises:
        InvalidParameterError: If no server accepts a connection at ``address``'s host and port.
    """
    address = address or os.environ.get("RAY_ADDRESS")
    if not address or address in ("auto", "local"):
        return
    target = address.removeprefix("ray://").rstrip("/")
    host, _, port = target.rpartition(":")
    if not port.isdigit():
        raise InvalidParameterError(
            f"The 'address' parameter of RayExecutor must be 'auto' or host:port. Got {address!r}."
        )
    try:
        socket.create_connection((host or "127.0.0.1", int(port)), timeout=timeout).close()
    except OSError as exc:
        raise InvalidParameterError(
            f"The 'address' parameter of RayExecutor must name a reachable Ray cluster; nothing "
            f"answered at {address!r} within {timeout:g} s ({exc.strerror or exc})."
        ) from exc


class RayExecutor(Executor):
    """Run trials as Ray tasks on the cluster at ``address``.

    Args:
        address: The cluster (``"auto"``, ``"127.0.0.1:6379"``, ``"ray://host:10001"``); None
            connects to ``RAY_ADDRESS`` or starts a local Ray instance.
        cpus_per_trial: CPUs each trial reserves.
        gpus_per_trial: GPUs each trial reserves (fractions share a GPU).
        max_concurrent: An upper bound on trials in flight; None lets the cluster's resources
            decide.
        runtime_env: Ray's runtime environment for the tasks (e.g. ``{"working_dir": "."}`` so
            that remote nodes can import the objective).
        heartbeat_interval: As in :class:`~smarttune.execution.Executor`; on by default here,
            since a lost node or driver can only be told from its silence.
        **settings: See :class:`~smarttune.execution.Executor`.
    """

    def __init__(
        self,
        *,
        address: str | None = None,
        cpus_per_trial: float = 1.0,
        gpus_per_trial: float = 0.0,
        max_concurrent: int | None = None,
        runtime_env: dict[str, Any] | None = None,
        heartbeat_interval: int | None = 10,
        **settings: Any,
    ) -> None:
        super().__init__(heartbeat_interval=heartbeat_interval, **settings)
        self.address = address
        self.cpus_per_trial = cpus_per_trial
        self.gpus_per_trial = gpus_per_trial
        self.max_concurrent = max_concurrent
        self.runtime_env = runtime_env

    def _settings(self) -> dict[str, Any]:
        return {
            "address": self.address,
            "cpus_per_trial": self.cpus_per_trial,
            "gpus_per_trial": self.gpus_per_trial,
            "max_concurrent": self.max_concurrent,
            **super()._settings(),
        }

    @contextmanager
    def _pool(self) -> Iterator[RayPool]:
        validate_params(
            {
                "address": self.address,
                "cpus_per_trial": self.cpus_per_trial,
                "gpus_per_trial": self.gpus_per_trial,
                "max_concurrent": self.max_concurrent,
            },
            {
                "address": [InstanceOf(str), None],
                "cpus_per_trial": [Interval(float, 0, None, closed="neither")],
                "gpus_per_trial": [Interval(float, 0, None)],
                "max_concurrent": [Interval(int, 1, None), None],
            },
            owner="RayExecutor",
        )
        ray = optional_import("ray", extra="ray", purpose="RayExecutor")
        started_here = not ray.is_initialized()
        if started_here:
            check_reachable(self.address)
            ray.init(
                address=self.address,
                logging_level=logging.ERROR,
                log_to_driver=False,
                configure_logging=False,
            )
        try:
            yield RayPool(ray, self)
        finally:
            if started_here:
                ray.shutdown()


class RayPool:
    """Jobs as Ray tasks; capacity from the resources of the live nodes."""

    def __init__(self, ray: ModuleType, executor: RayExecutor) -> None:
        self._ray = ray
        self._executor = executor
        options: dict[str, Any] = {
            "num_cpus": executor.cpus_per_trial,
            "num_gpus": executor.gpus_per_trial,
            "max_retries": 0,  # a lost trial is failed and retried by the driver, not by Ray
            "retry_exceptions": False,
        }
        if executor.runtime_env is not None:  # per task: Ray may have been started by the caller
            options["runtime_env"] = executor.runtime_env
        self._task = ray.remote(run_job).options(**options)
        self._in_flight: dict[Any, str] = {}
        self._capacity = 0
        self._checked = 0.0

    def capacity(self) -> int:
        if time.monotonic() - self._checked >= _RESOURCES_TTL_S:
            self._capacity = self._fit()
            self._checked = time.monotonic()
        limit = self._executor.max_concurrent
        return self._capacity if limit is None else min(limit, self._capacity)

    def submit(self, job: TrialJob) -> None:
        self._in_flight[self._task.remote(job)] = job.token

    def wait(self, timeout: float) -> list[Finished]:
        if not self._in_flight:
            return []
        refs = list(self._in_flight)
        ready, _ = self._ray.wait(refs, num_returns=1, timeout=timeout)
        if ready:
            ready, _ = self._ray.wait(refs, num_returns=len(refs), timeout=0)
        return [self._collect(ref) for ref in ready]

    def stop(self) -> None:
        """Cancel the tasks in flight (the driver fails their trials)."""
        for ref in list(self._in_flight):
            with suppress(Exception):
                self._ray.cancel(ref, force=True)
        self._in_flight.clear()

    def _collect(self, ref: Any) -> Finished:
        token = self._in_flight.pop(ref)
        exceptions = self._ray.exceptions
        try:
            return Finished(token, self._ray.get(ref))
        except exceptions.RayTaskError as exc:  # our code raised in the task: not a lost node
            raise exc.as_instanceof_cause() from None
        except exceptions.RayError as exc:  # node died, worker crashed, object lost, ...
            return Finished(token, None, f"{type(exc).__name__}: {str(exc).splitlines()[0]}")

    def _fit(self) -> int:
        """How many trials the live nodes hold at once (each node counted on its own)."""
        cpus, gpus = self._executor.cpus_per_trial, self._executor.gpus_per_trial
        total = 0
        for node in self._ray.nodes():
            if not node.get("Alive"):
                continue
            resources = node.get("Resources", {})
            fit = int(resources.get("CPU", 0) // cpus)
            if gpus > 0:
                fit = min(fit, int(resources.get("GPU", 0) // gpus))
            total += fit
        if total == 0 and not self._in_flight:
            raise InvalidParameterError(
                f"No live Ray node has {cpus} CPUs and {gpus} GPUs free for a trial; lower "
                "cpus_per_trial / gpus_per_trial or add nodes."
            )
        return total


class RayActorPool(concurrent.futures.Executor):
    """A :class:`concurrent.futures.Executor` whose workers are Ray actors on a cluster.

    Like :class:`~concurrent.futures.ProcessPoolExecutor` with an ``initializer``: each of the
    ``max_workers`` actors runs ``initializer(*initargs)`` once (to load a task and its data),
    then the calls submitted to it; a call goes to the actor with the fewest calls pending.
    Fewer actors start when the live nodes cannot hold ``max_workers`` of them. A call whose
    actor dies fails its future with Ray's error (the caller decides whether to retry).

    Args:
        max_workers: Actors to start, at most.
        initializer: Called once in each actor with ``initargs``.
        initargs: Arguments of ``initializer``.
        address: The cluster, as for :class:`RayExecutor`.
        cpus_per_worker: CPUs each actor reserves.
        gpus_per_worker: GPUs each actor reserves.
        runtime_env: Ray's runtime environment for the actors.
    """

    def __init__(
        self,
        *,
        max_workers: int,
        initializer: Callable[..., object],
        initargs: tuple[Any, ...] = (),
        address: str | None = None,
        cpus_per_worker: float = 1.0,
        gpus_per_worker: float = 0.0,
        runtime_env: dict[str, Any] | None = None,
    ) -> None:
        validate_params(
            {
                "max_workers": max_workers,
                "address": address,
                "cpus_per_worker": cpus_per_worker,
                "gpus_per_worker": gpus_per_worker,
            },
            {
                "max_workers": [Interval(int, 1, None)],
                "address": [InstanceOf(str), None],
                "cpus_per_worker": [Interval(float, 0, None, closed="neither")],
                "gpus_per_worker": [Interval(float, 0, None)],
            },
            owner="RayActorPool",
        )
        ray = optional_import("ray", extra="ray", purpose="RayActorPool")
        self._ray = ray
        self._started_here = not ray.is_initialized()
        if self._started_here:
            check_reachable(address)
            ray.init(
                address=address,
                logging_level=logging.ERROR,
                log_to_driver=False,
                configure_logging=False,
            )
        fit = self._fit(cpus_per_worker, gpus_per_worker)
        options: dict[str, Any] = {"num_cpus": cpus_per_worker, "num_gpus": gpus_per_worker}
        if runtime_env is not None:
            options["runtime_env"] = runtime_env
        actor_class = ray.remote(_PoolWorker).options(**options)
        self._actors = [
            actor_class.remote(initializer, initargs) for _ in range(min(max_workers, fit))
        ]
        self._pending = [0] * len(self._actors)
        self._lock = threading.Lock()

    def _fit(self, cpus: float, gpus: float) -> int:
        """How many actors the live nodes hold (each node counted on its own)."""
        total = 0
        for node in self._ray.nodes():
            if node.get("Alive"):
                resources = node.get("Resources", {})
                fit = int(resources.get("CPU", 0) // cpus)
                if gpus > 0:
                    fit = min(fit, int(resources.get("GPU", 0) // gpus))
                total += fit
        if total == 0:
            self.shutdown()
            raise InvalidParameterError(
                f"No live Ray node has {cpus} CPUs and {gpus} GPUs for a worker; lower "
                "cpus_per_worker / gpus_per_worker or add nodes."
            )
        return total

    @property
    def n_workers(self) -> int:
        """The number of actors started."""
        return len(self._actors)

    def submit(
        self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any
    ) -> concurrent.futures.Future[Any]:
        """Run ``fn(*args, **kwargs)`` on the least busy actor."""
        with self._lock:
            index = min(range(len(self._actors)), key=self._pending.__getitem__)
            self._pending[index] += 1
        future: concurrent.futures.Future[Any] = (
            self._actors[index].call.remote(fn, args, kwargs).future()
        )
        future.add_done_callback(lambda _: self._done(index))
        return future

    def _done(self, index: int) -> None:
        with self._lock:
            self._pending[index] -= 1

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        """Stop the actors, and Ray itself if this pool started it."""
        for actor in getattr(self, "_actors", []):
            self._ray.kill(actor)
        self._actors = []
        if self._started_here:
            self._ray.shutdown()
            self._started_here = False


class _PoolWorker:
    """One actor of a :class:`RayActorPool`."""

    def __init__(self, initializer: Callable[..., object], initargs: tuple[Any, ...]) -> None:
        initializer(*initargs)

    def call(self, fn: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        return fn(*args, **kwargs)
