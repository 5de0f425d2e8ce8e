from __future__ import annotations

from pathlib import Path

import numpy as np
import optuna
import pytest

from smarttune.knowledge import TASK_ATTR, KnowledgeBase
from smarttune.metadataset import (
    FAMILIES,
    GRID_FAMILIES,
    STUDY_PREFIX,
    SUITE,
    ArrayTask,
    build_metadataset,
    make_task,
    probe_search_space,
)
from smarttune.tasks import get_task


def test_suite_covers_the_promised_kinds_of_data() -> None:
    names = list(SUITE)
    assert {"breast-cancer", "diabetes", "digits", "iris", "wine"} <= set(names)
    assert sum(n.startswith("synth-c") for n in names) >= 9
    assert sum(n.startswith("synth-r") for n in names) >= 3
    assert {"california-housing", "mnist-14px", "fashion-mnist-14px"} <= set(names)
    assert set(FAMILIES) == {"dt", "rf", "svm", "knn", "gb", "mlp"}
    assert set(GRID_FAMILIES) == {"dt", "rf", "svm"}


def test_synthetic_and_image_datasets_load() -> None:
    X, y, classification = SUITE["synth-c200-f10-k4-n0.2"].load()
    assert X.shape == (200, 10) and classification and set(np.unique(y)) == {0, 1, 2, 3}
    X, y, classification = SUITE["mnist-14px"].load()
    assert X.shape == (1000, 196) and X.min() >= 0.0 and X.max() <= 1.0
    assert np.bincount(y).tolist() == [100] * 10


def test_array_task_matches_the_builtin_task_protocol() -> None:
    ours = make_task("iris", "svm")
    builtin = get_task("svm-iris")
    assert ours.meta_features() == pytest.approx(builtin.meta_features())
    params = {"C": 3.0, "gamma": 0.05}
    assert ours.final_fit(params)["test_score"] == pytest.approx(
        builtin.final_fit(params)["test_accuracy"]
    )
    study = optuna.create_study(direction="maximize", sampler=optuna.samplers.RandomSampler(0))
    study.optimize(make_task("iris", "mlp").objective, n_trials=2)
    assert 0.0 <= study.best_value <= 1.0


def test_probe_search_space_reads_spaces_without_fitting() -> None:
    space = probe_search_space(get_task("dt-iris"))
    assert space is not None and {"limit_depth", "max_depth", "criterion"} <= set(space)
    grid = probe_search_space(get_task("svm-digits-grid"))
    assert grid is not None and grid["C"].choices == (0.1, 1.0, 10.0)
    assert probe_search_space(make_task("wine", "mlp")) is not None
    assert probe_search_space(object()) is None


@pytest.mark.slow
def test_build_stores_described_studies_and_resumes(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'meta.db'}"
    names = build_metadataset(url, datasets=["iris"], families=["dt"], n_trials=3)
    assert names == [f"{STUDY_PREFIX}dt-iris", f"{STUDY_PREFIX}dt-iris-grid"]
    study = optuna.load_study(study_name=names[0], storage=url)
    assert study.user_attrs[TASK_ATTR]["family"] == "dt"
    assert len(study.trials) == 3
    assert len(optuna.load_study(study_name=names[1], storage=url).trials) == 12
    build_metadataset(url, datasets=["iris"], families=["dt"], n_trials=4)  # tops up to 4
    assert len(optuna.load_study(study_name=names[0], storage=url).trials) == 4
    kb = KnowledgeBase.from_storage(url)
    assert kb.families() == ["dt", "dt-grid"]
    assert isinstance(make_task("iris", "dt-grid"), ArrayTask)
