"""Epochs saved by gradient-flatness early stopping on ``fashion-mlp``, and what it costs.

The same random configurations (``RandomSampler`` with the run's seed) are trained twice for
up to ``--epochs`` epochs: with the task's :class:`~smarttune.pruners.GradientEarlyStopping`
on the epoch-mean training loss (window 3, threshold 0.01, patience 2: the task's default
rule) and without; no pruner. The table gives the epochs trained and the final validation
accuracy of each, paired by configuration. Serial, one torch thread.

    python benchmarks/early_stopping_fashion_mlp.py --seeds 0-1 --configs 8 --epochs 20
"""

from __future__ import annotations

import argparse
import statistics
import time
from typing import Any


def run(seed: int, early_stopping: bool, args: argparse.Namespace) -> list[dict[str, Any]]:
    """Train ``--configs`` random configurations; one record per configuration."""
    import optuna

    from smarttune.tasks import get_task

    task = get_task(
        "fashion-mlp",
        seed=seed,
        epochs=args.epochs,
        device="cpu",
        data_dir=args.data_dir,
        early_stopping=early_stopping,
    )
    task.meta_features()  # load the data before the clock starts
    study = optuna.create_study(
        direction="maximize",
        sampler=optuna.samplers.RandomSampler(seed=seed),
        pruner=optuna.pruners.NopPruner(),  # create_study's default is a MedianPruner
    )
    started = time.perf_counter()
    study.optimize(task.objective, n_trials=args.configs)
    seconds = time.perf_counter() - started
    return [
        {
            "epochs": len(t.user_attrs["history"]),
            "val_acc": float(t.value or 0.0),
            "best_val_acc": max(r["val_acc"] for r in t.user_attrs["history"]),
            "seconds": seconds / args.configs,
        }
        for t in study.trials
    ]


def main() -> None:
    import optuna
    import torch

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", default="0-1")
    parser.add_argument("--configs", type=int, default=8)
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--data-dir", default=None)
    args = parser.parse_args()
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    torch.set_num_threads(1)
    first, _, last = args.seeds.partition("-")
    on: list[dict[str, Any]] = []
    off: list[dict[str, Any]] = []
    for seed in range(int(first), int(last or first) + 1):
        on += run(seed, True, args)
        off += run(seed, False, args)
        print(f"seed {seed} done", flush=True)
    stopped = sum(a["epochs"] < args.epochs for a in on)
    saved = 1 - sum(a["epochs"] for a in on) / sum(b["epochs"] for b in off)
    diffs = [a["val_acc"] - b["val_acc"] for a, b in zip(on, off, strict=True)]
    print(
        f"\nfashion-mlp (subset=sample), {len(on)} configurations (seeds {args.seeds}), "
        f"up to {args.epochs} epochs\n"
    )
    print("| early stopping | epochs trained | final val acc (mean) | wall s per config |")
    print("|---|---|---|---|")
    for name, rows in (("gradient flatness", on), ("off", off)):
        print(
            f"| {name} | {sum(r['epochs'] for r in rows)} "
            f"| {statistics.fmean(r['val_acc'] for r in rows):.4f} "
            f"| {statistics.fmean(r['seconds'] for r in rows):.1f} |"
        )
    print(
        f"\n{stopped}/{len(on)} runs stopped early; {saved:.0%} of the epochs saved; final "
        f"validation accuracy change per configuration: mean {statistics.fmean(diffs):+.4f}, "
        f"worst {min(diffs):+.4f}."
    )


if __name__ == "__main__":
    main()
