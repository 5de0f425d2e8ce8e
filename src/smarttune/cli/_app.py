"""The ``smarttune`` click group and its commands."""

from __future__ import annotations

import click

from smarttune import __version__
from smarttune.cli._best import best_command
from smarttune.cli._compare import compare_command
from smarttune.cli._demo import demo_command
from smarttune.cli._init import init_command
from smarttune.cli._meta import meta_command
from smarttune.cli._pbt import pbt_command
from smarttune.cli._recommend import recommend_command
from smarttune.cli._report import report_command
from smarttune.cli._studies import studies_command
from smarttune.cli._tasks import tasks_command
from smarttune.cli._tune import tune_command
from smarttune.cli._worker import worker_command

__all__ = ["app"]


@click.group(
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
    no_args_is_help=True,
)
@click.version_option(__version__, prog_name="smarttune")
def app() -> None:
    """smarttune: hyperparameter optimization on Optuna.

    Studies are kept in an embedded SQLite file, ./smarttune.db, unless --storage (or the
    SMARTTUNE_STORAGE environment variable) names another storage.
    """


_COMMANDS = (
    tune_command,
    pbt_command,
    studies_command,
    best_command,
    tasks_command,
    demo_command,
    recommend_command,
    meta_command,
    compare_command,
    report_command,
    worker_command,
    init_command,
)
for _command in _COMMANDS:
    app.add_command(_command)
