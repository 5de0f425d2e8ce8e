"""Hostile config files (issue 17): bounded reading and bounded echo, through the real CLI."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from smarttune.config import load_config
from smarttune.config._read import MAX_BYTES, MAX_YAML_NODES
from smarttune.exceptions import InvalidParameterError

MEMORY_LIMIT = 2 * 2**30  # address space for the CLI process: far below what a bomb expands to


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}
    return subprocess.run(
        [sys.executable, "-m", "smarttune", *args],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=cwd,
        env=env,
        preexec_fn=_limit_memory,
    )


def _alias_bomb(key: str) -> str:
    """A 470-byte YAML document whose ``key`` expands to 9**9 strings (billion laughs)."""
    levels = ["&a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    levels += [f"&a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 9)]
    return f"{key}: [{', '.join(levels)}]\n"


@pytest.mark.parametrize("key", ["study", "space", "budget"])
def test_a_yaml_alias_bomb_is_one_error_line_in_bounded_memory(tmp_path: Path, key: str) -> None:
    config = tmp_path / "bomb.yaml"
    config.write_text(_alias_bomb(key))
    assert config.stat().st_size < 500
    result = _cli("tune", "--config", str(config), "--storage", "sqlite:///s.db", cwd=tmp_path)
    assert result.returncode == 2, result.stderr[-2000:]
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        f"error: Cannot read config {str(config)!r}: its aliases expand to more than "
        f"{MAX_YAML_NODES} values; write the values out instead."
    ]


def test_a_recursive_alias_is_refused(tmp_path: Path) -> None:
    config = tmp_path / "loop.yaml"
    config.write_text("study: &s [*s]\n")
    with pytest.raises(InvalidParameterError, match="aliases expand to more than"):
        load_config(config)


def test_anchors_within_the_bound_still_work(tmp_path: Path) -> None:
    config = tmp_path / "ok.yaml"
    config.write_text("task: &t rf-wine\nstudy: *t\nbudget: {trials: 3}\n")
    loaded = load_config(config)
    assert (loaded.study, loaded.trials) == ("rf-wine", 3)


def test_a_config_that_is_not_a_regular_file_is_refused(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)  # opening it for reading would block forever if it were read
    with pytest.raises(InvalidParameterError, match=r"pipe\.yaml' is not a regular file"):
        load_config(fifo)


def test_an_oversized_config_is_refused_unread(tmp_path: Path) -> None:
    config = tmp_path / "big.toml"
    config.write_text(f'study = "{"x" * MAX_BYTES}"\n')
    with pytest.raises(InvalidParameterError, match=f"over the limit of {MAX_BYTES} bytes"):
        load_config(config)


def test_a_long_bad_value_is_echoed_shortened(tmp_path: Path) -> None:
    config = tmp_path / "long.toml"
    config.write_text(f'sampler = "{"x" * 200_000}"\n')
    with pytest.raises(InvalidParameterError) as info:
        load_config(config)
    assert len(str(info.value)) < 400
    assert "Got 'xxxxx" in str(info.value) and "...' instead." not in str(info.value)
