"""Multi-objective benchmark (issue 19) on YAHPO Gym's test instances.

Problems: lcbench (``val_accuracy`` maximized, ``time`` minimized) and rbv2_xgboost (``acc``
maximized, ``memory`` minimized), YAHPO's test split only (``splits.json``), the first
``--instances`` instances of it. Methods (Optuna 5 defaults, seeded): ``hybrid``
(smarttune's HybridSampler), ``nsga2``, ``tpe`` (Optuna's multi-objective default), ``gp``
(GPSampler, qLogEHVI) and ``random``.

Hypervolume: each objective becomes a loss and is scaled by a fixed per-instance box, the best
and worst loss over 256 scrambled-Sobol configurations (seed 12345) at full fidelity, so a
scaled loss of 0 is that sample's best and 1 its worst; the reference point is (1.1, 1.1).
Every method and budget uses the same box. A run goes to the largest budget and records the
hypervolume of its first ``b`` trials for each budget ``b`` (no sampler is told the budget).

``search``: one row per (scenario, instance, method, seed, budget) in ``--out``; a rerun
skips finished cells. ``prune`` (lcbench): the same sampler without a pruner for ``--trials``
trials of 52 epochs each, and with MO-ASHA (min_resource 3, reduction factor 3, epsilon-net
tie-break; fixed before any run, not tuned) until half of those epochs are spent (the trial
running when they run out stops there); each run reports (val_accuracy, time) at every epoch
it trains. ``summary`` prints mean ranks (rank 1 =
largest hypervolume, per instance x seed block where every method finished) per budget and
the pruning comparison.

Examples:
    python benchmarks/multiobjective_yahpo.py search --scenario lcbench --instances 3 --seeds 0-1
    python benchmarks/multiobjective_yahpo.py prune --instances 3 --seeds 0-1 --sampler random
    python benchmarks/multiobjective_yahpo.py summary
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from functools import cache
from pathlib import Path
from typing import Any

for _variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

import numpy as np  # noqa: E402

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
SEARCH_CSV = RESULTS / "multiobjective_yahpo.csv"
PRUNE_CSV = RESULTS / "multiobjective_yahpo_pruning.csv"
DATA = os.environ.get("SMARTTUNE_YAHPO_DIR", str(HERE.parent.parent / "shared/benchmarks/yahpo"))
OBJECTIVES = {"lcbench": ("val_accuracy", "time"), "rbv2_xgboost": ("acc", "memory")}
METHODS = ("hybrid", "nsga2", "tpe", "gp", "random")
REFERENCE_SEED = 12345
REFERENCE = (1.1, 1.1)
SEARCH_FIELDS = ["scenario", "instance", "method", "seed", "budget", "hypervolume", "seconds"]
PRUNE_FIELDS = ["sampler", "instance", "seed", "variant", "trials", "completed", "epochs"]
PRUNE_FIELDS += ["hypervolume"]


@cache
def scenario(name: str) -> Any:
    from smarttune.yahpo import load_scenario

    return load_scenario(name, DATA)


@cache
def box(name: str, instance: str) -> tuple[np.ndarray, np.ndarray]:
    """The fixed per-instance scaling: best and worst loss of each objective over 256 points."""
    scen = scenario(name)
    configs = scen.space.sample(256, seed=REFERENCE_SEED)
    outputs = scen.evaluate(configs, instance)
    losses = np.column_stack([_signed(name, t) * outputs[t] for t in OBJECTIVES[name]])
    return losses.min(axis=0), losses.max(axis=0)


def _signed(name: str, target: str) -> float:
    return 1.0 if scenario(name).minimize(target) else -1.0


def directions(name: str) -> list[str]:
    return ["minimize" if scenario(name).minimize(t) else "maximize" for t in OBJECTIVES[name]]


def scaled_hypervolume(name: str, instance: str, values: list[list[float]]) -> float:
    from smarttune._pareto import as_losses, hypervolume

    if not values:
        return 0.0
    low, high = box(name, instance)
    losses = (as_losses(values, directions(name)) - low) / (high - low)
    return hypervolume(losses, REFERENCE)


def make_sampler(method: str, seed: int) -> Any:
    import optuna

    from smarttune.samplers import HybridSampler

    factories: dict[str, Callable[[], Any]] = {
        "hybrid": lambda: HybridSampler(seed=seed),
        "nsga2": lambda: optuna.samplers.NSGAIISampler(seed=seed),
        "tpe": lambda: optuna.samplers.TPESampler(seed=seed),
        "gp": lambda: optuna.samplers.GPSampler(seed=seed),
        "random": lambda: optuna.samplers.RandomSampler(seed=seed),
    }
    return factories[method]()


def run_search(name: str, instance: str, method: str, seed: int, budgets: list[int]) -> list[dict]:
    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    scen = scenario(name)
    box(name, instance)

    def objective(trial: optuna.Trial) -> list[float]:
        out = scen.evaluate_one(scen.space.suggest(trial), instance)
        return [out[t] for t in OBJECTIVES[name]]

    study = optuna.create_study(directions=directions(name), sampler=make_sampler(method, seed))
    start = time.perf_counter()
    study.optimize(objective, n_trials=max(budgets))
    seconds = time.perf_counter() - start
    rows = []
    for budget in budgets:
        values = [list(t.values) for t in study.trials[:budget] if t.values is not None]
        hv = scaled_hypervolume(name, instance, values)
        rows.append(
            dict(
                scenario=name,
                instance=instance,
                method=method,
                seed=seed,
                budget=budget,
                hypervolume=round(hv, 6),
                seconds=round(seconds, 2),
            )
        )
    return rows


def run_prune(instance: str, seed: int, sampler: str, trials: int, variant: str) -> dict:
    import optuna

    from smarttune.pruners import MOASHAPruner, report, should_prune

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    name = "lcbench"
    scen = scenario(name)
    box(name, instance)
    full = int(dict(scen.meta.fidelity)["epoch"])
    budget = trials * full // 2 if variant == "mo-asha" else trials * full
    used = [0]

    def objective(trial: optuna.Trial) -> list[float]:
        config = scen.space.suggest(trial)
        steps = range(1, full + 1)
        curve = scen.evaluate([{**config, "epoch": float(e)} for e in steps], instance)
        vectors = np.column_stack([curve[t] for t in OBJECTIVES[name]])
        for epoch, vector in zip(steps, vectors, strict=True):
            if used[0] >= budget:  # the epoch budget ran out during this trial
                raise optuna.TrialPruned()
            used[0] += 1
            report(trial, tuple(float(v) for v in vector), epoch)
            if should_prune(trial):
                raise optuna.TrialPruned()
        return [float(v) for v in vectors[-1]]

    def stop_at_budget(study: optuna.Study, _: Any) -> None:
        if used[0] >= budget:
            study.stop()

    pruner = (
        MOASHAPruner(min_resource=3, reduction_factor=3)
        if variant == "mo-asha"
        else optuna.pruners.NopPruner()
    )
    study = optuna.create_study(
        directions=directions(name), sampler=make_sampler(sampler, seed), pruner=pruner
    )
    study.optimize(objective, n_trials=trials * full, callbacks=[stop_at_budget])
    values = [list(t.values) for t in study.trials if t.values is not None]
    return dict(
        sampler=sampler,
        instance=instance,
        seed=seed,
        variant=variant,
        trials=len(study.trials),
        completed=len(values),
        epochs=used[0],
        hypervolume=round(scaled_hypervolume(name, instance, values), 6),
    )


def _append(path: Path, fields: list[str], rows: list[dict]) -> None:
    new = not path.exists()
    with path.open("a", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields)
        if new:
            writer.writeheader()
        writer.writerows(rows)


def _read(path: Path) -> list[dict[str, str]]:
    if not path.exists():
        return []
    with path.open() as handle:
        return list(csv.DictReader(handle))


def _range(text: str) -> list[int]:
    if "-" in text:
        low, high = text.split("-")
        return list(range(int(low), int(high) + 1))
    return [int(x) for x in text.split(",")]


def search(args: argparse.Namespace) -> None:
    budgets = _range(args.budgets)
    done = {(r["scenario"], r["instance"], r["method"], r["seed"]) for r in _read(args.out)}
    instances = scenario(args.scenario).instances("test")[: args.instances]
    cells = [
        (args.scenario, i, m, s, budgets)
        for s in _range(args.seeds)
        for i in instances
        for m in args.methods.split(",")
        if (args.scenario, i, m, str(s)) not in done
    ]
    with ProcessPoolExecutor(args.jobs) as pool:
        futures = {pool.submit(run_search, *cell): cell for cell in cells}
        for future in as_completed(futures):
            rows = future.result()
            _append(args.out, SEARCH_FIELDS, rows)
            print(*futures[future][:4], [r["hypervolume"] for r in rows], flush=True)


def prune(args: argparse.Namespace) -> None:
    done = {(r["sampler"], r["instance"], r["seed"], r["variant"]) for r in _read(args.out)}
    instances = scenario("lcbench").instances("test")[: args.instances]
    cells = [
        (i, s, args.sampler, args.trials, v)
        for s in _range(args.seeds)
        for i in instances
        for v in ("none", "mo-asha")
        if (args.sampler, i, str(s), v) not in done
    ]
    with ProcessPoolExecutor(args.jobs) as pool:
        futures = [pool.submit(run_prune, *cell) for cell in cells]
        for future in as_completed(futures):
            row = future.result()
            _append(args.out, PRUNE_FIELDS, [row])
            print(row, flush=True)


def summary(args: argparse.Namespace) -> None:
    from scipy.stats import rankdata

    blocks: dict[tuple[str, ...], dict[str, float]] = defaultdict(dict)
    for r in _read(args.out):
        key = (r["budget"], r["scenario"], r["instance"], r["seed"])
        blocks[key][r["method"]] = float(r["hypervolume"])
    by_budget: dict[tuple[str, str], dict[str, list[float]]] = defaultdict(
        lambda: defaultdict(list)
    )
    everyone = {r["method"] for r in _read(args.out)}
    for (budget, name, _, _), scores in blocks.items():
        methods = sorted(scores)
        if set(methods) != everyone:  # rank complete blocks only
            continue
        ranks = rankdata([-scores[m] for m in methods])
        for scope in (name, "all"):
            for method, rank in zip(methods, ranks, strict=True):
                by_budget[(budget, scope)][method].append(float(rank))
    for (budget, scope), ranks in sorted(by_budget.items()):
        means = sorted((np.mean(v), m, len(v)) for m, v in ranks.items())
        print(f"budget {budget} {scope}: " + ", ".join(f"{m} {r:.2f} (n={n})" for r, m, n in means))
    pairs: dict[tuple[str, str, str], dict[str, dict[str, str]]] = defaultdict(dict)
    for r in _read(PRUNE_CSV):
        pairs[(r["sampler"], r["instance"], r["seed"])][r["variant"]] = r
    by_sampler: dict[str, list[tuple[float, float, float, float]]] = defaultdict(list)
    for (sampler, _, _), pair in pairs.items():
        if {"none", "mo-asha"} <= set(pair):
            full, cut = pair["none"], pair["mo-asha"]
            by_sampler[sampler].append(
                (float(full["hypervolume"]), float(cut["hypervolume"]),
                 float(full["epochs"]), float(cut["epochs"]))
            )  # fmt: skip
    for sampler, rows in sorted(by_sampler.items()):
        full_hv, cut_hv, full_ep, cut_ep = (np.array(c) for c in zip(*rows, strict=True))
        print(
            f"prune {sampler}: {len(rows)} instance x seed pairs; mean HV without pruner "
            f"{full_hv.mean():.4f}, with MO-ASHA {cut_hv.mean():.4f}; MO-ASHA >= in "
            f"{int((cut_hv >= full_hv).sum())}; epochs {cut_ep.mean():.0f} of "
            f"{full_ep.mean():.0f} ({cut_ep.mean() / full_ep.mean():.3f})"
        )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    one = commands.add_parser("search")
    one.add_argument("--scenario", choices=sorted(OBJECTIVES), default="lcbench")
    one.add_argument("--methods", default=",".join(METHODS))
    one.add_argument("--budgets", default="50,100")
    one.add_argument("--out", type=Path, default=SEARCH_CSV)
    two = commands.add_parser("prune")
    two.add_argument("--sampler", choices=METHODS, default="random")
    two.add_argument("--trials", type=int, default=50)
    two.add_argument("--out", type=Path, default=PRUNE_CSV)
    for sub in (one, two):
        sub.add_argument("--instances", type=int, default=3)
        sub.add_argument("--seeds", default="0-1")
        sub.add_argument("--jobs", type=int, default=1)
    three = commands.add_parser("summary")
    three.add_argument("--out", type=Path, default=SEARCH_CSV)
    args = parser.parse_args(argv)
    {"search": search, "prune": prune, "summary": summary}[args.command](args)


if __name__ == "__main__":
    sys.path.insert(0, str(HERE))
    main()
