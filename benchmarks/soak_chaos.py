"""Soak benchmark: `smarttune tune --jobs W` under chaos, on each shared storage (issue 17).

For each storage (journal file, SQLite, PostgreSQL, Redis) the driver ``smarttune tune
benchmarks/soak_chaos.py:objective --jobs W`` runs until ``W x trials`` trials are COMPLETE.
With ``--chaos`` a loop SIGKILLs a random worker process every ``--every`` seconds and, once,
the driver itself (when a third of the trials are done); a killed driver is started again with
the trials still missing, as a user would rerun the command. The same run without chaos is the
baseline. Afterwards the storage is checked against the objective's own log of evaluations:

* *lost* — an evaluation whose trial is neither COMPLETE nor failed by the recovery ("lost: …");
* *duplicated* — a trial number stored twice, an evaluation logged twice for one trial, or a
  configuration retried into more than one COMPLETE trial;
* *left RUNNING* — a RUNNING or WAITING trial once the last driver has ended;
* *recovered* — trials failed by the recovery (their worker or driver was killed);
* *driver errors* — drivers that ended with an error of their own (their last output is kept).

Usage (the PostgreSQL database and Redis db index are emptied first):
    python benchmarks/soak_chaos.py --workers 8 --trials 2000 \
        --postgres postgresql://postgres@127.0.0.1:5432/test --redis redis://127.0.0.1:6379/13 \
        --out benchmarks/results/soak_chaos.json
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import optuna

HERE = Path(__file__).resolve()
STUDY = "soak"


def objective(trial: optuna.Trial) -> float:
    """A cheap 2-D objective that takes ``SOAK_SLEEP`` seconds and logs its evaluation."""
    x = trial.suggest_float("x", -1, 1)
    y = trial.suggest_float("y", -1, 1)
    time.sleep(float(os.environ.get("SOAK_SLEEP", "0.02")))
    with open(os.environ["SOAK_LOG"], "a") as log:
        log.write(json.dumps({"number": trial.number, "x": x, "y": y}) + "\n")
    return x * x + y * y


def _processes() -> dict[int, tuple[int, str]]:
    """Every live process: its parent and its command line (one scan of /proc)."""
    found = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                cmdline = (entry / "cmdline").read_bytes().decode(errors="replace")
            except OSError:
                continue
            if fields[0] != "Z":
                found[int(entry.name)] = (int(fields[1]), cmdline)
    return found


def workers_of(driver: int) -> list[int]:
    """The driver's worker processes: the children of its forkserver (not the forkserver)."""
    processes = _processes()
    servers = {
        pid for pid, (parent, cmdline) in processes.items()
        if parent == driver and "forkserver" in cmdline
    }  # fmt: skip
    return [pid for pid, (parent, _) in processes.items() if parent in servers]


def open_url(url: str) -> optuna.storages.BaseStorage:
    from smarttune.storage import open_storage

    return open_storage(url)


def complete_count(url: str) -> int:
    try:
        study = optuna.load_study(study_name=STUDY, storage=open_url(url))
    except KeyError:
        return 0
    states = (optuna.trial.TrialState.COMPLETE,)
    return len(study.get_trials(deepcopy=False, states=states))


def run_storage(url: str, args: argparse.Namespace, chaos: bool, log: Path) -> dict[str, Any]:
    """Drive until ``workers x trials`` trials are COMPLETE; return the run's counts."""
    target = args.workers * args.trials
    env = {**os.environ, "SOAK_LOG": str(log), "SOAK_SLEEP": str(args.sleep)}
    rng = random.Random(args.seed)
    started, drivers, worker_kills, driver_killed = time.monotonic(), 0, 0, False
    errors: list[str] = []  # drivers that ended otherwise than done or killed by the chaos
    while (done := complete_count(url)) < target:
        command = [
            sys.executable, "-m", "smarttune", "tune", f"{HERE}:objective", "--storage", url,
            "--study", STUDY, "--trials", str(target - done), "--jobs", str(args.workers),
            "--sampler", "random", "--seed", str(args.seed + drivers), "--quiet",
        ]  # fmt: skip
        driver = subprocess.Popen(
            command, env=env, start_new_session=True,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        drivers += 1
        next_kill = time.monotonic() + args.every
        while driver.poll() is None:
            time.sleep(0.2)
            if not chaos or time.monotonic() < next_kill:
                continue
            next_kill = time.monotonic() + args.every
            if not driver_killed and complete_count(url) >= target // 3:
                driver.send_signal(signal.SIGKILL)  # its workers must die with it
                driver_killed = True
                continue
            pool = workers_of(driver.pid)
            if pool:
                os.kill(rng.choice(pool), signal.SIGKILL)
                worker_kills += 1
        out, err = driver.communicate()
        if driver.returncode not in (0, -signal.SIGKILL) or (driver.returncode and not chaos):
            errors.append(f"exit {driver.returncode}: {(out + err).strip()[-2000:]}")
            if len(errors) > 5:
                raise RuntimeError("drivers keep failing:\n" + "\n".join(errors))
        orphans = _wait_orphans(driver.pid)
        if orphans:
            raise RuntimeError(f"processes outlived the driver: {orphans}")
    elapsed = time.monotonic() - started
    report = check(url, log)
    return {
        "chaos": chaos, "target": target, "seconds": round(elapsed, 1),
        "trials_per_s": round(target / elapsed, 2), "drivers": drivers,
        "worker_kills": worker_kills, "driver_killed": driver_killed,
        "driver_errors": errors, **report,
    }  # fmt: skip


def _wait_orphans(group: int, timeout: float = 15) -> list[int]:
    """Processes of the driver's group still alive ``timeout`` s after it ended."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        left = [pid for pid in _group(group)]
        if not left:
            return []
        time.sleep(0.2)
    return _group(group)


def _group(group: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[2]) == group and fields[0] != "Z":
                found.append(int(entry.name))
    return found


def check(url: str, log: Path) -> dict[str, int]:
    """Lost, duplicated, left RUNNING and recovered trials (see the module docstring)."""
    state = optuna.trial.TrialState
    trials = optuna.load_study(study_name=STUDY, storage=open_url(url)).get_trials(deepcopy=False)
    evaluated = [json.loads(line)["number"] for line in log.read_text().splitlines()]
    by_number = {t.number: t for t in trials}
    recovered = [
        t for t in trials
        if t.state == state.FAIL
        and str(t.system_attrs.get("smarttune:fail_reason", "")).startswith("lost:")
    ]  # fmt: skip
    lost = [
        n for n in set(evaluated)
        if n not in by_number
        or (by_number[n].state != state.COMPLETE and by_number[n] not in recovered)
    ]  # fmt: skip
    complete_retries: dict[int, int] = {}
    for trial in trials:
        origin = trial.system_attrs.get("smarttune:retry_of")
        if origin is not None and trial.state == state.COMPLETE:
            complete_retries[origin] = complete_retries.get(origin, 0) + 1
    duplicated = (
        (len(trials) - len(by_number))
        + (len(evaluated) - len(set(evaluated)))
        + sum(n - 1 for n in complete_retries.values() if n > 1)
    )
    return {
        "trials_stored": len(trials),
        "complete": sum(t.state == state.COMPLETE for t in trials),
        "recovered": len(recovered),
        "retried_complete": sum(complete_retries.values()),
        "lost": len(lost),
        "duplicated": duplicated,
        "left_running": sum(t.state in (state.RUNNING, state.WAITING) for t in trials),
    }


def fresh_url(kind: str, args: argparse.Namespace, folder: Path) -> str:
    """An empty storage of ``kind`` for one run."""
    if kind == "journal":
        return f"journal:{folder / f'{uuid.uuid4().hex[:8]}.log'}"
    if kind == "sqlite":
        return f"sqlite:///{folder / f'{uuid.uuid4().hex[:8]}.db'}"
    if kind == "postgres":
        import sqlalchemy

        name = f"soak_{uuid.uuid4().hex[:10]}"
        admin = sqlalchemy.create_engine(args.postgres, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(sqlalchemy.text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        return f"{args.postgres.rsplit('/', 1)[0]}/{name}"
    import redis

    from smarttune.storage import _OPENED

    client = redis.Redis.from_url(args.redis)
    client.flushdb()
    client.close()
    _OPENED.pop(str(args.redis), None)  # this process's replay of the log it just emptied
    return str(args.redis)


def drop_database(admin_url: str, name: str) -> None:
    import sqlalchemy

    from smarttune.storage import _OPENED

    for url in [u for u in _OPENED if u.endswith(f"/{name}")]:
        storage = _OPENED.pop(url)
        storage.engine.dispose()  # type: ignore[attr-defined]
    admin = sqlalchemy.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sqlalchemy.text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    admin.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--trials", type=int, default=2000, help="per worker")
    parser.add_argument("--sleep", type=float, default=0.02, help="seconds per evaluation")
    parser.add_argument("--every", type=float, default=3.0, help="seconds between worker kills")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--only", nargs="*", default=["journal", "sqlite", "postgres", "redis"])
    parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/13")
    parser.add_argument("--out", type=Path, default=HERE.parent / "results" / "soak_chaos.json")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory(prefix="soak-") as tmp:
        folder = Path(tmp)
        for kind in args.only:
            for chaos in (False, True):
                url = fresh_url(kind, args, folder)
                log = folder / f"{kind}-{chaos}.evaluations"
                log.touch()
                row = {"storage": kind, **run_storage(url, args, chaos, log)}
                print(json.dumps(row), flush=True)
                rows.append(row)
                if kind == "postgres":
                    drop_database(args.postgres, url.rsplit("/", 1)[1])
    settings = {k: v for k, v in vars(args).items() if k not in ("out",)}
    args.out.write_text(json.dumps({"settings": settings, "rows": rows}, indent=1) + "\n")


if __name__ == "__main__":
    main()
