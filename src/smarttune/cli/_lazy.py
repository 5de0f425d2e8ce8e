"""A click group that imports a command's module only when that command runs.

``smarttune --help`` lists every command from a table of one-line summaries, so it imports
none of them (nor Optuna, SciPy or torch behind them); ``smarttune tune …`` imports
``smarttune.cli._tune`` alone.
"""

from __future__ import annotations

import importlib
from typing import Any, NamedTuple

import click

__all__ = ["LazyCommand", "LazyGroup"]


class LazyCommand(NamedTuple):
    """Where a command lives and the summary ``--help`` lists for it."""

    #: The module defining the command, e.g. ``smarttune.cli._tune``.
    module: str
    #: The click command's attribute name in that module.
    attribute: str
    #: The first paragraph of the command's help (a test keeps the two equal).
    summary: str


class LazyGroup(click.Group):
    """A :class:`click.Group` whose commands are loaded by name on first use.

    Args:
        lazy_commands: Command name to :class:`LazyCommand` (``--help`` sorts them, as click).
        **attrs: Passed to :class:`click.Group`.
    """

    def __init__(self, *, lazy_commands: dict[str, LazyCommand], **attrs: Any) -> None:
        super().__init__(**attrs)
        self.lazy_commands = dict(lazy_commands)

    def list_commands(self, ctx: click.Context) -> list[str]:
        """Every command name, the lazy ones included, sorted."""
        return sorted({*self.lazy_commands, *super().list_commands(ctx)})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        """The command ``cmd_name``, importing its module the first time it is asked for."""
        if cmd_name in self.lazy_commands and cmd_name not in self.commands:
            entry = self.lazy_commands[cmd_name]
            command = getattr(importlib.import_module(entry.module), entry.attribute)
            if not isinstance(command, click.Command):  # pragma: no cover - a wrong table entry
                raise TypeError(f"{entry.module}:{entry.attribute} is not a click command")
            self.add_command(command, cmd_name)
        return super().get_command(ctx, cmd_name)

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        """As click's, but an unknown name is compared with the lazy names ("Did you mean")."""
        name = args[0]
        known = {*self.lazy_commands, *self.commands}
        if name not in known and not name.startswith("-") and not ctx.resilient_parsing:
            raise click.exceptions.NoSuchCommand(name, possibilities=sorted(known), ctx=ctx)
        return super().resolve_command(ctx, args)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """List the commands with their summaries, importing none of the lazy ones."""
        names = self.list_commands(ctx)
        if not names:
            return
        limit = formatter.width - 6 - max(len(name) for name in names)
        rows = []
        for name in names:
            if name in self.lazy_commands and name not in self.commands:
                summary = click.Command(name, help=self.lazy_commands[name].summary)
                rows.append((name, summary.get_short_help_str(limit)))
                continue
            command = self.commands[name]
            if not command.hidden:
                rows.append((name, command.get_short_help_str(limit)))
        with formatter.section("Commands"):
            formatter.write_dl(rows)
