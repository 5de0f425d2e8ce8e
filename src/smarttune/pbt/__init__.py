"""Population-based training (Jaderberg et al., 2017): tune hyperparameters while training.

:class:`PopulationBasedTraining` runs the population; checkpoints go to a
:class:`CheckpointStore` (:class:`LocalCheckpointStore` by default, or
:class:`ArtifactCheckpointStore` over an Optuna artifact store); :func:`segments`,
:func:`lineage`, :func:`best_member` and :func:`replay` read back and retrain what the
storage recorded.
"""

from __future__ import annotations

from smarttune.pbt._explore import PERTURBATION_FACTORS, perturb, truncation_pairs
from smarttune.pbt._pbt import PopulationBasedTraining
from smarttune.pbt._records import (
    CONFIG_KEY,
    SEGMENT_KEY,
    Segment,
    best_member,
    lineage,
    replay,
    segments,
)
from smarttune.pbt._store import ArtifactCheckpointStore, CheckpointStore, LocalCheckpointStore
from smarttune.pbt._worker import CheckpointTask

__all__ = [
    "CONFIG_KEY",
    "PERTURBATION_FACTORS",
    "SEGMENT_KEY",
    "ArtifactCheckpointStore",
    "CheckpointStore",
    "CheckpointTask",
    "LocalCheckpointStore",
    "PopulationBasedTraining",
    "Segment",
    "best_member",
    "lineage",
    "perturb",
    "replay",
    "segments",
    "truncation_pairs",
]
