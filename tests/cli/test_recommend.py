from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import optuna
import pytest
from optuna.distributions import FloatDistribution

from smarttune.cli import main
from smarttune.knowledge import BUNDLED_PATH, KnowledgeBase, StudyRecord


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def svm_record(dataset: str, best_c: float, seed: int) -> StudyRecord:
    rng = np.random.default_rng(seed)
    params = [
        {"C": float(10 ** rng.uniform(-3, 3)), "gamma": float(10 ** rng.uniform(-5, 1))}
        for _ in range(20)
    ]
    values = [-abs(np.log10(p["C"]) - np.log10(best_c)) for p in params]
    return StudyRecord(
        name=f"meta/svm-{dataset}",
        task=f"svm-{dataset}",
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


@pytest.fixture
def kb_file(tmp_path: Path) -> Path:
    kb = KnowledgeBase(records=[svm_record(f"d{i}", 10.0, i) for i in range(3)])
    return kb.save(tmp_path / "kb.json")


def test_recommend_prints_the_top_configurations(capsys, kb_file: Path) -> None:
    code, out, _ = run(capsys, "recommend", "svm-iris", "--top", "2", "--knowledge", str(kb_file))
    assert code == 0
    assert "Top 2 for svm-iris from 3 'svm' studies" in out
    assert out.count("predicted score") == 2
    code, out, _ = run(capsys, "recommend", "svm-iris", "--knowledge", str(kb_file), "--json")
    document = json.loads(out)
    assert len(document["recommendations"]) == 5
    best = document["recommendations"][0]["params"]
    assert 1.0 <= best["C"] <= 100.0


def test_recommend_errors_are_one_line(capsys, tmp_path: Path, kb_file: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text('{"format": "smarttune-knowledge", "version": 1, "studies": [{}]}')
    code, _, err = run(capsys, "recommend", "svm-iris", "--knowledge", str(broken))
    assert code == 2 and err.startswith("error: knowledge base") and err.count("\n") == 1
    code, out, err = run(capsys, "recommend", "knn-iris", "--knowledge", str(kb_file))
    assert code == 0 and "warning: No study of family 'knn'" in err
    assert "predicted score n/a (defaults)  n_neighbors=5" in out
    code, _, err = run(capsys, "recommend", "svm-iris", "--top", "0", "--knowledge", str(kb_file))
    assert code == 2 and "--top" in err


@pytest.mark.skipif(not BUNDLED_PATH.exists(), reason="the bundled knowledge base is built last")
def test_recommend_works_out_of_the_box(capsys, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("SMARTTUNE_KNOWLEDGE", str(tmp_path / "none.json"))
    code, out, _ = run(capsys, "recommend", "rf-wine", "--top", "3")
    assert code == 0 and "the bundled knowledge base" in out and out.count("predicted") == 3


@pytest.mark.slow
def test_tune_learn_adds_the_study_to_the_user_knowledge_base(
    capsys, tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setenv("SMARTTUNE_KNOWLEDGE", str(tmp_path / "mine.json"))
    url = f"sqlite:///{tmp_path / 's.db'}"
    args = ("tune", "dt-iris", "--trials", "3", "--storage", url, "--quiet", "--seed", "0")
    code, out, _ = run(capsys, *args, "--learn")
    assert code == 0 and "to the knowledge base" in out
    kb = KnowledgeBase.load(tmp_path / "mine.json")
    assert [(r.family, r.dataset) for r in kb.records] == [("dt", "iris")]
    assert kb.records[0].meta_features["n_classes"] == 3
    code, out, _ = run(
        capsys, "meta", "export", "--storage", url, "--output", str(tmp_path / "export.json")
    )
    assert code == 0 and "1 studies" in out
    assert len(KnowledgeBase.load(tmp_path / "export.json")) == 1
    assert optuna.load_study(study_name="dt-iris", storage=url).user_attrs


def test_meta_build_validates_its_options(capsys) -> None:
    code, _, err = run(capsys, "meta", "build", "--datasets", "nope")
    assert code == 2 and "--datasets" in err
