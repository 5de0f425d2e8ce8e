"""CPU seconds of the ``standard`` demo profile's pieces on one thread, and the plan they give.

On a shared machine, wall times say more about the other jobs than about the demo; the CPU
time of a single-threaded run is what an idle core would take (contention can only inflate
it). Measured: loading the MNIST files, one training epoch over ``--rows`` images for several
batch sizes, one forward pass over the 10,000 validation images, and HybridSampler's own work
over 60 trials of a cheap function on the demo's 4-D space. The plan multiplies them out for
the profile's search epochs and final retrain, for two-thread speed-ups of 1.4x and 1.8x.

    python benchmarks/demo_standard_plan.py --data-dir ../shared/datasets
"""

from __future__ import annotations

import argparse
import math
import time
from typing import Any


def cpu(function: Any, *args: Any) -> float:
    """CPU seconds of ``function(*args)`` in this process."""
    started = time.process_time()
    function(*args)
    return time.process_time() - started


def measure(args: argparse.Namespace) -> dict[str, float]:
    """Per-image training and evaluation CPU seconds, data loading, sampler overhead."""
    from smarttune.tasks import get_task

    task = get_task("mnist-alexnet", seed=0, subset="full", epochs=1, device="cpu",
                    data_dir=args.data_dir, max_train_rows=args.rows)  # fmt: skip
    result = {"load": cpu(task.check)}
    train, val = task._splits.folds[0]
    params = {"learning_rate": 1e-3, "dropout": 0.3, "weight_decay": 1e-4}
    for batch in (32, 64, 128, 256):
        trainer = task._trainer({**params, "batch_size": batch}, 0)
        result[f"train_{batch}"] = cpu(trainer.train_epoch, train, batch) / len(train)
    result["eval"] = cpu(trainer.evaluate, val) / len(val)
    result["sampler"] = cpu(sampler_overhead)
    return result


def sampler_overhead() -> None:
    """60 HybridSampler trials of a cheap function of the demo's parameters."""
    import optuna

    from smarttune.samplers import HybridSampler

    def objective(trial: optuna.Trial) -> float:
        lr = trial.suggest_float("learning_rate", 1e-4, 1e-2, log=True)
        trial.suggest_int("batch_size", 32, 256, log=True)
        dropout = trial.suggest_float("dropout", 0.1, 0.7)
        trial.suggest_float("weight_decay", 1e-5, 1e-3, log=True)
        return 0.99 - (math.log10(lr) + 3) ** 2 / 10 - (dropout - 0.3) ** 2 / 5

    sampler = HybridSampler(n_startup_trials=10, seed=0)
    optuna.create_study(direction="maximize", sampler=sampler).optimize(objective, n_trials=60)


def main() -> None:
    import optuna
    import torch

    from smarttune.demo import PROFILES

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default=None)
    parser.add_argument("--rows", type=int, default=6000)
    args = parser.parse_args()
    torch.set_num_threads(1)
    m = measure(args)
    for key, value in m.items():
        unit = "ms per image" if key.startswith(("train", "eval")) else "s"
        print(f"{key:>10}: {value * 1000 if unit != 's' else value:.3f} {unit}")
    profile = PROFILES["standard"]
    train = sum(m[f"train_{b}"] for b in (32, 64, 128, 256)) / 4
    epoch = (profile.max_train_rows or 50000) * train + 10000 * m["eval"]
    search = (profile.search_epochs or 0) * epoch
    final = 60000 * train * profile.final_epochs + 10000 * m["eval"]
    total = 2 * m["load"] + search + final + m["sampler"]
    print(f"search epoch {epoch:.1f} s; search {search:.0f} s; retrain {final:.0f} s; "
          f"total {total:.0f} single-thread CPU s")  # fmt: skip
    for speedup in (1.4, 1.8):
        print(f"two threads at {speedup}x: {total / speedup / 60:.1f} min")


if __name__ == "__main__":
    main()
