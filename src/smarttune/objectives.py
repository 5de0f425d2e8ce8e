"""Resolve OBJECTIVE specs: a task name, ``package.module:function`` or ``file.py:function``."""

from __future__ import annotations

import importlib
import importlib.util
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from smarttune._validation import Options
from smarttune.exceptions import InvalidParameterError, ObjectiveLoadError
from smarttune.tasks import get_task, is_task_name, task_info
from smarttune.tasks._registry import close_task_names

if TYPE_CHECKING:
    import optuna

    from smarttune.tasks import Task

__all__ = ["LoadedObjective", "load_objective"]


@dataclass(frozen=True)
class LoadedObjective:
    """An objective ready for ``tune``, with what the spec tells about it."""

    function: Callable[[optuna.Trial], float]
    #: A default study name derived from the spec.
    name: str
    #: The task's direction, or None when the spec is a plain function.
    direction: str | None
    #: The built-in task, or None for a user function.
    task: Task | None


def load_objective(
    spec: str, *, seed: int | None = None, device: str | None = None
) -> LoadedObjective:
    """Return the objective named by ``spec``.

    Args:
        spec: A built-in task name (``svm-digits``), ``package.module:function`` or
            ``path/to/file.py:function``.
        seed: For a built-in task, the seed of its data splits and training (the task's
            default when None); ignored for a user function.
        device: For a neural-network task, ``"auto"``, ``"cpu"`` or ``"cuda"`` (the task's
            default when None).

    Raises:
        ObjectiveLoadError: If the module, file or attribute cannot be found, or the attribute
            is not callable; the message names the spec and what is wrong.
        InvalidParameterError: If ``device`` is given for a task that trains no network, or
            for a user function.
    """
    if is_task_name(spec):
        options: dict[str, object] = {} if seed is None else {"seed": seed}
        if device is not None:
            if task_info(spec).extra != "torch":
                raise InvalidParameterError(
                    f"The '--device' option applies to the neural-network tasks only; "
                    f"{spec!r} trains no network. Got {device!r}."
                )
            options["device"] = device
        task = get_task(spec, **options)
        return LoadedObjective(task.objective, spec, task.direction, task)
    if device is not None:
        raise InvalidParameterError(
            f"The '--device' option applies to built-in neural-network tasks, not to {spec!r}: "
            "a user function chooses its own device."
        )
    if ":" not in spec:
        close = close_task_names(spec)
        raise ObjectiveLoadError(
            f"Cannot load objective {spec!r}: give a built-in task name (see `smarttune tasks`), "
            "package.module:function or path/to/file.py:function"
            + (f"; did you mean {Options(close)}?" if close else ".")
        )
    target, _, attribute = spec.rpartition(":")
    if not attribute.isidentifier():
        raise ObjectiveLoadError(
            f"Cannot load objective {spec!r}: {attribute!r} is not a function name."
        )
    module_name = _import_target(spec, target)
    function = getattr(sys.modules[module_name], attribute, None)
    if function is None:
        raise ObjectiveLoadError(
            f"Cannot load objective {spec!r}: {target!r} has no attribute {attribute!r}."
        )
    if not callable(function):
        raise ObjectiveLoadError(f"Cannot load objective {spec!r}: {attribute!r} is not callable.")
    return LoadedObjective(function, attribute, None, None)


def _import_target(spec: str, target: str) -> str:
    """Import ``target`` (a file path or a dotted module) and return its module name."""
    if target.endswith(".py") or "/" in target or "\\" in target:
        path = Path(target).expanduser().resolve()
        if not path.is_file():
            raise ObjectiveLoadError(f"Cannot load objective {spec!r}: no file {str(path)!r}.")
        module_name = f"smarttune_user_objective_{path.stem}"
        module_spec = importlib.util.spec_from_file_location(module_name, path)
        if module_spec is None or module_spec.loader is None:
            raise ObjectiveLoadError(f"Cannot load objective {spec!r}: not a Python file.")
        module = importlib.util.module_from_spec(module_spec)
        sys.modules[module_name] = module
        sys.path.insert(0, str(path.parent))
        try:
            module_spec.loader.exec_module(module)
        except Exception as exc:
            del sys.modules[module_name]
            raise ObjectiveLoadError(
                f"Cannot load objective {spec!r}: importing {str(path)!r} raised "
                f"{type(exc).__name__}: {exc}"
            ) from exc
        finally:
            sys.path.remove(str(path.parent))
        return module_name
    if os.getcwd() not in sys.path:  # as `python -m` would: modules beside the user resolve
        sys.path.insert(0, os.getcwd())
    try:
        importlib.import_module(target)
    except ImportError as exc:
        raise ObjectiveLoadError(
            f"Cannot load objective {spec!r}: cannot import module {target!r} ({exc})."
        ) from exc
    return target
