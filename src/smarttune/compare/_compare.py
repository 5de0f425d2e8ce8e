"""``run_comparison``: plan the cells, run the missing ones, write tables and statistics.

The PNG plots are drawn by ``smarttune.report`` (``render_comparison_plots``), a layer above.
"""

from __future__ import annotations

import json
import platform
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path
from typing import Any

from smarttune._validation import Interval, Options, validate_params
from smarttune.compare._methods import applies, get_method
from smarttune.compare._results import CellResult, ComparisonResults, write_tables
from smarttune.compare._runner import CellSpec, check_tasks, pending, run_cell
from smarttune.compare._tasks import task_kind
from smarttune.exceptions import InvalidParameterError

__all__ = ["plan_cells", "run_comparison"]

Callback = Callable[[CellSpec, list[CellResult], int, int], None]


def plan_cells(
    *,
    methods: Sequence[str],
    tasks: Sequence[str],
    seeds: Sequence[int],
    trials: Sequence[int] = (),
    seconds: Sequence[float] = (),
    batch: int = 1,
    direction: str = "minimize",
    task_options: dict[str, dict[str, Any]] | None = None,
) -> list[CellSpec]:
    """Every search of a comparison; methods that do not apply to a task kind are left out."""
    if not trials and not seconds:
        raise InvalidParameterError("A comparison needs a budget: give trials, seconds or both.")
    names = [get_method(m).name for m in methods]
    for name in names:
        get_method(name).check_available()
    specs = []
    # Seeds outermost: a run cut short leaves whole seeds (complete blocks) behind.
    for seed in seeds:
        for task in tasks:
            kind = task_kind(task)
            options = (task_options or {}).get(task, {})
            for name in (n for n in names if applies(get_method(n), kind)):
                for budget_kind, budgets in (("trials", trials), ("seconds", seconds)):
                    if budgets:
                        specs.append(
                            CellSpec(
                                name,
                                task,
                                seed,
                                budget_kind,
                                tuple(float(b) for b in sorted(set(budgets))),
                                batch,
                                direction,
                                options,
                            )
                        )
    return specs


def run_comparison(
    *,
    methods: Sequence[str],
    tasks: Sequence[str],
    out: str | Path,
    seeds: int | Sequence[int] = 5,
    trials: Sequence[int] = (),
    seconds: Sequence[float] = (),
    batch: int = 1,
    jobs: int = 1,
    direction: str = "minimize",
    task_options: dict[str, dict[str, Any]] | None = None,
    callback: Callback | None = None,
) -> ComparisonResults:
    """Run the missing cells of a comparison into ``out``; write its tables and statistics.

    Args:
        methods: Method names (see ``smarttune compare --help``).
        tasks: Task specs: built-in names, ``bbob-f<F>-d<D>[-i<I>]``, ``module:function``.
        out: The results directory; cells already there with status ``ok`` are not run again.
        seeds: The number of seeds (0, 1, ...) or the seeds themselves.
        trials: Budgets in evaluations.
        seconds: Budgets in wall-clock seconds.
        batch: Trials asked before any is told (8 for Bayesmark's 16 x 8 protocol).
        jobs: Cells run at once, each in its own process (1: in this process).
        direction: The direction of user objectives.
        task_options: Constructor arguments of built-in tasks, by task name.
        callback: Called after each search with its spec, results, and progress counts.

    Returns:
        Every cell in ``out``.

    Raises:
        SmartTuneError: Before any cell runs, if a built-in task cannot (no CUDA for its
            ``device``, a dataset neither present nor downloadable): one line naming the fix.
    """
    validate_params(
        {"batch": batch, "jobs": jobs, "direction": direction},
        {
            "batch": [Interval(int, 1, None)],
            "jobs": [Interval(int, 1, None)],
            "direction": [Options(("maximize", "minimize"))],
        },
        owner="run_comparison()",
    )
    seed_list = list(range(seeds)) if isinstance(seeds, int) else list(seeds)
    specs = plan_cells(
        methods=methods,
        tasks=tasks,
        seeds=seed_list,
        trials=trials,
        seconds=seconds,
        batch=batch,
        direction=direction,
        task_options=task_options,
    )
    root = Path(out)
    root.mkdir(parents=True, exist_ok=True)
    _record_config(root, methods, tasks, seed_list, trials, seconds, batch, task_options)
    todo = [spec for spec in specs if pending(spec, root)]
    check_tasks(todo)  # a missing device or dataset: one error before the first cell
    _run(todo, root, jobs, callback)
    results = write_tables(root)
    from smarttune.compare._summary import write_summary

    write_summary(root, results)
    return results


def _run(todo: list[CellSpec], root: Path, jobs: int, callback: Callback | None) -> None:
    total = len(todo)
    if jobs == 1:
        for done, spec in enumerate(todo, start=1):
            results = run_cell(spec, str(root))
            if callback:
                callback(spec, results, done, total)
        return
    import multiprocessing

    context = multiprocessing.get_context("spawn")  # no fork under torch's threads
    with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
        futures = {pool.submit(run_cell, spec, str(root)): spec for spec in todo}
        for done, future in enumerate(as_completed(futures), start=1):
            if callback:
                callback(futures[future], future.result(), done, total)


def _record_config(
    root: Path,
    methods: Sequence[str],
    tasks: Sequence[str],
    seeds: list[int],
    trials: Sequence[int],
    seconds: Sequence[float],
    batch: int,
    task_options: dict[str, dict[str, Any]] | None,
) -> None:
    """Append this invocation to ``config.json`` (a directory may be extended by later runs)."""
    import optuna

    import smarttune

    path = root / "config.json"
    config: dict[str, Any] = json.loads(path.read_text()) if path.is_file() else {"runs": []}
    run = {
        "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "methods": list(methods),
        "tasks": list(tasks),
        "seeds": seeds,
        "trials": list(trials),
        "seconds": list(seconds),
        "batch": batch,
        "task_options": task_options or {},
        "versions": {
            "smarttune": smarttune.__version__,
            "optuna": optuna.__version__,
            "python": platform.python_version(),
        },
    }
    config["runs"].append(run)
    config.update({k: v for k, v in run.items() if k != "started"})
    path.write_text(json.dumps(config, indent=1))
