"""``smarttune init [PATH]``: write a commented study config template."""

from __future__ import annotations

from pathlib import Path

import click

from smarttune.exceptions import InvalidParameterError

__all__ = ["init_command"]


@click.command("init")
@click.argument("path", default="smarttune.toml", type=click.Path(dir_okay=False))
@click.option("--force", is_flag=True, help="Overwrite PATH if it exists.")
def init_command(path: str, force: bool) -> None:
    """Write a commented study config to PATH (.toml, or .yaml/.yml for YAML).

    Edit it, then run `smarttune tune --config PATH`.
    """
    from smarttune.config import render_template
    from smarttune.config._read import FORMATS

    target = Path(path)
    kind = FORMATS.get(target.suffix.lower())
    if kind is None:
        raise InvalidParameterError(
            f"The 'PATH' argument must end in .toml, .yaml or .yml. Got {path!r} instead."
        )
    if target.exists() and not force:
        raise InvalidParameterError(
            f"{path!r} exists already; pass --force to overwrite it, or give another PATH."
        )
    try:
        target.write_text(render_template(kind, target.name), encoding="utf-8")
    except OSError as exc:
        raise InvalidParameterError(f"Cannot write {path!r}: {exc.strerror or exc}.") from exc
    click.echo(f"Wrote {path}: edit it, then run `smarttune tune --config {path}`.")
