from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys

import click
import pytest
from click.testing import CliRunner

from smarttune.cli._app import COMMANDS, app
from smarttune.cli._lazy import LazyCommand, LazyGroup

HEAVY = ("optuna", "scipy", "sklearn", "numpy", "torch", "sqlalchemy", "rich", "pandas")

# Runs the CLI in a fresh interpreter, then prints which heavy packages it imported.
_PROBE = """
import contextlib, io, json, sys
from smarttune.cli import main
with contextlib.redirect_stdout(io.StringIO()):
    code = main(sys.argv[1:])
heavy = sorted({name.split(".")[0] for name in sys.modules} & set(%r))
print(json.dumps({"code": code, "heavy": heavy}))
"""


def _imported_by(*args: str) -> dict[str, object]:
    result = subprocess.run(
        [sys.executable, "-c", _PROBE % (HEAVY,), *args], capture_output=True, text=True, check=True
    )
    report: dict[str, object] = json.loads(result.stdout)
    return report


def _loaded(name: str) -> click.Command:
    entry = COMMANDS[name]
    command = getattr(importlib.import_module(entry.module), entry.attribute)
    assert isinstance(command, click.Command)
    return command


def test_help_imports_no_heavy_dependency() -> None:
    assert _imported_by("--help") == {"code": 0, "heavy": []}


@pytest.mark.parametrize("command", ["best", "demo", "init", "pbt", "report", "studies", "tasks"])
def test_light_commands_help_imports_no_heavy_dependency(command: str) -> None:
    assert _imported_by(command, "--help") == {"code": 0, "heavy": []}


@pytest.mark.parametrize("command", ["compare", "tune", "worker"])
def test_help_of_commands_that_list_names_imports_neither_optuna_nor_scipy(command: str) -> None:
    report = _imported_by(command, "--help")
    assert report["code"] == 0
    assert set(report["heavy"]) <= {"numpy"}  # type: ignore[arg-type]


def test_help_lists_every_command_once_in_a_subprocess() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "smarttune", "--help"],
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "200"},  # the help is 100 columns wide at most
    )
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    listed = lines[lines.index("Commands:") + 1 :]
    assert [line.split()[0] for line in listed] == sorted(COMMANDS)
    # 12 lines before the commands: usage, the two paragraphs of description, the options.
    assert len(lines) == 11 + 1 + len(COMMANDS)
    assert result.stderr == ""


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_each_summary_is_the_first_paragraph_of_its_commands_help(name: str) -> None:
    command = _loaded(name)
    assert command.name == name
    assert command.help is not None
    first_paragraph = " ".join(command.help.split("\n\n")[0].split())
    assert COMMANDS[name].summary == first_paragraph


def test_help_reads_as_with_every_command_imported() -> None:
    eager = click.Group(
        "smarttune",
        help=app.help,
        context_settings=app.context_settings,
        params=list(app.params),
    )
    for name in COMMANDS:
        eager.add_command(_loaded(name))
    lazy = LazyGroup(
        name="smarttune",
        lazy_commands=COMMANDS,
        help=app.help,
        context_settings=app.context_settings,
        params=list(app.params),
    )
    runner = CliRunner()
    expected = runner.invoke(eager, ["--help"]).output
    assert runner.invoke(lazy, ["--help"]).output == expected
    assert "tune       Tune OBJECTIVE" in expected


def test_a_command_is_imported_when_it_runs() -> None:
    group = LazyGroup(
        name="g", lazy_commands={"tasks": COMMANDS["tasks"]}, context_settings={"obj": None}
    )
    assert group.commands == {}
    result = CliRunner().invoke(group, ["tasks"])
    assert result.exit_code == 0
    assert "svm-digits" in result.output
    assert set(group.commands) == {"tasks"}


def test_loaded_commands_keep_their_own_help() -> None:
    group = LazyGroup(name="g", lazy_commands={"x": LazyCommand("m", "a", "Lazy summary.")})
    group.add_command(click.Command("y", help="Eager help."))
    group.add_command(click.Command("z", help="Hidden.", hidden=True))
    output = CliRunner().invoke(group, ["--help"]).output
    assert "x  Lazy summary." in output
    assert "y  Eager help." in output
    assert "Hidden." not in output


def test_unknown_command_suggests_the_closest_in_a_subprocess() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "smarttune", "tnue"], capture_output=True, text=True
    )
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.splitlines() == ["error: No such command 'tnue'. Did you mean 'tune'?"]


def test_an_unknown_name_is_compared_with_the_commands_not_yet_imported() -> None:
    group = LazyGroup(name="g", lazy_commands={"tune": COMMANDS["tune"]})
    result = CliRunner().invoke(group, ["tnue"])
    assert result.exit_code == 2
    assert "No such command 'tnue'. Did you mean 'tune'?" in result.output
    assert group.commands == {}  # nothing was imported to say so


def test_a_group_without_commands_lists_none() -> None:
    output = CliRunner().invoke(LazyGroup(name="g", lazy_commands={}), ["--help"]).output
    assert "Commands" not in output
