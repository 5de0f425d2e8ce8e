"""Search-core benchmark (issue 15): HybridSampler against Optuna's and SMAC3's optimizers.

Every method runs in one process per cell (method x BBOB problem x seed), to the largest
budget, recording the best value at each budget: regret = best f - f(x_opt), minimized on
[-5, 5]^d. BBOB instance ids 1-5 are the dev problems (choose designs), 6-10 the test problems
(report). Methods: ``hybrid`` (``hybrid:key=value,...`` passes HybridSampler keywords, for
dev ablations), ``gp``, ``tpe``, ``cmaes``, ``random`` (Optuna 5 defaults, seeded) and
``smac`` (SMAC3's HyperparameterOptimizationFacade, ask/tell). Rows are appended to a CSV as
cells finish; a rerun skips finished cells.

The summary gives, per budget: mean rank over problem x seed blocks; for the reference method
against each peer, Optuna's protocol (one-sided Mann-Whitney U per problem, alpha 0.05: wins
and losses); the geometric-mean normalized regret (regret / random's median regret on the same
problem and budget; 1 = random); and the cells where the reference's median is worse than
random's. ``--overhead`` times suggestions (10-D sphere) after 100 trials for hybrid and gp
and after 1000 trials for hybrid, in one run.

Examples:
    python benchmarks/search_core.py --instances 1-5 --dims 2,5 --seeds 0-2   # dev
    python benchmarks/search_core.py --instances 6 --dims 2,5,10 --seeds 0-4  # test
    python benchmarks/search_core.py --summarize --out benchmarks/results/search_core_test.csv
    python benchmarks/search_core.py --overhead
    python benchmarks/search_core.py --compare-dir benchmarks/results/compare/yahpo-search-core-test

``--compare-dir`` applies the same statistics to a ``smarttune compare`` directory (e.g. the
YAHPO tasks), with the loss of a run = the best value any run of the task found minus its own.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import time
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path
from typing import Any

# One BLAS/OpenMP thread per cell process for every method (set before numpy loads).
for _variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

import _bbob  # noqa: E402
import _overhead  # noqa: E402
import numpy as np  # noqa: E402
from _bbob import Cell, Row  # noqa: E402
from samplers_bbob import int_list, name_list  # noqa: E402

HERE = Path(__file__).resolve().parent
METHODS = "hybrid,gp,tpe,cmaes,random,smac"
ALPHA = 0.05


def _problem(function: int, dim: int, instance: int) -> tuple[Any, Any]:
    import cocoex

    options = f"function_indices: {function} dimensions: {dim}"
    suite = cocoex.Suite(_bbob.BBOB, "instances: 1-10", options)
    return suite, suite.get_problem_by_function_dimension_instance(function, dim, instance)


def f_opt(function: int, dim: int, instance: int) -> float:
    """f(x_opt) of a problem (COCO writes x_opt to a file in the working directory)."""
    with _bbob._inside_temporary_directory() as directory:
        suite, problem = _problem(function, dim, instance)
        problem._best_parameter("print")
        x_opt = np.atleast_1d(np.loadtxt(directory / "._bbob_problem_best_parameter.txt"))
        value = float(problem(x_opt))
        problem.free()
        suite.free()
    return value


def _optuna_sampler(method: str, seed: int) -> Any:
    import optuna

    from smarttune.samplers import HybridSampler

    name, _, options = method.partition(":")
    if name == "hybrid":
        kwargs = {k: _number(v) for k, v in (o.split("=") for o in options.split(",") if o)}
        return HybridSampler(seed=seed, **kwargs)
    factories = {
        "gp": lambda: optuna.samplers.GPSampler(seed=seed),
        "tpe": lambda: optuna.samplers.TPESampler(seed=seed),
        "cmaes": lambda: optuna.samplers.CmaEsSampler(seed=seed),
        "random": lambda: optuna.samplers.RandomSampler(seed=seed),
    }
    return factories[name]()


def _number(text: str) -> Any:
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            continue
    return {"None": None, "True": True, "False": False}.get(text, text)


def _run_optuna(cell: Cell, problem: Any) -> list[float]:
    import optuna

    study = optuna.create_study(sampler=_optuna_sampler(cell.sampler, cell.seed))
    bounds = list(zip(problem.lower_bounds, problem.upper_bounds, strict=True))
    values = []
    for _ in range(max(cell.budgets)):
        trial = study.ask()
        x = np.array([trial.suggest_float(f"x{i}", lo, hi) for i, (lo, hi) in enumerate(bounds)])
        value = float(problem(x))
        study.tell(trial, value)
        values.append(value)
    return values


def _run_smac(cell: Cell, problem: Any, workdir: str) -> list[float]:
    from ConfigSpace import ConfigurationSpace, Float
    from smac import HyperparameterOptimizationFacade, Scenario
    from smac.runhistory.dataclasses import TrialValue

    space = ConfigurationSpace(seed=cell.seed)
    bounds = list(zip(problem.lower_bounds, problem.upper_bounds, strict=True))
    space.add([Float(f"x{i}", (float(lo), float(hi))) for i, (lo, hi) in enumerate(bounds)])
    n = max(cell.budgets)
    scenario = Scenario(space, deterministic=True, n_trials=n, seed=cell.seed,
                        output_directory=Path(workdir) / "smac")  # fmt: skip
    facade = HyperparameterOptimizationFacade(
        scenario, lambda config, seed=0: 0.0, overwrite=True, logging_level=40
    )
    values = []
    for _ in range(n):
        info = facade.ask()
        x = np.array([info.config[f"x{i}"] for i in range(len(bounds))], dtype=float)
        value = float(problem(x))
        facade.tell(info, TrialValue(cost=value))
        values.append(value)
    return values


def run_cell(cell: Cell) -> list[Row]:
    """Run one cell; one row per budget with the best value so far."""
    import tempfile

    _bbob.quiet()
    suite, problem = _problem(int(cell.function), cell.dim, cell.instance)
    start = time.perf_counter()
    try:
        if cell.sampler == "smac":
            with tempfile.TemporaryDirectory() as workdir:
                values = _run_smac(cell, problem, workdir)
        else:
            values = _run_optuna(cell, problem)
    finally:
        problem.free()
        suite.free()
    wall = time.perf_counter() - start
    best = np.minimum.accumulate(values)
    return [_bbob._row(cell, b, float(best[b - 1]), wall, math.nan) for b in cell.budgets]


def cells(args: argparse.Namespace) -> list[Cell]:
    """Every cell the options select, problems outermost so results arrive problem by problem."""
    out = []
    for dim in args.dims:
        for instance in args.instances:
            for function in args.functions:
                optimum = f_opt(function, dim, instance)
                for seed in args.seeds:
                    for method in args.methods:
                        out.append(Cell(method, _bbob.BBOB, str(function), dim, instance, seed,
                                        args.budgets, optimum))  # fmt: skip
    return out


def run(args: argparse.Namespace) -> None:
    """Run the cells not yet in the CSV, appending rows as cells finish."""
    done = {_bbob.row_key(r) for r in _bbob.read_rows(args.out)}
    todo = [c for c in cells(args) if c.key(max(c.budgets)) not in done]
    print(f"{len(todo)} cells to run", flush=True)
    with ProcessPoolExecutor(args.workers) as pool:
        futures = {pool.submit(run_cell, c): c for c in todo}
        for i, future in enumerate(as_completed(futures), 1):
            cell = futures[future]
            try:
                _bbob.append_rows(args.out, future.result())
            except Exception as error:  # one failed cell must not end the run
                print(f"FAILED {cell}: {error!r}", flush=True)
            if i % 20 == 0:
                print(f"{i}/{len(todo)} cells", flush=True)


# --- statistics ----------------------------------------------------------------------------


def summarize(rows: list[Row], reference: str) -> str:
    """The Markdown summary of the module docstring."""
    from scipy.stats import mannwhitneyu, rankdata

    by = defaultdict(dict)  # (budget, problem) -> method -> {seed: regret}
    for r in rows:
        problem = (r["function"], r["dim"], r["instance"])
        by[(r["budget"], problem)].setdefault(r["sampler"], {})[r["seed"]] = r["regret"]
    methods = sorted({r["sampler"] for r in rows}, key=lambda m: (m != reference, m))
    lines = [f"methods: {', '.join(methods)}; reference: {reference}", ""]
    for budget in sorted({b for b, _ in by}):
        ranks: list[Any] = []
        wins: dict[str, int] = defaultdict(int)
        losses: dict[str, int] = defaultdict(int)
        norm: dict[str, list[float]] = defaultdict(list)
        worse = []
        problems = [p for b, p in by if b == budget and set(methods) <= set(by[(b, p)])]
        for p in problems:
            cell = by[(budget, p)]
            seeds = set.intersection(*(set(cell[m]) for m in methods))
            for s in seeds:
                ranks.append(rankdata([cell[m][s] for m in methods]))
            ref = [cell[reference][s] for s in seeds]
            rand = (
                float(np.median([cell["random"][s] for s in seeds]))
                if "random" in cell
                else math.nan
            )
            for m in methods:
                values = [cell[m][s] for s in seeds]
                if not math.isnan(rand):
                    norm[m].append((np.median(values) + 1e-8) / (rand + 1e-8))
                if m == reference or len(seeds) < 2 or np.ptp(ref + values) == 0:
                    continue
                if mannwhitneyu(ref, values, alternative="less").pvalue < ALPHA:
                    wins[m] += 1
                elif mannwhitneyu(ref, values, alternative="greater").pvalue < ALPHA:
                    losses[m] += 1
            if not math.isnan(rand) and np.median(ref) > rand + 1e-12:
                worse.append(p)
        mean = np.mean(ranks, axis=0) if ranks else [math.nan] * len(methods)
        lines.append(f"### budget {budget}: {len(problems)} problems, {len(ranks)} blocks")
        lines.append("")
        header = f"| method | mean rank | geo-mean normalized regret | {reference} wins / losses |"
        lines.append(header)
        lines.append("|---|---|---|---|")
        for m, rank in zip(methods, mean, strict=True):
            geo = float(np.exp(np.mean(np.log(norm[m])))) if norm[m] else math.nan
            wl = "" if m == reference else f"{wins[m]} / {losses[m]}"
            lines.append(f"| {m} | {rank:.2f} | {geo:.3g} | {wl} |")
        lines.append("")
        worse_text = ", ".join(f"f{f} d{d} i{i}" for f, d, i in sorted(worse)) or "none"
        lines.append(f"{reference}'s median worse than random's: {worse_text}")
        lines.append("")
    return "\n".join(lines)


def compare_rows(out_dir: Path, budgets: tuple[int, ...]) -> list[Row]:
    """Rows (as in the CSV) from a ``smarttune compare`` directory's cells, one per budget.

    The loss ("regret") of a run is the best value any run of the task found minus the run's
    best so far (maximized tasks; negated for minimized ones), so 0 is the best known.
    """
    import json

    runs = []
    for path in sorted((out_dir / "cells").glob("*.json")):
        cell = json.loads(path.read_text())
        result, curve = cell["result"], cell["curve"]
        sign = 1.0 if result["direction"] == "maximize" else -1.0
        best = np.maximum.accumulate([sign * point["value"] for point in curve])
        runs.append((result, best))
    top: dict[str, float] = defaultdict(lambda: -math.inf)
    for result, best in runs:
        top[result["task"]] = max(top[result["task"]], float(best[-1]))
    rows = []
    for result, best in runs:
        for budget in budgets:
            if len(best) >= budget:
                rows.append({"sampler": result["method"], "function": result["task"], "dim": 0,
                             "instance": 0, "seed": result["seed"], "budget": budget,
                             "regret": top[result["task"]] - float(best[budget - 1])})  # fmt: skip
    return rows


def random_history_overhead(name: str, history: int, repeats: int, dim: int) -> Any:
    """Like ``_overhead.measure``, but the ``history`` trials come from random search.

    A suggestion's cost depends on how many trials the model is fitted on, not on who proposed
    them, so a cheap random history stands in for 1,000 trials of the sampler itself.
    """
    import optuna

    from smarttune.samplers import resolve_sampler

    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0))
    start = time.perf_counter()
    for _ in range(history):
        _overhead._step(study, dim)
    history_s = time.perf_counter() - start
    study.sampler = resolve_sampler(name, seed=0)
    times = tuple(1000 * _overhead._step(study, dim) for _ in range(repeats))
    return _overhead.Overhead(name, history, times, history_s)


def overhead(args: argparse.Namespace) -> None:
    """Time suggestions of hybrid and gp after 100 trials, and of hybrid after 1000 (10-D).

    The 1000-trial history is random search (see :func:`random_history_overhead`); the
    100-trial histories are the samplers' own.
    """
    _bbob.quiet()
    result = random_history_overhead("hybrid", _overhead.TARGET_TRIALS, args.overhead_repeats, 10)
    print(f"| hybrid (random history) | {result.history} | {result.median_ms:.1f} | "
          f"{result.p90_ms:.1f} | {result.history_s:.1f} |", flush=True)  # fmt: skip
    plan = [("hybrid", 100), ("gp", 100)]
    for name, history in plan:
        repeats = args.overhead_repeats
        result = _overhead.measure(name, history=history, repeats=repeats, dim=10, seed=0)
        print(f"| {name} | {history} | {result.median_ms:.1f} | {result.p90_ms:.1f} | "
              f"{result.history_s:.1f} |", flush=True)  # fmt: skip


def main(argv: list[str] | None = None) -> None:
    """Parse the options and run, summarize or time."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add = parser.add_argument
    add("--methods", type=name_list, default=METHODS)
    add("--reference", default="hybrid")
    add("--functions", type=int_list, default="1-24")
    add("--dims", type=int_list, default="2,5")
    add("--instances", type=int_list, default="1", help="BBOB instance ids (1-5 dev, 6-10 test)")
    add("--seeds", type=int_list, default="0-2")
    add("--budgets", type=int_list, default="25,50,100")
    add("--workers", type=int, default=min(2, os.cpu_count() or 1))
    add("--out", type=Path, default=HERE / "results" / "search_core.csv")
    add("--summarize", action="store_true")
    add("--overhead", action="store_true")
    add("--overhead-repeats", type=int, default=20)
    add("--compare-dir", type=Path, help="summarize a `smarttune compare` OUT directory instead")
    args = parser.parse_args(argv)
    if args.overhead:
        overhead(args)
        return
    if args.compare_dir is not None:
        text = summarize(compare_rows(args.compare_dir, args.budgets), args.reference)
        (args.compare_dir / "search_core_summary.md").write_text(text + "\n")
        print(text)
        return
    if not args.summarize:
        run(args)
    text = summarize(_bbob.read_rows(args.out), args.reference)
    args.out.with_suffix(".md").write_text(text + "\n")
    print(text)


if __name__ == "__main__":
    sys.exit(main())
