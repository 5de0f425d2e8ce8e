"""What a study tunes: the objective's reference, the task and the direction, kept in storage.

The default study name is the function's name, so two projects' ``loss`` functions would land
in one study of ``./smarttune.db``. :func:`claim_study` records the study's target in its
system attribute :data:`TUNES_KEY` the first time trials are added, and refuses, with one line
naming ``--study``, to add trials of another objective afterwards.

References: a built-in task is its name; a function defined in a file (``file.py:function``)
is ``/absolute/path/file.py:function``; a function of a module is ``package.module:function``;
an :class:`~smarttune.execution.ObjectiveSpec` is its spec. The same objective gets the same
reference whether its trials run in this process or in workers.
"""

from __future__ import annotations

import inspect
import sys
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from smarttune.exceptions import StorageError
from smarttune.execution import ObjectiveSpec
from smarttune.tasks import Task, is_task_name

if TYPE_CHECKING:
    import optuna

__all__ = ["TUNES_KEY", "StudyTarget", "claim_study", "objective_task", "target_of"]

#: Study system attribute: ``{"objective": reference, "task": name or None, "direction": ...}``.
TUNES_KEY = "smarttune:tunes"
#: The module name under which ``load_objective`` imports ``file.py`` (see objectives.py).
_FILE_MODULE_PREFIX = "smarttune_user_objective_"


@dataclass(frozen=True)
class StudyTarget:
    """What a study tunes."""

    objective: str
    task: str | None
    direction: str


def objective_task(objective: object) -> Task | None:
    """The built-in task behind ``objective`` (a task or its bound ``objective``), else None."""
    if isinstance(objective, Task):
        return objective
    owner = getattr(objective, "__self__", None)
    return owner if isinstance(owner, Task) else None


def target_of(objective: object, direction: str) -> StudyTarget:
    """The :class:`StudyTarget` of ``objective`` optimized in ``direction``."""
    task = objective_task(objective)
    if task is not None:
        return StudyTarget(task.name, task.name, direction)
    if isinstance(objective, ObjectiveSpec):
        spec = objective.spec
        return StudyTarget(spec, spec if is_task_name(spec) else None, direction)
    return StudyTarget(_function_reference(objective), None, direction)


def _function_reference(objective: object) -> str:
    function: Any = inspect.unwrap(objective)  # type: ignore[arg-type]
    if not hasattr(function, "__qualname__"):  # a callable instance: name its class
        function = type(function)
    module = str(getattr(function, "__module__", None) or "?")
    path = getattr(sys.modules.get(module), "__file__", None)
    if module.startswith(_FILE_MODULE_PREFIX) and path:
        return f"{Path(path).resolve()}:{function.__qualname__}"
    return f"{module}:{function.__qualname__}"


def claim_study(
    study: optuna.Study, target: StudyTarget, *, storage: object, record: bool = True
) -> None:
    """Record ``target`` on ``study``, or check it against the target recorded there.

    A study without a record (new, or made by Optuna or an older smarttune) takes ``target``
    when ``record`` is true, and is left as it is otherwise.

    Raises:
        StorageError: If the study tunes another objective; the message names ``--study``.
    """
    recorded = study._storage.get_study_system_attrs(study._study_id).get(TUNES_KEY)
    if not isinstance(recorded, dict):
        if record:
            study._storage.set_study_system_attr(study._study_id, TUNES_KEY, asdict(target))
        return
    if recorded.get("objective") != target.objective:
        raise StorageError(
            f"Study {study.study_name!r} in {_label(storage)} tunes "
            f"{recorded.get('objective')!r}, not {target.objective!r}: choose another study "
            "name with --study NAME (study_name= in tune())."
        )


def _label(storage: object) -> str:
    if storage is None:
        return "memory"
    return storage if isinstance(storage, str) else type(storage).__name__
