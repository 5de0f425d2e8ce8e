"""The Markdown summary of the sampler benchmark, from the rows of its results file.

For each budget: (a) mean ranks, (b) median regret per function x dimension and the reference's
wins, ties and losses against TPE, (c) its losses against random, (d) a Friedman test and
Holm-corrected Wilcoxon tests of the reference against each other sampler, and the issue's
targets marked PASS or FAIL.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from statistics import mean
from typing import Any

import _stats
from _bbob import BBOB, Row

#: The issue's targets.
WIN_FRACTION_TARGET = 0.70
WIN_TARGET_BUDGET = 100


@dataclass(frozen=True)
class Setting:
    """What to summarize: the samplers (in table order), the reference and the task directions."""

    samplers: tuple[str, ...]
    reference: str
    directions: Mapping[str, str]


def md_table(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> list[str]:
    """A Markdown table, numbers written with :func:`fmt`."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(fmt(value) for value in row) + " |" for row in rows]
    return [*lines, ""]


def fmt(value: Any) -> str:
    """Floats to three significant digits (whole numbers from 100 to 1e5), the rest as is."""
    if not isinstance(value, float):
        return str(value)
    if math.isnan(value):
        return "-"
    return f"{value:.0f}" if 100 <= abs(value) < 1e5 else f"{value:.3g}"


def loss(row: Row, directions: Mapping[str, str]) -> float:
    """Regret for BBOB; the score, negated when maximized, for a task."""
    if row["suite"] == BBOB:
        return float(row["regret"])
    sign = -1.0 if directions.get(row["function"], "maximize") == "maximize" else 1.0
    return sign * float(row["best_value"])


def blocks(rows: Iterable[Row], budget: int, setting: Setting, suite: str) -> _stats.Blocks:
    """Blocks (problem x seed) of one suite at one budget where every sampler has a loss."""
    found: _stats.Blocks = {}
    for row in rows:
        if row["budget"] == budget and row["suite"] == suite and row["sampler"] in setting.samplers:
            key = (row["function"], row["dim"], row["instance"], row["seed"])
            found.setdefault(key, {})[row["sampler"]] = loss(row, setting.directions)
    return {
        key: block
        for key, block in found.items()
        if len(block) == len(setting.samplers) and not any(map(math.isnan, block.values()))
    }


def _by_function_dim(key: tuple[Any, ...]) -> str:
    return f"f{key[0]} d{key[1]}"


def _function_dim_order(label: str) -> tuple[int, int]:
    function, dim = label[1:].split(" d")
    return int(dim), int(function)


def _by_task(key: tuple[Any, ...]) -> str:
    return str(key[0])


def _joint(bbob: _stats.Blocks, tasks: _stats.Blocks) -> _stats.Blocks:
    return {**{(BBOB, *key): block for key, block in bbob.items()}, **tasks}


def _rank_lines(bbob: _stats.Blocks, tasks: _stats.Blocks, setting: Setting) -> list[str]:
    everything = _joint(bbob, tasks)
    columns = [_stats.mean_ranks(b, setting.samplers) for b in (everything, bbob, tasks)]
    header = ["sampler", f"all ({len(everything)})", f"BBOB ({len(bbob)})", f"tasks ({len(tasks)})"]
    table = [[s, *(column[s] for column in columns)] for s in setting.samplers]
    return ["### (a) Mean rank (1 = best; blocks in brackets)", "", *md_table(header, table)]


def _median_lines(medians: Mapping[str, Mapping[str, float]], setting: Setting) -> list[str]:
    cells = sorted(medians, key=_function_dim_order)
    table = [[cell, *(medians[cell][s] for s in setting.samplers)] for cell in cells]
    title = "### (b) Median regret over instances x seeds, per function x dimension"
    return [title, "", *md_table(["cell", *setting.samplers], table)]


def _task_lines(medians: Mapping[str, Mapping[str, float]], setting: Setting) -> list[str]:
    if not medians:
        return []
    signs = {t: -1.0 if setting.directions.get(t) != "minimize" else 1.0 for t in medians}
    table = [[t, *(signs[t] * row[s] for s in setting.samplers)] for t, row in medians.items()]
    title = "### Tasks: median best validation score over seeds"
    return [title, "", *md_table(["task", *setting.samplers], table)]


def _test_lines(bbob: _stats.Blocks, setting: Setting) -> list[str]:
    statistic, p_value = _stats.friedman(bbob, setting.samplers)
    lines = [
        "### (d) Tests on BBOB blocks",
        "",
        f"Friedman chi-square = {fmt(statistic)}, p = {fmt(p_value)} "
        f"({len(bbob)} blocks, {len(setting.samplers)} samplers).",
        "",
    ]
    if setting.reference not in setting.samplers or len(bbob) < 2:
        return lines
    tests = _stats.pairwise_wilcoxon(bbob, setting.reference, setting.samplers)
    table = [[other, p, p_holm] for other, (p, p_holm) in tests.items()]
    caption = f"Wilcoxon signed-rank, {setting.reference} vs each, on log10(regret + 1e-8):"
    return [*lines, caption, "", *md_table(["vs", "p", "p (Holm)"], table)]


def _comparison(
    medians: Mapping[str, Mapping[str, float]], setting: Setting, other: str
) -> _stats.Comparison | None:
    if not medians or setting.reference not in setting.samplers or other not in setting.samplers:
        return None
    return _stats.compare(medians, setting.reference, other)


def _verdict(passed: bool | None) -> str:
    return "n/a" if passed is None else ("PASS" if passed else "FAIL")


def _rank_target(ranks: Mapping[str, float], reference: str) -> tuple[str, bool | None]:
    others = {s: r for s, r in ranks.items() if s != reference}
    if reference not in ranks or math.isnan(ranks[reference]) or not others:
        return "-", None
    runner_up = min(others, key=lambda s: others[s])
    text = f"{reference} {ranks[reference]:.2f}; best other {runner_up} {others[runner_up]:.2f}"
    return text, all(ranks[reference] < r for r in others.values())


def _tpe_target(vs_tpe: _stats.Comparison | None) -> tuple[str, bool | None]:
    if vs_tpe is None or not vs_tpe.cells:
        return "-", None
    text = (
        f"{vs_tpe.wins}/{vs_tpe.cells} = {vs_tpe.win_fraction:.0%} wins "
        f"({vs_tpe.ties} ties, {vs_tpe.losses} losses)"
    )
    return text, vs_tpe.win_fraction >= WIN_FRACTION_TARGET


def _random_target(comparisons: Sequence[_stats.Comparison | None]) -> tuple[str, bool | None]:
    found = [c for c in comparisons if c is not None and c.cells]
    if not found:
        return "-", None
    losses, ties = sum(c.losses for c in found), sum(c.ties for c in found)
    cells = sum(c.cells for c in found)
    return f"worse in {losses} of {cells} cells ({ties} ties)", losses == 0


def _target_lines(targets: Sequence[tuple[str, tuple[str, bool | None]]]) -> list[str]:
    table = [[name, text, _verdict(passed)] for name, (text, passed) in targets]
    return ["### Targets", "", *md_table(["target", "result", "verdict"], table)]


def _time_lines(rows: Sequence[Row], budget: int, setting: Setting) -> list[str]:
    groups = sorted({str(r["dim"]) if r["suite"] == BBOB else r["function"] for r in rows})
    per_trial: dict[tuple[str, str], list[float]] = {}
    for row in rows:
        if row["budget"] == budget and row["sampler"] in setting.samplers:
            group = str(row["dim"]) if row["suite"] == BBOB else row["function"]
            per_trial.setdefault((row["sampler"], group), []).append(row["sampler_s"] / budget)
    table = [
        [s, *(1000 * mean(per_trial.get((s, g), [math.nan])) for g in groups)]
        for s in setting.samplers
    ]
    header = ["sampler", *(f"d={g}" if g.isdigit() else g for g in groups)]
    title = "### Sampler time per trial (ms; ask + suggest + tell, mean over cells)"
    return [title, "", *md_table(header, table)]


def budget_section(rows: Sequence[Row], budget: int, setting: Setting) -> list[str]:
    """The Markdown section of one budget."""
    bbob = blocks(rows, budget, setting, BBOB)
    tasks = blocks(rows, budget, setting, "sklearn")
    medians = _stats.cell_medians(bbob, setting.samplers, _by_function_dim)
    task_medians = _stats.cell_medians(tasks, setting.samplers, _by_task)
    note = "" if budget == WIN_TARGET_BUDGET else f" (the issue sets it at {WIN_TARGET_BUDGET})"
    random_comparisons = [_comparison(m, setting, "random") for m in (medians, task_medians)]
    targets = [
        ("(a) best mean rank of all samplers", _rank_target(
            _stats.mean_ranks(_joint(bbob, tasks), setting.samplers), setting.reference)),
        (f"(b) beats TPE's median regret on >= 70% of f x d cells{note}",
         _tpe_target(_comparison(medians, setting, "tpe"))),
        ("(c) never worse than random (median, f x d cells and tasks)",
         _random_target(random_comparisons)),
    ]  # fmt: skip
    return [
        f"## Budget {budget} trials (reference: {setting.reference})",
        "",
        *_target_lines(targets),
        *_rank_lines(bbob, tasks, setting),
        *_test_lines(bbob, setting),
        *_time_lines(rows, budget, setting),
        *_task_lines(task_medians, setting),
        *_median_lines(medians, setting),
    ]


def summarize(
    rows: Sequence[Row], budgets: Sequence[int], setting: Setting, header: Sequence[str]
) -> str:
    """The whole summary: ``header`` lines, then one section per budget."""
    lines = list(header)
    for budget in budgets:
        lines += budget_section(rows, budget, setting)
    return "\n".join(lines)
