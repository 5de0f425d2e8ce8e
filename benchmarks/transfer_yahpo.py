"""Transfer on YAHPO Gym, leave one dataset out (issue 16).

For each family (YAHPO scenario) and each held-out ``test`` instance, every method tunes the
instance's surrogate for ``--budget`` trials; the knowledge used by the warm methods never
includes the held-out instance:

* sources: ``--sources`` other instances (``dev`` ones and the other ``test`` ones, drawn
  with a fixed seed), each a past study of ``--source-trials`` random configurations;
* warm start: the first ``--warm`` configurations of the shipped measured portfolio, which was
  built from ``dev`` instances only (``knowledge/_bundled/portfolios``).

Methods: ``tpe``, ``gp`` (Optuna's GPSampler) and ``hybrid`` cold; ``hybrid-warm`` (portfolio
warm start + RGPE prior mean over the sources); ``hybrid-rgpe`` (the prior mean only) and
``hybrid-ws`` (the warm start only), the two halves of ``hybrid-warm``; ``portfolio-tpe`` (the
portfolio, then TPE); ``hybrid-harmful`` (sources whose values are negated, so that they rank
every configuration backwards, and a warm start of their best-looking, i.e. worst,
configurations).

Normalized regret of a run after ``t`` trials: ``(best - found_t) / (best - worst)`` with best
and worst of the instance over ``--bound-evals`` Sobol configurations (clipped at 0 where a run
beats that estimate). One JSON file per (family, instance, seed, method) under ``--out``, so a
rerun only runs missing cells; ``--summarize`` writes ``summary.csv`` and ``summary.md``.

    SMARTTUNE_YAHPO_DIR=../shared/benchmarks/yahpo python benchmarks/transfer_yahpo.py \
        --families rbv2_rpart,rbv2_xgboost,lcbench --instances 3 --seeds 0,1,2 \
        --out benchmarks/results/transfer_yahpo
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any

import numpy as np

METHODS = (
    "tpe",
    "gp",
    "hybrid",
    "hybrid-warm",
    "hybrid-rgpe",
    "hybrid-ws",
    "portfolio-tpe",
    "hybrid-harmful",
)
PORTFOLIO_FAMILY = {"lcbench": "mlp", "rbv2_xgboost": "xgboost", "rbv2_rpart": "rpart"}


def bounds(scenario: Any, instance: str, n: int, cache: Path) -> tuple[float, float]:
    """Best and worst target of ``instance`` over ``n`` Sobol configurations (cached)."""
    path = cache / f"bounds-{scenario.name}-{instance}-{n}.json"
    if path.exists():
        stored = json.loads(path.read_text())
        return float(stored["best"]), float(stored["worst"])
    configs = scenario.space.sample(n, seed=0)
    values = np.concatenate(
        [
            scenario.evaluate(configs[i : i + 5000], instance)[scenario.target]
            for i in range(0, n, 5000)
        ]
    )
    best, worst = float(values.max()), float(values.min())
    path.write_text(json.dumps({"best": best, "worst": worst, "evaluations": n}))
    return best, worst


def source_record(scenario: Any, instance: str, n: int, negate: bool = False) -> Any:
    """A past study of ``instance``: ``n`` random configurations and their target values."""
    from smarttune.knowledge import StudyRecord

    configs = scenario.space.sample(n, seed=int(instance) % 9973, sobol=False)
    values = scenario.evaluate(configs, instance)[scenario.target]
    sign = -1.0 if negate else 1.0
    return StudyRecord(
        name=f"{scenario.name}-{instance}",
        task=scenario.name,
        family=scenario.name,
        dataset=instance,
        direction="maximize",
        meta_features={},
        space=scenario.space.distributions(),
        params=configs,
        values=[sign * float(v) for v in values],
    )


def choose_sources(scenario: Any, held_out: str, k: int) -> list[str]:
    """``k`` instances other than ``held_out`` from ``dev`` and ``test`` (fixed draw)."""
    pool = [i for i in scenario.instances("dev") + scenario.instances("test") if i != held_out]
    rng = np.random.default_rng(int(held_out))
    return [pool[i] for i in sorted(rng.choice(len(pool), size=min(k, len(pool)), replace=False))]


def make_sampler(method: str, seed: int, scenario: Any, held_out: str, args: Any) -> Any:
    """The sampler of ``method`` and the configurations to enqueue first."""
    import optuna

    from smarttune.knowledge import TaskKnowledge
    from smarttune.knowledge._portfolio import load_portfolio
    from smarttune.samplers import HybridSampler

    if method == "tpe":
        return optuna.samplers.TPESampler(seed=seed), []
    if method == "gp":
        return optuna.samplers.GPSampler(seed=seed), []
    if method == "hybrid":
        return HybridSampler(seed=seed), []
    portfolio = [dict(c) for c in load_portfolio(PORTFOLIO_FAMILY[scenario.name]).configurations]
    warm = portfolio[: args.warm]
    if method == "portfolio-tpe":
        return optuna.samplers.TPESampler(seed=seed), warm
    negate = method == "hybrid-harmful"
    instances = choose_sources(scenario, held_out, args.sources)
    sources = tuple(source_record(scenario, i, args.source_trials, negate) for i in instances)
    if negate:
        warm = [r.top_params(1)[0] for r in sources[: args.warm]]
    knowledge = {
        "hybrid-warm": TaskKnowledge(warm, sources=sources),
        "hybrid-rgpe": TaskKnowledge([], sources=sources),
        "hybrid-ws": TaskKnowledge(warm),
        "hybrid-harmful": TaskKnowledge(warm, sources=sources),
    }[method]
    return HybridSampler(knowledge=knowledge, seed=seed), []


def run_cell(scenario: Any, instance: str, seed: int, method: str, args: Any) -> dict[str, Any]:
    """One run; its values in trial order and its wall-clock seconds."""
    import optuna

    started = time.perf_counter()
    sampler, enqueue = make_sampler(method, seed, scenario, instance, args)
    study = optuna.create_study(direction="maximize", sampler=sampler)
    for config in enqueue:
        study.enqueue_trial(config, skip_if_exists=True)

    def objective(trial: optuna.Trial) -> float:
        config = scenario.space.suggest(trial)
        return float(scenario.evaluate([config], instance)[scenario.target][0])

    study.optimize(objective, n_trials=args.budget)
    values = [float(t.value) for t in study.trials if t.value is not None]
    return {"values": values, "seconds": time.perf_counter() - started}


def regret_curve(values: list[float], best: float, worst: float, budget: int) -> list[float]:
    """Normalized regret of the best value so far after 1..budget trials."""
    running = np.maximum.accumulate(np.asarray(values[:budget], dtype=float))
    regret = np.clip((best - running) / max(best - worst, 1e-12), 0.0, None)
    return [float(r) for r in regret]


def run(args: Any) -> None:
    import optuna

    from smarttune.yahpo import load_scenario

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    for family in args.families.split(","):
        scenario = load_scenario(family)
        for instance in scenario.instances("test")[: args.instances]:
            best, worst = bounds(scenario, instance, args.bound_evals, out)
            for seed in [int(s) for s in args.seeds.split(",")]:
                for method in args.methods.split(","):
                    path = out / f"cell-{family}-{instance}-{seed}-{method}.json"
                    if path.exists():
                        continue
                    cell = run_cell(scenario, instance, seed, method, args)
                    cell |= {"family": family, "instance": instance, "seed": seed}
                    cell |= {"method": method, "best": best, "worst": worst}
                    cell["regret"] = regret_curve(cell["values"], best, worst, args.budget)
                    path.write_text(json.dumps(cell))
                    print(
                        f"{family} {instance} seed {seed} {method}: regret@10 "
                        f"{cell['regret'][9]:.4f} @50 {cell['regret'][-1]:.4f} "
                        f"({cell['seconds']:.0f} s)",
                        flush=True,
                    )


def summarize(out: Path, budgets: tuple[int, ...] = (1, 5, 10, 25, 50)) -> str:
    """Mean and median normalized regret per family, method and budget; the issue's checks."""
    cells = [json.loads(p.read_text()) for p in sorted(out.glob("cell-*.json"))]
    table: dict[tuple[str, str], np.ndarray] = {}
    for family in sorted({c["family"] for c in cells}):
        for method in METHODS:
            curves = [c["regret"] for c in cells if c["family"] == family and c["method"] == method]
            if curves:
                table[family, method] = np.asarray(curves)
    rows = ["family,method,runs," + ",".join(f"mean@{b},median@{b}" for b in budgets)]
    for (family, method), curves in table.items():
        stats = [
            f"{curves[:, b - 1].mean():.4f},{np.median(curves[:, b - 1]):.4f}" for b in budgets
        ]
        rows.append(f"{family},{method},{len(curves)}," + ",".join(stats))
    (out / "summary.csv").write_text("\n".join(rows) + "\n")
    lines = checks(table)
    (out / "summary.md").write_text("\n".join(lines) + "\n")
    return "\n".join(rows + lines)


def checks(table: dict[tuple[str, str], np.ndarray]) -> list[str]:
    """The issue's targets, family by family, on the runs present."""
    lines = []
    for family in sorted({f for f, _ in table}):
        get = table.get
        warm, cold, gp = get((family, "hybrid-warm")), get((family, "hybrid")), get((family, "gp"))
        harmful = get((family, "hybrid-harmful"))
        if warm is not None and gp is not None:
            a, b = float(np.median(warm[:, 9])), float(np.median(gp[:, 49]))
            lines.append(f"{family}: warm hybrid median@10 {a:.4f} vs cold GP median@50 {b:.4f}")
        if warm is not None and cold is not None:
            worse = [t + 1 for t in range(warm.shape[1]) if warm[:, t].mean() > cold[:, t].mean()]
            lines.append(f"{family}: budgets where warm hybrid's mean > cold hybrid's: {worse}")
        if harmful is not None and cold is not None:
            h, c = float(harmful[:, 49].mean()), float(cold[:, 49].mean())
            lines.append(f"{family}: harmful mean@50 {h:.4f} vs cold hybrid {c:.4f}")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--families", default="rbv2_rpart,rbv2_xgboost,lcbench")
    parser.add_argument("--instances", type=int, default=3, help="First N test instances.")
    parser.add_argument("--seeds", default="0,1,2")
    parser.add_argument("--methods", default=",".join(METHODS))
    parser.add_argument("--budget", type=int, default=50)
    parser.add_argument("--sources", type=int, default=20)
    parser.add_argument("--source-trials", type=int, default=60)
    parser.add_argument("--warm", type=int, default=5)
    parser.add_argument("--bound-evals", type=int, default=100_000)
    parser.add_argument("--out", default="benchmarks/results/transfer_yahpo")
    parser.add_argument("--summarize", action="store_true", help="Only write the summary.")
    args = parser.parse_args()
    if not args.summarize:
        run(args)
    print(summarize(Path(args.out)))


if __name__ == "__main__":
    main()
