"""``smarttune tune --learn`` from two projects whose studies share a name (issue 17, item 7)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from smarttune.knowledge import KnowledgeBase

OBJECTIVE = 'def loss(trial):\n    return trial.suggest_float("x", -1.0, 1.0) ** 2\n'


def _learn(project: Path, knowledge: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SMARTTUNE_KNOWLEDGE": str(knowledge)}
    env.pop("SMARTTUNE_STORAGE", None)
    command = ["tune", "obj.py:loss", "--trials", "2", "--quiet", "--learn"]
    return subprocess.run(
        [sys.executable, "-m", "smarttune", *command],
        capture_output=True,
        text=True,
        cwd=project,
        env=env,
        timeout=180,
    )


@pytest.mark.slow  # three tune runs in subprocesses
def test_a_same_named_study_of_another_project_is_added_beside_the_first(tmp_path: Path) -> None:
    knowledge = tmp_path / "knowledge.json"
    projects = [tmp_path / "first", tmp_path / "second"]
    for project in projects:
        project.mkdir()
        (project / "obj.py").write_text(OBJECTIVE)
    lines = []
    for project in (*projects, projects[1]):
        result = _learn(project, knowledge)
        assert result.returncode == 0, result.stderr
        out = result.stdout.splitlines()
        assert len(out) == 6, out  # header, summary, best value, parameters (2), learned
        lines.append(out[-1])
    assert lines == [
        f"Added study 'loss' to the knowledge base {knowledge}.",
        f"Added study 'loss' as 'loss (2)' to the knowledge base {knowledge} "
        "(it holds a study of another task named 'loss').",
        f"Replaced the earlier record of study 'loss (2)' (same task) in {knowledge}.",
    ]
    records = {r.name: r for r in KnowledgeBase.load(knowledge).records}
    assert sorted(records) == ["loss", "loss (2)"]
    assert records["loss"].task == f"{(projects[0] / 'obj.py').resolve()}:loss"
    assert len(records["loss (2)"].values) == 4  # the rerun resumed the study: 2 + 2 trials
