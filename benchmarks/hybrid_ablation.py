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

#: The defaults before the ablation (rounds 1-3 ran against these).
OLD_DEFAULT: dict[str, Any] = {
    "population_size": 10,
    "min_generations": 2,
    "max_generations": 4,
    "region_quantile": 0.2,
    "region_margin": 0.25,
    "learner_params": {"warm_start_steps": 50},
}
_EARLY_WIDE = {"population_size": 8, "min_generations": 1, "max_generations": 3}
_EARLY_WIDE |= {"region_quantile": 0.35, "region_margin": 0.5}

#: Variants under study (keyword arguments of HybridSampler); "tpe" is the reference.
#: Rounds 1-3 changed OLD_DEFAULT; "early-wide-fit" won them and is the current default
#: ("default"). A fourth variant family, a quarter of the refinement trials bred by the GA
#: ("genetic_share" 0.25), lost (9/24 cells at d=5) and its parameter was removed.
VARIANTS: dict[str, dict[str, Any]] = {
    "default": {},
    "old-default": OLD_DEFAULT,
    # round 1
    "early": {**OLD_DEFAULT, "population_size": 8, "min_generations": 1, "max_generations": 3},
    "wide-region": {**OLD_DEFAULT, "region_quantile": 0.35, "region_margin": 0.5},
    "narrow-region": {**OLD_DEFAULT, "region_quantile": 0.1, "region_margin": 0.1},
    "no-region": {**OLD_DEFAULT, "region_quantile": 1.0, "region_margin": 0.0},
    "big-ensemble": {**OLD_DEFAULT, "learner_params": {"n_members": 8, "warm_start_steps": 100}},
    # round 2
    "fit-more": {**OLD_DEFAULT, "learner_params": {"warm_start_steps": 200}},
    "wide-net": {
        **OLD_DEFAULT,
        "learner_params": {"hidden_units": (64, 64), "warm_start_steps": 100},
    },
    "early-wide": {**OLD_DEFAULT, **_EARLY_WIDE},
    "bandit-soon": {
        **OLD_DEFAULT,
        "population_size": 5,
        "min_generations": 1,
        "max_generations": 1,
    },
    # round 3: the winner, now the default
    "early-wide-fit": {**OLD_DEFAULT, **_EARLY_WIDE, "learner_params": {"warm_start_steps": 150}},
    # round 4, against the current default
    "fit-300": {"learner_params": {"warm_start_steps": 300}},
    "members-8": {"learner_params": {"n_members": 8, "warm_start_steps": 150}},
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
