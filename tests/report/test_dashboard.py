"""optuna-dashboard opens smarttune's storages (the command documented in the README)."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, make_server

import pytest

from smarttune import tune
from smarttune.samplers import HybridSampler
from smarttune.storage import open_storage

try:
    import optuna_dashboard  # noqa: F401
except ImportError:  # pragma: no cover - the test extra installs it
    if os.environ.get("SMARTTUNE_REQUIRE_SERVICES"):
        raise
    pytest.skip("optuna-dashboard (the dashboard extra) is not installed", allow_module_level=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def get_json(url: str, timeout: float = 10.0) -> Any:
    with urllib.request.urlopen(url, timeout=timeout) as response:
        assert response.status == 200
        return json.loads(response.read())


def smarttune_study(storage: str, name: str) -> None:
    """A HybridSampler study: its genetic records and phases live in system attrs."""

    def objective(trial: Any) -> float:
        x = trial.suggest_float("x", -2, 2)
        trial.report(x, 0)
        return -x * x

    sampler = HybridSampler(n_startup_trials=3, seed=0)
    tune(objective, n_trials=8, sampler=sampler, storage=storage, study_name=name,
         direction="maximize", progress=False)  # fmt: skip


def check_api(base: str, name: str) -> None:
    studies = get_json(f"{base}/api/studies")["study_summaries"]
    study = next(s for s in studies if s["study_name"] == name)
    assert study["directions"] == ["maximize"]
    detail = get_json(f"{base}/api/studies/{study['study_id']}")
    assert len(detail["trials"]) == 8
    assert {p["name"] for t in detail["trials"] for p in t["params"]} == {"x"}
    assert detail["has_intermediate_values"] is True
    with urllib.request.urlopen(f"{base}/dashboard", timeout=10) as response:
        assert b"<html" in response.read().lower()


@pytest.mark.slow
def test_the_dashboard_command_serves_a_smarttune_sqlite_storage(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'smarttune.db'}"
    smarttune_study(url, "dash")
    command = shutil.which("optuna-dashboard", path=str(Path(sys.executable).parent))
    assert command is not None, "the optuna-dashboard console script is not installed"
    port = free_port()
    log = (tmp_path / "dashboard.log").open("w")
    server = subprocess.Popen(
        [command, url, "--host", "127.0.0.1", "--port", str(port)], stdout=log, stderr=log
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                get_json(f"http://127.0.0.1:{port}/api/meta", timeout=2)
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise
                time.sleep(0.3)
        check_api(f"http://127.0.0.1:{port}", "dash")
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


class _Quiet(WSGIRequestHandler):
    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def serve() -> Iterator[Any]:
    servers = []

    def start(app: Any) -> str:
        server = make_server("127.0.0.1", 0, app, handler_class=_Quiet)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_port}"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def test_the_dashboard_app_reads_a_smarttune_journal_storage(tmp_path: Path, serve: Any) -> None:
    from optuna_dashboard import wsgi

    url = f"journal:{tmp_path / 'smarttune.log'}"
    smarttune_study(url, "journal")
    check_api(serve(wsgi(open_storage(url))), "journal")
