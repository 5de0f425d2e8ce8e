"""Reports: pure data extraction from studies and comparisons, then thin rendering layers.

:func:`study_records` and the helpers beside it turn a study into plain records, tested without
any plotting library. :func:`write_study_report` and :func:`write_comparison_report` write one
self-contained HTML page (Plotly's JavaScript inline, so it opens offline);
:func:`write_study_pngs` and :func:`render_study_figure` draw static PNG figures with
matplotlib. Plotly and matplotlib are the ``plot`` extra, imported only when a page or figure
is written.
"""

from __future__ import annotations

from smarttune.report._comparison_png import render_comparison_plots
from smarttune.report._comparison_report import (
    render_comparison_report,
    write_comparison_report,
)
from smarttune.report._figure import render_study_figure
from smarttune.report._study_data import (
    WORKER_KEY,
    TrialRecord,
    best_so_far,
    scores_by_group,
    study_records,
)
from smarttune.report._study_png import write_study_pngs
from smarttune.report._study_report import render_study_report, write_study_report

__all__ = [
    "WORKER_KEY",
    "TrialRecord",
    "best_so_far",
    "render_comparison_plots",
    "render_comparison_report",
    "render_study_figure",
    "render_study_report",
    "scores_by_group",
    "study_records",
    "write_comparison_report",
    "write_study_pngs",
    "write_study_report",
]
