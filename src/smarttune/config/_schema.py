"""The keys of a study config file, their checks, and :class:`StudyConfig`."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from smarttune._validation import (
    Constraint,
    InstanceOf,
    Interval,
    Options,
    shown,
    validate_parameter,
)
from smarttune.config._keys import check_keys, fail
from smarttune.config._read import read_document
from smarttune.config._space import parse_space
from smarttune.exceptions import InvalidParameterError, UnknownNameError

if TYPE_CHECKING:
    import optuna

__all__ = ["EXECUTORS", "StudyConfig", "load_config"]

#: The values of the ``executor`` key: the ``--executor`` choices of ``smarttune tune``.
EXECUTORS = ("local", "ray")
_TOP = (
    "task",
    "objective",
    "study",
    "direction",
    "directions",
    "sampler",
    "pruner",
    "storage",
    "executor",
    "jobs",
    "seed",
    "device",
    "budget",
    "space",
)
_BUDGET = ("trials", "timeout")


def _scalar_constraints() -> dict[str, list[Constraint | None]]:
    from smarttune.pruners import PRUNER_NAMES
    from smarttune.samplers import SAMPLER_NAMES

    text = InstanceOf(str)
    return {
        "study": [text],
        "storage": [text],
        "direction": [Options(("maximize", "minimize"))],
        "sampler": [Options(SAMPLER_NAMES)],
        "pruner": [Options(PRUNER_NAMES)],
        "executor": [Options(EXECUTORS)],
        "jobs": [Interval(int, 1, None), Options((-1,))],
        "seed": [Interval(int, 0, 2**32 - 1)],
        "device": [Options(("auto", "cpu", "cuda"))],
        "budget.trials": [Interval(int, 1, None)],
        "budget.timeout": [Interval(float, 0, 1e12, closed="right")],
    }


@dataclass(frozen=True)
class StudyConfig:
    """A validated study config; every field is None when the file leaves it out.

    Attributes:
        path: The file it was read from.
        objective: The OBJECTIVE spec: the ``task`` name or the ``objective`` (a relative
            ``file.py`` path is resolved against the config file's folder).
        space: Parameter name → Optuna distribution, for an objective called with a dict.
    """

    path: Path
    objective: str | None = None
    study: str | None = None
    direction: str | None = None
    directions: str | None = None
    sampler: str | None = None
    pruner: str | None = None
    storage: str | None = None
    executor: str | None = None
    jobs: int | None = None
    seed: int | None = None
    device: str | None = None
    trials: int | None = None
    timeout: float | None = None
    space: dict[str, optuna.distributions.BaseDistribution] | None = field(default=None)

    def tune_options(self) -> dict[str, Any]:
        """The ``smarttune tune`` parameters the file sets, by the command's parameter names."""
        names = {"study": "study_name", "objective": "objective"}
        fields: tuple[str, ...] = ("objective", "study", "direction", "directions")
        fields += ("sampler", "pruner")
        fields += ("storage", "executor")
        fields += ("jobs", "seed", "device", "trials", "timeout")
        values = {names.get(name, name): getattr(self, name) for name in fields}
        return {name: value for name, value in values.items() if value is not None}


def load_config(path: str | Path) -> StudyConfig:
    """Read and validate the TOML or YAML study config at ``path``.

    Raises:
        InvalidParameterError: One line naming the file, the key, what it must be and the
            value given; unknown keys are errors.
        UnknownNameError: If ``task`` is not a built-in task.
    """
    path = Path(path)
    where = f"config {str(path)!r}"
    document = read_document(path)
    check_keys(document, _TOP, prefix="", where=where)
    budget = document.get("budget", {})
    if not isinstance(budget, dict):
        fail("budget", "a table with 'trials' and/or 'timeout'", budget, where=where)
    check_keys(budget, _BUDGET, prefix="budget.", where=where)
    flat = {k: v for k, v in document.items() if k not in ("budget", "space")}
    flat.update({f"budget.{k}": v for k, v in budget.items()})
    for key, constraints in _scalar_constraints().items():
        if key in flat:
            validate_parameter(key, flat[key], constraints, owner=where, kind="key")
    objective = _objective(document, path, where)
    space = parse_space(document["space"], where=where) if "space" in document else None
    if space is not None and "task" in document:
        raise InvalidParameterError(
            f"The 'space' key of {where} applies to an 'objective' function only; the task "
            f"{shown(document['task'])} has its own search space."
        )
    timeout = flat.get("budget.timeout")
    directions = _directions(document, where)
    return StudyConfig(
        path=path,
        objective=objective,
        study=flat.get("study"),
        direction=flat.get("direction"),
        directions=directions,
        sampler=flat.get("sampler"),
        pruner=flat.get("pruner"),
        storage=flat.get("storage"),
        executor=flat.get("executor"),
        jobs=flat.get("jobs"),
        seed=flat.get("seed"),
        device=flat.get("device"),
        trials=flat.get("budget.trials"),
        timeout=None if timeout is None else float(timeout),
        space=space,
    )


def _directions(document: dict[str, Any], where: str) -> str | None:
    """The ``directions`` list (2 or more objectives) as ``--directions`` spells it."""
    if "directions" not in document:
        return None
    value = document["directions"]
    words = ("maximize", "minimize")
    if not (isinstance(value, list) and len(value) >= 2 and all(v in words for v in value)):
        fail("directions", "a list of 2 or more of 'maximize' and 'minimize'", value, where=where)
    if "direction" in document:
        raise InvalidParameterError(
            f"{where.capitalize()} gives both 'direction' and 'directions'; give one of them."
        )
    return ",".join(value)


def _objective(document: dict[str, Any], path: Path, where: str) -> str | None:
    from smarttune.tasks import task_info

    if "task" in document and "objective" in document:
        raise InvalidParameterError(
            f"{where.capitalize()} gives both 'task' and 'objective'; give one of them."
        )
    if "task" in document:
        validate_parameter("task", document["task"], [InstanceOf(str)], owner=where, kind="key")
        try:
            task_info(document["task"])
        except UnknownNameError as exc:
            raise UnknownNameError(f"The 'task' key of {where}: {exc}") from None
        return str(document["task"])
    if "objective" not in document:
        return None
    spec = document["objective"]
    if (
        not isinstance(spec, str)
        or not spec.isprintable()
        or ":" not in spec
        or not spec.rpartition(":")[2].isidentifier()
    ):
        fail(
            "objective",
            "'package.module:function' or 'path/to/file.py:function'",
            spec,
            where=where,
        )
    target, _, attribute = spec.rpartition(":")
    if target.endswith(".py") and not Path(target).is_absolute():
        target = str(path.parent / target)
    return f"{target}:{attribute}"
