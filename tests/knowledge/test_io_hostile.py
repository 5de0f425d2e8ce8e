"""Hostile knowledge files and concurrent learners (issue 17, items 5-7)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np
import optuna
import pytest

from smarttune.exceptions import DataError
from smarttune.knowledge import KnowledgeBase, StudyRecord, TwoStageTransfer, _io, learn_study
from smarttune.knowledge._models import MAX_TRIALS_PER_STUDY, fitted_trials


def _document(records: list[StudyRecord]) -> dict:
    return KnowledgeBase(records=records[:1]).to_dict()


def test_a_device_is_refused_without_reading_it() -> None:
    with pytest.raises(DataError, match=r"^knowledge base '/dev/zero' is not a regular file\.$"):
        KnowledgeBase.load("/dev/zero")


def test_recommend_with_knowledge_from_dev_zero_is_one_line_in_a_subprocess() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "smarttune", "recommend", "rf-wine", "--knowledge", "/dev/zero"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.splitlines() == [
        "error: knowledge base '/dev/zero' is not a regular file."
    ]


def test_a_file_over_the_limit_is_refused(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(_io, "MAX_BYTES", 100)
    path = tmp_path / "kb.json"
    path.write_text(" " * 101)
    with pytest.raises(DataError, match="is over the limit of 100 bytes"):
        KnowledgeBase.load(path)


@pytest.mark.parametrize(
    "mutate",
    [
        lambda s: s["values"].__setitem__(0, 10**400),
        lambda s: s["meta_features"].update(n_rows=-(10**400)),
        lambda s: s.update(seconds=10**400),
        lambda s: s["trials"][0].__setitem__(0, 10**400),
        lambda s: s["space"]["C"]["attributes"].update(high=10**400),
    ],
    ids=["value", "meta-feature", "seconds", "trial", "distribution"],
)
def test_huge_integers_are_one_line_errors(tmp_path: Path, records, mutate) -> None:
    document = _document(records)
    mutate(document["studies"][0])
    path = tmp_path / "kb.json"
    path.write_text(json.dumps(document))
    with pytest.raises(DataError, match=r"study #0: ") as info:
        KnowledgeBase.load(path)
    assert "\n" not in str(info.value) and len(str(info.value)) < 300


def test_a_long_parameter_name_is_echoed_shortened(tmp_path: Path, records) -> None:
    document = _document(records)
    study = document["studies"][0]
    study["space"] = {"p" * 1_000_000: {"name": "os.system", "attributes": {}}}
    path = tmp_path / "kb.json"
    path.write_text(json.dumps(document))
    with pytest.raises(DataError, match="is not one of") as info:
        KnowledgeBase.load(path)
    assert len(str(info.value)) < 400


def _big_record(n: int) -> StudyRecord:
    rng = np.random.default_rng(0)
    params = [{"C": float(c), "kernel": "rbf", "depth": 3} for c in 10 ** rng.uniform(-3, 3, n)]
    values = [-abs(np.log10(p["C"]) - 1.0) for p in params]
    return StudyRecord(
        name="big",
        task="svm-big",
        family="svm",
        dataset="big",
        direction="maximize",
        meta_features={"n_rows": 1.0, "landmark_1nn": 0.5},
        space=_space(),
        params=params,
        values=values,
    )


def _space() -> dict:
    from optuna.distributions import CategoricalDistribution, FloatDistribution, IntDistribution

    return {
        "C": FloatDistribution(1e-3, 1e3, log=True),
        "kernel": CategoricalDistribution(["rbf", "linear"]),
        "depth": IntDistribution(1, 8),
    }


def test_a_20000_trial_study_is_fitted_on_a_bounded_subsample(records) -> None:
    big = _big_record(20_000)
    params, scores = fitted_trials(big)
    assert len(params) == len(scores) == MAX_TRIALS_PER_STUDY
    assert scores.max() == big.scores.max() and scores.min() == big.scores.min()
    tracemalloc.start()
    start = time.perf_counter()
    model = TwoStageTransfer().fit([*records, big])
    predicted = model.predict(big.params[:100], big.meta_features)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 300 * 2**20  # an n x n kernel matrix alone would be 3.2 GB
    assert time.perf_counter() - start < 30 and np.isfinite(predicted).all()


_LEARNER = """
import sys, time
import optuna
from smarttune.knowledge import learn_study
optuna.logging.set_verbosity(optuna.logging.WARNING)
name, path, start = sys.argv[1], sys.argv[2], float(sys.argv[3])
study = optuna.create_study(study_name=name)
study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=3)
while time.time() < start:
    time.sleep(0.001)
learn_study(study, {"task": name, "family": "f", "dataset": name, "meta_features": {}}, path)
"""


@pytest.mark.slow
def test_six_simultaneous_learners_keep_six_records(tmp_path: Path) -> None:
    path = tmp_path / "kb.json"
    start = time.time() + 8  # every learner has imported optuna by then: they race
    learners = [
        subprocess.Popen([sys.executable, "-c", _LEARNER, f"s{i}", str(path), str(start)])
        for i in range(6)
    ]
    assert [p.wait(timeout=120) for p in learners] == [0] * 6
    assert sorted(r.name for r in KnowledgeBase.load(path).records) == [f"s{i}" for i in range(6)]
    assert not [f for f in os.listdir(tmp_path) if f.startswith(".kb.json.")]  # no temp left


def _study(name: str, n: int) -> optuna.Study:
    study = optuna.create_study(study_name=name)
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=n)
    return study


def test_a_same_named_study_of_another_task_is_kept_beside_the_first(tmp_path: Path) -> None:
    path = tmp_path / "kb.json"
    first = {"task": "/a/obj.py:loss", "family": "loss", "dataset": "a", "meta_features": {}}
    other = {**first, "task": "/b/obj.py:loss", "dataset": "b"}
    assert learn_study(_study("loss", 2), first, path)[1] == _io.Learned("loss", False)
    assert learn_study(_study("loss", 3), other, path)[1] == _io.Learned("loss (2)", False)
    assert learn_study(_study("loss", 4), other, path)[1] == _io.Learned("loss (2)", True)
    kept = {r.name: (r.task, len(r.values)) for r in KnowledgeBase.load(path).records}
    assert kept == {"loss": ("/a/obj.py:loss", 2), "loss (2)": ("/b/obj.py:loss", 4)}
