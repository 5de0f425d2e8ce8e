from __future__ import annotations

import math
import statistics

import optuna
import pytest

from smarttune.exceptions import InvalidParameterError
from smarttune.knowledge import KnowledgeBase, StudyRecord, TaskKnowledge
from smarttune.samplers import HybridSampler


def objective(trial: optuna.Trial) -> float:
    c = trial.suggest_float("C", 1e-3, 1e3, log=True)
    kernel = trial.suggest_categorical("kernel", ["rbf", "linear"])
    return -abs(c - 10.0) + (0.5 if kernel == "rbf" else 0.0)


def _hybrid_study(knowledge: TaskKnowledge, seed: int) -> optuna.Study:
    sampler = HybridSampler(
        knowledge=knowledge,
        warm_start=[{"C": 1.0, "kernel": "linear"}],
        n_startup_trials=4,
        seed=seed,
    )
    study = optuna.create_study(direction="maximize", sampler=sampler)
    study.optimize(objective, n_trials=8)
    return study


def test_recommended_configs_are_evaluated_first_then_the_prior_is_used(
    records: list[StudyRecord],
) -> None:
    """The past studies' optimum is log10(C) = 1 (as the objective's): the prior points there."""
    knowledge = KnowledgeBase(records=records).transfer(records[4].meta_features, k=3, family="svm")
    warm_only = TaskKnowledge(list(knowledge.warm_start))  # the same warm start, no past studies
    informed, uninformed = [], []
    for seed in (0, 1):
        study = _hybrid_study(knowledge, seed)
        expected_first = [*knowledge.warm_start, {"C": 1.0, "kernel": "linear"}]
        for expected, got in zip(expected_first, study.trials[:4], strict=True):
            assert got.params["kernel"] == expected["kernel"]
            assert got.params["C"] == pytest.approx(expected["C"])
        informed += [abs(math.log10(t.params["C"]) - 1.0) for t in study.trials[4:]]
        other = _hybrid_study(warm_only, seed).trials[4:]
        uninformed += [abs(math.log10(t.params["C"]) - 1.0) for t in other]
    assert statistics.median(informed) < 0.5 * statistics.median(uninformed)


def test_knowledge_must_be_a_task_knowledge(records: list[StudyRecord]) -> None:
    with pytest.raises(InvalidParameterError, match="'knowledge' parameter of HybridSampler"):
        HybridSampler(knowledge=KnowledgeBase(records=records))  # type: ignore[arg-type]
    sampler = HybridSampler(knowledge=TaskKnowledge([{"C": 2.0}]))
    assert sampler.prior is None and sampler.warm_start == [{"C": 2.0}]
