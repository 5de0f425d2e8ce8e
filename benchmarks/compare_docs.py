"""The comparison section of docs/benchmarks.md: run ``smarttune compare``, print Markdown.

The runs (each resumable: run the same command again to finish or extend it; the seeds are
0..N-1 and every method and task is seeded by them):

    smarttune compare --tasks dt-diabetes,knn-diabetes,svm-breast-cancer \\
        --methods grid,random,sobol,tpe,gp,cmaes,nsga2,genetic,bandit,hybrid,hyperopt,skopt,\\
nevergrad,smac,sklearn-grid,sklearn-random \\
        --trials 10,30 --seeds 5 --out benchmarks/results/compare/sklearn-30x1
    smarttune compare --tasks housing-mlp,svm-digits --methods random,tpe,hybrid \\
        --trials 30 --seeds 3 --out benchmarks/results/compare/acceptance
    smarttune compare --tasks housing-mlp --task-option housing-mlp:max_train_rows=2000,epochs=6 \\
        --methods random,tpe,hybrid,hybrid-hyperband,kt-random,kt-bayesian,kt-hyperband \\
        --trials 15 --seeds 2 --out benchmarks/results/compare/neural-peers-small
    smarttune compare --tasks knn-diabetes,dt-diabetes --methods random,sobol,tpe,cmaes,nsga2,\\
genetic,bandit,hybrid,hyperopt,nevergrad,sklearn-random,sklearn-grid,grid \\
        --trials 128 --batch 8 --seeds 5 --out benchmarks/results/compare/bayesmark-16x8
    (the same with --trials 100 and no --batch: benchmarks/results/compare/bayesmark-100x1)

The housing-mlp runs need SMARTTUNE_DATA_DIR (or the data downloaded); Keras Tuner needs
KERAS_BACKEND=torch. The docs' runs set OMP_NUM_THREADS=1 (two shared cores).

Then ``python benchmarks/compare_docs.py DIR [DIR ...]`` prints, per directory: the command's
settings, each task's table (mean and spread of the best validation value, mean holdout test
score, mean rank, evaluations, wall and sampler seconds), the Bayesmark-protocol scores
(random = 0, best observed = 100), the Friedman test, the critical difference and the
Holm-corrected pairs that involve ``hybrid``, and hybrid's wins and losses against each method.
"""

from __future__ import annotations

import json
import math
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np

from smarttune.compare import load_results
from smarttune.compare._bayesmark import bayesmark_scores
from smarttune.compare._summary import final_cells, summary_rows

REFERENCE = "hybrid"


def _fmt(value: float, digits: int = 4) -> str:
    return (
        "-"
        if value is None or (isinstance(value, float) and math.isnan(value))
        else f"{value:.{digits}g}"
    )


def task_tables(directory: Path) -> list[str]:
    results = load_results(directory)
    lines = []
    rows = summary_rows(results.cells)
    final = final_cells(results.cells)
    sampler = defaultdict(list)
    for c in final:
        sampler[(c.task, c.method)].append(c.sampler_time_s)
    for task in sorted({r["task"] for r in rows}):
        metric = next(c.metric for c in final if c.task == task)
        direction = next(c.direction for c in final if c.task == task)
        lines += [
            f"**{task}** ({metric}, {direction}; test = holdout score of the final configuration)",
            "",
            "| method | mean best | std | mean test | mean rank | evals | wall s | sampler s |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for r in sorted((r for r in rows if r["task"] == task), key=lambda r: r["mean_rank"]):
            lines.append(
                f"| {r['method']} | {_fmt(r['mean_best'])} | {_fmt(r['std_best'], 2)} | "
                f"{_fmt(r['mean_test'])} | {_fmt(r['mean_rank'], 3)} | "
                f"{_fmt(r['mean_evaluations'], 3)} | {_fmt(r['mean_wall_time_s'], 3)} | "
                f"{_fmt(float(np.mean(sampler[(task, r['method'])])), 3)} |"
            )
        lines.append("")
    return lines


def bayesmark_table(directory: Path) -> list[str]:
    results = load_results(directory)
    scores = bayesmark_scores(results.cells, results.curves)
    tasks = sorted({t for by_task in scores.values() for t in by_task if t != "mean"})
    lines = [
        "| method | " + " | ".join(tasks) + " | mean |",
        "|---|" + "---|" * (len(tasks) + 1),
    ]
    for method, by_task in sorted(scores.items(), key=lambda item: -item[1]["mean"]):
        cells = " | ".join(_fmt(by_task.get(t, math.nan), 3) for t in tasks)
        lines.append(f"| {method} | {cells} | {_fmt(by_task['mean'], 3)} |")
    return [*lines, ""]


def statistics_lines(directory: Path) -> list[str]:
    stats = json.loads((directory / "statistics.json").read_text())
    lines = []
    if stats.get("friedman"):
        f = stats["friedman"]
        lines.append(
            f"Friedman over {f['n_blocks']} blocks (task x seed) and {len(stats['methods'])} "
            f"methods: chi2 = {f['statistic']:.2f}, p = {f['p_value']:.3g}; Nemenyi critical "
            f"difference of mean ranks = {stats['critical_difference']:.2f}."
        )
        ranks = sorted(stats["mean_ranks"].items(), key=lambda kv: kv[1])
        lines.append("Mean ranks: " + ", ".join(f"{m} {r:.2f}" for m, r in ranks) + ".")
        significant = [
            p
            for p in stats["pairwise"]
            if REFERENCE in (p["a"], p["b"]) and p["better"] is not None
        ]
        if significant:
            lines.append(
                "Holm-corrected Wilcoxon pairs with hybrid at p < 0.05: "
                + "; ".join(
                    f"{p['a']} vs {p['b']}: {p['better']} better (p_holm {p['p_holm']:.3g})"
                    for p in significant
                )
                + "."
            )
        else:
            lines.append("No Holm-corrected Wilcoxon test involving hybrid is significant at 0.05.")
    return [*lines, ""]


def wins_losses(directory: Path) -> list[str]:
    """Per method: blocks where hybrid's final best value is better, equal, worse."""
    final = [c for c in final_cells(load_results(directory).cells) if c.status == "ok"]
    by_block = defaultdict(dict)
    for c in final:
        value = -c.best_value if c.direction == "maximize" else c.best_value
        by_block[(c.task, c.seed)][c.method] = value
    counts: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0])
    for (task, _), values in by_block.items():
        if REFERENCE not in values:
            continue
        for method, value in values.items():
            if method == REFERENCE:
                continue
            mine = values[REFERENCE]
            index = 0 if mine < value - 1e-12 else 2 if mine > value + 1e-12 else 1
            counts[(task, method)][index] += 1
    lines = ["| task | vs method | hybrid better | tie | hybrid worse |", "|---|---|---|---|---|"]
    for (task, method), (won, tied, lost) in sorted(counts.items()):
        lines.append(f"| {task} | {method} | {won} | {tied} | {lost} |")
    return [*lines, ""]


def main(directories: list[str]) -> None:
    for name in directories:
        directory = Path(name)
        config = json.loads((directory / "config.json").read_text())
        print(f"### {directory.name}\n")
        print(
            f"Tasks {', '.join(config['tasks'])}; methods {', '.join(config['methods'])}; "
            f"seeds {config['seeds']}; trials {config['trials']}; batch {config['batch']}.\n"
        )
        print("\n".join(task_tables(directory)))
        print("Bayesmark-protocol scores (random search = 0, best value observed = 100):\n")
        print("\n".join(bayesmark_table(directory)))
        print("\n".join(statistics_lines(directory)))
        print("\n".join(wins_losses(directory)))


if __name__ == "__main__":
    main(sys.argv[1:])
