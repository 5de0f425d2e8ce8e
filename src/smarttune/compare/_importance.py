"""Parameter importance per task from the evaluations of a comparison (Optuna's fANOVA).

F. Hutter, H. Hoos and K. Leyton-Brown, "An Efficient Approach for Assessing Hyperparameter
Importance", ICML 2014, as implemented by ``optuna.importance.FanovaImportanceEvaluator`` (32
trees, on a seeded subsample of at most 300 evaluations to keep it to seconds). The
evaluations of every method on the task are pooled into one in-memory study (numeric parameters
become float distributions over their observed range, on a log scale when that range is
positive and spans more than two decades); parameters not present in every evaluation (the
conditional ones) are left out, as Optuna's evaluators require.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from smarttune.compare._results import ParamRecord

__all__ = ["parameter_importance"]


def parameter_importance(
    params: Sequence[ParamRecord], *, max_evaluations: int = 300, seed: int = 0
) -> dict[str, float]:
    """FANOVA importance of each parameter of one task (sums to 1; empty if too few data).

    Args:
        params: The ``params.csv`` records of one task (every method, seed and budget).
        max_evaluations: Evaluations used at most (a seeded subsample beyond that).
        seed: Seed of the subsample and of the fANOVA forest.
    """
    import optuna

    evaluations = _evaluations(params)
    if len(evaluations) < 4:
        return {}
    rng = np.random.default_rng(seed)
    if len(evaluations) > max_evaluations:
        chosen = rng.choice(len(evaluations), size=max_evaluations, replace=False)
        evaluations = [evaluations[i] for i in sorted(chosen)]
    distributions = _distributions(evaluations)
    verbosity = optuna.logging.get_verbosity()
    optuna.logging.set_verbosity(optuna.logging.WARNING)  # no "new study created" line
    try:
        study = optuna.create_study()
    finally:
        optuna.logging.set_verbosity(verbosity)
    trials = []
    for values, score in evaluations:
        kept = {k: v for k, v in values.items() if k in distributions}
        trials.append(
            optuna.trial.create_trial(
                params=kept,
                distributions={k: distributions[k] for k in kept},
                value=score,
            )
        )
    study.add_trials(trials)
    evaluator = optuna.importance.FanovaImportanceEvaluator(n_trees=32, seed=seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            importances = optuna.importance.get_param_importances(study, evaluator=evaluator)
        except (RuntimeError, ValueError):  # too little variation to fit the forest
            return {}
    return {name: float(value) for name, value in importances.items()}


def _evaluations(params: Sequence[ParamRecord]) -> list[tuple[dict[str, Any], float]]:
    grouped: dict[tuple[str, int, float, int], tuple[dict[str, Any], float]] = {}
    for record in params:
        if math.isnan(record.score):
            continue
        key = (record.method, record.seed, record.budget, record.evaluation)
        values, _ = grouped.setdefault(key, ({}, record.score))
        values[record.param] = (
            record.numeric_value if record.numeric_value is not None else record.value
        )
    # Budgets of one search repeat its evaluations: keep each evaluation once.
    unique: dict[tuple[str, int, int], tuple[dict[str, Any], float]] = {}
    for (method, seed, _, evaluation), item in grouped.items():
        unique[(method, seed, evaluation)] = item
    return list(unique.values())


def _distributions(evaluations: list[tuple[dict[str, Any], float]]) -> dict[str, Any]:
    from optuna.distributions import CategoricalDistribution, FloatDistribution

    names = set.intersection(*(set(values) for values, _ in evaluations))
    distributions: dict[str, Any] = {}
    for name in sorted(names):
        column = [values[name] for values, _ in evaluations]
        if all(isinstance(v, float) for v in column):
            low, high = min(column), max(column)
            if high <= low:
                continue
            log = low > 0 and high / low > 100
            distributions[name] = FloatDistribution(low, high, log=log)
        else:
            choices = tuple(sorted({str(v) for v in column}))
            if len(choices) > 1:
                distributions[name] = CategoricalDistribution(choices)
    for values, _ in evaluations:
        for name, distribution in distributions.items():
            if isinstance(distribution, CategoricalDistribution):
                values[name] = str(values[name])
    return distributions
