"""The demo figure's data step: the search per phase, the final retrain, the published result.

Panel (a) shows every trial of the search by the component that proposed it (HybridSampler's
``initial``, ``genetic`` and ``bandit`` phases; the sampler's name for samplers without
phases), finished trials as points and pruned ones at the last value they reported, with the
best so far. Panel (b) shows the final retrain epoch by epoch (training loss and accuracy),
its test accuracy, and the published test accuracy as a reference line. No plotting library
is imported here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from smarttune.report._study_data import TrialRecord, best_so_far

__all__ = ["DemoFigureData", "FinalCurves", "demo_figure_data", "final_curves"]

Point = tuple[int, float]
#: How far below the lower of the best score and the published one panel (a) reaches.
_MARGIN = 0.03


@dataclass(frozen=True)
class FinalCurves:
    """The final retrain, one entry per epoch.

    Attributes:
        epochs: Epoch numbers (1, 2, ...).
        loss: Mean training loss of each epoch.
        accuracy: Mean training accuracy of each epoch (dropout on).
        test_accuracy: Accuracy of the retrained network on the test set, if known.
    """

    epochs: list[int]
    loss: list[float]
    accuracy: list[float]
    test_accuracy: float | None


@dataclass(frozen=True)
class DemoFigureData:
    """What the demo figure draws.

    Attributes:
        complete: Phase to ``(trial number, validation score)`` of its complete trials.
        pruned: Phase to ``(trial number, last reported score)`` of its pruned trials.
        best: ``(trial number, best score so far)`` from the first complete trial on.
        floor: The lower limit of panel (a)'s score axis.
        below_floor: How many trials scored below ``floor`` (not drawn).
        final: The final retrain's curves (None when there was none).
        published: The published test accuracy, the reference line.
    """

    complete: dict[str, list[Point]]
    pruned: dict[str, list[Point]]
    best: list[Point]
    floor: float
    below_floor: int
    final: FinalCurves | None
    published: float
    phases: list[str] = field(default_factory=list)


def final_curves(
    history: Sequence[Mapping[str, float]], test_accuracy: float | None
) -> FinalCurves | None:
    """The final retrain's per-epoch records (``epoch``, ``train_loss``, ``train_acc``)."""
    if not history:
        return None
    return FinalCurves(
        epochs=[int(r["epoch"]) for r in history],
        loss=[float(r["train_loss"]) for r in history],
        accuracy=[float(r.get("train_acc", float("nan"))) for r in history],
        test_accuracy=test_accuracy,
    )


def demo_figure_data(
    records: Sequence[TrialRecord],
    *,
    final: FinalCurves | None,
    published: float,
    default_phase: str = "search",
) -> DemoFigureData:
    """Group ``records`` (sorted by number) by phase and place panel (a)'s axis floor.

    Args:
        records: The search's trials.
        final: The final retrain's curves, if it ran.
        published: The published test accuracy.
        default_phase: The group of trials without a HybridSampler phase (e.g. ``"random"``).
    """
    complete: dict[str, list[Point]] = {}
    pruned: dict[str, list[Point]] = {}
    for record in records:
        phase = record.phase or default_phase
        if record.state == "COMPLETE" and record.value is not None:
            complete.setdefault(phase, []).append((record.number, record.value))
        elif record.state == "PRUNED" and record.intermediate:
            last = record.intermediate[max(record.intermediate)]
            pruned.setdefault(phase, []).append((record.number, last))
    running = best_so_far([r.value for r in records], maximize=True)
    best = [(r.number, b) for r, b in zip(records, running, strict=True) if b is not None]
    top = min(best[-1][1], published) if best else published
    floor = max(0.0, top - _MARGIN)
    scores = [v for group in (*complete.values(), *pruned.values()) for _, v in group]
    phases = list(dict.fromkeys(r.phase or default_phase for r in records))
    return DemoFigureData(
        complete=complete,
        pruned=pruned,
        best=best,
        floor=floor,
        below_floor=sum(v < floor for v in scores),
        final=final,
        published=published,
        phases=phases,
    )
