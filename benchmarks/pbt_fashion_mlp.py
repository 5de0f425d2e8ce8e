"""``fashion-mlp`` at equal training epochs: HybridSampler, HybridSampler + Hyperband, and PBT.

Every method gets the same budget of training epochs, ``population * epochs``:

* ``hybrid``: HybridSampler, full-fidelity trials of ``--epochs`` epochs (the task's own
  gradient-flatness early stopping on), until the epochs trained reach the budget;
* ``hybrid+hyperband``: the same sampler with Optuna's HyperbandPruner (min 1 epoch, max
  ``--epochs``, reduction factor 3); the sampler fits its surrogate by BOHB's rule on the pruned
  trials' intermediate values (see ``smarttune.samplers._fidelity``);
* ``pbt``: PopulationBasedTraining, ``--population`` members for ``--epochs`` epochs each,
  exploit/explore every ``--interval`` epochs (learning rate and dropouts explored).

Epochs are counted from each trial's ``history`` (pruned and early-stopped trials count what
they trained). The test accuracy of the tuners is that of ``final_fit`` (the best configuration
retrained for ``--epochs`` epochs on train + validation, outside the budget); PBT's is that of
its best member's final weights (trained on the training split only, inside the budget). Runs
are serial (one trial or one member at a time) with one torch thread.

    python benchmarks/pbt_fashion_mlp.py --seeds 0-2 --epochs 10 --population 8
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from typing import Any


def _task(seed: int, epochs: int, data_dir: str | None) -> Any:
    from smarttune.tasks import get_task

    return get_task("fashion-mlp", seed=seed, epochs=epochs, device="cpu", data_dir=data_dir)


def _epochs(study: Any) -> int:
    return sum(len(t.user_attrs.get("history", [])) for t in study.get_trials(deepcopy=False))


def run_tuner(method: str, seed: int, args: argparse.Namespace) -> dict[str, Any]:
    """HybridSampler with or without Hyperband until ``population * epochs`` epochs are spent."""
    import optuna

    from smarttune.samplers import HybridSampler

    budget = args.population * args.epochs
    task = _task(seed, args.epochs, args.data_dir)
    pruner: optuna.pruners.BasePruner = optuna.pruners.NopPruner()
    if method == "hybrid+hyperband":
        pruner = optuna.pruners.HyperbandPruner(
            min_resource=1, max_resource=args.epochs, reduction_factor=3
        )
    study = optuna.create_study(
        direction="maximize", sampler=HybridSampler(seed=seed), pruner=pruner
    )
    task.meta_features()  # load the data before the clock starts, as for PBT

    def stop_at_budget(study: optuna.Study, _: optuna.trial.FrozenTrial) -> None:
        if _epochs(study) >= budget:
            study.stop()

    started = time.perf_counter()
    study.optimize(task.objective, n_trials=10 * budget, callbacks=[stop_at_budget])
    seconds = time.perf_counter() - started
    test = task.final_fit(study.best_params)["test_accuracy"]
    states = [t.state for t in study.trials]
    return {
        "method": method,
        "seed": seed,
        "epochs": _epochs(study),
        "trials": len(states),
        "pruned": sum(s == optuna.trial.TrialState.PRUNED for s in states),
        "val_acc": study.best_value,
        "test_acc": test,
        "seconds": seconds,
    }


def run_pbt(seed: int, args: argparse.Namespace) -> dict[str, Any]:
    """PopulationBasedTraining for ``--epochs`` epochs per member."""
    from smarttune.pbt import LocalCheckpointStore, PopulationBasedTraining, best_member

    task = _task(seed, args.epochs, args.data_dir)
    task.meta_features()  # load the data before the clock starts (one in-process worker)
    with tempfile.TemporaryDirectory() as tmp:
        store = LocalCheckpointStore(directory=tmp)
        pbt = PopulationBasedTraining(
            population_size=args.population,
            perturbation_interval=args.interval,
            checkpoint_store=store,
            seed=seed,
        )
        started = time.perf_counter()
        study = pbt.optimize(task, n_steps=args.epochs, study_name=f"pbt-{seed}")
        seconds = time.perf_counter() - started
        best = best_member(study)
        store.get(best.checkpoint, f"{tmp}/best.ckpt")
        state = task.load_checkpoint(f"{tmp}/best.ckpt", best.params, seed=best.seed)
        test = task.test_metrics(state)["test_accuracy"]
    return {
        "method": "pbt",
        "seed": seed,
        "epochs": args.population * args.epochs,
        "trials": len(study.trials),
        "pruned": 0,
        "val_acc": best.score,
        "test_acc": test,
        "seconds": seconds,
    }


def main() -> None:
    import optuna
    import torch

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", default="0-2")
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--population", type=int, default=8)
    parser.add_argument("--interval", type=int, default=1)
    parser.add_argument("--methods", default="hybrid,hybrid+hyperband,pbt")
    parser.add_argument("--data-dir", default=None)
    args = parser.parse_args()
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    torch.set_num_threads(1)
    first, _, last = args.seeds.partition("-")
    rows = []
    for seed in range(int(first), int(last or first) + 1):
        for method in args.methods.split(","):
            row = run_pbt(seed, args) if method == "pbt" else run_tuner(method, seed, args)
            print(
                " ".join(
                    f"{k}={v:.4g}" if isinstance(v, float) else f"{k}={v}" for k, v in row.items()
                ),
                flush=True,
            )
            rows.append(row)
    print(
        f"\nfashion-mlp (subset=sample), budget {args.population * args.epochs} epochs, "
        f"seeds {args.seeds}\n"
    )
    print("| method | epochs | trials (pruned) | best val acc | test acc | wall s |")
    print("|---|---|---|---|---|---|")
    for method in args.methods.split(","):
        mine = [r for r in rows if r["method"] == method]

        def mean(key: str, rows: list[dict[str, Any]] = mine) -> float:
            return statistics.fmean(float(r[key]) for r in rows)

        def spread(key: str, rows: list[dict[str, Any]] = mine) -> str:
            values = [float(r[key]) for r in rows]
            sd = statistics.stdev(values) if len(values) > 1 else 0.0
            return f"{statistics.fmean(values):.4f} ± {sd:.4f}"

        print(
            f"| {method} | {mean('epochs'):.0f} | {mean('trials'):.1f} ({mean('pruned'):.1f}) "
            f"| {spread('val_acc')} | {spread('test_acc')} | {mean('seconds'):.0f} |"
        )


if __name__ == "__main__":
    main()
