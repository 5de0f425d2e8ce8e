"""Load benchmark: W workers x N cheap trials on each shared storage, and through Ray.

Each worker (a local process, or a Ray task on the Ray row) loops ``study.ask()`` /
objective / ``study.tell()`` against the storage and times the ask and the tell of every trial;
exceptions are counted by their first line ("database is locked", ...) and the loop goes on. At
the end the storage is checked against what the workers told: a told trial missing from the
storage is *lost*, a trial number held twice, or more COMPLETE trials than tells, is *duplicated*,
and nothing may stay RUNNING. A time limit per storage stops the workers (the report says so).

The executor rows run the same number of trials through smarttune's executors (one job per
trial: ``LocalExecutor`` processes, ``RayExecutor`` tasks), which adds the driver round trip.

Usage:
    python benchmarks/load_storages.py --workers 8 --trials 2000 --limit 300 \
        --postgres postgresql://postgres@127.0.0.1:5432/test --redis redis://127.0.0.1:6379/0 \
        --out benchmarks/results/load_storages.json
"""

from __future__ import annotations

import argparse
import json
import math
import multiprocessing
import shutil
import tempfile
import time
import uuid
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
import optuna

from smarttune.execution import LocalExecutor, open_shared_storage


def cheap(trial: optuna.Trial) -> float:
    return trial.suggest_float("x", -1, 1) ** 2 + trial.suggest_float("y", -1, 1) ** 2


def worker_loop(url: str, name: str, trials: int, deadline: float, seed: int) -> dict[str, Any]:
    """Run up to ``trials`` ask/tell rounds; return latencies, errors and told numbers."""
    optuna.logging.set_verbosity(optuna.logging.ERROR)
    storage = open_shared_storage(url)
    study = optuna.load_study(
        study_name=name, storage=storage, sampler=optuna.samplers.RandomSampler(seed=seed)
    )
    asks: list[float] = []
    tells: list[float] = []
    told: list[int] = []
    errors: Counter[str] = Counter()
    began = time.time()
    while len(told) < trials and time.time() < deadline:
        try:
            start = time.perf_counter()
            trial = study.ask()
            asked = time.perf_counter()
            value = cheap(trial)  # two suggest calls: two storage writes, outside both timers
            evaluated = time.perf_counter()
            study.tell(trial, value)
            asks.append(asked - start)
            tells.append(time.perf_counter() - evaluated)
            told.append(trial.number)
        except Exception as exc:  # counted, not fatal: that is what is measured
            errors[str(exc).splitlines()[0][:80] if str(exc) else type(exc).__name__] += 1
    return {
        "asks": asks, "tells": tells, "told": told, "errors": dict(errors),
        "began": began, "ended": time.time(),
    }  # fmt: skip


def _process_main(args: tuple[str, str, int, float, int], queue: Any) -> None:
    queue.put(worker_loop(*args))


def run_processes(url: str, workers: int, trials: int, limit: float) -> dict[str, Any]:
    name = f"load-{uuid.uuid4().hex[:8]}"
    optuna.create_study(storage=open_shared_storage(url), study_name=name)
    context = multiprocessing.get_context("forkserver")
    queue = context.Queue()
    deadline = time.time() + limit if limit > 0 else math.inf
    start = time.perf_counter()
    processes = [
        context.Process(target=_process_main, args=((url, name, trials, deadline, i), queue))
        for i in range(workers)
    ]
    for process in processes:
        process.start()
    results = [queue.get() for _ in processes]
    del start
    wall = max(r["ended"] for r in results) - min(r["began"] for r in results)
    for process in processes:
        process.join()
    return summarize(url, name, results, wall, workers * trials)


def run_ray_tasks(
    url: str, workers: int, trials: int, limit: float, address: str | None
) -> dict[str, Any]:
    import ray

    name = f"load-{uuid.uuid4().hex[:8]}"
    optuna.create_study(storage=open_shared_storage(url), study_name=name)
    ray.init(address=address, num_cpus=None if address else workers, logging_level="ERROR",
             include_dashboard=False, log_to_driver=False)  # fmt: skip
    remote = ray.remote(num_cpus=1)(worker_loop)
    deadline = time.time() + limit if limit > 0 else math.inf
    start = time.perf_counter()
    results = ray.get([remote.remote(url, name, trials, deadline, i) for i in range(workers)])
    del start
    wall = max(r["ended"] for r in results) - min(r["began"] for r in results)
    ray.shutdown()
    return summarize(url, name, results, wall, workers * trials)


def run_executor(kind: str, url: str, workers: int, trials: int, limit: float) -> dict[str, Any]:
    name = f"load-{uuid.uuid4().hex[:8]}"
    optuna.create_study(storage=open_shared_storage(url), study_name=name)
    if kind == "ray":
        import ray

        from smarttune.execution.ray import RayExecutor

        ray.init(
            num_cpus=workers, logging_level="ERROR", include_dashboard=False, log_to_driver=False
        )
        executor: Any = RayExecutor(heartbeat_interval=None)
    else:
        executor = LocalExecutor(n_jobs=workers)
    start = time.perf_counter()
    study = executor.run(storage=url, study_name=name, objective=cheap, sampler="random",
                         n_trials=trials, timeout=limit if limit > 0 else None)  # fmt: skip
    wall = time.perf_counter() - start
    if kind == "ray":
        import ray

        ray.shutdown()
    states = Counter(t.state.name for t in study.get_trials(deepcopy=False))
    numbers = [t.number for t in study.get_trials(deepcopy=False)]
    return {
        "storage": url.split(":")[0], "trials": len(numbers), "requested": trials,
        "wall_s": wall, "trials_per_s": states["COMPLETE"] / wall, "states": dict(states),
        "duplicated": len(numbers) - len(set(numbers)),
    }  # fmt: skip


def summarize(
    url: str, name: str, results: list[dict[str, Any]], wall: float, requested: int
) -> dict[str, Any]:
    study = optuna.load_study(study_name=name, storage=open_shared_storage(url))
    trials = study.get_trials(deepcopy=False)
    told = [n for r in results for n in r["told"]]
    stored_complete = {t.number for t in trials if t.state == optuna.trial.TrialState.COMPLETE}
    numbers = [t.number for t in trials]
    errors: Counter[str] = Counter()
    for r in results:
        errors.update(r["errors"])
    asks = np.array([a for r in results for a in r["asks"]]) * 1000
    tells = np.array([t for r in results for t in r["tells"]]) * 1000
    complete = sum(1 for t in trials if t.state == optuna.trial.TrialState.COMPLETE)
    return {
        "storage": url.split(":")[0],
        "requested": requested,
        "told": len(told),
        "wall_s": round(wall, 2),
        "trials_per_s": round(len(told) / wall, 1),
        "ask_ms_p50": round(float(np.percentile(asks, 50)), 2) if asks.size else None,
        "ask_ms_p99": round(float(np.percentile(asks, 99)), 2) if asks.size else None,
        "tell_ms_p50": round(float(np.percentile(tells, 50)), 2) if tells.size else None,
        "tell_ms_p99": round(float(np.percentile(tells, 99)), 2) if tells.size else None,
        "errors": dict(errors),
        "lost": len(set(told) - stored_complete),
        "duplicated": (len(numbers) - len(set(numbers))) + max(0, complete - len(told)),
        "left_running": sum(1 for t in trials if t.state == optuna.trial.TrialState.RUNNING),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--trials", type=int, default=2000, help="Trials per worker.")
    parser.add_argument("--limit", type=float, default=300, help="Seconds per storage; 0: none.")
    parser.add_argument("--postgres")
    parser.add_argument("--redis")
    parser.add_argument("--ray-address")
    parser.add_argument(
        "--only", nargs="*", help="Rows to run (journal sqlite postgres redis ray ...)."
    )
    parser.add_argument("--executor-trials", type=int, default=2000)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="smarttune-load-"))
    rows: dict[str, Any] = {
        "journal": lambda: run_processes(
            f"journal:{folder / 'load.log'}", args.workers, args.trials, args.limit
        ),
        "sqlite": lambda: run_processes(
            f"sqlite:///{folder / 'load.db'}", args.workers, args.trials, args.limit
        ),
    }
    if args.postgres:
        rows["postgres"] = lambda: run_processes(
            args.postgres, args.workers, args.trials, args.limit
        )
        rows["ray"] = lambda: run_ray_tasks(
            args.postgres, args.workers, args.trials, args.limit, args.ray_address
        )
        rows["executor-ray"] = lambda: run_executor(
            "ray", args.postgres, args.workers, args.executor_trials, args.limit
        )
        rows["executor-local-postgres"] = lambda: run_executor(
            "local", args.postgres, args.workers, args.executor_trials, args.limit
        )
    if args.redis:
        rows["redis"] = lambda: run_processes(args.redis, args.workers, args.trials, args.limit)
    rows["executor-local-journal"] = lambda: run_executor(
        "local", f"journal:{folder / 'exec.log'}", args.workers, args.executor_trials, args.limit
    )
    results = {}
    try:
        _run_rows(rows, results, args)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _run_rows(rows: dict[str, Any], results: dict[str, Any], args: argparse.Namespace) -> None:
    for key, run in rows.items():
        if args.only and key not in args.only:
            continue
        started = time.time()
        results[key] = run()
        results[key]["limit_s"] = args.limit
        print(key, json.dumps(results[key]), f"({time.time() - started:.0f} s)", flush=True)
        if args.out:
            args.out.write_text(
                json.dumps(
                    {"workers": args.workers, "trials": args.trials, "rows": results}, indent=1
                )
            )


if __name__ == "__main__":
    main()
