"""``smarttune init``: the commented templates are valid configs and never overwrite by accident."""

from __future__ import annotations

from pathlib import Path

import pytest

from smarttune.cli import main
from smarttune.config import load_config


def test_init_writes_a_valid_toml_template(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["init"]) == 0
    assert "smarttune tune --config smarttune.toml" in capsys.readouterr().out
    text = (tmp_path / "smarttune.toml").read_text()
    assert text.startswith("# smarttune study config") and text.count("\n# ") >= 5
    config = load_config(tmp_path / "smarttune.toml")
    assert config.objective == "svm-digits" and config.trials == 30 and config.executor == "local"


def test_yaml_template_matches_the_toml_one(tmp_path: Path) -> None:
    assert main(["init", str(tmp_path / "a.toml")]) == 0
    assert main(["init", str(tmp_path / "b.yml")]) == 0
    toml, yaml = load_config(tmp_path / "a.toml"), load_config(tmp_path / "b.yml")
    assert toml.tune_options() == yaml.tune_options()


def test_commented_space_example_is_valid_once_uncommented(tmp_path: Path) -> None:
    assert main(["init", str(tmp_path / "s.toml")]) == 0
    text = (tmp_path / "s.toml").read_text()
    text = text.replace('task = "svm-digits"', 'objective = "train.py:f"').replace(
        "# [space]", "[space]"
    )
    for name in ("C", "depth", "kernel"):
        text = text.replace(f"# {name} =", f"{name} =")
    (tmp_path / "s.toml").write_text(text)
    assert set(load_config(tmp_path / "s.toml").space or {}) == {"C", "depth", "kernel"}


def test_init_refuses_to_overwrite_and_bad_suffixes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "s.toml"
    path.write_text("mine")
    assert main(["init", str(path)]) == 2
    assert "exists already; pass --force" in capsys.readouterr().err
    assert path.read_text() == "mine"
    assert main(["init", str(path), "--force"]) == 0
    assert path.read_text().startswith("# smarttune")
    assert main(["init", str(tmp_path / "s.json")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "must end in .toml, .yaml or .yml" in err
    assert main(["init", str(tmp_path / "missing" / "s.toml")]) == 2
    assert "Cannot write" in capsys.readouterr().err
