"""Build the shipped zero-shot portfolios from measured YAHPO Gym performance matrices.

For each family (XGBoost: rbv2_xgboost, CART: rbv2_rpart, MLP: lcbench) this draws
``--candidates`` configurations from a scrambled Sobol sequence (``--seed``), predicts the
usual target at the full fidelity on every ``dev`` instance of ``splits.json`` (never a
``test`` one), and picks ``--k`` configurations greedily on the per-instance normalized matrix
(``smarttune.knowledge._portfolio.measured_portfolio``). The result goes to
``src/smarttune/knowledge/_bundled/portfolios/<family>.json``:

    SMARTTUNE_YAHPO_DIR=../shared/benchmarks/yahpo .venv/bin/python benchmarks/build_portfolios.py

(defaults: 8192 candidates, k = 16, seed 0; about 20 s on one core).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import numpy as np

from smarttune.knowledge._portfolio import FAMILIES, PORTFOLIO_DIR, measured_portfolio
from smarttune.yahpo import load_scenario


def build(family: str, *, candidates: int, k: int, seed: int) -> dict[str, Any]:
    scenario = load_scenario(FAMILIES[family])
    configs = scenario.space.sample(candidates, seed=seed)
    dev = scenario.instances("dev")
    scores = np.stack([scenario.evaluate(configs, i)[scenario.target] for i in dev])
    picks, regret = measured_portfolio(scores, k)
    return {
        "family": family,
        "scenario": scenario.name,
        "target": scenario.target,
        "fidelity": dict(scenario.meta.fidelity),
        "configurations": [configs[i] for i in picks],
        "dev_regret": [round(r, 6) for r in regret],
        "built_from": {
            "data": "YAHPO Gym 1.0.2 surrogates (see README.md beside this file)",
            "split": "dev",
            "instances": dev,
            "candidates": candidates,
            "design": "scrambled Sobol (scipy.stats.qmc.Sobol)",
            "seed": seed,
            "normalization": "per instance, (y - worst) / (best - worst) over the candidates",
            "selection": "greedy, mean over instances of the portfolio's best normalized score",
            "command": "benchmarks/build_portfolios.py",
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--candidates", type=int, default=8192)
    parser.add_argument("--k", type=int, default=16)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=PORTFOLIO_DIR)
    parser.add_argument("--families", default=",".join(FAMILIES))
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    for family in args.families.split(","):
        document = build(family, candidates=args.candidates, k=args.k, seed=args.seed)
        path = args.out / f"{family}.json"
        path.write_text(json.dumps(document, indent=1) + "\n", encoding="utf-8")
        regret = document["dev_regret"]
        print(f"{family}: {path} (dev regret k=1 {regret[0]:.4f}, k=8 {regret[7]:.4f})")


if __name__ == "__main__":
    main()
