"""The user's-own-studies path (issue 16): does a second study reach the first one's best soon?

For each scikit-learn task and seed: a first study (``--first`` trials, TPE, seed ``s``) runs in
a fresh storage; then a second study of the same task in the same storage runs
``--first // 4`` trials with ``tune(transfer=True)`` (the default hybrid sampler, seed
``s + 100``), which finds the first study and warm-starts from it (its best configurations
first, then the RGPE prior mean). The same second study without transfer is the baseline.
A run succeeds when its best value reaches the first study's best within its trials.

The task is the same (same data split seed 0) in both studies, as when a user tunes the same
model again: the warm start re-evaluates the first study's best configuration, so a
deterministic model reaches it at trial 1; the baseline says how often chance does.

    python benchmarks/transfer_own_studies.py --seeds 0,1,2,3,4 \
        --out benchmarks/results/transfer_own_studies.json
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any

TASKS = tuple(
    f"{model}-{dataset}"
    for dataset in ("wine", "breast-cancer", "diabetes")
    for model in ("dt", "gb", "knn", "logreg", "rf", "svm")
)


def first_reaching(values: list[float], target: float, direction: str) -> int | None:
    """The 1-based trial whose running best first reaches ``target``; None if none does."""
    for index, value in enumerate(values, start=1):
        if (value >= target) if direction == "maximize" else (value <= target):
            return index
    return None


def one(name: str, seed: int, n_first: int) -> dict[str, Any]:
    """The first study, the warm second study and the cold second study of one task and seed."""
    import optuna

    import smarttune
    from smarttune.tasks import get_task

    task = get_task(name, seed=0)
    storage = optuna.storages.InMemoryStorage()
    common = {"storage": storage, "progress": False}
    first = smarttune.tune(
        task.objective,
        n_trials=n_first,
        sampler="tpe",
        seed=seed,
        study_name="first",
        transfer=False,
        **common,  # type: ignore[arg-type]
    )
    n_second = n_first // 4
    row: dict[str, Any] = {"task": name, "seed": seed, "first_best": first.best_value}
    for label, transfer in (("warm", True), ("cold", False)):
        started = time.perf_counter()
        second = smarttune.tune(
            task.objective,
            n_trials=n_second,
            seed=seed + 100,
            study_name=f"second-{label}",
            transfer=transfer,
            **common,  # type: ignore[arg-type]
        )
        values = [t.value for t in second.trials if t.value is not None]
        row[f"{label}_reached_at"] = first_reaching(values, first.best_value, task.direction)
        row[f"{label}_seconds"] = time.perf_counter() - started
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", default=",".join(TASKS))
    parser.add_argument("--seeds", default="0,1,2,3,4")
    parser.add_argument("--first", type=int, default=20)
    parser.add_argument("--out", default="benchmarks/results/transfer_own_studies.json")
    args = parser.parse_args()
    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    out = Path(args.out)
    rows = json.loads(out.read_text())["rows"] if out.exists() else []
    done = {(r["task"], r["seed"]) for r in rows}
    for name in args.tasks.split(","):
        for seed in [int(s) for s in args.seeds.split(",")]:
            if (name, seed) in done:
                continue
            rows.append(one(name, seed, args.first))
            print(json.dumps(rows[-1]), flush=True)
            out.write_text(json.dumps({"first_trials": args.first, "rows": rows}, indent=1))
    for label in ("warm", "cold"):
        ok = [r for r in rows if r[f"{label}_reached_at"] is not None]
        print(
            f"{label}: reached the first study's best within 1/4 of its trials in "
            f"{len(ok)}/{len(rows)} runs"
        )


if __name__ == "__main__":
    main()
