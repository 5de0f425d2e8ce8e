"""Training one segment, in a worker process or in the calling one.

A worker receives the task and the checkpoint store once (the pool's initializer), then
segment specifications. It never touches the Optuna storage: it loads the parent checkpoint
(if any) **with the segment's own parameters**, trains, saves the new checkpoint to the store
and returns the score; the main process records everything.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    import optuna

    from smarttune.pbt._store import CheckpointStore

__all__ = ["CheckpointTask", "SegmentSpec", "init_worker", "run_segment"]


class CheckpointTask(Protocol):
    """What population-based training needs of a task (see :mod:`smarttune.tasks._base`)."""

    @property
    def direction(self) -> str: ...

    @property
    def supports_checkpoints(self) -> bool: ...

    @property
    def mutable_params(self) -> tuple[str, ...]: ...

    def suggest(self, trial: optuna.Trial) -> dict[str, Any]: ...

    def init_state(self, params: dict[str, Any], *, seed: int) -> Any: ...

    def train_steps(self, state: Any, n_steps: int) -> float: ...

    def save_checkpoint(self, state: Any, path: str | os.PathLike[str]) -> None: ...

    def load_checkpoint(
        self, path: str | os.PathLike[str], params: dict[str, Any], *, seed: int
    ) -> Any: ...

    def test_metrics(self, state: Any) -> dict[str, float]: ...


@dataclass(frozen=True)
class SegmentSpec:
    """What a worker needs to train one segment."""

    trial: int
    params: dict[str, Any]
    seed: int
    steps: int
    parent_checkpoint: str | None
    checkpoint: str


_WORKER: dict[str, Any] = {}


def init_worker(task: CheckpointTask, store: CheckpointStore) -> None:
    """Keep the task (and the data it caches) and the store for this process's segments."""
    _WORKER["task"], _WORKER["store"] = task, store


def run_segment(spec: SegmentSpec) -> tuple[int, float]:
    """Train one segment; return its trial number and validation score."""
    task: CheckpointTask = _WORKER["task"]
    store: CheckpointStore = _WORKER["store"]
    with tempfile.TemporaryDirectory(prefix="smarttune-pbt-") as tmp:
        path = Path(tmp) / "segment.ckpt"
        if spec.parent_checkpoint is None:
            state = task.init_state(spec.params, seed=spec.seed)
        else:
            store.get(spec.parent_checkpoint, path)
            state = task.load_checkpoint(path, spec.params, seed=spec.seed)
        score = float(task.train_steps(state, spec.steps))
        task.save_checkpoint(state, path)
        store.put(spec.checkpoint, path)
    return spec.trial, score
