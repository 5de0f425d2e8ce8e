"""What population-based training records in the Optuna storage, and reading it back.

Every *segment* (one member training for one perturbation interval) is one Optuna trial. Its
parameters are the configuration the segment trained with, its value (and its intermediate
value at the member's total step count) the validation score at the segment's end, and its
system attr :data:`SEGMENT_KEY` holds:

``member``
    The member's index in the population.
``round``
    The segment's round: it trained steps ``round * interval`` to ``step``.
``step``
    The member's total training steps at the segment's end.
``parent``
    The trial number of the segment whose checkpoint this one started from (the member's own
    previous segment, or after an exploit the donor's), None in round 0.
``donor``
    The member the weights came from (equal to ``member`` when there was no exploit).
``seed``, ``checkpoint``
    The seed of the segment's initialisation or reshuffling, and the id of the checkpoint it
    saved.

Following ``parent`` links from a final segment back to round 0 gives the *lineage* of the
final model, and the parameters along it the *hyperparameter schedule* that produced it;
:func:`replay` retrains that schedule from scratch.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from optuna.trial import TrialState

from smarttune.exceptions import StorageError

if TYPE_CHECKING:
    import optuna

    from smarttune.pbt._worker import CheckpointTask

__all__ = [
    "CONFIG_KEY",
    "SEGMENT_FIELDS",
    "SEGMENT_KEY",
    "Segment",
    "best_member",
    "lineage",
    "replay",
    "segments",
]

#: Trial system attr: a segment's record (see the module docstring).
SEGMENT_KEY = "smarttune.pbt:segment"
#: The fields of a segment's record, in :data:`SEGMENT_KEY`.
SEGMENT_FIELDS = ("member", "round", "step", "parent", "donor", "seed", "checkpoint")
#: Study system attr: the population size, interval and seed the study was started with.
CONFIG_KEY = "smarttune.pbt:config"


@dataclass(frozen=True)
class Segment:
    """One member's training over one interval, read back from its trial."""

    trial: int
    member: int
    round: int
    step: int
    parent: int | None
    donor: int
    seed: int
    checkpoint: str
    params: dict[str, Any]
    score: float | None
    state: TrialState

    @property
    def exploited(self) -> bool:
        """Whether this segment started from another member's checkpoint."""
        return self.donor != self.member


def segments(study: optuna.Study) -> list[Segment]:
    """Every recorded segment of ``study``, in trial order."""
    found = []
    for trial in study.get_trials(deepcopy=False):
        record = trial.system_attrs.get(SEGMENT_KEY)
        if record is None:
            continue
        found.append(
            Segment(
                trial=trial.number,
                params=dict(trial.params),
                score=trial.value,
                state=trial.state,
                **{key: record[key] for key in SEGMENT_FIELDS},
            )
        )
    return found


def best_member(study: optuna.Study) -> Segment:
    """The completed segment of the last round with the best score.

    Raises:
        StorageError: If the study has no completed segment.
    """
    done = [s for s in segments(study) if s.state == TrialState.COMPLETE and s.score is not None]
    if not done:
        raise StorageError(f"The study {study.study_name!r} has no completed PBT segment.")
    last = max(s.round for s in done)
    final = [s for s in done if s.round == last]
    sign = 1.0 if study.direction.name == "MAXIMIZE" else -1.0
    return max(final, key=lambda s: (sign * float(s.score or 0.0), -s.member))


def lineage(study: optuna.Study, segment: Segment) -> list[Segment]:
    """The segments whose training produced ``segment``'s checkpoint, from round 0 on."""
    by_trial = {s.trial: s for s in segments(study)}
    chain = [segment]
    while chain[-1].parent is not None:
        chain.append(by_trial[chain[-1].parent])
    return chain[::-1]


def replay(task: CheckpointTask, chain: list[Segment], *, interval: int) -> tuple[Any, float]:
    """Retrain ``chain`` (a :func:`lineage`) from scratch; return the final state and score.

    Each segment starts, as in the original run, from the previous segment's checkpoint loaded
    with its own parameters and seed, so on a deterministic task the scores repeat exactly.
    """
    score = float("nan")
    state: Any = None
    with tempfile.TemporaryDirectory(prefix="smarttune-replay-") as tmp:
        path = Path(tmp) / "state.ckpt"
        for segment in chain:
            if state is None:
                state = task.init_state(segment.params, seed=segment.seed)
            else:
                task.save_checkpoint(state, path)
                state = task.load_checkpoint(path, segment.params, seed=segment.seed)
            steps = segment.step - segment.round * interval
            score = task.train_steps(state, steps)
    return state, score
