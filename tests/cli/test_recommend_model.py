from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest


def _run(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "smarttune", "recommend", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, cwd=tmp_path)


@pytest.mark.parametrize(
    ("model", "name"), [("xgboost", "n_estimators"), ("decision_tree", "min_samples_leaf")]
)
def test_recommend_model_prints_the_portfolio_in_library_names(
    tmp_path: Path, model: str, name: str
) -> None:
    result = _run(tmp_path, "--model", model, "--top", "4")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 6  # header, 4 configurations, the unmapped parameters
    assert lines[0].startswith(f"Portfolio for {model} (")
    assert "YAHPO Gym" in lines[0]
    assert all(name in line for line in lines[1:5])
    assert lines[5].startswith("Not mapped")


def test_recommend_model_json(tmp_path: Path) -> None:
    result = _run(tmp_path, "--model", "xgboost", "--top", "8", "--json")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["library"] == "xgboost.XGBClassifier"
    assert len(document["configurations"]) == len(document["dev_regret"]) == 8
    assert all(
        "learning_rate" in c or c["booster"] == "gblinear" for c in document["configurations"]
    )
    assert "eta" not in json.dumps(document["configurations"])


def test_recommend_without_task_or_model_prints_one_line_and_exits_2(tmp_path: Path) -> None:
    result = _run(tmp_path)
    assert result.returncode == 2
    output = (result.stdout + result.stderr).strip().splitlines()
    assert output == ["error: recommend needs a built-in TASK or --model."]
