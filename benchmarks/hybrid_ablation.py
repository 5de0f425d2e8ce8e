"""Ablation of HybridSampler's design on BBOB: variants side by side with TPE, same problems.

Each variant is a set of HybridSampler keyword arguments; every variant and Optuna's TPE
(5.x defaults) run the same BBOB problems and seeds. The table gives, per variant, the mean
rank among all runs of a cell and the share of function x dimension cells where the variant's
median regret beats TPE's.

    python benchmarks/hybrid_ablation.py --variants default,early --dims 5 --seeds 0-1
"""

from __future__ import annotations

import argparse
import concurrent.futures
import multiprocessing
import statistics
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _bbob import bbob_f_opt, bbob_instances, bbob_problem, quiet, regret

#: Variants of the v2 HybridSampler (issue 15; keyword arguments, "tpe" is the reference).
#: The v1 rounds recorded in docs/benchmarks.md ran the genetic-then-bandit sampler of commit
#: 1a2498c, whose parameters no longer exist; ``benchmarks/search_core.py`` runs the same
#: variants beside the peers (``--methods hybrid,hybrid:trust_region=False,...``).
VARIANTS: dict[str, dict[str, Any]] = {
    "default": {},
    "no-region": {"trust_region": False},
    "no-genetic": {"loo_threshold": -1.0},
    "tempered-0.5": {"posterior_scale": 0.5},
    "tempered-0.2": {"posterior_scale": 0.2},
}


def run_one(variant: str, function: int, dim: int, instance: int, seed: int, budget: int) -> float:
    """Best regret of one run."""
    import numpy as np
    import optuna

    from smarttune.samplers import HybridSampler

    quiet()
    if variant == "tpe":
        sampler: optuna.samplers.BaseSampler = optuna.samplers.TPESampler(seed=seed)
    else:
        sampler = HybridSampler(seed=seed, **VARIANTS[variant])
    study = optuna.create_study(sampler=sampler)
    with bbob_problem(function, dim, instance) as problem:
        bounds = list(zip(problem.lower_bounds, problem.upper_bounds, strict=True))

        def objective(trial: optuna.Trial) -> float:
            x = [trial.suggest_float(f"x{i}", lo, hi) for i, (lo, hi) in enumerate(bounds)]
            return float(problem(np.asarray(x)))

        study.optimize(objective, n_trials=budget)
        return regret(study.best_value, bbob_f_opt(function, dim, instance))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--variants", default=",".join(VARIANTS))
    parser.add_argument("--functions", default="1-24")
    parser.add_argument("--dims", default="5")
    parser.add_argument("--instances", default="1")
    parser.add_argument("--seeds", default="0-1")
    parser.add_argument("--budget", type=int, default=100)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    variants = ["tpe", *args.variants.split(",")]
    first, _, last = args.seeds.partition("-")
    seeds = range(int(first), int(last or first) + 1)
    problems = bbob_instances(args.functions, args.dims, args.instances)
    jobs = [(v, *p, s, args.budget) for v in variants for p in problems for s in seeds]
    results: dict[tuple[Any, ...], float] = {}
    context = multiprocessing.get_context("spawn")
    with concurrent.futures.ProcessPoolExecutor(args.workers, mp_context=context) as pool:
        futures = {pool.submit(run_one, *job): job for job in jobs}
        for future in concurrent.futures.as_completed(futures):
            results[futures[future]] = future.result()
    print(summarize(results, variants, problems, seeds, args.budget))


def summarize(
    results: dict[tuple[Any, ...], float],
    variants: list[str],
    problems: list[tuple[int, int, int]],
    seeds: range,
    budget: int,
) -> str:
    """Markdown: mean rank per variant, and wins against TPE's median per f x d cell."""
    ranks: dict[str, list[float]] = defaultdict(list)
    for problem in problems:
        for seed in seeds:
            regrets = {v: results[(v, *problem, seed, budget)] for v in variants}
            ordered = sorted(regrets.values())
            for v, r in regrets.items():
                ranks[v].append(ordered.index(r) + 1 + (ordered.count(r) - 1) / 2)
    cells = sorted({(f, d) for f, d, _ in problems})
    median = {
        (v, c): statistics.median(
            results[(v, f, d, i, s, budget)] for f, d, i in problems if (f, d) == c for s in seeds
        )
        for v in variants
        for c in cells
    }
    lines = ["| variant | mean rank | wins vs TPE median (cells) |", "|---|---|---|"]
    for v in variants:
        wins = sum(median[(v, c)] < median[("tpe", c)] - 1e-8 for c in cells)
        share = "-" if v == "tpe" else f"{wins}/{len(cells)} = {wins / len(cells):.0%}"
        lines.append(f"| {v} | {statistics.mean(ranks[v]):.2f} | {share} |")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
