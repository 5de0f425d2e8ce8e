"""``housing-mlp``: HybridSampler against random search at equal budget, test RMSE side by side.

Both samplers tune the MLP regressor on California Housing for the same number of trials and
seeds; the best configuration of each run is retrained on train + validation
(``final_fit``) and scored on the held-out test set. Needs the ``torch`` extra and the data
(``--data-dir`` or ``SMARTTUNE_DATA_DIR``).

    python benchmarks/housing_mlp.py --trials 50 --seeds 0-2 --data-dir ../shared/datasets
"""

from __future__ import annotations

import argparse
import statistics
import time
from typing import Any


def run(sampler_name: str, seed: int, trials: int, data_dir: str | None) -> dict[str, Any]:
    """Tune with ``sampler_name``; return the validation and test figures of the best trial."""
    import optuna

    from smarttune.samplers import resolve_sampler
    from smarttune.tasks import get_task

    task = get_task("housing-mlp", seed=seed, data_dir=data_dir)
    study = optuna.create_study(
        direction=task.direction, sampler=resolve_sampler(sampler_name, seed=seed)
    )
    started = time.perf_counter()
    study.optimize(task.objective, n_trials=trials, catch=(Exception,))
    metrics = task.final_fit(study.best_params)
    return {
        "sampler": sampler_name,
        "seed": seed,
        "val_rmse": study.best_value,
        "test_rmse": metrics["test_rmse"],
        "test_r2": metrics["test_r2"],
        "seconds": time.perf_counter() - started,
    }


def main() -> None:
    import optuna

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=50)
    parser.add_argument("--seeds", default="0-2")
    parser.add_argument("--samplers", default="hybrid,random")
    parser.add_argument("--data-dir", default=None)
    args = parser.parse_args()
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    first, _, last = args.seeds.partition("-")
    seeds = range(int(first), int(last or first) + 1)
    rows = [
        run(name, seed, args.trials, args.data_dir)
        for seed in seeds
        for name in args.samplers.split(",")
    ]
    print(f"housing-mlp, {args.trials} trials per run, seeds {args.seeds}\n")
    print("| sampler | seed | best val RMSE | test RMSE | test R² | seconds |")
    print("|---|---|---|---|---|---|")
    for r in rows:
        print(
            f"| {r['sampler']} | {r['seed']} | {r['val_rmse']:,.0f} | {r['test_rmse']:,.0f} "
            f"| {r['test_r2']:.3f} | {r['seconds']:.0f} |"
        )
    print("\n| sampler | mean test RMSE | median test RMSE |\n|---|---|---|")
    for name in args.samplers.split(","):
        tests = [r["test_rmse"] for r in rows if r["sampler"] == name]
        print(f"| {name} | {statistics.mean(tests):,.0f} | {statistics.median(tests):,.0f} |")


if __name__ == "__main__":
    main()
