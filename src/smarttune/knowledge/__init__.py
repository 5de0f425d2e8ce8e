"""The knowledge base: finished studies, their tasks' meta-features, and what they teach.

* :func:`dataset_meta_features` describes a dataset (size, classes, balance, correlation and
  landmarkers) from plain arrays;
* :class:`KnowledgeBase` indexes the finished studies of Optuna storages with their tasks'
  meta-features and normalized scores, exports and imports them as JSON (never pickle), and
  recommends configurations for a new task from a cross-task meta-model;
* :meth:`TaskKnowledge.prior_mean` weights past studies' models by how well they rank a new
  study's observations (RGPE) for the sampler's model, and :func:`find_past_studies` finds the
  user's own earlier studies of the same search space in a storage.
"""

from __future__ import annotations

from smarttune.knowledge._base import (
    BUNDLED_PATH,
    METHODS,
    KnowledgeBase,
    default_path,
    learn_study,
)
from smarttune.knowledge._describe import TASK_ATTR, describe_task, task_family
from smarttune.knowledge._meta_features import META_FEATURE_NAMES, dataset_meta_features
from smarttune.knowledge._models import MetaModel, MLPBaseline, TwoStageTransfer
from smarttune.knowledge._past_studies import PastStudies, find_past_studies, study_space
from smarttune.knowledge._recommend import Recommendation, TaskKnowledge, UnseenParameterWarning
from smarttune.knowledge._records import StudyRecord, normalized_scores

__all__ = [
    "BUNDLED_PATH",
    "METHODS",
    "META_FEATURE_NAMES",
    "TASK_ATTR",
    "KnowledgeBase",
    "MLPBaseline",
    "MetaModel",
    "PastStudies",
    "Recommendation",
    "StudyRecord",
    "TaskKnowledge",
    "TwoStageTransfer",
    "UnseenParameterWarning",
    "dataset_meta_features",
    "default_path",
    "describe_task",
    "find_past_studies",
    "learn_study",
    "normalized_scores",
    "study_space",
    "task_family",
]
