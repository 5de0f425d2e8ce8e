from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import optuna
import pytest
from optuna.distributions import CategoricalDistribution, FloatDistribution

from smarttune.exceptions import InvalidParameterError
from smarttune.knowledge import (
    TASK_ATTR,
    KnowledgeBase,
    StudyRecord,
    UnseenParameterWarning,
    dataset_meta_features,
    default_path,
    describe_task,
    learn_study,
    task_family,
)
from smarttune.knowledge._recommend import greedy_portfolio


class FakeTask:
    """Duck-typed like the scikit-learn tasks."""

    name = "svm-new"
    model = "svm"
    dataset = "new"
    grid = False

    def __init__(self, meta: dict[str, float]) -> None:
        self._meta = meta

    def meta_features(self) -> dict[str, float]:
        return self._meta


def test_recommend_returns_k_distinct_configs_good_first(records: list[StudyRecord]) -> None:
    kb = KnowledgeBase(records=records)
    task = FakeTask(dict(records[4].meta_features))  # optimum log10(C) = 1.0
    picks = kb.recommend(task, k=4)
    assert len(picks) == 4
    assert len({str(p.params) for p in picks}) == 4
    assert abs(math.log10(picks[0].params["C"]) - 1.0) < 1.0
    ranked = KnowledgeBase(records=records, portfolio=False).recommend(task, k=4)
    scores = [p.predicted_score for p in ranked]
    assert scores == sorted(scores, reverse=True)
    assert picks[0].params["kernel"] == "rbf"


def test_unseen_parameter_falls_back_to_defaults_with_a_warning(records) -> None:
    kb = KnowledgeBase(records=records)
    space = {
        "C": FloatDistribution(1e-2, 1e2, log=True),
        "kernel": CategoricalDistribution(["rbf", "linear"]),
        "shrinking": CategoricalDistribution([True, False, None]),
    }
    with pytest.warns(UnseenParameterWarning, match="shrinking"):
        picks = kb.recommend(records[0].meta_features, 3, family="svm", search_space=space)
    for pick in picks:
        assert pick.params["shrinking"] is False  # the middle choice: the default
        assert 1e-2 <= pick.params["C"] <= 1e2  # clipped into the new range
        assert "depth" not in pick.params  # not in the new space
    with pytest.warns(UnseenParameterWarning, match="no study|C, kernel, shrinking"):
        fallback = kb.recommend({"n_rows": 5.0}, 2, family="unknown", search_space=space)
    assert len(fallback) == 1 and math.isnan(fallback[0].predicted_score)
    assert fallback[0].params["C"] == pytest.approx(1.0)


def test_recommend_errors(records: list[StudyRecord]) -> None:
    kb = KnowledgeBase(records=records)
    with pytest.raises(InvalidParameterError, match="no study of family 'knn'"):
        kb.recommend({"n_rows": 1.0}, family="knn")
    with pytest.raises(InvalidParameterError, match="needs family="):
        kb.recommend({"n_rows": 1.0})
    with pytest.raises(InvalidParameterError, match="'k' parameter of recommend"):
        kb.recommend(FakeTask({}), k=0)
    with pytest.raises(InvalidParameterError, match="'method' parameter of KnowledgeBase"):
        KnowledgeBase(method="magic")


def test_transfer_gives_warm_start_and_the_family_as_sources(records: list[StudyRecord]) -> None:
    kb = KnowledgeBase(records=records, method="mlp")
    knowledge = kb.transfer(FakeTask(dict(records[1].meta_features)), k=3)
    assert len(knowledge.warm_start) == 3
    assert list(knowledge.sources) == kb.records_of("svm")
    assert knowledge.prior_params == [] and knowledge.prior_scores == []


def test_transfer_to_a_family_without_studies_warns_and_starts_cold(
    records: list[StudyRecord],
) -> None:
    kb = KnowledgeBase(records=records)
    with pytest.warns(UnseenParameterWarning, match="no study of family 'knn'.*without transfer"):
        knowledge = kb.transfer({"n_rows": 1.0}, family="knn")
    assert knowledge.warm_start == [] and list(knowledge.sources) == []


def _study_with_description(storage: optuna.storages.BaseStorage, name: str) -> optuna.Study:
    study = optuna.create_study(storage=storage, study_name=name, direction="minimize")
    study.optimize(lambda t: (t.suggest_float("x", -3, 3) - 1) ** 2, n_trials=6)
    return study


def test_from_storage_indexes_described_studies_only() -> None:
    storage = optuna.storages.InMemoryStorage()
    described = _study_with_description(storage, "described")
    described.set_user_attr(
        TASK_ATTR, {"task": "quad", "family": "quad", "dataset": "q", "meta_features": {"a": 1}}
    )
    _study_with_description(storage, "anonymous")
    bad = _study_with_description(storage, "bad")
    bad.set_user_attr(TASK_ATTR, {"task": 3})
    kb = KnowledgeBase.from_storage(storage)
    assert [r.name for r in kb.records] == ["described"]
    record = kb.records[0]
    assert record.direction == "minimize" and len(record.values) == 6
    assert record.scores[int(np.argmin(record.values))] == 1.0
    assert record.seconds >= 0.0


def test_learn_study_appends_to_the_user_file(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("SMARTTUNE_KNOWLEDGE", str(tmp_path / "mine.json"))
    assert default_path() == tmp_path / "mine.json"
    storage = optuna.storages.InMemoryStorage()
    for name in ("a", "b"):
        study = _study_with_description(storage, name)
        path, joined = learn_study(
            study, {"task": name, "family": "quad", "dataset": name, "meta_features": {}}
        )
        assert joined and path == tmp_path / "mine.json"
        assert study.user_attrs[TASK_ATTR]["task"] == name
    assert [r.name for r in KnowledgeBase.load(path).records] == ["a", "b"]


def test_describe_task_and_family() -> None:
    task = FakeTask({"n_rows": 3.0})
    assert task_family(task) == "svm"
    task.grid = True
    assert describe_task(task) == {
        "task": "svm-new",
        "family": "svm-grid",
        "dataset": "new",
        "meta_features": {"n_rows": 3.0},
    }


def test_dataset_meta_features_on_arrays() -> None:
    rng = np.random.default_rng(0)
    X = rng.normal(size=(120, 3))
    y = (X[:, 0] > 0).astype(int)
    meta = dataset_meta_features(X, y, classification=True)
    assert meta["n_rows"] == 120 and meta["n_classes"] == 2 and meta["is_regression"] == 0
    assert 0.8 < meta["landmark_stump"] <= 1.0
    reg = dataset_meta_features(X, X[:, 0] * 2.0, classification=False)
    assert reg["is_regression"] == 1 and reg["n_classes"] == 0 and reg["landmark_1nn"] > 0.5


def test_greedy_portfolio_covers_different_datasets() -> None:
    # Candidate 0 is good everywhere, 1 only on study 0, 2 only on study 1, 3 mediocre.
    matrix = np.array([[0.8, 1.0, 0.0, 0.5], [0.8, 0.0, 1.0, 0.5]])
    assert greedy_portfolio(matrix, np.array([0.5, 0.5]), 3) == [0, 1, 2]
    assert greedy_portfolio(matrix, np.array([0.9, 0.1]), 2) == [1, 2]
    assert greedy_portfolio(matrix, np.array([0.5, 0.5]), 9) == [0, 1, 2, 3]
