"""``smarttune recommend TASK``: the knowledge base's top configurations for a task."""

from __future__ import annotations

import json
import math
import warnings
from pathlib import Path

import click

from smarttune._validation import Interval, validate_parameter
from smarttune.knowledge import (
    METHODS,
    KnowledgeBase,
    UnseenParameterWarning,
    default_path,
    describe_task,
    learn_study,
    task_family,
)
from smarttune.metadataset import probe_search_space
from smarttune.tasks import get_task

__all__ = ["learn_from", "open_knowledge", "recommend_command"]


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
@click.argument("task")
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
    task: str, top: int, knowledge_path: str | None, method: str, as_json: bool
) -> None:
    """Recommend configurations for the built-in TASK from past studies of its model."""
    validate_parameter("--top", top, [Interval(int, 1, None)], kind="option")
    kb, origin = open_knowledge(knowledge_path, method)
    loaded = get_task(task)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", UnseenParameterWarning)
        picks = kb.recommend(loaded, top, search_space=probe_search_space(loaded))
    for warning in caught:
        click.echo(f"warning: {warning.message}", err=True)
    if as_json:
        rows = [
            {"params": r.params, "predicted_score": None if math.isnan(s) else s}
            for r, s in ((r, r.predicted_score) for r in picks)
        ]
        click.echo(json.dumps({"task": task, "recommendations": rows}, indent=2, default=str))
        return
    family = task_family(loaded)
    n = len(kb.records_of(family))
    click.echo(f"Top {len(picks)} for {task} from {n} {family!r} studies in {_short(origin)}:")
    for rank, pick in enumerate(picks, 1):
        params = ", ".join(
            f"{k}={v:.6g}" if isinstance(v, float) else f"{k}={v!r}" for k, v in pick.params.items()
        )
        score = (
            "n/a (defaults)" if math.isnan(pick.predicted_score) else f"{pick.predicted_score:.3f}"
        )
        click.echo(f"{rank:>3}. predicted score {score}  {params}")


def _short(origin: str) -> str:
    return origin if len(origin) < 80 else Path(origin).name


def learn_from(study: object, loaded: object) -> None:
    """Add a finished study of ``smarttune tune --learn`` to the user's knowledge base."""
    import optuna

    assert isinstance(study, optuna.Study)
    task = getattr(loaded, "task", None)
    name = str(getattr(loaded, "name", study.study_name))
    description = (
        describe_task(task)
        if task is not None
        else {"task": name, "family": name, "dataset": name, "meta_features": {}}
    )
    path, joined = learn_study(study, description)
    if joined:
        click.echo(f"Added study {study.study_name!r} to the knowledge base {path}.")
    else:
        click.echo(f"Study {study.study_name!r} has no completed trial; not added to {path}.")
