"""``--config FILE`` for ``smarttune tune``: fill the options a study config file sets.

A value given on the command line (or through its environment variable) wins over the file;
the file wins over the option's default. The file's ``space`` wraps an objective written
without ``trial.suggest_*`` (see :mod:`smarttune.config`).
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import click
from click.core import ParameterSource

from smarttune.exceptions import InvalidParameterError

if TYPE_CHECKING:
    from smarttune.objectives import LoadedObjective

__all__ = ["apply_space", "config_option"]

F = TypeVar("F", bound=Callable[..., Any])
_EXPLICIT = (ParameterSource.COMMANDLINE, ParameterSource.ENVIRONMENT, ParameterSource.PROMPT)


def config_option(function: F) -> F:
    """Add ``--config FILE`` to a command whose parameters carry the config's names.

    The command receives ``space`` (the file's search space, or None) as a keyword argument.
    A missing ``objective`` (neither the argument nor the file's ``task``/``objective``) is a
    usage error.
    """

    @functools.wraps(function)
    def wrapper(*args: Any, config_path: str | None, **kwargs: Any) -> Any:
        space = None
        if config_path is not None:
            from smarttune.config import load_config

            config = load_config(config_path)
            _fill(click.get_current_context(), kwargs, config.tune_options())
            space = config.space
        if kwargs.get("objective") is None:
            raise click.UsageError(
                "Missing argument 'OBJECTIVE' (or a 'task' or 'objective' key in --config)."
            )
        if space is not None and (
            kwargs.get("executor", "local") != "local" or kwargs["jobs"] != 1
        ):
            raise InvalidParameterError(
                "The 'space' key of a config file needs trials run in this process: executor "
                f"'local' with jobs = 1. Got executor {kwargs.get('executor')!r} and jobs "
                f"{kwargs['jobs']!r} instead."
            )
        return function(*args, space=space, **kwargs)

    option = click.option(
        "--config",
        "config_path",
        type=click.Path(dir_okay=False),
        help="A study config file (.toml, .yaml); options given here override it.",
    )
    return option(wrapper)  # type: ignore[return-value]


def _fill(context: click.Context, kwargs: dict[str, Any], values: dict[str, Any]) -> None:
    for name, value in values.items():
        if name in kwargs and context.get_parameter_source(name) not in _EXPLICIT:
            kwargs[name] = value


def apply_space(loaded: LoadedObjective, space: dict[str, Any] | None) -> LoadedObjective:
    """``loaded`` with its function wrapped to draw a parameter dict from ``space``, if any."""
    if space is None:
        return loaded
    from smarttune.config import with_space

    function: Any = loaded.function  # the file's space says it takes a dict of parameters
    return dataclasses.replace(loaded, function=with_space(function, space))
