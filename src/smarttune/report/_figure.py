"""The study figure: score and loss trends, scores per generation, bandit refinement progress."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from smarttune._imports import optional_import
from smarttune.report._study_data import TrialRecord, best_so_far, scores_by_group

__all__ = ["render_study_figure"]


def render_study_figure(
    records: Sequence[TrialRecord],
    path: str | Path,
    *,
    maximize: bool,
    metric: str = "validation score",
    title: str = "",
) -> Path:
    """Draw the four-panel study figure into a PNG file and return its path.

    Panels: (a) each trial's score with the best so far, the bandit phase shaded; (b) the
    final training and validation loss of each trial (when the task logged a history);
    (c) the distribution of scores per genetic generation and for the bandit phase; (d) the
    best score found during the bandit refinement, trial by trial.

    Raises:
        MissingDependencyError: If matplotlib (the ``plot`` extra) is not installed.
    """
    matplotlib = optional_import("matplotlib", extra="plot", purpose="the study figure")
    matplotlib.use("Agg")
    plt = optional_import("matplotlib.pyplot", extra="plot")
    figure, axes = plt.subplots(2, 2, figsize=(12, 8.5), constrained_layout=True)
    _scores_panel(axes[0][0], records, maximize=maximize, metric=metric)
    _loss_panel(axes[0][1], records)
    _groups_panel(axes[1][0], records, metric=metric)
    _bandit_panel(axes[1][1], records, maximize=maximize, metric=metric)
    if title:
        figure.suptitle(title)
    out = Path(path)
    figure.savefig(out, dpi=110)
    plt.close(figure)
    return out


def _scores_panel(ax: Any, records: Sequence[TrialRecord], *, maximize: bool, metric: str) -> None:
    numbers = [r.number for r in records]
    values = [r.value for r in records]
    done = [(n, v) for n, v in zip(numbers, values, strict=True) if v is not None]
    ax.scatter([n for n, _ in done], [v for _, v in done], s=18, label="trial", color="tab:blue")
    best = best_so_far(values, maximize=maximize)
    ax.step(
        numbers,
        [b if b is not None else float("nan") for b in best],
        where="post",
        color="tab:red",
        label="best so far",
    )
    bandit = [r.number for r in records if r.phase == "bandit"]
    if bandit:
        ax.axvspan(
            min(bandit) - 0.5,
            max(bandit) + 0.5,
            color="tab:orange",
            alpha=0.12,
            label="bandit refinement",
        )
    ax.set(title="(a) score per trial", xlabel="trial", ylabel=metric)
    ax.legend(loc="lower right" if maximize else "upper right", fontsize=8)


def _loss_panel(ax: Any, records: Sequence[TrialRecord]) -> None:
    logged = [r for r in records if r.history]
    ax.set(title="(b) final loss per trial", xlabel="trial", ylabel="loss")
    if not logged:
        ax.text(0.5, 0.5, "no per-epoch history logged", ha="center", transform=ax.transAxes)
        return
    for key, color in (("train_loss", "tab:green"), ("val_loss", "tab:purple")):
        points = [(r.number, r.history[-1][key]) for r in logged if key in r.history[-1]]
        if points:
            ax.plot(*zip(*points, strict=True), marker="o", ms=3, lw=1, color=color, label=key)
    ax.legend(fontsize=8)


def _groups_panel(ax: Any, records: Sequence[TrialRecord], *, metric: str) -> None:
    groups = scores_by_group(records)
    ax.set(title="(c) scores per generation", ylabel=metric)
    if not groups:
        return
    ax.boxplot(list(groups.values()), tick_labels=list(groups), showfliers=False)
    for i, values in enumerate(groups.values(), start=1):
        ax.scatter([i] * len(values), values, s=10, alpha=0.6, color="tab:blue")


def _bandit_panel(ax: Any, records: Sequence[TrialRecord], *, maximize: bool, metric: str) -> None:
    ax.set(title="(d) bandit refinement progress", xlabel="bandit iteration", ylabel=metric)
    before = [r.value for r in records if r.phase != "bandit"]
    bandit = [r.value for r in records if r.phase == "bandit"]
    if not bandit:
        ax.text(0.5, 0.5, "no bandit-phase trial", ha="center", transform=ax.transAxes)
        return
    start = best_so_far(before, maximize=maximize)[-1] if before else None
    running = best_so_far([start, *bandit], maximize=maximize)[1:]
    steps = list(range(1, len(bandit) + 1))
    ax.plot(
        steps,
        [v if v is not None else float("nan") for v in bandit],
        "o",
        ms=4,
        color="tab:orange",
        label="bandit trial",
    )
    ax.step(
        steps,
        [v if v is not None else float("nan") for v in running],
        where="post",
        color="tab:red",
        label="best so far (incl. genetic phase)",
    )
    ax.legend(fontsize=8)
