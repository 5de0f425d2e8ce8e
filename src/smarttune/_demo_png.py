"""The demo figure drawn with matplotlib: the search per phase and the final retrain."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from smarttune._imports import optional_import

if TYPE_CHECKING:
    from smarttune._demo_figure import DemoFigureData

__all__ = ["render_demo_figure"]

_COLORS = ("tab:blue", "tab:green", "tab:orange", "tab:purple", "tab:brown", "tab:pink")


def render_demo_figure(data: DemoFigureData, path: str | Path, *, title: str) -> Path:
    """Draw ``data`` into a two-panel PNG file and return its path.

    Raises:
        MissingDependencyError: If matplotlib (the ``plot`` extra) is not installed.
    """
    matplotlib = optional_import("matplotlib", extra="plot", purpose="the demo figure")
    matplotlib.use("Agg")
    plt = optional_import("matplotlib.pyplot", extra="plot")
    figure, (search, final) = plt.subplots(1, 2, figsize=(13, 5), constrained_layout=True)
    _search_panel(search, data)
    _final_panel(final, data)
    figure.suptitle(title)
    out = Path(path)
    figure.savefig(out, dpi=110)
    plt.close(figure)
    return out


def _search_panel(ax: Any, data: DemoFigureData) -> None:
    for phase, color in zip(data.phases, _COLORS, strict=False):
        done = data.complete.get(phase, [])
        if done:
            ax.scatter(*zip(*done, strict=True), s=18, color=color, label=f"{phase} ({len(done)})")
        cut = data.pruned.get(phase, [])
        if cut:
            ax.scatter(*zip(*cut, strict=True), s=22, marker="x", color=color, alpha=0.6,
                       label=f"{phase}, pruned ({len(cut)})")  # fmt: skip
    if data.best:
        ax.step(*zip(*data.best, strict=True), where="post", color="tab:red", label="best so far")
    ax.axhline(data.published, ls="--", color="black", lw=1,
               label=f"published test accuracy {data.published:.2%}")  # fmt: skip
    ax.set_ylim(bottom=data.floor, top=1.0)
    title = "(a) search: validation accuracy per trial, by phase"
    if data.below_floor:
        title += f" ({data.below_floor} below {data.floor:.3f} not shown)"
    ax.set(title=title, xlabel="trial", ylabel="validation accuracy")
    ax.legend(loc="lower right", fontsize=8)


def _final_panel(ax: Any, data: DemoFigureData) -> None:
    ax.set(title="(b) final retrain", xlabel="epoch", ylabel="training loss")
    curves = data.final
    if curves is None:
        ax.text(0.5, 0.5, "no final retrain", ha="center", transform=ax.transAxes)
        return
    ax.plot(curves.epochs, curves.loss, "o-", ms=3, color="tab:purple", label="training loss")
    right = ax.twinx()
    right.plot(curves.epochs, curves.accuracy, "s-", ms=3, color="tab:green",
               label="training accuracy")  # fmt: skip
    right.axhline(data.published, ls="--", color="black", lw=1,
                  label=f"published test accuracy {data.published:.2%}")  # fmt: skip
    if curves.test_accuracy is not None:
        right.plot([curves.epochs[-1]], [curves.test_accuracy], "*", ms=12, color="tab:red",
                   label=f"our test accuracy {curves.test_accuracy:.2%}")  # fmt: skip
    right.set_ylabel("accuracy")
    lines = ax.get_legend_handles_labels()
    more = right.get_legend_handles_labels()
    right.legend(lines[0] + more[0], lines[1] + more[1], loc="center right", fontsize=8)
