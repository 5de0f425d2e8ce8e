"""The study figure: score and loss trends, scores per generation, bandit refinement progress."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from smarttune._imports import optional_import
from smarttune.report._figure_data import loss_points, score_points
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

    Panels: (a) each trial's score with the best so far, the bandit phase shaded, pruned
    trials apart at the last value they reported; (b) the training and validation loss at the
    last logged epoch of each trial (when the task logged a history), pruned trials apart and
    never joined to the line of finished ones;
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
    points = score_points(records, maximize=maximize)
    if points.complete:
        ax.scatter(*zip(*points.complete, strict=True), s=18, label="complete", color="tab:blue")
    if points.n_pruned:
        label = f"pruned ({points.n_pruned}): last reported value"
        if points.pruned_unreported:
            label += f", {len(points.pruned_unreported)} reported none"
        xs, ys = zip(*points.pruned, strict=True) if points.pruned else ((), ())
        ax.scatter(xs, ys, s=22, marker="x", color="tab:gray", label=label)
    if points.best:
        numbers, best = zip(*points.best, strict=True)
        ax.step(numbers, best, where="post", color="tab:red", label="best so far (complete)")
    bandit = [r.number for r in records if r.phase == "bandit"]
    if bandit:
        ax.axvspan(
            min(bandit) - 0.5,
            max(bandit) + 0.5,
            color="tab:orange",
            alpha=0.12,
            label="bandit refinement",
        )
    title = "(a) score per trial"
    if points.failed:
        title += f" ({len(points.failed)} failed, not shown)"
    ax.set(title=title, xlabel="trial", ylabel=metric)
    ax.legend(loc="best", fontsize=8)  # pruned trials sit low, where a fixed corner hid them


def _loss_panel(ax: Any, records: Sequence[TrialRecord]) -> None:
    ax.set(title="(b) loss at the last epoch of each trial", xlabel="trial", ylabel="loss")
    series = loss_points(records)
    if not series:
        ax.text(0.5, 0.5, "no per-epoch history logged", ha="center", transform=ax.transAxes)
        return
    for points, color in zip(series, ("tab:green", "tab:purple"), strict=False):
        if points.complete:
            ax.plot(*zip(*points.complete, strict=True), marker="o", ms=3, lw=1, color=color,
                    label=f"{points.key} (complete)")  # fmt: skip
        if points.pruned:
            ax.scatter(*zip(*points.pruned, strict=True), s=22, marker="x", color=color,
                       alpha=0.6, label=f"{points.key} (pruned: when stopped)")  # fmt: skip
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
