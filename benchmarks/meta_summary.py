"""Markdown tables of ``benchmarks/meta_lodo.py``'s results (for docs/benchmarks.md).

python benchmarks/meta_summary.py benchmarks/results/meta_lodo.json
"""

from __future__ import annotations

import argparse
import json
import math
from collections import defaultdict
from typing import Any

import numpy as np
from meta_lodo import first_reaching

GRID_FAMILIES = ("dt", "rf", "svm")


def _mean(values: list[float]) -> float:
    finite = [v for v in values if v is not None and math.isfinite(v)]
    return float(np.mean(finite)) if finite else float("nan")


def quality_table(rows: list[dict[str, Any]]) -> str:
    methods = [m for m in ("mlp", "tst", "uniform") if any(r["method"] == m for r in rows)]
    titles = {"mlp": "MLP baseline", "tst": "TST", "uniform": "uniform weights"}
    groups: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        groups[(row["family"], row["method"])].append(row)
        groups[("all", row["method"])].append(row)
    header = [f"Spearman: {titles[m]}" for m in methods] + [f"R²: {titles[m]}" for m in methods]
    lines = [
        f"| family | folds | {' | '.join(header)} |",
        "|---|---|" + "---|" * len(header),
    ]
    for family in [*sorted({f for f, _ in groups if f != "all"}), "all"]:
        cells = []
        for metric in ("spearman", "r2"):
            for method in methods:
                group = groups[(family, method)]
                value = _mean([r[metric] for r in group])
                if metric == "r2":  # the median too: a few folds dominate the mean
                    finite = [r[metric] for r in group if math.isfinite(r[metric])]
                    cells.append(f"{value:.2f} (med. {float(np.median(finite)):.2f})")
                else:
                    cells.append(f"{value:.2f}")
        name = f"**{family}**" if family == "all" else family
        lines.append(f"| {name} | {len(groups[(family, methods[0])])} | {' | '.join(cells)} |")
    return "\n".join(lines)


def grid_table(tasks: list[dict[str, Any]]) -> str:
    lines = [
        "| family | tasks | test: top-1 recommendation | test: top-1 grid point recommended "
        "| test: full grid search | reached grid best in <= 5 (warm HybridSampler) "
        "| evaluations to reach it (median) | grid: evaluations / seconds "
        "| warm start until reached: evaluations / seconds |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    rows = [t for t in tasks if "grid_values" in t]
    for family in [*GRID_FAMILIES, "all"]:
        group = [t for t in rows if family in ("all", t["family"])]
        if not group:
            continue
        reach = [first_reaching(t["warm_values"], max(t["grid_values"])) for t in group]
        within = sum(r is not None and r <= 5 for r in reach)
        steps = [r if r is not None else 99 for r in reach]
        # A task the warm start never reached counts all its warm trials.
        used = [
            r if r is not None else len(t["warm_values"]) for r, t in zip(reach, group, strict=True)
        ]
        used_seconds = sum(sum(t["warm_seconds"][:n]) for n, t in zip(used, group, strict=True))
        name = f"**{family}**" if family == "all" else family
        lines.append(
            f"| {name} | {len(group)} | {_mean([t['rec_test'] for t in group]):.4f} "
            f"| {_mean([t['grid_rec_test'] for t in group]):.4f} "
            f"| {_mean([t['grid_test'] for t in group]):.4f} "
            f"| {within}/{len(group)} = {within / len(group):.0%} "
            f"| {float(np.median(steps)):.0f} "
            f"| {sum(len(t['grid_values']) for t in group)} / "
            f"{sum(t['grid_seconds'] for t in group):.1f} s "
            f"| {sum(used)} / {used_seconds:.1f} s |"
        )
    return "\n".join(lines)


def sampler_table(tasks: list[dict[str, Any]]) -> str:
    lines = [
        "| family | tasks | warm HybridSampler, best of 10 | cold TPE, best of 10 "
        "| cold TPE, best of 50 | warm@10 ≥ TPE@50 | mean warm@10 - TPE@50 "
        "| seconds: warm 10 trials | seconds: TPE 50 trials |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    families = sorted({t["family"] for t in tasks})
    for family in [*families, "all"]:
        group = [t for t in tasks if family in ("all", t["family"])]
        warm = [max(t["warm_values"][:10]) for t in group]
        tpe10 = [max(t["tpe_values"][:10]) for t in group]
        tpe50 = [max(t["tpe_values"][:50]) for t in group]
        ge = sum(w >= c - 1e-12 for w, c in zip(warm, tpe50, strict=True))
        diff = float(np.mean(np.subtract(warm, tpe50)))
        name = f"**{family}**" if family == "all" else family
        lines.append(
            f"| {name} | {len(group)} | {np.mean(warm):.4f} | {np.mean(tpe10):.4f} "
            f"| {np.mean(tpe50):.4f} | {ge}/{len(group)} | {diff:+.4f} "
            f"| {sum(sum(t['warm_seconds'][:10]) for t in group):.1f} "
            f"| {sum(t['tpe_seconds'] for t in group):.1f} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("results")
    args = parser.parse_args()
    with open(args.results, encoding="utf-8") as stream:
        document = json.load(stream)
    print(f"{document['studies']} studies, {len(document['datasets'])} datasets\n")
    if "quality" in document:
        print(quality_table(document["quality"]), "\n")
    print(grid_table(document["tasks"]), "\n")
    print(sampler_table(document["tasks"]))


if __name__ == "__main__":
    main()
