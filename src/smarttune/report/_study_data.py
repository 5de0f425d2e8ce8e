"""Plain records of a study's trials: what every figure and table is drawn from."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from smarttune.samplers._genetic.population import GENERATION_KEY
from smarttune.samplers._hybrid import PHASE_KEY

if TYPE_CHECKING:
    import optuna

__all__ = ["WORKER_KEY", "TrialRecord", "best_so_far", "scores_by_group", "study_records"]

#: Trial system attribute where smarttune's executors record the worker that ran a trial
#: (``{"job": token, "host": name, "process": "pid@start"}``); reports fall back to lanes of
#: overlapping trials without it.
WORKER_KEY = "smarttune:worker"


@dataclass(frozen=True)
class TrialRecord:
    """One finished trial, flattened.

    Attributes:
        number: The trial number.
        state: ``"COMPLETE"``, ``"PRUNED"`` or ``"FAIL"``.
        value: The objective value (None unless complete).
        params: The parameters.
        phase: ``"genetic"`` or ``"bandit"`` for HybridSampler trials, else None.
        generation: The genetic generation the trial belongs to, else None.
        history: Per-epoch records (``epoch``, ``train_loss``, ``val_acc``, …) when the task
            logged them, else empty.
        intermediate: The reported intermediate values, step to value (learning curves).
        started: When the trial started, in seconds since the epoch (None if unknown).
        completed: When the trial finished, in seconds since the epoch (None if unknown).
        user_attrs: The trial's user attributes.
        worker: The worker that ran the trial when one was recorded (:data:`WORKER_KEY`).
    """

    number: int
    state: str
    value: float | None
    params: dict[str, Any]
    phase: str | None
    generation: int | None
    history: list[dict[str, float]] = field(default_factory=list)
    intermediate: dict[int, float] = field(default_factory=dict)
    started: float | None = None
    completed: float | None = None
    user_attrs: dict[str, Any] = field(default_factory=dict)
    worker: str | None = None

    @property
    def duration(self) -> float | None:
        """Seconds from start to finish, or None when either time is unknown."""
        if self.started is None or self.completed is None:
            return None
        return self.completed - self.started

    @property
    def group(self) -> str:
        """The proposing HybridSampler component, ``"gen N"`` (GeneticSampler), or ``"other"``.

        HybridSampler's components: ``"warm-start"``, ``"initial"``, ``"genetic"``, ``"bandit"``.
        """
        if self.phase in _PHASE_ORDER:
            return self.phase
        if self.generation is not None:
            return f"gen {self.generation}"
        return "other"


def study_records(study: optuna.Study) -> list[TrialRecord]:
    """Return a record per finished (complete, pruned or failed) trial, by trial number.

    Multi-objective studies are flattened on their first objective.
    """
    records = [
        _record(trial) for trial in study.get_trials(deepcopy=False) if trial.state.is_finished()
    ]
    return sorted(records, key=lambda r: r.number)


def _record(trial: optuna.trial.FrozenTrial) -> TrialRecord:
    generation = trial.system_attrs.get(GENERATION_KEY)
    history = trial.user_attrs.get("history")
    worker = trial.system_attrs.get(WORKER_KEY)
    complete = trial.state.name == "COMPLETE" and trial.values
    return TrialRecord(
        number=trial.number,
        state=trial.state.name,
        value=float(trial.values[0]) if complete else None,
        params=dict(trial.params),
        phase=trial.system_attrs.get(PHASE_KEY),
        generation=int(generation) if generation is not None else None,
        history=list(history) if isinstance(history, list) else [],
        intermediate={int(k): float(v) for k, v in sorted(trial.intermediate_values.items())},
        started=trial.datetime_start.timestamp() if trial.datetime_start else None,
        completed=trial.datetime_complete.timestamp() if trial.datetime_complete else None,
        user_attrs=dict(trial.user_attrs),
        worker=worker_label(worker),
    )


def worker_label(tag: Any) -> str | None:
    """The worker in a ``WORKER_KEY`` tag as ``host/pid``, a plain string as it is, else None.

    The job token is left out: it changes with every job, the worker does not.
    """
    if tag is None:
        return None
    if isinstance(tag, dict):
        host, process = tag.get("host"), tag.get("process")
        if host is not None or process is not None:
            return f"{host or '?'}/{str(process or '?').split('@')[0]}"
    return str(tag)


def best_so_far(values: Sequence[float | None], *, maximize: bool) -> list[float | None]:
    """Return the running best of ``values`` (None and NaN entries do not count)."""
    best: float | None = None
    out: list[float | None] = []
    for value in values:
        if (
            value is not None
            and not math.isnan(value)
            and (best is None or (value > best if maximize else value < best))
        ):
            best = value
        out.append(best)
    return out


def scores_by_group(records: Sequence[TrialRecord]) -> dict[str, list[float]]:
    """Return the complete trials' values per group (``gen 0``, ``gen 1``, …, ``bandit``)."""
    groups: dict[str, list[float]] = {}
    for record in records:
        if record.value is not None:
            groups.setdefault(record.group, []).append(record.value)
    return dict(sorted(groups.items(), key=lambda item: _group_order(item[0])))


#: HybridSampler's phases in the order they first run; GeneticSampler generations come between.
_PHASE_ORDER = {"warm-start": 0, "initial": 1, "genetic": 3, "bandit": 4}


def _group_order(group: str) -> tuple[int, int]:
    if group.startswith("gen "):
        return (2, int(group.split()[1]))
    return (_PHASE_ORDER.get(group, 5), 0)
