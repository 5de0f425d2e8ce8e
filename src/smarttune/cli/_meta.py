"""``smarttune meta build|export``: build the meta-dataset; export a storage's knowledge."""

from __future__ import annotations

import click

from smarttune._validation import Interval, Options, validate_parameter
from smarttune.cli._options import quiet_optuna_logs
from smarttune.knowledge import KnowledgeBase
from smarttune.metadataset import FAMILIES, SUITE, build_metadataset
from smarttune.storage import open_storage

__all__ = ["meta_command"]


@click.group("meta")
def meta_command() -> None:
    """Build and export knowledge bases of finished studies."""


@meta_command.command("build")
@click.option(
    "--storage",
    default="sqlite:///smarttune-meta.db",
    show_default=True,
    help="Where the meta-dataset's studies go (resumable).",
)
@click.option("--output", type=click.Path(dir_okay=False), help="Write the knowledge base here.")
@click.option("--trials", type=int, default=50, show_default=True, help="TPE trials per study.")
@click.option("--datasets", help="Comma-separated suite datasets (default: all).")
@click.option("--families", help=f"Comma-separated families (default: {','.join(FAMILIES)}).")
@click.option("--no-grids", is_flag=True, help="Skip the classic-grid studies.")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of splits and TPE.")
def build_command(
    storage: str,
    output: str | None,
    trials: int,
    datasets: str | None,
    families: str | None,
    no_grids: bool,
    seed: int,
) -> None:
    """Tune the model families on the suite's datasets and index the studies."""
    validate_parameter("--trials", trials, [Interval(int, 1, None)], kind="option")
    validate_parameter("--seed", seed, [Interval(int, 0, 2**32 - 1)], kind="option")
    chosen = _split(datasets, list(SUITE), "--datasets")
    kinds = _split(families, list(FAMILIES), "--families")
    quiet_optuna_logs()
    opened = open_storage(storage)
    build_metadataset(
        opened,
        datasets=chosen,
        families=kinds,
        grids=not no_grids,
        n_trials=trials,
        seed=seed,
        log=click.echo,
    )
    _export(opened, storage, output)


@meta_command.command("export")
@click.option("--storage", required=True, help="The storage whose studies to index.")
@click.option("--output", required=True, type=click.Path(dir_okay=False), help="JSON file.")
def export_command(storage: str, output: str) -> None:
    """Index the studies of a storage that describe their task into a JSON knowledge base."""
    _export(open_storage(storage), storage, output)


def _export(opened: object, storage: str, output: str | None) -> None:
    kb = KnowledgeBase.from_storage(opened)  # type: ignore[arg-type]
    click.echo(f"{len(kb)} studies in {storage} ({', '.join(kb.families()) or 'none'}).")
    if output is not None:
        click.echo(f"Knowledge base written to {kb.save(output)}.")


def _split(value: str | None, allowed: list[str], option: str) -> list[str]:
    if value is None:
        return allowed
    names = [v.strip() for v in value.split(",") if v.strip()]
    for name in names:
        validate_parameter(option, name, [Options(tuple(allowed))], kind="option")
    return names
