"""Static PNG versions of a study's key figures (matplotlib), for terminals and papers."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from smarttune._imports import optional_import
from smarttune.report._figure import render_study_figure
from smarttune.report._study_data import TrialRecord, study_records
from smarttune.report._study_report import study_importances
from smarttune.report._trial_sections import history, learning_curves

if TYPE_CHECKING:
    import optuna

__all__ = ["write_study_pngs"]


def _pyplot() -> Any:
    matplotlib = optional_import("matplotlib", extra="plot", purpose="PNG reports")
    matplotlib.use("Agg")
    return optional_import("matplotlib.pyplot", extra="plot")


def _history_png(plt: Any, records: Sequence[TrialRecord], path: Path, maximize: bool) -> None:
    data = history(records, maximize=maximize)
    figure, ax = plt.subplots(figsize=(8, 4.5), constrained_layout=True)
    done = [(n, v) for n, v in zip(data.numbers, data.values, strict=True) if v is not None]
    ax.scatter([n for n, _ in done], [v for _, v in done], s=12, label="complete trial")
    best = [b if b is not None else math.nan for b in data.best]
    ax.step(data.numbers, best, where="post", color="tab:red", label="best so far")
    ax.set(title="optimization history", xlabel="trial", ylabel="objective value")
    ax.legend()
    figure.savefig(path, dpi=110)
    plt.close(figure)


def _curves_png(plt: Any, records: Sequence[TrialRecord], path: Path) -> bool:
    curves = learning_curves(records)
    if not curves:
        return False
    figure, ax = plt.subplots(figsize=(8, 4.5), constrained_layout=True)
    for state, color in (("COMPLETE", "tab:blue"), ("PRUNED", "tab:orange"), ("FAIL", "gray")):
        chosen = [c for c in curves if c.state == state]
        xs = [x for c in chosen for x in (*c.steps, math.nan)]
        ys = [y for c in chosen for y in (*c.values, math.nan)]
        ax.plot(xs, ys, lw=0.8, alpha=0.5, color=color, label=f"{state.lower()} ({len(chosen)})")
    ends = [c for c in curves if c.state == "PRUNED"]
    ax.plot([c.steps[-1] for c in ends], [c.values[-1] for c in ends], "x", color="tab:orange")
    ax.legend()
    ax.set(title="learning curves (orange: pruned, x where stopped)", xlabel="step",
           ylabel="intermediate value")  # fmt: skip
    figure.savefig(path, dpi=110)
    plt.close(figure)
    return True


def _importance_png(plt: Any, importances: Mapping[str, Mapping[str, float]], path: Path) -> bool:
    names = sorted({p for scores in importances.values() for p in scores})
    if not names:
        return False
    figure, ax = plt.subplots(figsize=(8, 1.5 + 0.45 * len(names)), constrained_layout=True)
    height = 0.8 / max(1, len(importances))
    for i, (method, scores) in enumerate(importances.items()):
        positions = [j + i * height for j in range(len(names))]
        ax.barh(positions, [scores.get(n, 0.0) for n in names], height=height, label=method)
    ax.set_yticks([j + 0.4 - height / 2 for j in range(len(names))], names)
    ax.set(title="parameter importance", xlabel="importance (sums to 1)")
    ax.legend()
    figure.savefig(path, dpi=110)
    plt.close(figure)
    return True


def write_study_pngs(study: optuna.Study, directory: str | Path) -> list[Path]:
    """Write the key figures of a study as PNG files into ``directory`` (created if needed).

    ``history.png`` (values and best so far), ``learning_curves.png`` (when trials reported
    intermediate values), ``importance.png`` (fANOVA and PED-ANOVA, when there are parameters
    to rank) and ``overview.png`` (the four-panel study figure: scores, losses, generations,
    bandit refinement).

    Raises:
        MissingDependencyError: If matplotlib (the ``plot`` extra) is not installed.
    """
    plt = _pyplot()
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    records = study_records(study)
    maximize = study.directions[0].name == "MAXIMIZE"
    written = [out / "history.png"]
    _history_png(plt, records, written[0], maximize)
    if _curves_png(plt, records, out / "learning_curves.png"):
        written.append(out / "learning_curves.png")
    if _importance_png(plt, study_importances(study), out / "importance.png"):
        written.append(out / "importance.png")
    written.append(render_study_figure(records, out / "overview.png", maximize=maximize,
                                       title=study.study_name))  # fmt: skip
    return written
