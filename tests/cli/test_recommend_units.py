"""``smarttune recommend`` names the scale of its predictions and prints them best first."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from optuna.distributions import FloatDistribution

from smarttune.knowledge import KnowledgeBase, StudyRecord

PICK = re.compile(r"^ +\d+\. predicted (score|validation accuracy) (\S+)  C=")


def _record(task: str, dataset: str, seed: int, *, accuracy: bool = False) -> StudyRecord:
    rng = np.random.default_rng(seed)
    params = [
        {"C": float(10 ** rng.uniform(-3, 3)), "gamma": float(10 ** rng.uniform(-5, 1))}
        for _ in range(20)
    ]
    distance = [abs(np.log10(p["C"]) - 1.0) for p in params]
    values = [0.97 - 0.1 * d if accuracy else -d for d in distance]
    return StudyRecord(
        name=f"meta/{task}",
        task=task,
        family="svm",
        dataset=dataset,
        direction="maximize",
        meta_features={"n_rows": 100.0 + seed, "landmark_1nn": 0.5 + seed / 10},
        space={
            "C": FloatDistribution(1e-3, 1e3, log=True),
            "gamma": FloatDistribution(1e-5, 1e1, log=True),
        },
        params=params,
        values=values,
    )


def _knowledge(path: Path, *, with_iris: bool) -> Path:
    records = [_record(f"svm-d{i}", f"d{i}", i) for i in range(3)]
    if with_iris:
        records.append(_record("svm-iris", "iris", 7, accuracy=True))
    return KnowledgeBase(records=records).save(path)


def _recommend(knowledge: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SMARTTUNE_KNOWLEDGE": str(knowledge.parent / "none.json")}
    command = [sys.executable, "-m", "smarttune", "recommend", "svm-iris", "--top", "3"]
    return subprocess.run(
        [*command, "--knowledge", str(knowledge), *extra],
        capture_output=True, text=True, env=env, timeout=120, check=False,
    )  # fmt: skip


def _predictions(lines: list[str], unit: str) -> list[float]:
    matches = [PICK.match(line) for line in lines]
    assert all(m is not None and m.group(1) == unit for m in matches), lines
    return [float(m.group(2)) for m in matches if m is not None]


def test_without_a_study_of_the_task_the_normalized_scale_is_named(tmp_path: Path) -> None:
    done = _recommend(_knowledge(tmp_path / "kb.json", with_iris=False))
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert len(lines) == 5  # header, scale, three picks
    assert lines[1].startswith("Predictions are normalized scores (1 = the best trial")
    assert "not validation accuracy" in lines[1]
    scores = _predictions(lines[2:], "score")
    assert scores == sorted(scores, reverse=True)


def test_with_a_study_of_the_task_predictions_are_in_its_units_best_first(
    tmp_path: Path,
) -> None:
    knowledge = _knowledge(tmp_path / "kb.json", with_iris=True)
    done = _recommend(knowledge)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert len(lines) == 5
    assert lines[1].startswith("Predictions are in validation accuracy: the normalized score")
    assert "1 past svm-iris study (20 trials;" in lines[1]
    values = _predictions(lines[2:], "validation accuracy")
    assert values == sorted(values, reverse=True)
    document = json.loads(_recommend(knowledge, "--json").stdout)
    scale = document["scale"]
    assert scale["one"] == pytest.approx(max(_record("svm-iris", "iris", 7, accuracy=True).values))
    assert all(scale["zero"] <= v <= scale["one"] for v in values)
    for row in document["recommendations"]:
        score = min(max(row["predicted_score"], 0.0), 1.0)
        expected = scale["zero"] + score * (scale["one"] - scale["zero"])
        assert row["predicted_value"] == pytest.approx(expected)
    printed = [row["predicted_value"] for row in document["recommendations"]]
    assert values == pytest.approx(printed, abs=1e-4)
