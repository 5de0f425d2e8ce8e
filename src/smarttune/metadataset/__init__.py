"""The meta-dataset behind the bundled knowledge base (``smarttune meta build``).

It tunes a suite of scikit-learn model families (decision tree, random forest, RBF SVM,
k-nearest neighbours, histogram gradient boosting, multilayer perceptron; the classic grids of
the first three) on a suite of small datasets (scikit-learn's bundled sets, synthetic sweeps
over sizes, class counts and noise, California Housing, 14x14 MNIST and Fashion-MNIST subsets)
and stores every study with its task's description, ready for
:meth:`smarttune.knowledge.KnowledgeBase.from_storage`. It sits above the tasks and the
knowledge base; nothing but the CLI and the benchmarks imports it.
"""

from __future__ import annotations

from smarttune.metadataset._build import STUDY_PREFIX, build_metadataset, make_task
from smarttune.metadataset._objective import FAMILIES, GRID_FAMILIES, ArrayTask
from smarttune.metadataset._space import probe_search_space
from smarttune.metadataset._suite import SUITE, SuiteDataset, suite_names

__all__ = [
    "FAMILIES",
    "GRID_FAMILIES",
    "STUDY_PREFIX",
    "SUITE",
    "ArrayTask",
    "SuiteDataset",
    "build_metadataset",
    "make_task",
    "probe_search_space",
    "suite_names",
]
