"""Build the shipped zero-shot portfolios from measured YAHPO Gym performance matrices.

For each family (XGBoost: rbv2_xgboost, CART: rbv2_rpart, MLP: lcbench) the candidates are
``--candidates`` configurations of a scrambled Sobol sequence (``--seed``), plus, in the
designs with ``incumbents``, one per ``dev`` instance: the best Sobol candidate there refined
by a short local search (Gaussian steps in the unit cube, 6 rounds of 256, the step shrinking
by 0.6; the per-dataset incumbents of Auto-Sklearn 2.0's portfolio candidates), plus, in the
designs with ``defaults``, the library's defaults (``_yahpo_common.DEFAULTS``). Every
candidate's usual target is predicted at the full fidelity on every ``dev`` instance of
``splits.json`` (never a ``test`` one), and ``--k`` configurations are picked greedily on the
per-instance normalized matrix (``smarttune.knowledge._portfolio.measured_portfolio``).

``--lodo`` instead reports, for each candidate design, leave one dev instance out: the
portfolio built on the other dev instances (without the held-out instance's incumbent),
scored on the held-out one against the defaults and by normalized regret over the matrix.
This is how each family's design (``DESIGNS``) was chosen (dev instances only). Writes
``src/smarttune/knowledge/_bundled/portfolios/<family>.json``:

    SMARTTUNE_YAHPO_DIR=../shared/benchmarks/yahpo .venv/bin/python benchmarks/build_portfolios.py
"""

from __future__ import annotations

import argparse
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from _yahpo_common import DEFAULTS, RESULTS, clip_to_space

from smarttune.knowledge._portfolio import (
    FAMILIES,
    PORTFOLIO_DIR,
    measured_portfolio,
    normalize_rows,
)
from smarttune.yahpo import Scenario, load_scenario

ROUNDS, BATCH, STEP, SHRINK = 6, 256, 0.1, 0.6
#: The candidate design of each family: the lowest mean normalized regret, leaving one dev
#: instance out (``--lodo``; results/portfolio_designs_dev_lodo.json, k = 8).
DESIGNS = {"xgboost": "sobol+incumbents", "rpart": "sobol+defaults", "mlp": "sobol"}


@dataclass
class Matrix:
    """Candidates x dev instances; ``origin[c]`` is the dev row a candidate was tuned on, or -1."""

    configs: list[dict[str, Any]]
    origin: np.ndarray
    scores: np.ndarray  # instances x candidates
    defaults: np.ndarray | None  # the defaults' score per instance


def incumbent(
    scenario: Scenario, instance: str, points: np.ndarray, values: np.ndarray, seed: int
) -> dict[str, Any]:
    """The best Sobol point on ``instance``, refined by a shrinking Gaussian local search."""
    rng = np.random.default_rng(seed)
    best_point, best = points[int(np.argmax(values))], float(values.max())
    step = STEP
    for _ in range(ROUNDS):
        trial = np.clip(best_point + rng.normal(0, step, (BATCH, points.shape[1])), 0, 1 - 1e-9)
        scores = scenario.evaluate([scenario.space.from_unit(p) for p in trial], instance)
        column = scores[scenario.target]
        if column.max() > best:
            best_point, best = trial[int(np.argmax(column))], float(column.max())
        step *= SHRINK
    return scenario.space.from_unit(best_point)


def build_matrix(family: str, *, candidates: int, seed: int, incumbents: bool) -> Matrix:
    scenario = load_scenario(FAMILIES[family])
    dev = scenario.instances("dev")
    points = scenario.space.unit_points(candidates, seed=seed)
    configs = [scenario.space.from_unit(p) for p in points]
    origin = [-1] * len(configs)
    scores = np.stack([scenario.evaluate(configs, i)[scenario.target] for i in dev])
    if incumbents:
        extra = [incumbent(scenario, i, points, scores[r], seed + r) for r, i in enumerate(dev)]
        columns = np.stack([scenario.evaluate(extra, i)[scenario.target] for i in dev])
        configs += extra
        origin += list(range(len(dev)))
        scores = np.hstack([scores, columns])
    defaults = None
    if family in DEFAULTS:
        config = clip_to_space(scenario.name, DEFAULTS[family])
        defaults = np.array([scenario.evaluate_one(config, i)[scenario.target] for i in dev])
    return Matrix(configs, np.asarray(origin), scores, defaults)


def with_defaults(matrix: Matrix, family: str) -> Matrix:
    """The matrix with the library's defaults as one more candidate."""
    assert matrix.defaults is not None
    config = clip_to_space(FAMILIES[family], DEFAULTS[family])
    scores = np.hstack([matrix.scores, matrix.defaults[:, None]])
    return Matrix([*matrix.configs, config], np.append(matrix.origin, -1), scores, matrix.defaults)


def lodo(matrix: Matrix, k: int) -> dict[str, float]:
    """Leave one dev instance out: the held-out instance's own incumbent is left out too."""
    normalized = normalize_rows(matrix.scores)
    wins, regrets = [], []
    for held in range(len(matrix.scores)):
        rows = np.arange(len(matrix.scores)) != held
        columns = np.flatnonzero(matrix.origin != held)
        picks, _ = measured_portfolio(matrix.scores[rows][:, columns], k)
        chosen = columns[picks]
        regrets.append(1 - float(normalized[held, chosen].max()))
        if matrix.defaults is not None:
            wins.append(float(matrix.scores[held, chosen].max() > matrix.defaults[held]))
    result = {"mean_regret": float(np.mean(regrets)), "median_regret": float(np.median(regrets))}
    if wins:
        result["beats_defaults"] = float(np.mean(wins))
    return result


def document(family: str, matrix: Matrix, design: str, args: argparse.Namespace) -> dict[str, Any]:
    scenario = load_scenario(FAMILIES[family])
    picks, regret = measured_portfolio(matrix.scores, args.k)
    return {
        "family": family,
        "scenario": scenario.name,
        "target": scenario.target,
        "fidelity": dict(scenario.meta.fidelity),
        "configurations": [matrix.configs[i] for i in picks],
        "dev_regret": [round(r, 6) for r in regret],
        "built_from": {
            "data": "YAHPO Gym 1.0.2 surrogates (see README.md beside this file)",
            "split": "dev",
            "instances": scenario.instances("dev"),
            "candidates": args.candidates,
            "design": "scrambled Sobol (scipy.stats.qmc.Sobol)",
            "candidate_design": design,
            "seed": args.seed,
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
    parser.add_argument("--design", help="one design for every family (default: DESIGNS)")
    parser.add_argument("--lodo", action="store_true", help="report the designs on dev instead")
    parser.add_argument("--out", type=Path, default=PORTFOLIO_DIR)
    parser.add_argument("--families", default=",".join(FAMILIES))
    args = parser.parse_args()
    report: dict[str, Any] = {}
    for family in args.families.split(","):
        design = args.design or DESIGNS[family]
        incumbents = args.lodo or "incumbents" in design
        matrix = build_matrix(
            family, candidates=args.candidates, seed=args.seed, incumbents=incumbents
        )
        if args.lodo:
            report[family] = lodo_designs(family, matrix, args.k)
            print(family, json.dumps(report[family]), flush=True)
            continue
        if "defaults" in design and family in DEFAULTS:
            matrix = with_defaults(matrix, family)
        result = document(family, matrix, design, args)
        path = args.out / f"{family}.json"
        path.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
        regret = result["dev_regret"]
        print(f"{family}: {path} (dev regret k=1 {regret[0]:.4f}, k=8 {regret[7]:.4f})")
    if args.lodo:
        (RESULTS / "portfolio_designs_dev_lodo.json").write_text(json.dumps(report, indent=1))


def lodo_designs(family: str, matrix: Matrix, k: int) -> dict[str, dict[str, float]]:
    """Each candidate design, leave one dev instance out."""
    sobol = Matrix(
        [c for c, o in zip(matrix.configs, matrix.origin, strict=True) if o < 0],
        matrix.origin[matrix.origin < 0],
        matrix.scores[:, matrix.origin < 0],
        matrix.defaults,
    )
    designs = {"sobol": sobol, "sobol+incumbents": matrix}
    if family in DEFAULTS:
        designs["sobol+defaults"] = with_defaults(sobol, family)
        designs["sobol+incumbents+defaults"] = with_defaults(matrix, family)
    return {name: lodo(design, k) for name, design in designs.items()}


if __name__ == "__main__":
    main()
