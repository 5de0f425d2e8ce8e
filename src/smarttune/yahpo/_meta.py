"""What YAHPO Gym 1.0.2 declares about each scenario that its data files do not.

The column orders of the surrogate's inputs (``cont_names``, ``cat_names``) and outputs
(``targets``) are those of ``yahpo_gym/benchmarks/lcbench.py`` and ``rbv2.py`` in yahpo-gym
1.0.2 (Pfisterer et al., "YAHPO Gym", AutoML Conf 2022); the usual targets and the full
fidelities are the ones the benchmark's users report on.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["SCENARIOS", "ScenarioMeta"]


@dataclass(frozen=True)
class ScenarioMeta:
    """A scenario's surrogate layout and its usual optimization target.

    Attributes:
        name: The scenario's directory name.
        learner: What was trained, in words.
        instance_param: The parameter naming the OpenML task.
        cont_names: The surrogate's continuous inputs, in order.
        cat_names: The surrogate's categorical inputs, in order.
        targets: The surrogate's outputs, in order.
        minimize: For each target, whether lower is better.
        fidelity: The fidelity parameters and their full-budget values.
        target: The usual target.
        fidelity_param: The parameter that a fidelity in (0, 1] scales.
    """

    name: str
    learner: str
    instance_param: str
    cont_names: tuple[str, ...]
    cat_names: tuple[str, ...]
    targets: tuple[str, ...]
    minimize: tuple[bool, ...]
    fidelity: tuple[tuple[str, float], ...]
    target: str
    fidelity_param: str


_RBV2_TARGETS = (
    "acc",
    "bac",
    "auc",
    "brier",
    "f1",
    "logloss",
    "timetrain",
    "timepredict",
    "memory",
)
# Higher is better for acc, bac, auc and f1 (yahpo-gym 1.0.2 marks f1 as minimized: a slip).
_RBV2_MINIMIZE = (False, False, False, True, False, True, True, True, True)

SCENARIOS: dict[str, ScenarioMeta] = {
    "lcbench": ScenarioMeta(
        name="lcbench",
        learner="funnel-shaped MLP (Auto-PyTorch)",
        instance_param="OpenML_task_id",
        cont_names=(
            "epoch",
            "batch_size",
            "learning_rate",
            "momentum",
            "weight_decay",
            "num_layers",
            "max_units",
            "max_dropout",
        ),
        cat_names=("OpenML_task_id",),
        targets=(
            "time",
            "val_accuracy",
            "val_cross_entropy",
            "val_balanced_accuracy",
            "test_cross_entropy",
            "test_balanced_accuracy",
        ),
        minimize=(True, False, True, False, True, False),
        fidelity=(("epoch", 52.0),),
        target="val_accuracy",
        fidelity_param="epoch",
    ),
    "rbv2_xgboost": ScenarioMeta(
        name="rbv2_xgboost",
        learner="XGBoost (mlr3)",
        instance_param="task_id",
        cont_names=(
            "nrounds",
            "eta",
            "gamma",
            "lambda",
            "alpha",
            "subsample",
            "max_depth",
            "min_child_weight",
            "colsample_bytree",
            "colsample_bylevel",
            "rate_drop",
            "skip_drop",
            "trainsize",
            "repl",
        ),
        cat_names=("task_id", "booster", "num.impute.selected.cpo"),
        targets=_RBV2_TARGETS,
        minimize=_RBV2_MINIMIZE,
        fidelity=(("trainsize", 1.0), ("repl", 10.0)),
        target="acc",
        fidelity_param="trainsize",
    ),
    "rbv2_rpart": ScenarioMeta(
        name="rbv2_rpart",
        learner="CART decision tree (rpart)",
        instance_param="task_id",
        cont_names=("cp", "maxdepth", "minbucket", "minsplit", "trainsize", "repl"),
        cat_names=("task_id", "num.impute.selected.cpo"),
        targets=_RBV2_TARGETS,
        minimize=_RBV2_MINIMIZE,
        fidelity=(("trainsize", 1.0), ("repl", 10.0)),
        target="acc",
        fidelity_param="trainsize",
    ),
}
