"""Reports: pure data extraction from studies, then thin rendering layers (matplotlib lazily).

:func:`study_records` and the helpers beside it turn a study into plain records, tested without
any plotting library; :func:`render_study_figure` draws them with matplotlib (the ``plot``
extra).
"""

from __future__ import annotations

from smarttune.report._figure import render_study_figure
from smarttune.report._study_data import (
    TrialRecord,
    best_so_far,
    scores_by_group,
    study_records,
)

__all__ = ["TrialRecord", "best_so_far", "render_study_figure", "scores_by_group", "study_records"]
