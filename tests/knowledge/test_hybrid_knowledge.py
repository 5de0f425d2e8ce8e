from __future__ import annotations

import optuna
import pytest

from smarttune.exceptions import InvalidParameterError
from smarttune.knowledge import KnowledgeBase, StudyRecord, TaskKnowledge
from smarttune.samplers import HybridSampler


def objective(trial: optuna.Trial) -> float:
    c = trial.suggest_float("C", 1e-3, 1e3, log=True)
    kernel = trial.suggest_categorical("kernel", ["rbf", "linear"])
    return -abs(c - 10.0) + (0.5 if kernel == "rbf" else 0.0)


def test_recommended_configs_are_evaluated_first_then_the_prior_is_used(
    records: list[StudyRecord],
) -> None:
    kb = KnowledgeBase(records=records)
    knowledge = kb.transfer(records[4].meta_features, k=3, family="svm")
    sampler = HybridSampler(
        knowledge=knowledge, warm_start=[{"C": 1.0, "kernel": "linear"}], population_size=4, seed=0
    )
    assert sampler.prior is not None and len(sampler.prior.params) == len(knowledge.prior_params)
    study = optuna.create_study(direction="maximize", sampler=sampler)
    study.optimize(objective, n_trials=12)
    first = [study.trials[i].params for i in range(4)]
    for expected, got in zip(
        [*knowledge.warm_start, {"C": 1.0, "kernel": "linear"}], first, strict=True
    ):
        assert got["kernel"] == expected["kernel"]
        assert got["C"] == pytest.approx(expected["C"])
    assert len(study.trials) == 12


def test_knowledge_must_be_a_task_knowledge(records: list[StudyRecord]) -> None:
    with pytest.raises(InvalidParameterError, match="'knowledge' parameter of HybridSampler"):
        HybridSampler(knowledge=KnowledgeBase(records=records))  # type: ignore[arg-type]
    sampler = HybridSampler(knowledge=TaskKnowledge([{"C": 2.0}]))
    assert sampler.prior is None and sampler.warm_start == [{"C": 2.0}]
