"""Checkpoint stores: where population-based training keeps its members' checkpoints.

A store maps a checkpoint id (a string recorded in the Optuna storage) to one file. Workers
write and read it directly; only the main process writes to the Optuna storage. Two stores:

* :class:`LocalCheckpointStore`, a directory (the default);
* :class:`ArtifactCheckpointStore`, over any of Optuna's artifact stores
  (``optuna.artifacts.FileSystemArtifactStore``, ``Boto3ArtifactStore``, ``GCSArtifactStore``),
  so that checkpoints live next to the study's other artifacts, on shared or object storage.
"""

from __future__ import annotations

import os
import shutil
from abc import ABC, abstractmethod
from pathlib import Path
from typing import TYPE_CHECKING, Any

from smarttune._validation import InstanceOf, validate_parameter
from smarttune.exceptions import InvalidParameterError

if TYPE_CHECKING:
    from optuna.artifacts._protocol import ArtifactStore

__all__ = ["ArtifactCheckpointStore", "CheckpointStore", "LocalCheckpointStore"]


class CheckpointStore(ABC):
    """Keeps checkpoint files under ids; must be picklable (workers receive a copy)."""

    @abstractmethod
    def put(self, checkpoint_id: str, path: str | os.PathLike[str]) -> None:
        """Store the file ``path`` under ``checkpoint_id`` (replacing any file stored there)."""

    @abstractmethod
    def get(self, checkpoint_id: str, path: str | os.PathLike[str]) -> None:
        """Copy the file stored under ``checkpoint_id`` to ``path``."""

    @abstractmethod
    def exists(self, checkpoint_id: str) -> bool:
        """Whether a file is stored under ``checkpoint_id``."""


class LocalCheckpointStore(CheckpointStore):
    """Checkpoints as files ``<directory>/<id>.ckpt``; the directory is created on first write.

    Args:
        directory: Where the files go.
    """

    def __init__(self, *, directory: str | os.PathLike[str]) -> None:
        validate_parameter(
            "directory", directory, [InstanceOf(str, os.PathLike)], owner="LocalCheckpointStore"
        )
        self.directory = Path(directory)

    def _file(self, checkpoint_id: str) -> Path:
        return self.directory / f"{checkpoint_id}.ckpt"

    def put(self, checkpoint_id: str, path: str | os.PathLike[str]) -> None:
        """Copy ``path`` into the directory (atomically: write, then rename)."""
        self.directory.mkdir(parents=True, exist_ok=True)
        partial = self._file(checkpoint_id).with_suffix(".partial")
        shutil.copyfile(path, partial)
        partial.replace(self._file(checkpoint_id))

    def get(self, checkpoint_id: str, path: str | os.PathLike[str]) -> None:
        """Copy the stored file to ``path``."""
        shutil.copyfile(self._file(checkpoint_id), path)

    def exists(self, checkpoint_id: str) -> bool:
        """Whether ``<directory>/<id>.ckpt`` exists."""
        return self._file(checkpoint_id).is_file()

    def __repr__(self) -> str:
        return f"LocalCheckpointStore(directory={str(self.directory)!r})"


class ArtifactCheckpointStore(CheckpointStore):
    """Checkpoints in an Optuna artifact store, under artifact ids ``smarttune-pbt-<id>``.

    Args:
        artifact_store: An Optuna artifact store, e.g.
            ``optuna.artifacts.FileSystemArtifactStore("artifacts")``.
    """

    def __init__(self, *, artifact_store: ArtifactStore) -> None:
        if not all(callable(getattr(artifact_store, m, None)) for m in ("open_reader", "write")):
            raise InvalidParameterError(
                "The 'artifact_store' parameter of ArtifactCheckpointStore must be an Optuna "
                f"artifact store (with open_reader and write). Got {artifact_store!r} instead."
            )
        self.artifact_store = artifact_store

    @staticmethod
    def _artifact_id(checkpoint_id: str) -> str:
        return f"smarttune-pbt-{checkpoint_id}"

    def put(self, checkpoint_id: str, path: str | os.PathLike[str]) -> None:
        """Upload ``path`` to the artifact store."""
        with open(path, "rb") as body:
            self.artifact_store.write(self._artifact_id(checkpoint_id), body)

    def get(self, checkpoint_id: str, path: str | os.PathLike[str]) -> None:
        """Download the artifact to ``path``."""
        reader: Any = self.artifact_store.open_reader(self._artifact_id(checkpoint_id))
        with reader, open(path, "wb") as target:
            shutil.copyfileobj(reader, target)

    def exists(self, checkpoint_id: str) -> bool:
        """Whether the artifact can be opened."""
        try:
            self.artifact_store.open_reader(self._artifact_id(checkpoint_id)).close()
        except Exception:  # each artifact backend raises its own "not found" error
            return False
        return True

    def __repr__(self) -> str:
        return f"ArtifactCheckpointStore(artifact_store={self.artifact_store!r})"
