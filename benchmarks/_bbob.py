"""Problems, cells and the results file of the sampler benchmark (``samplers_bbob.py``).

A *cell* is one sampler on one problem with one seed. It runs once, to its largest budget, with
Optuna's ask/tell interface, and yields one row per budget with the best value found so far.

``sampler_s`` is the time spent outside the objective: ``study.ask()`` (``before_trial``, the
relative search space and relative sampling), every ``trial.suggest_*`` call (independent
sampling) and ``study.tell()`` (``after_trial`` and the in-memory storage write, the same for
every sampler). The suggest calls are timed through a thin proxy around the trial, so the same
measure works for BBOB problems and for the scikit-learn tasks, whose objectives suggest their
own parameters.
"""

from __future__ import annotations

import contextlib
import csv
import io
import logging
import math
import os
import tempfile
import time
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from smarttune.compare._timing import Clock, TimedTrial

FIELDS = (
    "sampler",
    "suite",
    "function",
    "dim",
    "instance",
    "seed",
    "budget",
    "best_value",
    "f_opt",
    "regret",
    "wall_s",
    "sampler_s",
)
#: The fields that name a result: a cell plus a budget.
KEY_FIELDS = FIELDS[:7]
BBOB = "bbob"
SKLEARN = "sklearn"
#: A regret more negative than this means a wrong f_opt, not rounding.
_NEGATIVE_REGRET_TOL = 1e-6

Row = dict[str, Any]


@dataclass(frozen=True)
class Cell:
    """One sampler on one problem with one seed, run to ``max(budgets)`` trials.

    ``function`` is the BBOB function number or the task name; ``dim`` and ``instance`` are 0
    for a task; ``f_opt`` is NaN for a task (its best score is unknown).
    """

    sampler: str
    suite: str
    function: str
    dim: int
    instance: int
    seed: int
    budgets: tuple[int, ...]
    f_opt: float = math.nan

    def key(self, budget: int) -> tuple[str, ...]:
        """The key of this cell's row for ``budget`` (as in :func:`row_key`)."""
        values = (self.sampler, self.suite, self.function, self.dim, self.instance, self.seed)
        return tuple(str(v) for v in (*values, budget))


def row_key(row: Mapping[str, Any]) -> tuple[str, ...]:
    """The key of a results row: sampler, suite, function, dim, instance, seed, budget."""
    return tuple(str(row[name]) for name in KEY_FIELDS)


def quiet() -> None:
    """Silence Optuna's INFO logging and its ExperimentalWarning (also in worker processes)."""
    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    logging.getLogger("optuna").setLevel(logging.WARNING)
    warnings.filterwarnings("ignore", category=optuna.exceptions.ExperimentalWarning)


# --- BBOB problems ---------------------------------------------------------------------------


def bbob_instances(functions: str, dims: str, instances: str) -> list[tuple[int, int, int]]:
    """(function, dimension, instance id) of each problem the suite options select.

    ``instances`` are *indices* into the suite's instance list (``instance_indices``); the ids
    returned are the ones COCO names the problems by (index 6 is instance 71 of ``bbob``).
    """
    import cocoex

    options = f"function_indices: {functions} dimensions: {dims} instance_indices: {instances}"
    suite = cocoex.Suite(BBOB, "", options)
    try:
        return [(p.id_function, p.dimension, p.id_instance) for p in suite]
    finally:
        suite.free()


@contextlib.contextmanager
def bbob_problem(function: int, dim: int, instance: int) -> Iterator[Any]:
    """A fresh, unobserved ``cocoex`` problem, freed (with its suite) on exit."""
    import cocoex

    suite = cocoex.Suite(BBOB, "", f"function_indices: {function} dimensions: {dim}")
    problem = suite.get_problem_by_function_dimension_instance(function, dim, instance)
    try:
        yield problem
    finally:
        problem.free()
        suite.free()


@contextlib.contextmanager
def _inside_temporary_directory() -> Iterator[Path]:
    previous = Path.cwd()
    with tempfile.TemporaryDirectory(prefix="bbob-xopt-") as directory:
        os.chdir(directory)
        try:
            yield Path(directory)
        finally:
            os.chdir(previous)


def bbob_x_opt(function: int, dim: int, instance: int) -> np.ndarray[Any, Any]:
    """The known optimum of a problem (COCO writes it to a file in the working directory)."""
    with _inside_temporary_directory() as directory, bbob_problem(function, dim, instance) as p:
        p._best_parameter("print")
        return np.atleast_1d(np.loadtxt(directory / "._bbob_problem_best_parameter.txt"))


@cache
def bbob_f_opt(function: int, dim: int, instance: int) -> float:
    """f(x_opt), evaluated on a fresh problem object."""
    x_opt = bbob_x_opt(function, dim, instance)
    with bbob_problem(function, dim, instance) as problem:
        return float(problem(x_opt))


def regret(best_value: float, f_opt: float) -> float:
    """``best_value - f_opt``, with rounding below zero clipped to 0.

    Raises:
        ValueError: If the value is clearly below the optimum (a wrong ``f_opt``).
    """
    gap = best_value - f_opt
    if gap < -_NEGATIVE_REGRET_TOL * max(1.0, abs(f_opt)):
        raise ValueError(f"best value {best_value} is below the known optimum {f_opt}")
    return max(gap, 0.0)


# --- running a cell --------------------------------------------------------------------------


def _bbob_objective(problem: Any) -> Callable[[Any], float]:
    bounds = list(zip(problem.lower_bounds, problem.upper_bounds, strict=True))

    def objective(trial: Any) -> float:
        x = [trial.suggest_float(f"x{i}", lo, hi) for i, (lo, hi) in enumerate(bounds)]
        return float(problem(np.asarray(x)))

    return objective


def _one_trial(study: Any, objective: Callable[[Any], float], clock: Clock) -> None:
    import optuna
    from optuna.trial import TrialState

    with clock:
        trial = study.ask()
    try:
        value = objective(TimedTrial(trial, clock))
    except optuna.TrialPruned:
        state = TrialState.PRUNED
    except Exception:  # a failing configuration is a result (FAIL), as in smarttune.tune()
        state = TrialState.FAIL
    else:
        with clock:
            study.tell(trial, value)
        return
    with clock:
        study.tell(trial, state=state)


def _optimize(cell: Cell, objective: Callable[[Any], float], direction: str) -> list[Row]:
    import optuna

    from smarttune.samplers import resolve_sampler

    sampler = resolve_sampler(cell.sampler, seed=cell.seed)
    pruner = optuna.pruners.NopPruner()  # compare samplers on whole trials
    study = optuna.create_study(sampler=sampler, pruner=pruner, direction=direction)
    clock, start, rows = Clock(), time.perf_counter(), []
    for n_trials in range(1, max(cell.budgets) + 1):
        _one_trial(study, objective, clock)
        if n_trials in cell.budgets:
            wall = time.perf_counter() - start
            rows.append(_row(cell, n_trials, _best_value(study), wall, clock.total))
    return rows


def _best_value(study: Any) -> float:
    from optuna.trial import TrialState

    values = [t.value for t in study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,))]
    if not values:
        return math.nan
    return float(min(values) if study.direction.name == "MINIMIZE" else max(values))


def _row(cell: Cell, budget: int, best: float, wall_s: float, sampler_s: float) -> Row:
    is_bbob = cell.suite == BBOB
    return {
        **dict(zip(KEY_FIELDS, cell.key(budget), strict=True)),
        "best_value": best,
        "f_opt": cell.f_opt,
        "regret": regret(best, cell.f_opt) if is_bbob else math.nan,
        "wall_s": round(wall_s, 4),
        "sampler_s": round(sampler_s, 4),
    }


def run_cell(cell: Cell) -> list[Row]:
    """Run one cell to its largest budget; return one row per budget (best so far)."""
    quiet()
    if cell.suite == BBOB:
        with bbob_problem(int(cell.function), cell.dim, cell.instance) as problem:
            return _optimize(cell, _bbob_objective(problem), "minimize")
    from smarttune.tasks import get_task

    task = get_task(cell.function)  # the task's default seed: one fixed problem, like BBOB's
    return _optimize(cell, task.objective, task.direction)


# --- the results file ------------------------------------------------------------------------


def _parse(row: Mapping[str, str]) -> Row:
    parsed: Row = dict(row)
    for name in ("dim", "instance", "seed", "budget"):
        parsed[name] = int(row[name])
    for name in ("best_value", "f_opt", "regret", "wall_s", "sampler_s"):
        parsed[name] = float(row[name]) if row[name] else math.nan
    return parsed


def read_rows(path: Path) -> list[Row]:
    """The rows of a results file (none if it does not exist).

    A last line cut short by a crash, or a line that does not parse, is dropped, and the file
    is rewritten without it so that appending can go on.
    """
    if not path.exists():
        return []
    text = path.read_text()
    complete = text[: text.rfind("\n") + 1]
    raw = list(csv.DictReader(io.StringIO(complete)))
    rows: list[Row] = []
    for record in raw:
        with contextlib.suppress(KeyError, TypeError, ValueError):
            rows.append(_parse(record))
    if len(rows) != len(raw) or complete != text:
        _rewrite(path, rows)
    return rows


def _format(value: Any) -> str:
    if isinstance(value, float) and math.isnan(value):
        return ""
    return str(value)


def _rewrite(path: Path, rows: Iterable[Row]) -> None:
    partial = path.with_suffix(path.suffix + ".partial")
    partial.unlink(missing_ok=True)
    append_rows(partial, rows)
    partial.replace(path)


def append_rows(path: Path, rows: Iterable[Row]) -> None:
    """Append rows to a results file, writing the header first if the file is new."""
    path.parent.mkdir(parents=True, exist_ok=True)
    is_new = not path.exists() or path.stat().st_size == 0
    with path.open("a", newline="") as stream:
        writer = csv.writer(stream)
        if is_new:
            writer.writerow(FIELDS)
        writer.writerows([_format(row[name]) for name in FIELDS] for row in rows)
