"""The study report: one self-contained HTML page that shows what a study did and why."""

from __future__ import annotations

import json
import warnings
from collections.abc import Sequence
from datetime import datetime, timezone
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import TYPE_CHECKING

from smarttune.report import _param_figures as pf
from smarttune.report import _study_figures as sf
from smarttune.report._html import Plot, Section, plotly_bundle, render_page
from smarttune.report._param_sections import (
    interaction_grid,
    parallel_coordinates,
    param_importances,
    slices,
)
from smarttune.report._params import ParamSpec, param_specs
from smarttune.report._pareto import pareto_sections
from smarttune.report._study_data import TrialRecord, scores_by_group, study_records
from smarttune.report._table import trial_table
from smarttune.report._trial_sections import (
    bandit_progress,
    empirical_distribution,
    history,
    learning_curves,
    timeline,
)
from smarttune.samplers._hybrid import SWITCH_KEY

if TYPE_CHECKING:
    import optuna

__all__ = [
    "render_study_report",
    "study_facts",
    "study_importances",
    "study_sections",
    "write_study_report",
]

#: How many of the most important parameters are paired in interaction plots.
INTERACTION_PARAMS = 3


def _version() -> str:
    try:
        return version("smarttune")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "unknown"


def study_facts(study: optuna.Study, records: Sequence[TrialRecord]) -> dict[str, str]:
    """The summary under the page title: name, direction, counts, best trial, switch."""
    states = [r.state for r in records]
    facts = {
        "study": study.study_name,
        "direction": ", ".join(d.name.lower() for d in study.directions),
        "trials": ", ".join(
            f"{states.count(s)} {word}"
            for s, word in (("COMPLETE", "complete"), ("PRUNED", "pruned"), ("FAIL", "failed"))
        ),
    }
    if len(study.directions) > 1:
        facts["note"] = "multi-objective study: the figures show the first objective"
    complete = [t for t in study.get_trials(deepcopy=False) if t.state.name == "COMPLETE"]
    if complete and len(study.directions) == 1:
        best = study.best_trial
        facts["best value"] = f"{best.value:.6g} (trial {best.number})"
        facts["best parameters"] = json.dumps(best.params, default=str)
    switch = study._storage.get_study_system_attrs(study._study_id).get(SWITCH_KEY)
    if switch is not None:
        facts["switch to bandit"] = json.dumps(switch, default=str)
    facts["generated"] = f"{datetime.now(timezone.utc):%Y-%m-%d %H:%M UTC} by smarttune "
    facts["generated"] += _version()
    return facts


def study_importances(study: optuna.Study) -> dict[str, dict[str, float]]:
    """The study's parameter importances by fANOVA and PED-ANOVA (see param_importances)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Optuna's notes on custom targets and small samples
        return {
            "fANOVA": param_importances(study, method="fanova"),
            "PED-ANOVA": param_importances(study, method="ped-anova"),
        }


def _parameter_sections(
    study: optuna.Study, records: Sequence[TrialRecord], specs: Sequence[ParamSpec], metric: str
) -> list[Section]:
    maximize = study.directions[0].name == "MAXIMIZE"
    importances = study_importances(study)
    ranked = list(next((s for s in importances.values() if s), {})) or [s.name for s in specs]
    by_name = {s.name: s for s in specs}
    top = [by_name[n] for n in ranked if n in by_name][:INTERACTION_PARAMS]
    pairs = [(a, b) for i, a in enumerate(top) for b in top[i + 1 :]]
    axes, values, _ = parallel_coordinates(records, specs)
    return [
        Section(
            "Parameter importance",
            "How much of the objective's variation each parameter explains: Optuna's fANOVA "
            "(random-forest variance decomposition) and PED-ANOVA (top trials against all).",
            [Plot(pf.importance_figure(importances))],
        ),
        Section(
            "Parallel coordinates",
            "One line per complete trial; drag along an axis to keep a range.",
            [
                Plot(
                    pf.parallel_figure(axes, values, metric=metric, maximize=maximize),
                    pf.parallel_fallback_figure(axes, values, metric=metric, maximize=maximize),
                )
            ],
        ),
        Section(
            "Slices",
            "The objective against each parameter; colour is the trial number.",
            [Plot(pf.slice_figure(s, metric=metric)) for s in slices(records, specs)],
            grid=True,
        ),
        Section(
            "Interactions",
            "The mean objective over pairs of the most important parameters (a grid of cells; "
            "log-scale parameters in log10 units), with the trials as dots.",
            [
                Plot(pf.interaction_figure(interaction_grid(records, a, b), metric=metric,
                                           maximize=maximize))
                for a, b in pairs
            ],
            grid=True,
        ),
    ]  # fmt: skip


def _search_sections(
    records: Sequence[TrialRecord], *, maximize: bool, metric: str
) -> list[Section]:
    groups = scores_by_group(records)
    if not any(r.generation is not None or r.phase is not None for r in records):
        return []
    plots = [Plot(sf.generations_figure(groups, metric=metric))]
    if any(r.phase == "bandit" for r in records):
        progress = bandit_progress(records, maximize=maximize)
        plots.append(Plot(sf.bandit_figure(progress, metric=metric)))
    intro = (
        "The genetic algorithm's scores per generation, then the bandit refinement: each "
        "bandit trial and the best value so far, counting the genetic phase's trials."
    )
    return [Section("Genetic generations and bandit refinement", intro, plots, grid=True)]


def study_sections(
    study: optuna.Study,
    *,
    metric: str = "objective value",
    records: Sequence[TrialRecord] | None = None,
) -> list[Section]:
    """Every section of the study page, figures as Plotly specifications (no plotting library).

    ``records`` are the study's :func:`study_records` when the caller has them already.
    """
    records = study_records(study) if records is None else records
    specs = param_specs(study)
    maximize = study.directions[0].name == "MAXIMIZE"
    sections = [
        Section(
            "Optimization history",
            "Each complete trial's value and the best value so far.",
            [Plot(sf.history_figure(history(records, maximize=maximize), metric=metric))],
        )
    ]
    sections += pareto_sections(study)  # multi-objective studies only
    curves = learning_curves(records)
    if curves:
        sections.append(
            Section(
                "Learning curves",
                "Intermediate values each trial reported; pruned trials end with an x.",
                [Plot(sf.learning_curves_figure(curves))],
            )
        )
    if specs:
        sections += _parameter_sections(study, records, specs, metric)
    x, y = empirical_distribution([r.value for r in records])
    sections += [
        Section(
            "Empirical distribution",
            "The fraction of complete trials whose value is at most x.",
            [Plot(sf.distribution_figure(x, y, metric=metric))],
        ),
        Section(
            "Timeline",
            "When each trial ran; one row per worker (rows are inferred from overlapping trials "
            "when the executor recorded no worker).",
            [Plot(sf.timeline_figure(timeline(records)))],
        ),
        *_search_sections(records, maximize=maximize, metric=metric),
        Section("Trials", "Click a heading to sort.", table=trial_table(records, specs)),
    ]
    return sections


def render_study_report(study: optuna.Study, *, metric: str = "objective value") -> str:
    """The study page as HTML text (Plotly's JavaScript inline)."""
    records = study_records(study)
    return render_page(
        title=f"smarttune study {study.study_name}",
        facts=study_facts(study, records),
        sections=study_sections(study, metric=metric, records=records),
        bundle=plotly_bundle(),
    )


def write_study_report(
    study: optuna.Study, path: str | Path, *, metric: str = "objective value"
) -> Path:
    """Write the study page to ``path`` (UTF-8) and return the path.

    Raises:
        MissingDependencyError: If plotly (the ``plot`` extra) is not installed.
    """
    out = Path(path)
    out.write_text(render_study_report(study, metric=metric), encoding="utf-8")
    return out
