"""``smarttune tasks``: the built-in tasks, one line each."""

from __future__ import annotations

import click

__all__ = ["tasks_command"]


@click.command("tasks")
def tasks_command() -> None:
    """List the built-in tasks (usable as `smarttune tune NAME`)."""
    from smarttune.tasks import list_tasks  # imports NumPy: not for --help

    infos = list_tasks()
    width = max(len(info.name) for info in infos)
    for info in infos:
        click.echo(f"{info.name:<{width}}  {info.direction:<8}  {info.summary}")
