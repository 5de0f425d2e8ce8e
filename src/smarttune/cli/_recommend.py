"""``smarttune recommend TASK``: the knowledge base's top configurations for a task."""

from __future__ import annotations

import json
import math
import warnings
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

import click

from smarttune._target import TUNES_KEY
from smarttune._validation import Interval, validate_parameter
from smarttune.cli._portfolio import MODELS, print_portfolio
from smarttune.exceptions import InvalidParameterError
from smarttune.knowledge import (
    METHODS,
    KnowledgeBase,
    Recommendation,
    UnseenParameterWarning,
    default_path,
    describe_task,
    learn_study,
    task_family,
)
from smarttune.knowledge._io import Learned
from smarttune.knowledge._scale import ValueScale, value_scale
from smarttune.metadataset import probe_search_space
from smarttune.tasks import get_task

__all__ = ["best_first", "learn_from", "open_knowledge", "recommend_command"]


def open_knowledge(path: str | None, method: str = "tst") -> tuple[KnowledgeBase, str]:
    """The knowledge base at ``path``, else the bundled one plus the user's; and its origin."""
    if path is not None:
        return KnowledgeBase.load(path, method=method), path
    kb = KnowledgeBase.bundled(method=method)
    user = default_path()
    if user.exists():
        kb.merge(KnowledgeBase.load(user))
        return kb, f"the bundled knowledge base and {user}"
    return kb, "the bundled knowledge base"


@click.command("recommend")
@click.argument("task", required=False)
@click.option(
    "--model",
    type=click.Choice(sorted(MODELS)),
    help="Print the measured portfolio of an everyday model (in its library's names) instead.",
)
@click.option("--top", type=int, default=5, show_default=True, help="How many configurations.")
@click.option(
    "--knowledge",
    "knowledge_path",
    type=click.Path(dir_okay=False),
    help="A knowledge-base JSON file (default: the bundled one plus yours, see --learn).",
)
@click.option(
    "--method",
    type=click.Choice(sorted(METHODS)),
    default="tst",
    show_default=True,
    help="The cross-task meta-model.",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a list.")
def recommend_command(
    task: str | None,
    model: str | None,
    top: int,
    knowledge_path: str | None,
    method: str,
    as_json: bool,
) -> None:
    """Recommend configurations for the built-in TASK from past studies of its model."""
    validate_parameter("--top", top, [Interval(int, 1, None)], kind="option")
    if model is not None:
        print_portfolio(model, top, as_json)
        return
    if task is None:
        raise InvalidParameterError("recommend needs a built-in TASK or --model.")
    kb, origin = open_knowledge(knowledge_path, method)
    loaded = get_task(task)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", UnseenParameterWarning)
        picks = kb.recommend(loaded, top, search_space=probe_search_space(loaded))
    for warning in caught:
        click.echo(f"warning: {warning.message}", err=True)
    family = task_family(loaded)
    records = kb.records_of(family)
    scale = value_scale(records, task, loaded.direction)
    picks = best_first(picks)
    if as_json:
        click.echo(json.dumps(_document(task, loaded, scale, picks), indent=2, default=str))
        return
    click.echo(f"Top {len(picks)} for {task} from {len(records)} {family!r} studies in "
               f"{_short(origin)}:")  # fmt: skip
    click.echo(_scale_line(task, loaded.metric, scale))
    for rank, pick in enumerate(picks, 1):
        params = ", ".join(
            f"{k}={v:.6g}" if isinstance(v, float) else f"{k}={v!r}" for k, v in pick.params.items()
        )
        click.echo(
            f"{rank:>3}. {_prediction(pick.predicted_score, loaded.metric, scale)}  {params}"
        )


def best_first(picks: Sequence[Recommendation]) -> list[Recommendation]:
    """``picks`` by predicted normalized score, highest first, defaults (NaN) last.

    The scale back to the task's units is monotone (best value at score 1), so this is also
    best-first in the printed units, whatever the direction.
    """
    return sorted(picks, key=lambda p: -p.predicted_score if not math.isnan(p.predicted_score)
                  else math.inf)  # fmt: skip


def _scale_line(task: str, metric: str, scale: ValueScale | None) -> str:
    if scale is None:
        return (
            "Predictions are normalized scores (1 = the best trial of a similar past study, "
            f"0 = its 10% quantile), not {metric}: no past study of {task} gives its units. "
            "Best first."
        )
    studies = "study" if scale.n_studies == 1 else "studies"
    return (
        f"Predictions are in {metric}: the normalized score mapped onto {scale.n_studies} past "
        f"{task} {studies} ({scale.n_trials} trials; score 0 = {_number(scale.zero)}, "
        f"1 = {_number(scale.one)}, their best). Best first."
    )


def _prediction(score: float, metric: str, scale: ValueScale | None) -> str:
    if math.isnan(score):
        return "predicted score n/a (defaults)"
    if scale is None:
        return f"predicted score {score:.3f}"
    return f"predicted {metric} {_number(scale.value(score))}"


def _number(value: float) -> str:
    return f"{value:.5g}"


def _document(
    task: str, loaded: Any, scale: ValueScale | None, picks: Sequence[Recommendation]
) -> dict[str, Any]:
    rows = [
        {
            "params": pick.params,
            "predicted_score": None if math.isnan(pick.predicted_score) else pick.predicted_score,
            "predicted_value": None
            if scale is None or math.isnan(pick.predicted_score)
            else scale.value(pick.predicted_score),
        }
        for pick in picks
    ]
    return {
        "task": task,
        "metric": loaded.metric,
        "direction": loaded.direction,
        "scale": None if scale is None else asdict(scale),
        "recommendations": rows,
    }


def _short(origin: str) -> str:
    return origin if len(origin) < 80 else Path(origin).name


def learn_from(study: object, loaded: object) -> None:
    """Add a finished study of ``smarttune tune --learn`` to the user's knowledge base."""
    import optuna

    assert isinstance(study, optuna.Study)
    task = getattr(loaded, "task", None)
    # A user function is known by its reference (``/abs/path/file.py:loss``), not its name, so
    # that two projects' ``loss`` studies are two records.
    tunes = study._storage.get_study_system_attrs(study._study_id).get(TUNES_KEY)
    reference = tunes.get("objective") if isinstance(tunes, dict) else None
    name = str(reference or getattr(loaded, "name", study.study_name))
    description = (
        describe_task(task)
        if task is not None
        else {"task": name, "family": name, "dataset": name, "meta_features": {}}
    )
    path, learned = learn_study(study, description)
    click.echo(_learned_line(study.study_name, path, learned))


def _learned_line(name: str, path: Path, learned: Learned | None) -> str:
    if learned is None:
        return f"Study {name!r} has no completed trial; not added to {path}."
    if learned.replaced:
        return f"Replaced the earlier record of study {learned.name!r} (same task) in {path}."
    if learned.name != name:
        return (
            f"Added study {name!r} as {learned.name!r} to the knowledge base {path} "
            f"(it holds a study of another task named {name!r})."
        )
    return f"Added study {name!r} to the knowledge base {path}."
