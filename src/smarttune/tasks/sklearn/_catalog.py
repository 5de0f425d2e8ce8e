"""The scikit-learn tasks' names and summaries (importing this imports no scikit-learn).

Every model is paired with every dataset as ``<model>-<dataset>`` (``svm-digits``,
``rf-breast-cancer``, ``gb-diabetes``), tuned over a continuous search space; the models with a
classic grid also have ``<model>-<dataset>-grid`` (``svm-digits-grid``), whose parameters are
categorical so that ``optuna.samplers.GridSampler`` can enumerate them. Every task maximizes:
validation accuracy on the classification datasets, validation R^2 on ``diabetes``.
"""

from __future__ import annotations

from smarttune.tasks._info import TaskInfo

__all__ = [
    "DATASETS",
    "GRID_MODELS",
    "MODELS",
    "REGRESSION_DATASETS",
    "TASKS",
    "metric_for",
    "summary_for",
    "task_name",
]

#: Model keys and what they are.
MODELS: dict[str, str] = {
    "dt": "decision tree",
    "gb": "hist gradient boosting",
    "knn": "k-nearest neighbours",
    "logreg": "logistic regression",
    "rf": "random forest",
    "svm": "RBF SVM",
}
#: The models that also have a ``-grid`` task.
GRID_MODELS: tuple[str, ...] = ("dt", "rf", "svm")
#: Dataset keys (as they appear in task names) and their shape.
DATASETS: dict[str, str] = {
    "breast-cancer": "breast cancer (569 x 30, 2 classes)",
    "diabetes": "diabetes (442 x 10, regression)",
    "digits": "8x8 digits (1797 x 64, 10 classes)",
    "iris": "iris (150 x 4, 3 classes)",
    "wine": "wine (178 x 13, 3 classes)",
}
#: The datasets whose target is continuous.
REGRESSION_DATASETS: frozenset[str] = frozenset({"diabetes"})

_TARGET = "smarttune.tasks.sklearn._task:SklearnTask"


def task_name(model: str, dataset: str, grid: bool) -> str:
    """Return the registry name of a model on a dataset, e.g. ``"svm-digits-grid"``."""
    return f"{model}-{dataset}{'-grid' if grid else ''}"


def metric_for(dataset: str) -> str:
    """Return what the objective measures on ``dataset``."""
    return "validation R^2" if dataset in REGRESSION_DATASETS else "validation accuracy"


def summary_for(model: str, dataset: str, grid: bool) -> str:
    """Return the one-line summary ``smarttune tasks`` prints."""
    title = MODELS[model]
    if model == "logreg" and dataset in REGRESSION_DATASETS:
        title = "ridge or lasso regression"
    space = " (classic grid)" if grid else ""
    score = "R^2" if dataset in REGRESSION_DATASETS else "accuracy"
    return f"{title}{space} on {DATASETS[dataset]}; {score}"


def _entries() -> tuple[TaskInfo, ...]:
    entries = []
    for model in MODELS:
        for dataset in DATASETS:
            for grid in (False, True) if model in GRID_MODELS else (False,):
                options: tuple[tuple[str, object], ...] = (("model", model), ("dataset", dataset))
                entries.append(
                    TaskInfo(
                        task_name(model, dataset, grid),
                        summary_for(model, dataset, grid),
                        "maximize",
                        _TARGET,
                        options + ((("grid", True),) if grid else ()),
                    )
                )
    return tuple(entries)


TASKS: tuple[TaskInfo, ...] = _entries()
