"""The scikit-learn tasks' names and summaries (importing this imports no scikit-learn)."""

from __future__ import annotations

from smarttune.tasks._info import TaskInfo

__all__ = ["TASKS"]

TASKS: tuple[TaskInfo, ...] = (
    TaskInfo(
        "svm-digits",
        "RBF support-vector classifier on scikit-learn's 8x8 digits (C, gamma; accuracy)",
        "maximize",
        "smarttune.tasks.sklearn._svm_digits:SvmDigitsTask",
    ),
)
