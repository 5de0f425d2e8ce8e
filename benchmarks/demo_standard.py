"""The ``standard`` demo profile with HybridSampler, random search and TPE on the same budget.

Each (sampler, seed) runs ``smarttune.demo.run_demo`` with ``PROFILES["standard"]``: the same
12,000 training images, the same HyperbandPruner over 1-9 epochs with the task's
gradient-flatness stop, the same budget of search epochs summed over the trials, then a
10-epoch retrain of the best configuration on all 60,000 training images, scored on the
official 10,000 test images. One row per run is appended to the CSV (a run already in it is
skipped, so the command can be repeated after an interruption; the study is kept in
``--storage`` and resumed). The load average at the start and the end of each run is
recorded, since wall time depends on what else the machine runs.

    python benchmarks/demo_standard.py --samplers hybrid,random,tpe --seeds 0-2 \
        --data-dir ../shared/datasets --threads 2
"""

from __future__ import annotations

import argparse
import csv
import os
import resource
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
FIELDS = (
    "sampler", "seed", "test_accuracy", "published", "best_val_acc", "trials", "pruned",
    "search_epochs", "final_epochs", "search_seconds", "wall_seconds", "cpu_seconds",
    "threads", "load_start", "load_end", "best_params",
)  # fmt: skip


def seeds(text: str) -> list[int]:
    """``"0-2"`` or ``"0,3"`` to a list of seeds."""
    if "-" in text:
        low, high = text.split("-")
        return list(range(int(low), int(high) + 1))
    return [int(s) for s in text.split(",")]


def done(path: Path) -> set[tuple[str, int]]:
    """The (sampler, seed) pairs already in the CSV."""
    if not path.exists():
        return set()
    with path.open() as handle:
        return {(row["sampler"], int(row["seed"])) for row in csv.DictReader(handle)}


def run(sampler: str, seed: int, args: argparse.Namespace) -> dict[str, Any]:
    """One standard demo run; its CSV row."""
    from smarttune.demo import PROFILES, PUBLISHED, run_demo

    profile = PROFILES["standard"]
    load_start = os.getloadavg()[0]
    cpu_before = _cpu_seconds()
    result = run_demo(
        profile,
        storage=args.storage,
        study_name=f"demo-standard-{sampler}-{seed}",
        seed=seed,
        device="cpu",
        data_dir=args.data_dir,
        out_dir=args.out / f"{sampler}-{seed}",
        progress=False,
        echo=lambda line: print(line, flush=True),
        sampler=sampler,
        threads=args.threads,
    )
    trials = result.study.trials
    return {
        "sampler": sampler,
        "seed": seed,
        "test_accuracy": round(result.test_metrics.get("test_accuracy", float("nan")), 4),
        "published": PUBLISHED.test_accuracy,
        "best_val_acc": round(result.best_value, 4),
        "trials": len(trials),
        "pruned": sum(t.state.name == "PRUNED" for t in trials),
        "search_epochs": result.search_epochs,
        "final_epochs": len(result.final_history),
        "search_seconds": round(result.search_seconds),
        "wall_seconds": round(result.wall_seconds),
        "cpu_seconds": round(_cpu_seconds() - cpu_before),
        "threads": args.threads,
        "load_start": round(load_start, 1),
        "load_end": round(os.getloadavg()[0], 1),
        "best_params": repr(result.best_params),
    }


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samplers", default="hybrid,random,tpe")
    parser.add_argument("--seeds", default="0-2")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--data-dir", default=None)
    parser.add_argument("--storage", default=f"sqlite:///{HERE / 'results' / 'demo_standard.db'}")
    parser.add_argument("--csv", type=Path, default=HERE / "results" / "demo_standard.csv")
    parser.add_argument("--out", type=Path, default=HERE / "results" / "demo_standard")
    args = parser.parse_args()
    args.csv.parent.mkdir(parents=True, exist_ok=True)
    finished = done(args.csv)
    for seed in seeds(args.seeds):
        for sampler in args.samplers.split(","):
            if (sampler, seed) in finished:
                continue
            started = time.perf_counter()
            row = run(sampler, seed, args)
            new = not args.csv.exists()
            with args.csv.open("a", newline="") as handle:
                writer = csv.DictWriter(handle, fieldnames=FIELDS)
                if new:
                    writer.writeheader()
                writer.writerow(row)
            print(f"{sampler} seed {seed}: {row} ({time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
