"""Zero-shot portfolios on the YAHPO ``test`` instances: portfolio vs library defaults vs random.

For each ``test`` instance of ``splits.json`` (never used to build the portfolios, which come
from the ``dev`` instances; see ``build_portfolios.py``) this scores, at the full fidelity:

* the shipped portfolio's first ``--k`` configurations (best of them);
* the library's defaults, as the scenario's parameters (``_yahpo_common.DEFAULTS``: XGBoost's
  ``XGBClassifier()`` defaults; CART: ``DecisionTreeClassifier()``'s where rpart has them);
* ``--k`` uniformly random configurations, for each of ``--seeds`` seeds (best of them).

Normalized regret is ``(best - found) / (best - worst)``, best and worst from
``yahpo_extremes.py`` (10^5 random configurations per instance), widened by any value scored
here. Writes ``benchmarks/results/portfolio_zero_shot.csv`` (one row per family x instance)
and ``portfolio_zero_shot.json`` (the summary):

    SMARTTUNE_YAHPO_DIR=../shared/benchmarks/yahpo \\
        .venv/bin/python benchmarks/portfolio_zero_shot.py
"""

from __future__ import annotations

import argparse
import csv
import json
from pathlib import Path
from typing import Any

import numpy as np
from _yahpo_common import DEFAULTS, RESULTS, clip_to_space, extremes

from smarttune.knowledge._portfolio import FAMILIES, load_portfolio
from smarttune.yahpo import load_scenario


def score_instance(
    family: str, instance: str, *, k: int, seeds: int, reference: dict[str, float]
) -> dict[str, Any]:
    scenario = load_scenario(FAMILIES[family])
    target = scenario.target

    def best(configs: list[dict[str, Any]]) -> float:
        return float(scenario.evaluate(configs, instance)[target].max())

    portfolio = best(load_portfolio(family).first(k))
    randoms = [best(scenario.space.sample(k, seed=s, sobol=False)) for s in range(seeds)]
    has_defaults = family in DEFAULTS
    default = best([clip_to_space(scenario.name, DEFAULTS[family])]) if has_defaults else np.nan
    found = [portfolio, *randoms] + ([default] if has_defaults else [])
    top, bottom = max(reference["best"], *found), min(reference["worst"], *found)

    def regret(value: float) -> float:
        return (top - value) / (top - bottom)

    return {
        "family": family,
        "instance": instance,
        "target": target,
        "portfolio": portfolio,
        "defaults": default,
        "random_mean": float(np.mean(randoms)),
        "random_seeds_beaten": sum(portfolio > r for r in randoms),
        "portfolio_regret": regret(portfolio),
        "defaults_regret": regret(default) if has_defaults else np.nan,
        "random_regret_mean": float(np.mean([regret(r) for r in randoms])),
        "best": float(top),
        "worst": float(bottom),
    }


def summarize(rows: list[dict[str, Any]], seeds: int) -> dict[str, Any]:
    summary: dict[str, Any] = {}
    for family in sorted({row["family"] for row in rows}):
        mine = [row for row in rows if row["family"] == family]
        n = len(mine)
        entry = {
            "instances": n,
            "beats_random_mean": sum(r["portfolio"] > r["random_mean"] for r in mine) / n,
            "beats_random_pairs": sum(r["random_seeds_beaten"] for r in mine) / (n * seeds),
            "median_regret_portfolio": float(np.median([r["portfolio_regret"] for r in mine])),
            "mean_regret_portfolio": float(np.mean([r["portfolio_regret"] for r in mine])),
            "median_regret_random": float(np.median([r["random_regret_mean"] for r in mine])),
        }
        if family in DEFAULTS:
            entry["beats_defaults"] = sum(r["portfolio"] > r["defaults"] for r in mine) / n
            entry["median_regret_defaults"] = float(np.median([r["defaults_regret"] for r in mine]))
        summary[family] = entry
    return summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--k", type=int, default=8)
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--families", default=",".join(FAMILIES))
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    reference = extremes()
    rows = []
    for family in args.families.split(","):
        scenario = FAMILIES[family]
        for instance in load_scenario(scenario).instances("test"):
            rows.append(
                score_instance(
                    family,
                    instance,
                    k=args.k,
                    seeds=args.seeds,
                    reference=reference[scenario][instance],
                )
            )
    args.out.mkdir(parents=True, exist_ok=True)
    with (args.out / "portfolio_zero_shot.csv").open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    summary = {"k": args.k, "seeds": args.seeds, "families": summarize(rows, args.seeds)}
    text = json.dumps(summary, indent=1)
    (args.out / "portfolio_zero_shot.json").write_text(text + "\n")
    print(text)


if __name__ == "__main__":
    main()
