"""``build_metadataset``: tune every family of the suite on every dataset into one storage."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from smarttune.knowledge import TASK_ATTR, describe_task
from smarttune.metadataset._objective import FAMILIES, GRID_FAMILIES, ArrayTask
from smarttune.metadataset._suite import SUITE
from smarttune.storage import open_storage

if TYPE_CHECKING:
    import optuna

__all__ = ["STUDY_PREFIX", "build_metadataset", "make_task"]

#: Prefix of the names of the studies the builder creates (``meta/<family>-<dataset>``).
STUDY_PREFIX = "meta/"


def make_task(dataset: str, family: str, *, seed: int = 0) -> ArrayTask:
    """The :class:`ArrayTask` of ``family`` (``"svm"``, ``"svm-grid"``) on a suite dataset."""
    X, y, classification = SUITE[dataset].load()
    grid = family.endswith("-grid")
    model = family.removesuffix("-grid")
    return ArrayTask(
        model=model,
        dataset=dataset,
        X=X,
        y=y,
        classification=classification,
        grid=grid,
        seed=seed,
    )


def build_metadataset(
    storage: str | optuna.storages.BaseStorage,
    *,
    datasets: Sequence[str] | None = None,
    families: Sequence[str] = FAMILIES,
    grids: bool = True,
    n_trials: int = 30,
    seed: int = 0,
    log: Callable[[str], None] | None = None,
) -> list[str]:
    """Tune ``families`` (TPE, ``n_trials``) and their classic grids on suite datasets.

    Resumable: a study that already holds enough completed trials is skipped, a partial one is
    topped up. Every study gets the :data:`~smarttune.knowledge.TASK_ATTR` user attribute, so
    that :meth:`KnowledgeBase.from_storage` can index it.

    Returns:
        The names of the studies in the storage that the build covers.
    """
    opened = open_storage(storage)
    names = []
    for dataset in datasets if datasets is not None else list(SUITE):
        todo = [*families, *(f"{f}-grid" for f in families if grids and f in GRID_FAMILIES)]
        for family in todo:
            task = make_task(dataset, family, seed=seed)
            names.append(_run(opened, task, n_trials, seed))
            if log is not None:
                log(f"{names[-1]} done")
    return names


def _run(storage: Any, task: ArrayTask, n_trials: int, seed: int) -> str:
    import optuna

    grid = task.search_grid()
    if grid is not None:
        sampler: optuna.samplers.BaseSampler = optuna.samplers.GridSampler(grid, seed=seed)
        n_trials = 1
        for values in grid.values():
            n_trials *= len(values)
    else:
        sampler = optuna.samplers.TPESampler(seed=seed)
    name = STUDY_PREFIX + task.name
    study = optuna.create_study(
        storage=storage,
        sampler=sampler,
        study_name=name,
        direction="maximize",
        load_if_exists=True,
    )
    done = len(study.get_trials(deepcopy=False, states=(optuna.trial.TrialState.COMPLETE,)))
    if done < n_trials:
        study.optimize(task.objective, n_trials=n_trials - done, catch=(Exception,))
    study.set_user_attr(TASK_ATTR, describe_task(task))
    return name
