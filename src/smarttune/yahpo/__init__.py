"""YAHPO Gym surrogate benchmarks, read directly from their files (no ``yahpo-gym`` needed).

Three scenarios of YAHPO Gym's data release 1.0.2 (Pfisterer, Schneider, Moosbauer, Binder,
Bischl: "YAHPO Gym -- An Efficient Multi-Objective Multi-Fidelity Benchmark for Hyperparameter
Optimization", AutoML Conf 2022): ``lcbench`` (Zimmer, Lindauer & Hutter 2021), ``rbv2_xgboost``
and ``rbv2_rpart`` (Binder, Pfisterer & Bischl 2020). The data directory is never inside the
package: pass ``data_dir=`` or set ``SMARTTUNE_YAHPO_DIR``. Evaluating needs ``onnxruntime``
(``pip install 'smarttune[yahpo]'``).

Example:
    >>> scenario = load_scenario("lcbench", "../shared/benchmarks/yahpo")  # doctest: +SKIP
    >>> config = scenario.space.sample(1, seed=0)[0]  # doctest: +SKIP
    >>> scenario.evaluate_one(config, "3945")["val_accuracy"]  # doctest: +SKIP
"""

from __future__ import annotations

from smarttune.yahpo._meta import SCENARIOS, ScenarioMeta
from smarttune.yahpo._scenario import DATA_DIR_ENV, Scenario, load_scenario, resolve_data_dir
from smarttune.yahpo._space import Param, SearchSpace

__all__ = [
    "DATA_DIR_ENV",
    "SCENARIOS",
    "Param",
    "Scenario",
    "ScenarioMeta",
    "SearchSpace",
    "load_scenario",
    "resolve_data_dir",
]
