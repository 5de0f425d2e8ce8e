"""Leave-one-dataset-out evaluation of the knowledge base (issue #7).

For every dataset of the meta-dataset, a knowledge base WITHOUT any study of that dataset
(every family) is asked about it:

1. meta-model quality: each family's held-out study is predicted by the cross-task meta-model
   (the MLP baseline and the two-stage transfer surrogate); Spearman and R^2 against the
   study's normalized scores;
2. the recommended configuration (top 1) is retrained on train + validation and scored on the
   test split, against the best configuration of the full classic grid (same splits);
3. a HybridSampler warm-started from the knowledge base runs 10 trials; we count how soon it
   reaches the grid search's best validation score and compare its 10-trial best with the
   50-trial cold TPE study of the meta-dataset (TPE seed 0, same task and splits).

The meta-dataset comes from ``smarttune meta build --storage URL`` (the TPE and grid studies
are read from it, not re-run).

    python benchmarks/meta_lodo.py --storage sqlite:///smarttune-meta.db \
        --out benchmarks/results/meta_lodo.json
"""

from __future__ import annotations

import argparse
import json
import math
import time
from pathlib import Path
from typing import Any

import numpy as np


def model_quality(kb: Any) -> list[dict[str, Any]]:
    """Part 1: leave-one-dataset-out Spearman and R^2 of both meta-models, per fold."""
    from smarttune.knowledge import MLPBaseline, TwoStageTransfer
    from smarttune.knowledge._evaluate import leave_one_dataset_out

    rows = []
    for family in kb.families():
        records = kb.records_of(family)
        for method, factory, reuse in (
            ("mlp", MLPBaseline, False),
            ("tst", TwoStageTransfer, True),
            # Ablation: every past study weighted equally (meta-features ignored).
            ("uniform", lambda: TwoStageTransfer(bandwidth=1e9), True),
        ):
            started = time.perf_counter()
            folds = leave_one_dataset_out(records, factory, reuse=reuse)
            seconds = time.perf_counter() - started
            for fold in folds:
                rows.append(
                    {
                        "family": family,
                        "dataset": fold.dataset,
                        "method": method,
                        "spearman": fold.spearman,
                        "r2": fold.r2,
                        "sse": float(np.sum((fold.predicted - fold.observed) ** 2)),
                        "sst": float(np.sum((fold.observed - fold.observed.mean()) ** 2)),
                        "seconds": seconds / max(len(folds), 1),
                    }
                )
            print(f"  quality {family:9s} {method}: {seconds:.1f}s", flush=True)
    return rows


def _values(record: Any) -> list[float]:
    return [float(v) for v in record.values]


def held_out_task(
    kb: Any, dataset: str, family: str, trials: int, portfolio: bool = True
) -> dict[str, Any]:
    """Parts 2 and 3 for one held-out (dataset, family)."""
    import optuna

    from smarttune.knowledge import KnowledgeBase
    from smarttune.metadataset import STUDY_PREFIX, make_task, probe_search_space
    from smarttune.samplers import HybridSampler

    by_name = {r.name: r for r in kb.records}
    train = KnowledgeBase(
        records=[r for r in kb.records if r.dataset != dataset], portfolio=portfolio
    )
    task = make_task(dataset, family)
    started = time.perf_counter()
    knowledge = train.transfer(task, k=8, search_space=probe_search_space(task))
    recommend_seconds = time.perf_counter() - started
    study = optuna.create_study(
        direction="maximize", sampler=HybridSampler(knowledge=knowledge, seed=0)
    )
    study.optimize(task.objective, n_trials=trials, catch=(Exception,))
    done = [t for t in study.trials if t.value is not None]
    warm = [float(t.value) for t in done]  # type: ignore[arg-type]
    warm_seconds = [(t.datetime_complete - t.datetime_start).total_seconds() for t in done]  # type: ignore[operator]
    tpe = by_name[f"{STUDY_PREFIX}{family}-{dataset}"]
    row: dict[str, Any] = {
        "dataset": dataset,
        "family": family,
        "warm_values": warm,
        "warm_seconds": warm_seconds,
        "tpe_values": _values(tpe),
        "tpe_seconds": tpe.seconds,
        "recommend_seconds": recommend_seconds,
        "rec_test": task.final_fit(knowledge.warm_start[0])["test_score"],
    }
    grid = by_name.get(f"{STUDY_PREFIX}{family}-{dataset}-grid")
    if grid is not None:
        best = grid.params[int(np.argmax(grid.values))]
        row |= {
            "grid_values": _values(grid),
            "grid_seconds": grid.seconds,
            "grid_test": task.final_fit(dict(best))["test_score"],
        }
        grid_pick = train.recommend(
            task.meta_features(), 1, family=f"{family}-grid", search_space=None
        )[0]
        row["grid_rec_test"] = task.final_fit(grid_pick.params)["test_score"]
    return row


def first_reaching(values: list[float], target: float) -> int | None:
    """The 1-based number of evaluations after which the running best reaches ``target``."""
    best = -math.inf
    for i, v in enumerate(values, 1):
        best = max(best, v)
        if best >= target - 1e-12:
            return i
    return None


def main() -> None:
    import optuna

    from smarttune.knowledge import KnowledgeBase
    from smarttune.metadataset import FAMILIES, STUDY_PREFIX
    from smarttune.storage import open_storage

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--storage", required=True, help="The meta-dataset's storage URL.")
    parser.add_argument("--out", default="benchmarks/results/meta_lodo.json")
    parser.add_argument("--trials", type=int, default=10, help="Warm-started trials per task.")
    parser.add_argument("--datasets", help="Comma-separated held-out datasets (default: all).")
    parser.add_argument("--families", default=",".join(FAMILIES))
    parser.add_argument("--skip-quality", action="store_true")
    parser.add_argument(
        "--no-portfolio", action="store_true", help="Recommend by predicted score only."
    )
    args = parser.parse_args()
    optuna.logging.set_verbosity(optuna.logging.WARNING)

    kb = KnowledgeBase.from_storage(open_storage(args.storage))
    datasets = (
        args.datasets.split(",") if args.datasets else sorted({r.dataset for r in kb.records})
    )
    out: dict[str, Any] = {"studies": len(kb), "datasets": datasets}
    if not args.skip_quality:
        out["quality"] = model_quality(kb)
    rows = []
    names = {r.name: len(r.values) for r in kb.records}
    for dataset in datasets:
        for family in args.families.split(","):
            if names.get(f"{STUDY_PREFIX}{family}-{dataset}", 0) < 50:
                print(f"  {family:4s} {dataset:28s} skipped: no finished 50-trial TPE study")
                continue
            started = time.perf_counter()
            rows.append(held_out_task(kb, dataset, family, args.trials, not args.no_portfolio))
            print(f"  {family:4s} {dataset:28s} {time.perf_counter() - started:6.1f}s", flush=True)
            Path(args.out).write_text(json.dumps(out | {"tasks": rows}, indent=1))
    out["tasks"] = rows
    Path(args.out).write_text(json.dumps(out, indent=1))
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
