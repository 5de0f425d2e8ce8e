"""Task specs of a comparison: built-in tasks, BBOB functions and user objectives.

* a built-in task name (``svm-digits``, ``housing-mlp``; see ``smarttune tasks``), built with the
  cell's seed, so that the seed also draws the task's splits and training;
* ``yahpo-<scenario>-<instance>``: a YAHPO Gym surrogate (``lcbench``, ``rbv2_xgboost``,
  ``rbv2_rpart``; see :mod:`smarttune.yahpo`), run as kind ``"user"`` (no classic grid; LCBench
  reports its learning curve);
* ``bbob-f<F>-d<D>[-i<I>]``: function ``F`` of the noiseless BBOB suite in dimension ``D``,
  instance ``I`` (default 1), from ``coco-experiment``; minimized, with its known optimum
  (N. Hansen et al., "COCO: a platform for comparing continuous optimizers in a black-box
  setting", Optimization Methods and Software 36, 2021);
* ``module:function`` or ``file.py:function``: a user objective (see
  :func:`smarttune.objectives.load_objective`); its direction comes from the comparison's
  ``direction`` option.
"""

from __future__ import annotations

import functools
import os
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from smarttune._imports import optional_import
from smarttune.exceptions import InvalidParameterError

if TYPE_CHECKING:
    import optuna

    from smarttune.tasks import Task

__all__ = ["ResolvedTask", "resolve_task", "task_kind"]

_BBOB = re.compile(r"^bbob-f(\d+)-d(\d+)(?:-i(\d+))?$")


@dataclass
class ResolvedTask:
    """What the runner needs of a task.

    Attributes:
        name: The spec, as results name the task.
        kind: ``"sklearn"``, ``"neural"``, ``"bbob"`` or ``"user"``.
        direction: ``"maximize"`` or ``"minimize"``.
        metric: What the objective's value measures.
        objective: The objective.
        final_fit: Returns the holdout test metrics of a configuration, or None.
        test_metric: The key of ``final_fit``'s result reported as the test score.
        suggest: Suggests parameters without evaluating (for reading the space), or None.
        grid: A classic grid, parameter name to values, or None.
        optimum: The known optimal value, or None.
        at_fidelity: Builds the same task at a lower fidelity (for Hyperband peers), or None.
    """

    name: str
    kind: str
    direction: str
    metric: str
    objective: Callable[[optuna.Trial], float]
    final_fit: Callable[[dict[str, Any]], dict[str, float]] | None = None
    test_metric: str | None = None
    suggest: Callable[[optuna.Trial], Any] | None = None
    grid: dict[str, list[Any]] | None = None
    optimum: float | None = None
    at_fidelity: Callable[[float], ResolvedTask] | None = field(default=None, repr=False)


def task_kind(spec: str) -> str:
    """The kind of task a spec names, without building it."""
    from smarttune.tasks import is_task_name, task_info

    if _BBOB.match(spec):
        return "bbob"
    if is_task_name(spec):
        return _builtin_kind(task_info(spec).extra)
    return "user"


def resolve_task(
    spec: str,
    *,
    seed: int,
    direction: str = "minimize",
    options: dict[str, Any] | None = None,
    fidelity: float = 1.0,
) -> ResolvedTask:
    """Build the task named by ``spec`` for one cell.

    Args:
        spec: A task name, ``bbob-f<F>-d<D>[-i<I>]`` or ``module:function``.
        seed: The cell's seed (a built-in task's ``seed``).
        direction: The direction of a user objective (tasks and BBOB know theirs).
        options: Extra constructor arguments of a built-in task (e.g. ``epochs``).
        fidelity: The built-in task's fidelity.

    Raises:
        UnknownNameError, ObjectiveLoadError: If the spec names nothing loadable.
    """
    match = _BBOB.match(spec)
    if match:
        function, dim, instance = (int(g) if g else 1 for g in match.groups())
        return _bbob_task(spec, function, dim, instance)
    from smarttune.tasks import get_task, is_task_name

    if is_task_name(spec):
        task = get_task(spec, seed=seed, fidelity=fidelity, **(options or {}))
        return _builtin(spec, task, seed, dict(options or {}))
    from smarttune.objectives import load_objective

    loaded = load_objective(spec)
    return ResolvedTask(spec, "user", direction, "objective value", loaded.function)


def _builtin(spec: str, task: Task, seed: int, options: dict[str, Any]) -> ResolvedTask:
    from smarttune.tasks import Task, task_info

    task.check()  # the device and the data, before the cell's first evaluation

    extra = task_info(spec).extra
    kind = _builtin_kind(extra)
    # A YAHPO surrogate's final_fit returns its targets by name (it has no test split).
    extra_is_yahpo = extra == "yahpo"
    grid = getattr(task, "search_grid", lambda: None)()
    # The base class's suggest() raises unless the task overrides it (the torch tasks do).
    suggest = task.suggest if type(task).suggest is not Task.suggest else None
    return ResolvedTask(
        name=spec,
        kind=kind,
        direction=task.direction,
        metric=task.metric,
        objective=task.objective,
        final_fit=task.final_fit,
        test_metric=task.metric if extra_is_yahpo else _test_metric(task.metric),
        suggest=suggest,
        grid=grid,
        at_fidelity=functools.cache(
            lambda f: resolve_task(spec, seed=seed, options=options, fidelity=f)
        ),
    )


def _builtin_kind(extra: str | None) -> str:
    """The kind of a built-in task: YAHPO surrogates run like user objectives."""
    return {"torch": "neural", "yahpo": "user"}.get(extra or "", "sklearn")


def _test_metric(metric: str) -> str:
    """The ``final_fit`` key that measures what the validation metric does."""
    lowered = metric.lower()
    for word, key in (("accuracy", "test_accuracy"), ("rmse", "test_rmse"), ("r^2", "test_r2")):
        if word in lowered:
            return key
    return "test_" + lowered.replace("validation ", "").split(" ")[0]


def _bbob_task(spec: str, function: int, dim: int, instance: int) -> ResolvedTask:
    import numpy as np

    cocoex = optional_import("cocoex", extra="bench", purpose="the BBOB tasks")
    suite = cocoex.Suite("bbob", "", f"function_indices: {function} dimensions: {dim}")
    try:
        problem = suite.get_problem_by_function_dimension_instance(function, dim, instance)
    except Exception as error:
        suite.free()
        raise InvalidParameterError(
            f"No BBOB problem {spec!r}: functions are 1-24, dimensions 2, 3, 5, 10, 20 or 40."
        ) from error
    bounds = list(zip(problem.lower_bounds, problem.upper_bounds, strict=True))
    optimum = _bbob_optimum(problem)

    def objective(trial: optuna.Trial) -> float:
        x = [trial.suggest_float(f"x{i}", lo, hi) for i, (lo, hi) in enumerate(bounds)]
        return float(problem(np.asarray(x)))

    return ResolvedTask(spec, "bbob", "minimize", "f(x)", objective, optimum=optimum)


def _bbob_optimum(problem: Any) -> float:
    """f(x_opt): COCO writes x_opt to a file in the working directory, so work in a temp one."""
    import numpy as np

    previous = Path.cwd()
    with tempfile.TemporaryDirectory(prefix="bbob-xopt-") as directory:
        os.chdir(directory)
        try:
            problem._best_parameter("print")
            x_opt = np.atleast_1d(np.loadtxt(Path(directory) / "._bbob_problem_best_parameter.txt"))
        finally:
            os.chdir(previous)
    return float(problem(x_opt))
