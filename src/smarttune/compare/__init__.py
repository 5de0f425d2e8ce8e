"""The comparison harness: methods x tasks x seeds x budgets, results records and statistics.

``smarttune compare`` (and :func:`run_comparison`) runs every method on the same objectives
with the same budgets and seeds, writes one file per finished cell (so a killed run resumes),
then the tables and statistics. :func:`load_results` reads a results directory back; the
statistics functions are pure numpy/scipy over those records.
"""

from __future__ import annotations

from smarttune.compare._bayesmark import bayesmark_scores
from smarttune.compare._compare import run_comparison
from smarttune.compare._importance import parameter_importance
from smarttune.compare._results import (
    CellResult,
    ComparisonResults,
    CurvePoint,
    ParamRecord,
    load_results,
)
from smarttune.compare._stats import (
    FriedmanResult,
    PairwiseTest,
    critical_difference,
    friedman_test,
    holm_correction,
    mean_ranks,
    normalized_regret,
    pairwise_tests,
    score_matrix,
    time_to_target,
)
from smarttune.compare._summary import final_cells, statistics, summary_rows

__all__ = [
    "CellResult",
    "ComparisonResults",
    "CurvePoint",
    "FriedmanResult",
    "PairwiseTest",
    "ParamRecord",
    "bayesmark_scores",
    "critical_difference",
    "final_cells",
    "friedman_test",
    "holm_correction",
    "load_results",
    "mean_ranks",
    "normalized_regret",
    "pairwise_tests",
    "parameter_importance",
    "run_comparison",
    "score_matrix",
    "statistics",
    "summary_rows",
    "time_to_target",
]
