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

__all__ = ["TrialRecord", "best_so_far", "scores_by_group", "study_records"]


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
    """

    number: int
    state: str
    value: float | None
    params: dict[str, Any]
    phase: str | None
    generation: int | None
    history: list[dict[str, float]] = field(default_factory=list)

    @property
    def group(self) -> str:
        """``"gen N"`` for genetic trials, ``"bandit"`` for refinement trials, else ``"other"``."""
        if self.phase == "bandit":
            return "bandit"
        if self.generation is not None:
            return f"gen {self.generation}"
        return "other"


def study_records(study: optuna.Study) -> list[TrialRecord]:
    """Return a record per finished (complete, pruned or failed) trial, by trial number."""
    records = []
    for trial in study.get_trials(deepcopy=False):
        if not trial.state.is_finished():
            continue
        generation = trial.system_attrs.get(GENERATION_KEY)
        history = trial.user_attrs.get("history")
        records.append(
            TrialRecord(
                number=trial.number,
                state=trial.state.name,
                value=trial.value if trial.state.name == "COMPLETE" else None,
                params=dict(trial.params),
                phase=trial.system_attrs.get(PHASE_KEY),
                generation=int(generation) if generation is not None else None,
                history=list(history) if isinstance(history, list) else [],
            )
        )
    return sorted(records, key=lambda r: r.number)


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


def _group_order(group: str) -> tuple[int, int]:
    if group.startswith("gen "):
        return (0, int(group.split()[1]))
    return (1, 0) if group == "bandit" else (2, 0)
