"""The Pareto front of a multi-objective study and its evolution: data, figures, sections.

The data step (:func:`pareto_data`) needs no plotting library. The evolution's hypervolume is
taken in the study's own box: each objective becomes a loss scaled to [0, 1] by its minimum
and maximum over the complete trials, and the reference point is 1.1 in every objective, so a
study's curve ends at the hypervolume of its final front in that box (values of different
studies are not comparable; ``smarttune compare`` uses a fixed reference point instead).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from smarttune._pareto import as_losses, hypervolume, pareto_mask
from smarttune.report._html import Plot, Section
from smarttune.report._plotly_specs import COLORS, Figure, figure, finite_or_none

if TYPE_CHECKING:
    import optuna

__all__ = ["ParetoData", "pareto_data", "pareto_sections"]

_REFERENCE = 1.1


@dataclass(frozen=True)
class ParetoData:
    """The complete trials of a multi-objective study, in the order they finished.

    Attributes:
        directions: ``"maximize"``/``"minimize"`` per objective.
        numbers: Trial numbers.
        values: Their objective vectors.
        on_front: Whether each trial is on the final Pareto front.
        hypervolume: The hypervolume of the front after each trial (see the module docstring).
        front_size: The size of the front after each trial.
    """

    directions: list[str]
    numbers: list[int]
    values: list[list[float]]
    on_front: list[bool]
    hypervolume: list[float]
    front_size: list[int]


def pareto_data(study: optuna.Study) -> ParetoData | None:
    """The Pareto data of ``study``; None for a single objective or no complete trial."""
    import optuna

    if len(study.directions) < 2:
        return None
    trials = [
        t
        for t in study.get_trials(deepcopy=False, states=(optuna.trial.TrialState.COMPLETE,))
        if t.values is not None
    ]
    if not trials:
        return None
    trials.sort(key=lambda t: (t.datetime_complete is None, t.datetime_complete, t.number))
    directions = [d.name.lower() for d in study.directions]
    losses = as_losses([t.values for t in trials], directions)
    low, high = losses.min(axis=0), losses.max(axis=0)
    scaled = (losses - low) / np.where(high > low, high - low, 1.0)
    reference = [_REFERENCE] * len(directions)
    volumes, sizes = [], []
    for end in range(1, len(trials) + 1):
        volumes.append(hypervolume(scaled[:end], reference))
        sizes.append(int(pareto_mask(losses[:end]).sum()))
    return ParetoData(
        directions=directions,
        numbers=[t.number for t in trials],
        values=[list(t.values) for t in trials],
        on_front=[bool(x) for x in pareto_mask(losses)],
        hypervolume=volumes,
        front_size=sizes,
    )


def front_figure(data: ParetoData) -> Figure:
    """The first two objectives of every complete trial, the final front highlighted."""
    label = [f"objective {i} ({d})" for i, d in enumerate(data.directions[:2])]
    traces = []
    for name, chosen, color in (
        ("dominated", False, COLORS["COMPLETE"]),
        ("Pareto front", True, COLORS["best"]),
    ):
        rows = [i for i, on in enumerate(data.on_front) if on == chosen]
        rows.sort(key=lambda i: data.values[i][0])
        traces.append({
            "type": "scatter", "mode": "markers+lines" if chosen else "markers", "name": name,
            "x": finite_or_none([data.values[i][0] for i in rows]),
            "y": finite_or_none([data.values[i][1] for i in rows]),
            "text": [f"trial {data.numbers[i]}" for i in rows],
            "marker": {"color": color, "size": 7},
            "line": {"shape": "hv", "color": color},
        })  # fmt: skip
    return figure(traces, title="Pareto front", x=label[0], y=label[1])


def evolution_figure(data: ParetoData) -> Figure:
    """Hypervolume (left axis) and front size (right axis) after each complete trial."""
    steps = list(range(1, len(data.numbers) + 1))
    volume = {
        "type": "scatter", "mode": "lines", "name": "hypervolume", "x": steps,
        "y": finite_or_none(data.hypervolume), "line": {"color": COLORS["best"], "shape": "hv"},
    }  # fmt: skip
    size = {
        "type": "scatter", "mode": "lines", "name": "front size", "x": steps,
        "y": data.front_size, "yaxis": "y2", "line": {"color": COLORS["COMPLETE"], "shape": "hv"},
    }  # fmt: skip
    right = {"title": {"text": "front size"}, "overlaying": "y", "side": "right"}
    return figure(
        [volume, size],
        title="Pareto front evolution",
        x="complete trials",
        y="hypervolume (study box)",
        yaxis2=right,
    )


def pareto_sections(study: optuna.Study) -> list[Section]:
    """The Pareto front and its evolution, or nothing for a single-objective study."""
    data = pareto_data(study)
    if data is None:
        return []
    note = f"{sum(data.on_front)} of {len(data.numbers)} complete trials are Pareto-optimal"
    if len(data.directions) > 2:
        note += f"; the figure shows the first two of {len(data.directions)} objectives"
    evolution = (
        "The hypervolume of the front after each complete trial, each objective scaled to "
        "[0, 1] over the study's complete trials (reference point 1.1), and the front's size."
    )
    return [
        Section("Pareto front", note + ".", [Plot(front_figure(data))]),
        Section("Pareto front evolution", evolution, [Plot(evolution_figure(data))]),
    ]
