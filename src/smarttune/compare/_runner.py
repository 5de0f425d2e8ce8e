"""Cells, their files and the loop over them: resumable, in parallel processes if asked.

A *cell* is one method on one task with one seed and one budget. The cells of one method, task,
seed and budget kind share one search, run to the largest budget; each smaller budget is a
prefix of it (the first ``b`` evaluations, or those finished within ``b`` seconds). Every cell
gets the holdout test score of its own final configuration (``final_fit`` of its best
parameters). A cell whose file exists with status ``ok`` is skipped, so a killed run resumes
where it stopped; failed cells are run again. A cell whose search found no finite value (every
evaluation failed, or the task could not run) is ``failed``, with the reason in ``error``; the
statistics leave failed cells out. :func:`check_tasks` runs the built-in tasks' checks (device,
data) once before the first cell.
"""

from __future__ import annotations

import logging
import math
import re
import tempfile
import traceback
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from smarttune.compare._engine import Evaluation, SearchLog, run_search
from smarttune.compare._results import (
    CellResult,
    CurvePoint,
    ParamRecord,
    cell_file,
    read_cell,
    write_cell,
)

__all__ = ["CellSpec", "cell_id", "check_tasks", "pending", "run_cell"]


@dataclass(frozen=True)
class CellSpec:
    """One search: a method, a task, a seed and a budget kind, run to ``max(budgets)``."""

    method: str
    task: str
    seed: int
    budget_kind: str
    budgets: tuple[float, ...]
    batch: int = 1
    direction: str = "minimize"
    task_options: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)


def cell_id(spec: CellSpec, budget: float) -> str:
    """The file name (without ``.json``) of one budget of ``spec``."""
    raw = f"{spec.method}__{spec.task}__seed{spec.seed}__{spec.budget_kind}{_number(budget)}"
    if spec.batch != 1:
        raw += f"__batch{spec.batch}"
    return re.sub(r"[^A-Za-z0-9._+=-]", "_", raw)


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def pending(spec: CellSpec, out: Path) -> bool:
    """Whether some budget of ``spec`` has no successful cell file yet."""
    for budget in spec.budgets:
        path = cell_file(out, cell_id(spec, budget))
        if not path.is_file():
            return True
        try:
            if read_cell(path)[0].status != "ok":
                return True
        except (ValueError, KeyError):  # a file cut short: run the cell again
            return True
    return False


def check_tasks(specs: Sequence[CellSpec]) -> None:
    """Run :meth:`~smarttune.tasks.Task.check` of each built-in task of ``specs`` once.

    Raises:
        SmartTuneError: One line naming what a task lacks (a device, a dataset) and the fix.
    """
    from smarttune.tasks import get_task, is_task_name

    checked: set[str] = set()
    for spec in specs:
        if spec.task not in checked and is_task_name(spec.task):
            get_task(spec.task, seed=spec.seed, **spec.task_options).check()
            checked.add(spec.task)


def _quiet() -> None:
    import optuna

    # Samplers' fallback notices (e.g. "sampled independently") would repeat every trial.
    optuna.logging.set_verbosity(optuna.logging.ERROR)
    logging.getLogger("optuna").setLevel(logging.ERROR)
    warnings.filterwarnings("ignore", category=optuna.exceptions.ExperimentalWarning)


def run_cell(spec: CellSpec, out: str) -> list[CellResult]:
    """Run one search and write one cell file per budget; return the cells' results."""
    from smarttune.compare._context import MethodContext
    from smarttune.compare._methods import get_method
    from smarttune.compare._tasks import resolve_task

    _quiet()
    try:
        task = resolve_task(
            spec.task, seed=spec.seed, direction=spec.direction, options=spec.task_options
        )
        trials = spec.budget_kind == "trials"
        with tempfile.TemporaryDirectory(prefix="smarttune-compare-") as workdir:
            context = MethodContext(
                task, spec.seed, int(max(spec.budgets)) if trials else None, spec.batch, workdir
            )
            search = get_method(spec.method).build(context)
            log, _ = run_search(
                task,
                sampler=search.sampler,
                pruner=search.pruner,
                proposer=search.proposer,
                max_evaluations=int(max(spec.budgets)) if trials else None,
                max_seconds=None if trials else float(max(spec.budgets)),
                batch=spec.batch,
            )
    except Exception as error:  # a method that cannot run is a result: status "failed"
        message = f"{type(error).__name__}: {error}"
        results = [_failed(spec, b, message, traceback.format_exc()) for b in spec.budgets]
        for budget, result in zip(spec.budgets, results, strict=True):
            write_cell(out, cell_id(spec, budget), result, [], [])
        return results
    results = []
    for budget in spec.budgets:
        result, curve, params = _cell(spec, budget, log, task)
        write_cell(out, cell_id(spec, budget), result, curve, params)
        results.append(result)
    return results


def _failed(spec: CellSpec, budget: float, message: str, trace: str) -> CellResult:
    logging.getLogger(__name__).debug(trace)
    nan = math.nan
    return CellResult(
        spec.method,
        spec.task,
        spec.seed,
        spec.budget_kind,
        float(budget),
        spec.direction,
        "",
        nan,
        nan,
        0,
        0.0,
        0.0,
        "failed",
        message,
    )


def _prefix(log: SearchLog, spec: CellSpec, budget: float) -> list[Evaluation]:
    if spec.budget_kind == "trials":
        return log.evaluations[: int(budget)]
    return [e for e in log.evaluations if e.elapsed_s <= budget]


def _cell(
    spec: CellSpec, budget: float, log: SearchLog, task: Any
) -> tuple[CellResult, list[CurvePoint], list[ParamRecord]]:
    evaluations = _prefix(log, spec, budget)
    best = SearchLog(log.direction, evaluations).best()
    if best is not None and not math.isfinite(best.value):
        best = None
    test_score, error = _test_score(task, best)
    status = "ok" if best is not None else "failed"
    if best is None:
        error = _no_value_reason(evaluations)
    last = evaluations[-1] if evaluations else None
    wall = last.elapsed_s if last else 0.0
    if spec.budget_kind == "seconds" or budget >= max(spec.budgets):
        wall = (
            min(float(budget), log.wall_time_s)
            if spec.budget_kind == "seconds"
            else log.wall_time_s
        )
    result = CellResult(
        spec.method,
        spec.task,
        spec.seed,
        spec.budget_kind,
        float(budget),
        task.direction,
        task.metric,
        best.value if best else math.nan,
        test_score,
        len(evaluations),
        round(wall, 4),
        round(last.sampler_s if last else 0.0, 4),
        status,
        error,
        dict(best.params) if best else {},
    )
    return (
        result,
        _curve(spec, budget, evaluations, log.direction),
        _params(spec, budget, evaluations),
    )


def _no_value_reason(evaluations: Sequence[Evaluation]) -> str:
    """Why a cell has no best value: its evaluations' states and the first failure's error."""
    failed = [e for e in evaluations if e.state == "FAIL"]
    pruned = sum(e.state == "PRUNED" for e in evaluations)
    first = f"; the first: {failed[0].error}" if failed and failed[0].error else ""
    return (
        f"no finite value in {len(evaluations)} evaluations "
        f"({len(failed)} failed, {pruned} pruned{first})"
    )


def _test_score(task: Any, best: Evaluation | None) -> tuple[float, str]:
    if best is None or task.final_fit is None:
        return math.nan, ""
    try:
        metrics = task.final_fit(dict(best.params))
        return float(metrics[task.test_metric]), ""
    except Exception as error:  # the search stands; say why its test score is missing
        return math.nan, f"final_fit: {type(error).__name__}: {error}"


def _curve(
    spec: CellSpec, budget: float, evaluations: Sequence[Evaluation], direction: str
) -> list[CurvePoint]:
    points, best = [], math.nan
    sign = -1.0 if direction == "maximize" else 1.0
    for e in evaluations:
        if e.state == "COMPLETE" and (math.isnan(best) or sign * e.value < sign * best):
            best = e.value
        points.append(
            CurvePoint(
                spec.method,
                spec.task,
                spec.seed,
                float(budget),
                e.number,
                round(e.elapsed_s, 4),
                e.value,
                best,
            )
        )
    return points


def _params(spec: CellSpec, budget: float, evaluations: Sequence[Evaluation]) -> list[ParamRecord]:
    records = []
    for e in evaluations:
        for name, value in e.params.items():
            numeric = (
                float(value)
                if isinstance(value, int | float) and not isinstance(value, bool)
                else None
            )
            records.append(
                ParamRecord(
                    spec.method,
                    spec.task,
                    spec.seed,
                    float(budget),
                    e.number,
                    name,
                    str(value),
                    numeric,
                    e.value,
                )
            )
    return records


Callback = Callable[[CellSpec, list[CellResult]], None]
