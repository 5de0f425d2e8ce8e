"""Trials in separate local processes, one trial at a time per process."""

from __future__ import annotations

import multiprocessing
import os
import signal
import time
import traceback
from contextlib import contextmanager, suppress
from multiprocessing.connection import Connection, wait
from typing import TYPE_CHECKING, Any

from smarttune._validation import Interval, Options, validate_params
from smarttune.execution._base import Finished, Outcome, TrialJob
from smarttune.execution._executor import Executor
from smarttune.execution._liveness import die_with_parent, raise_on_sigterm, watch_driver
from smarttune.execution._recovery import process_identity
from smarttune.execution._worker import run_job

if TYPE_CHECKING:
    from collections.abc import Iterator
    from multiprocessing.process import BaseProcess

__all__ = ["LocalExecutor"]

_STOP_GRACE_S = 5.0
_START_ATTEMPTS = 5


class LocalExecutor(Executor):
    """Run trials in ``n_jobs`` worker processes on this machine against a shared storage.

    Each process runs one trial at a time and reports it to the driver through a pipe. A process
    that dies (killed, out of memory) is noticed at once: its trial is failed, retried with the
    same parameters, and a new process takes its place. Processes are started with ``spawn``,
    so the objective must be picklable: a module-level function or an
    :class:`~smarttune.execution.ObjectiveSpec`.

    Workers die with their driver (a parent-death signal, and a thread that watches the driver):
    a killed driver leaves no worker running, and the next run fails and retries the trials
    they left RUNNING. On Ctrl-C or SIGTERM of the driver, the workers' running trials are
    marked FAIL and the workers end without printing anything.

    Args:
        n_jobs: Worker processes; -1 for one per CPU.
        **settings: See :class:`~smarttune.execution.Executor`.
    """

    def __init__(self, *, n_jobs: int = 2, **settings: Any) -> None:
        super().__init__(**settings)
        self.n_jobs = n_jobs

    def _pool(self) -> Any:
        validate_params(
            {"n_jobs": self.n_jobs},
            {"n_jobs": [Interval(int, 1, None), Options((-1,))]},
            owner="LocalExecutor",
        )
        size = self.n_jobs if self.n_jobs > 0 else (os.cpu_count() or 1)
        return _process_pool(size)

    def _settings(self) -> dict[str, Any]:
        return {"n_jobs": self.n_jobs, **super()._settings()}


@contextmanager
def _process_pool(size: int) -> Iterator[ProcessPool]:
    pool = ProcessPool(size)
    try:
        yield pool
    finally:
        pool.close()


def _context() -> Any:  # the context's Process/Pipe are not on BaseContext for mypy
    """``forkserver`` where the platform has it, else ``spawn``.

    A forkserver forks each worker from a warm, single-threaded server that has optuna and
    smarttune imported: fast to start and safe, unlike ``fork`` from a threaded driver.
    """
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["smarttune.execution._forkserver"])
    return context


class _Slot:
    def __init__(self, process: BaseProcess, connection: Connection) -> None:
        self.process = process
        self.connection = connection
        self.token: str | None = None


class ProcessPool:
    """Worker processes fed one job at a time through a pipe each."""

    def __init__(self, size: int) -> None:
        self._context = _context()
        self._size = size
        self._slots: list[_Slot] = []

    def capacity(self) -> int:
        return self._size

    def submit(self, job: TrialJob) -> None:
        slot = next((s for s in self._slots if s.token is None), None)
        if slot is None:
            slot = self._start()
        slot.connection.send(job)
        slot.token = job.token

    def wait(self, timeout: float) -> list[Finished]:
        busy = [s for s in self._slots if s.token is not None]
        handles: list[Any] = [s.connection for s in busy] + [s.process.sentinel for s in busy]
        ready = set(wait(handles, timeout))
        finished = []
        for slot in busy:
            if slot.connection in ready or slot.process.sentinel in ready:
                finished.append(self._collect(slot))
        return finished

    def stop(self) -> None:
        """Interrupt every worker (SIGTERM: each fails its running trial), then end them."""
        for slot in self._slots:
            with suppress(OSError):
                if slot.process.pid is not None and slot.process.is_alive():
                    os.kill(slot.process.pid, signal.SIGTERM)
        deadline = time.monotonic() + _STOP_GRACE_S
        for slot in self._slots:
            slot.process.join(timeout=max(0.0, deadline - time.monotonic()))
        self.close()

    def close(self) -> None:
        for slot in self._slots:
            with suppress(OSError):
                slot.connection.send(None)
        for slot in self._slots:
            slot.process.join(timeout=5)
            if slot.process.is_alive():
                slot.process.kill()
                slot.process.join()
            slot.connection.close()
        self._slots = []

    def _start(self) -> _Slot:
        parent, child = self._context.Pipe()
        process = self._context.Process(target=serve, args=(child,), daemon=True)
        for attempt in range(_START_ATTEMPTS):
            try:
                process.start()
                break
            except (ConnectionRefusedError, FileNotFoundError):
                # The forkserver was killed (its workers die with it) and has not been reaped
                # yet; multiprocessing starts a new one once it has.
                if attempt == _START_ATTEMPTS - 1:
                    raise
                time.sleep(0.2 * (attempt + 1))
        child.close()
        # The forkserver's environment is from its own start; the driver is whom to die with.
        parent.send((dict(os.environ), process_identity()))
        slot = _Slot(process, parent)
        self._slots.append(slot)
        return slot

    def _collect(self, slot: _Slot) -> Finished:
        token = slot.token
        assert token is not None
        slot.token = None
        message: object = None
        try:
            if slot.connection.poll():
                message = slot.connection.recv()
        except Exception:  # closed, or cut mid-message by the worker's death (bad pickle)
            message = None
        if isinstance(message, Outcome):
            return Finished(token, message)
        if isinstance(message, BaseException):
            raise message
        slot.process.join(timeout=5)
        code = slot.process.exitcode
        self._slots.remove(slot)
        slot.connection.close()
        return Finished(token, None, f"worker process {slot.process.pid} exited with code {code}")


def serve(connection: Connection) -> None:
    """A worker process: run jobs from ``connection`` until it sends None or closes.

    The worker dies with its driver; SIGINT or SIGTERM fails its running trial and ends it
    quietly (the driver fails whatever it left).
    """
    import optuna

    die_with_parent()
    raise_on_sigterm()
    optuna.logging.set_verbosity(optuna.logging.WARNING)  # the driver reports progress
    try:
        environment, driver = connection.recv()
        watch_driver(driver)
        os.environ.clear()
        os.environ.update(environment)
        _serve_jobs(connection)
    except (KeyboardInterrupt, EOFError, OSError):
        return


def _serve_jobs(connection: Connection) -> None:
    while True:
        try:
            job = connection.recv()
        except Exception as exc:  # e.g. the objective cannot be unpickled in this process
            if isinstance(exc, (EOFError, OSError)):
                return
            connection.send(exc)
            continue
        if job is None:
            return
        try:
            connection.send(run_job(job))
        except Exception as exc:  # an error of ours, not the objective's: the driver re-raises
            try:
                connection.send(exc)
            except Exception:
                connection.send(RuntimeError(traceback.format_exc()))
