"""``smarttune compare``: methods side by side on tasks, seeds and budgets; tables and plots."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import click

from smarttune.exceptions import InvalidParameterError

__all__ = ["compare_command"]


def _split(text: str | None) -> list[str]:
    return [part.strip() for part in (text or "").split(",") if part.strip()]


def _numbers(text: str | None, kind: type, option: str) -> list[Any]:
    try:
        values = [kind(part) for part in _split(text)]
    except ValueError:
        raise InvalidParameterError(
            f"The '{option}' option takes comma-separated numbers. Got {text!r} instead."
        ) from None
    if any(v <= 0 for v in values):
        raise InvalidParameterError(f"The '{option}' option takes positive numbers. Got {text!r}.")
    return values


def _task_options(items: tuple[str, ...]) -> dict[str, dict[str, Any]]:
    """``TASK:key=value[,key=value]`` to ``{task: {key: value}}`` (values parsed as JSON)."""
    options: dict[str, dict[str, Any]] = {}
    for item in items:
        task, sep, assignments = item.partition(":")
        if not sep or "=" not in assignments:
            raise InvalidParameterError(
                f"The '--task-option' option takes TASK:key=value[,key=value]. Got {item!r}."
            )
        for assignment in assignments.split(","):
            key, _, raw = assignment.partition("=")
            try:
                value: Any = json.loads(raw)
            except json.JSONDecodeError:
                value = raw
            options.setdefault(task, {})[key.strip()] = value
    return options


def _available(method: Any) -> bool:
    from smarttune.exceptions import MissingDependencyError

    try:
        method.check_available()
    except MissingDependencyError:
        return False
    return True


def _method_help() -> str:
    from smarttune.compare._methods import METHODS

    return ", ".join(METHODS)


@click.command("compare")
@click.option("--tasks", required=True, help="Comma-separated tasks: names, bbob-f1-d2, mod:fn.")
@click.option(
    "--methods",
    default="random,tpe,hybrid",
    show_default=True,
    help=f"Comma-separated methods, or 'all' (those installed): {_method_help()}.",
)
@click.option("--trials", help="Budgets in evaluations, comma-separated (e.g. 30 or 10,30).")
@click.option("--seconds", help="Budgets in seconds, comma-separated.")
@click.option("--seeds", type=int, default=5, show_default=True, help="Seeds 0..N-1.")
@click.option(
    "--batch",
    type=int,
    default=1,
    show_default=True,
    help="Trials asked before any is told (Bayesmark: --trials 128 --batch 8).",
)
@click.option("--jobs", type=int, default=1, show_default=True, help="Searches run at once.")
@click.option("--out", required=True, type=click.Path(file_okay=False), help="Results directory.")
@click.option(
    "--direction",
    type=click.Choice(["maximize", "minimize"]),
    default="minimize",
    show_default=True,
    help="Direction of module:function objectives.",
)
@click.option(
    "--task-option",
    "task_option",
    multiple=True,
    help="Constructor options of a task: TASK:key=value[,key=value] (repeatable).",
)
@click.option("--no-plots", is_flag=True, help="Write the tables only.")
def compare_command(
    tasks: str,
    methods: str,
    trials: str | None,
    seconds: str | None,
    seeds: int,
    batch: int,
    jobs: int,
    out: str,
    direction: str,
    task_option: tuple[str, ...],
    no_plots: bool,
) -> None:
    """Run methods side by side; resume by running the same command again.

    Every finished cell (method x task x seed x budget) is a file under OUT/cells/, so a run
    that was stopped continues where it stopped. Writes results.csv/.json, curves.csv,
    params.csv, summary.csv, statistics.json and plots/*.png into OUT.
    """
    from smarttune.compare._compare import run_comparison
    from smarttune.compare._methods import METHODS

    method_list = _split(methods)
    if methods.strip() == "all":  # every method whose package is installed
        method_list = [name for name, m in METHODS.items() if _available(m)]
    budgets_t = _numbers(trials, int, "--trials")
    budgets_s = _numbers(seconds, float, "--seconds")
    if not budgets_t and not budgets_s:
        budgets_t = [30]

    def progress(spec: Any, results: list[Any], done: int, total: int) -> None:
        last = results[-1]
        status = (
            f"best {last.best_value:.6g}, test {last.test_score:.6g}, {last.n_evaluations} evals, "
            f"{last.wall_time_s:.1f} s"
            if last.status == "ok"
            else f"FAILED: {last.error}"
        )
        click.echo(f"[{done}/{total}] {spec.method} on {spec.task}, seed {spec.seed}: {status}")

    results = run_comparison(
        methods=method_list,
        tasks=_split(tasks),
        out=out,
        seeds=seeds,
        trials=budgets_t,
        seconds=budgets_s,
        batch=batch,
        jobs=jobs,
        direction=direction,
        task_options=_task_options(task_option),
        callback=progress,
    )
    if not no_plots:
        from smarttune.report._comparison_png import render_comparison_plots

        paths = render_comparison_plots(results, Path(out) / "plots")
        click.echo(f"{len(paths)} plots in {Path(out) / 'plots'}.")
    _print_summary(Path(out))
    click.echo(f"{len(results.cells)} cells in {out} (results.csv, summary.csv, statistics.json).")
    failed = [cell for cell in results.cells if cell.status != "ok"]
    if results.cells and len(failed) == len(results.cells):
        click.echo(f"error: every cell failed; the first: {failed[0].error}", err=True)
        raise SystemExit(1)


def _print_summary(out: Path) -> None:
    import csv

    with (out / "summary.csv").open(newline="") as stream:
        rows = list(csv.DictReader(stream))
    click.echo(f"{'task':<24} {'method':<18} {'mean best':>12} {'mean test':>12} {'rank':>6}")
    for row in rows:
        if int(row["n_seeds"] or 0) == 0:  # no seed of this method found a finite value
            click.echo(f"{row['task']:<24} {row['method']:<18} {'failed':>12}")
            continue
        best = float(row["mean_best"] or math.nan)
        test = float(row["mean_test"] or math.nan)
        rank = float(row["mean_rank"] or math.nan)
        click.echo(
            f"{row['task']:<24} {row['method']:<18} {best:>12.6g} {test:>12.6g} {rank:>6.2f}"
        )
