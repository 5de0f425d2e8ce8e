"""The ``smarttune`` command line: parse, call the public API, print.

Every command lives in its own module; :func:`main` turns user errors (any
:class:`~smarttune.exceptions.SmartTuneError`, or a bad option) into one line on standard error
and exit status 2, and Ctrl-C into exit status 130.
"""

from __future__ import annotations

import sys

import click

from smarttune.cli._app import app
from smarttune.exceptions import SmartTuneError

__all__ = ["app", "main"]

EXIT_USAGE = 2
EXIT_INTERRUPTED = 130
#: An error line is cut here: it may echo a value the user gave, of any size.
MAX_ERROR_CHARS = 500


def main(argv: list[str] | None = None) -> int:
    """Run the CLI with ``argv`` (default: ``sys.argv[1:]``) and return the exit status."""
    try:
        result = app.main(args=argv, prog_name="smarttune", standalone_mode=False)
    except click.exceptions.NoArgsIsHelpError as exc:
        click.echo(exc.ctx.get_help() if exc.ctx else str(exc), err=True)
        return EXIT_USAGE
    except click.UsageError as exc:
        click.echo(f"error: {_bounded(exc.format_message())}", err=True)
        return EXIT_USAGE
    except SmartTuneError as exc:
        click.echo(f"error: {_bounded(str(exc))}", err=True)
        return EXIT_USAGE
    except (click.Abort, KeyboardInterrupt):
        click.echo(
            "Interrupted: finished trials are saved; run the same command to continue the study.",
            err=True,
        )
        return EXIT_INTERRUPTED
    except click.exceptions.Exit as exc:
        return int(exc.exit_code)
    return int(result) if isinstance(result, int) else 0


def _bounded(message: str) -> str:
    """``message`` on one line, cut to :data:`MAX_ERROR_CHARS` characters."""
    text = " ".join(message[: MAX_ERROR_CHARS * 4].split())
    return text if len(text) <= MAX_ERROR_CHARS else text[: MAX_ERROR_CHARS - 3] + "..."


def entry_point() -> None:  # pragma: no cover - exercised through the installed script
    """The console script: ``sys.exit(main())``."""
    sys.exit(main())
