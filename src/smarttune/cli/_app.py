"""The ``smarttune`` click group: every command, imported only when it runs.

Each command lives in its own module (``smarttune.cli._<name>``); the table below gives its
one-line summary so that ``smarttune --help`` imports none of them.
"""

from __future__ import annotations

import click

from smarttune import __version__
from smarttune.cli._lazy import LazyCommand, LazyGroup

__all__ = ["COMMANDS", "app"]


_SUMMARIES = (
    ("tune", "Tune OBJECTIVE, resuming the study of the same name if the storage has one."),
    ("pbt", "Train a population of TASK models, exploiting and exploring every --interval epochs."),
    ("studies", "List the studies in a storage: direction, trials by state, best value."),
    (
        "best",
        "Print the best value and parameters of a study as JSON (its Pareto front if several).",
    ),
    ("tasks", "List the built-in tasks (usable as `smarttune tune NAME`)."),
    ("demo", "Tune a simplified AlexNet on MNIST with HybridSampler, end to end."),
    ("recommend", "Recommend configurations for the built-in TASK from past studies of its model."),
    ("meta", "Build and export knowledge bases of finished studies."),
    ("compare", "Run methods side by side; resume by running the same command again."),
    ("report", "Write a report on a study (--study) or on a comparison (--results)."),
    ("worker", "Run trials of the study STUDY in STORAGE, alongside its other workers."),
    ("init", "Write a commented study config to PATH (.toml, or .yaml/.yml for YAML)."),
)

#: Command name -> its module ``smarttune.cli._<name>``, its attribute ``<name>_command`` and
#: the summary ``--help`` lists (the first paragraph of the command's help).
COMMANDS: dict[str, LazyCommand] = {
    name: LazyCommand(f"smarttune.cli._{name}", f"{name}_command", summary)
    for name, summary in _SUMMARIES
}


@click.group(
    cls=LazyGroup,
    lazy_commands=COMMANDS,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
    no_args_is_help=True,
)
@click.version_option(__version__, prog_name="smarttune")
def app() -> None:
    """smarttune: hyperparameter optimization on Optuna.

    Studies are kept in an embedded SQLite file, ./smarttune.db, unless --storage (or the
    SMARTTUNE_STORAGE environment variable) names another storage.
    """
