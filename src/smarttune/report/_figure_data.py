"""The study figure's data step: the points of its score and loss panels, pruned trials apart.

A pruned trial has no objective value, and its last logged epoch comes from a training run
that was cut short: drawn with the finished trials, its loss makes spikes, and left out, it
is invisible. Here it gets its own series in both panels. No plotting library is imported.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from smarttune.report._study_data import TrialRecord, best_so_far

__all__ = ["LOSS_KEYS", "LossPoints", "ScorePoints", "loss_points", "score_points"]

#: The per-epoch history keys the loss panel draws.
LOSS_KEYS = ("train_loss", "val_loss")

Point = tuple[int, float]


@dataclass(frozen=True)
class ScorePoints:
    """Panel (a): each trial's score, by outcome, and the best so far.

    Attributes:
        complete: ``(trial number, value)`` of every complete trial.
        pruned: ``(trial number, last reported intermediate value)`` of every pruned trial
            that reported one.
        pruned_unreported: Numbers of pruned trials that reported nothing.
        failed: Numbers of failed trials.
        best: ``(trial number, best value so far)`` at every trial from the first complete
            one on; pruned and failed trials do not count.
    """

    complete: list[Point]
    pruned: list[Point]
    pruned_unreported: list[int]
    failed: list[int]
    best: list[Point]

    @property
    def n_pruned(self) -> int:
        """How many trials were pruned."""
        return len(self.pruned) + len(self.pruned_unreported)


@dataclass(frozen=True)
class LossPoints:
    """Panel (b): one history key's value at the last logged epoch of each trial.

    Attributes:
        key: The history key, e.g. ``"val_loss"``.
        complete: ``(trial number, value)`` for complete trials (trained to the end, or until
            early stopping ended them).
        pruned: ``(trial number, value)`` for pruned trials, at the epoch they were stopped.
    """

    key: str
    complete: list[Point]
    pruned: list[Point]


def score_points(records: Sequence[TrialRecord], *, maximize: bool) -> ScorePoints:
    """Split ``records`` (sorted by number) into complete, pruned and failed score points."""
    complete = [(r.number, r.value) for r in records if r.value is not None]
    pruned_records = [r for r in records if r.state == "PRUNED"]
    pruned = [
        (r.number, r.intermediate[max(r.intermediate)]) for r in pruned_records if r.intermediate
    ]
    running = best_so_far([r.value for r in records], maximize=maximize)
    return ScorePoints(
        complete=complete,
        pruned=pruned,
        pruned_unreported=[r.number for r in pruned_records if not r.intermediate],
        failed=[r.number for r in records if r.state == "FAIL"],
        best=[(r.number, b) for r, b in zip(records, running, strict=True) if b is not None],
    )


def loss_points(records: Sequence[TrialRecord]) -> list[LossPoints]:
    """The final logged value of each :data:`LOSS_KEYS` entry, complete and pruned trials apart.

    Keys no trial logged are left out; failed trials are left out.
    """
    out = []
    for key in LOSS_KEYS:
        complete = _last_logged(records, key, "COMPLETE")
        pruned = _last_logged(records, key, "PRUNED")
        if complete or pruned:
            out.append(LossPoints(key, complete, pruned))
    return out


def _last_logged(records: Sequence[TrialRecord], key: str, state: str) -> list[Point]:
    return [
        (r.number, float(r.history[-1][key]))
        for r in records
        if r.state == state and r.history and key in r.history[-1]
    ]
