"""The methods a comparison runs, by name: Optuna's samplers, smarttune's, and the peers.

A method turns a :class:`MethodContext` (the task, the seed, the budget) into a
:class:`Search`: an Optuna sampler (and pruner) that samples inside the study, or a peer's
:class:`~smarttune.compare._engine.Proposer` whose configurations are enqueued. Peers are
imported lazily, failing with an install hint (the ``compare`` extra).
"""

from __future__ import annotations

import difflib
import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from smarttune.compare._context import MethodContext
from smarttune.exceptions import MissingDependencyError, UnknownNameError

if TYPE_CHECKING:
    import optuna

    from smarttune.compare._engine import Proposer

__all__ = [
    "METHODS",
    "Method",
    "MethodContext",
    "Search",
    "applies",
    "get_method",
    "method_names",
]

_ALL_KINDS = frozenset({"sklearn", "neural", "bbob", "user"})


@dataclass
class Search:
    """How a method searches: a sampler (and pruner) inside the study, or a proposer."""

    sampler: optuna.samplers.BaseSampler
    pruner: optuna.pruners.BasePruner | None = None
    proposer: Proposer | None = None


@dataclass(frozen=True)
class Method:
    """A method of the comparison.

    Attributes:
        name: Its name on the command line.
        summary: One line: what it is and whose.
        build: Makes the search for one cell.
        kinds: The task kinds it applies to (a method is skipped on the others).
        extra: The smarttune extra that provides it, or None.
        requires: The modules it imports (checked before a run starts).
    """

    name: str
    summary: str
    build: Callable[[MethodContext], Search]
    kinds: frozenset[str] = _ALL_KINDS
    extra: str | None = None
    requires: tuple[str, ...] = ()

    def check_available(self) -> None:
        """Raise :class:`MissingDependencyError` naming the extra if a module is missing."""
        import importlib.util

        for module in self.requires:
            if importlib.util.find_spec(module) is None:
                raise MissingDependencyError(
                    f"The method {self.name!r} needs '{module}', which is not installed; "
                    f"install it with: pip install 'smarttune[{self.extra or 'compare'}]'"
                )


def _registered(name: str) -> Callable[[MethodContext], Search]:
    def build(context: MethodContext) -> Search:
        from smarttune.samplers import resolve_sampler

        return Search(resolve_sampler(name, seed=context.seed))

    return build


def _grid(context: MethodContext) -> Search:
    import optuna

    from smarttune.compare._space import grid_points

    grid = context.task.grid or grid_points(context.space(), context.max_evaluations or 100)
    return Search(optuna.samplers.GridSampler(grid, seed=context.seed))


def _hybrid_hyperband(context: MethodContext) -> Search:
    import optuna

    from smarttune.samplers import resolve_sampler

    return Search(resolve_sampler("hybrid", seed=context.seed), optuna.pruners.HyperbandPruner())


def _peer(factory: str) -> Callable[[MethodContext], Search]:
    """A proposer built by ``smarttune.compare._peers.<factory>(context)``."""

    def build(context: MethodContext) -> Search:
        import optuna

        from smarttune.compare import _peers

        proposer = getattr(_peers, factory)(context)
        return Search(optuna.samplers.RandomSampler(seed=context.seed), proposer=proposer)

    return build


_SKLEARN = frozenset({"sklearn"})
# Pruning needs intermediate values: on the others it would repeat ``hybrid`` exactly.
_REPORTING = frozenset({"neural", "user"})
_NEURAL = frozenset({"neural"})
_KERAS = ("keras_tuner", "keras")

#: Every method by name, in the order results list them.
METHODS: dict[str, Method] = {
    m.name: m
    for m in (
        Method("grid", "Optuna GridSampler (the task's classic grid, else an even grid)", _grid),
        Method("random", "Optuna RandomSampler", _registered("random")),
        Method("sobol", "Optuna QMCSampler, scrambled Sobol", _registered("sobol")),
        Method("tpe", "Optuna TPESampler", _registered("tpe")),
        Method("gp", "Optuna GPSampler", _registered("gp")),
        Method("cmaes", "Optuna CmaEsSampler", _registered("cmaes")),
        Method("nsga2", "Optuna NSGAIISampler (Optuna's genetic baseline)", _registered("nsga2")),
        Method("genetic", "smarttune GeneticSampler", _registered("genetic")),
        Method("bandit", "smarttune BayesianBanditSampler", _registered("bandit")),
        Method("hybrid", "smarttune HybridSampler", _registered("hybrid")),
        Method(
            "hybrid-hyperband",
            "smarttune HybridSampler with Optuna's HyperbandPruner (tasks that report epochs)",
            _hybrid_hyperband,
            kinds=_REPORTING,
        ),
        Method(
            "hyperopt",
            "Hyperopt TPE (tpe.suggest)",
            _peer("hyperopt"),
            _ALL_KINDS,
            "compare",
            ("hyperopt",),
        ),
        Method(
            "skopt",
            "scikit-optimize gp_minimize's GP (ask/tell Optimizer)",
            _peer("skopt"),
            _ALL_KINDS,
            "compare",
            ("skopt",),
        ),
        Method(
            "nevergrad",
            "Nevergrad NGOpt",
            _peer("nevergrad"),
            _ALL_KINDS,
            "compare",
            ("nevergrad",),
        ),
        Method(
            "smac",
            "SMAC3 HyperparameterOptimizationFacade",
            _peer("smac"),
            _ALL_KINDS,
            "compare",
            ("smac", "ConfigSpace"),
        ),
        Method(
            "sklearn-grid",
            "scikit-learn GridSearchCV's candidates (ParameterGrid) on the task's split",
            _peer("sklearn_grid"),
            kinds=_SKLEARN,
        ),
        Method(
            "sklearn-random",
            "scikit-learn RandomizedSearchCV's candidates (ParameterSampler) on the task's split",
            _peer("sklearn_random"),
            kinds=_SKLEARN,
        ),
        Method(
            "kt-random",
            "Keras Tuner RandomSearch oracle",
            _peer("kt_random"),
            _NEURAL,
            "compare",
            _KERAS,
        ),
        Method(
            "kt-bayesian",
            "Keras Tuner BayesianOptimization oracle",
            _peer("kt_bayesian"),
            _NEURAL,
            "compare",
            _KERAS,
        ),
        Method(
            "kt-hyperband",
            "Keras Tuner Hyperband oracle",
            _peer("kt_hyperband"),
            _NEURAL,
            "compare",
            _KERAS,
        ),
    )
}

_ALIASES = {"hybrid+hyperband": "hybrid-hyperband", "quasi-random": "sobol", "qmc": "sobol"}


@functools.cache
def method_names() -> tuple[str, ...]:
    """Every method name, in the order results list them."""
    return tuple(METHODS)


def get_method(name: str) -> Method:
    """The method called ``name`` (case-insensitive; ``_`` and ``-`` are equivalent).

    Raises:
        UnknownNameError: If no method has that name.
    """
    key = name.strip().lower().replace("_", "-")
    key = _ALIASES.get(key, key)
    if key not in METHODS:
        close = difflib.get_close_matches(key, METHODS, n=3)
        hint = f" Did you mean {', '.join(close)}?" if close else ""
        raise UnknownNameError(f"Unknown method {name!r}.{hint} Methods: {', '.join(METHODS)}.")
    return METHODS[key]


def applies(method: Method, kind: str) -> bool:
    """Whether ``method`` runs on tasks of ``kind``."""
    return kind in method.kinds
