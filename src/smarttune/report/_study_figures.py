"""The study page's trial figures as Plotly specifications (plain dicts, no plotting library)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

from smarttune.report._plotly_specs import (
    COLORS,
    PALETTE,
    Figure,
    figure,
    finite_or_none,
    text,
)
from smarttune.report._trial_sections import BanditProgress, Curve, History, TimelineBar

__all__ = [
    "bandit_figure",
    "distribution_figure",
    "generations_figure",
    "history_figure",
    "learning_curves_figure",
    "timeline_figure",
]


def history_figure(data: History, *, metric: str) -> Figure:
    """Each complete trial's value and the best value so far."""
    done = [(n, v) for n, v in zip(data.numbers, data.values, strict=True) if v is not None]
    points = {
        "type": "scatter", "mode": "markers", "name": "trial",
        "x": [n for n, _ in done], "y": finite_or_none([v for _, v in done]),
        "marker": {"color": COLORS["COMPLETE"], "size": 6, "opacity": 0.7},
    }  # fmt: skip
    best = {
        "type": "scatter", "mode": "lines", "name": "best so far", "x": data.numbers,
        "y": finite_or_none(data.best), "line": {"color": COLORS["best"], "shape": "hv"},
    }  # fmt: skip
    pruned = sum(1 for s in data.states if s == "PRUNED")
    failed = sum(1 for s in data.states if s == "FAIL")
    note = "optimization history"
    if pruned or failed:
        note += f" ({pruned} pruned and {failed} failed trials have no value)"
    return figure([points, best], title=note, x="trial", y=text(metric))


def _joined(curves: Sequence[Curve]) -> tuple[list[Any], list[Any], list[Any]]:
    """Many curves as one trace: points separated by None, hover text naming the trial."""
    xs: list[Any] = []
    ys: list[Any] = []
    labels: list[Any] = []
    for curve in curves:
        xs += [*curve.steps, None]
        ys += [*finite_or_none(curve.values), None]
        labels += [f"trial {curve.number}"] * len(curve.steps) + [None]
    return xs, ys, labels


def learning_curves_figure(curves: Sequence[Curve]) -> Figure:
    """Intermediate values per step, one line per trial.

    Pruned trials have their own colour and an ``x`` where each stopped. Curves of a state
    share a trace, so 1,000 trials draw fast.
    """
    data: list[dict[str, Any]] = []
    for state, label in (("COMPLETE", "complete"), ("PRUNED", "pruned"), ("FAIL", "failed")):
        chosen = [c for c in curves if c.state == state]
        if not chosen:
            continue
        xs, ys, labels = _joined(chosen)
        data.append({
            "type": "scatter", "mode": "lines", "name": f"{label} ({len(chosen)})",
            "x": xs, "y": ys, "text": labels, "hovertemplate": "%{text}<br>step %{x}: %{y}",
            "line": {"color": COLORS[state], "width": 1}, "opacity": 0.6,
        })  # fmt: skip
    ends = [c for c in curves if c.state == "PRUNED" and c.steps]
    if ends:
        data.append({
            "type": "scatter", "mode": "markers", "name": "pruned here",
            "x": [c.steps[-1] for c in ends], "y": finite_or_none([c.values[-1] for c in ends]),
            "text": [f"trial {c.number} pruned" for c in ends], "hovertemplate": "%{text}",
            "marker": {"symbol": "x", "color": COLORS["PRUNED"], "size": 8},
        })  # fmt: skip
    return figure(data, title="intermediate values (learning curves)", x="step", y="value")


def distribution_figure(x: Sequence[float], y: Sequence[float], *, metric: str) -> Figure:
    """The empirical cumulative distribution of the complete trials' values."""
    trace = {
        "type": "scatter", "mode": "lines", "name": "complete trials", "x": list(x),
        "y": list(y), "line": {"shape": "hv", "color": COLORS["COMPLETE"]},
    }  # fmt: skip
    return figure(
        [trace], title="empirical distribution of values", x=text(metric), y="fraction of trials"
    )


def timeline_figure(bars: Sequence[TimelineBar]) -> Figure:
    """Trials from start to finish on a time axis, one row per worker, coloured by state."""
    by_state: dict[str, list[TimelineBar]] = defaultdict(list)
    for bar in bars:
        by_state[bar.state].append(bar)
    data = [
        {
            "type": "bar", "orientation": "h", "name": state.lower(),
            "base": [_iso(b.start) for b in chosen],
            "x": [max((b.end - b.start) * 1000.0, 1.0) for b in chosen],
            "y": [text(b.lane) for b in chosen],
            "text": [f"trial {b.number}" for b in chosen], "hovertemplate": "%{text}",
            "marker": {"color": COLORS.get(state, PALETTE[-1])}, "textposition": "none",
        }
        for state, chosen in sorted(by_state.items())
    ]  # fmt: skip
    lanes = len({b.lane for b in bars})
    return figure(
        data, title="timeline of trials per worker", x="time", y="worker",
        height=max(260, 80 + 28 * lanes), barmode="overlay",
        xaxis={"type": "date", "title": {"text": "time (UTC)"}},
    )  # fmt: skip


def _iso(seconds: float) -> str:
    from datetime import datetime, timezone

    return datetime.fromtimestamp(seconds, tz=timezone.utc).strftime("%Y-%m-%d %H:%M:%S.%f")


def generations_figure(groups: Mapping[str, Sequence[float]], *, metric: str) -> Figure:
    """The genetic algorithm's score distribution per generation, then the bandit phase."""
    data = [
        {
            "type": "box", "name": name, "y": finite_or_none(list(values)),
            "boxpoints": "all", "jitter": 0.4, "pointpos": 0,
            "marker": {"color": COLORS["bandit" if name == "bandit" else "genetic"], "size": 4},
        }
        for name, values in groups.items()
    ]  # fmt: skip
    return figure(
        data, title="scores per generation", x="generation", y=text(metric), showlegend=False
    )


def bandit_figure(progress: BanditProgress, *, metric: str) -> Figure:
    """The bandit refinement: each bandit trial and the best so far (genetic phase included)."""
    steps = list(range(1, len(progress.numbers) + 1))
    labels = [f"trial {n}" for n in progress.numbers]
    data = [
        {
            "type": "scatter", "mode": "markers", "name": "bandit trial", "x": steps,
            "y": finite_or_none(progress.values), "text": labels,
            "marker": {"color": COLORS["bandit"], "size": 7},
        },
        {
            "type": "scatter", "mode": "lines", "name": "best so far (genetic phase included)",
            "x": steps, "y": finite_or_none(progress.best),
            "line": {"color": COLORS["best"], "shape": "hv"},
        },
    ]  # fmt: skip
    return figure(data, title="bandit refinement progress", x="bandit iteration", y=text(metric))
