"""Adapters that put peer optimizers behind one ask/tell interface (``_engine.Proposer``).

Each adapter translates the task's search space (Optuna distributions) into the peer's own,
asks the peer for configurations, and tells it the loss (the objective, negated when the task
maximizes). Categorical choices travel as their indices, so any choice type works. Every peer is
imported lazily and fails with an install hint naming the ``compare`` extra. Peers get the
settings their own high-level entry points use (``gp_minimize``'s GP and acquisition, SMAC3's
HPO facade, Nevergrad's NGOpt with the budget and the batch size as ``num_workers``).
"""

from __future__ import annotations

import itertools
import math
import os
import warnings
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import numpy as np

from smarttune._imports import optional_import
from smarttune.compare._engine import Proposal
from smarttune.compare._space import clip_to, grid_points

if TYPE_CHECKING:
    from smarttune.compare._context import MethodContext
    from smarttune.compare._space import Space

__all__ = [
    "hyperopt",
    "kt_bayesian",
    "kt_hyperband",
    "kt_random",
    "nevergrad",
    "skopt",
    "sklearn_grid",
    "sklearn_random",
    "smac",
]

_EXTRA = "compare"
#: Evaluations a peer is told to plan for when the budget is in seconds.
_OPEN_BUDGET = 10_000


def _import(module: str, purpose: str) -> Any:
    return optional_import(module, extra=_EXTRA, purpose=purpose)


def _kinds(space: Space) -> dict[str, str]:
    """``"float"``, ``"int"`` or ``"cat"`` per parameter."""
    from optuna.distributions import CategoricalDistribution, IntDistribution

    return {
        name: "cat"
        if isinstance(d, CategoricalDistribution)
        else "int"
        if isinstance(d, IntDistribution)
        else "float"
        for name, d in space.items()
    }


def _items(space: Space) -> list[tuple[str, Any]]:
    """The distributions, typed loosely: each branch below reads the attributes its kind has."""
    return list(space.items())


def _decode(space: Space, raw: dict[str, Any]) -> dict[str, Any]:
    """Peer values to Optuna values: choice indices to choices, numbers clipped and rounded."""
    params = {}
    for name, distribution in space.items():
        if name not in raw:
            continue
        value = raw[name]
        choices = getattr(distribution, "choices", None)
        if choices is not None:
            params[name] = choices[int(float(value))]
        else:
            params[name] = clip_to(distribution, value)
    return params


def _budget(context: MethodContext) -> int:
    return context.max_evaluations or _OPEN_BUDGET


class _Simple:
    """A proposer over a peer whose ask returns one raw configuration and tell takes a loss."""

    def __init__(self, space: Space) -> None:
        self.space = space

    def ask(self, n: int) -> list[Proposal]:
        proposals = []
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for _ in range(n):
                raw, handle = self._ask_one()
                if raw is None:
                    break
                proposals.append(Proposal(_decode(self.space, raw), handle))
        return proposals

    def tell(self, proposal: Proposal, loss: float | None) -> None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            self._tell_one(proposal.handle, loss)

    def _ask_one(self) -> tuple[dict[str, Any] | None, Any]:
        raise NotImplementedError

    def _tell_one(self, handle: Any, loss: float | None) -> None:
        raise NotImplementedError


# --- Hyperopt ----------------------------------------------------------------------------------


class _Hyperopt(_Simple):
    """Hyperopt's TPE, driven through its ``Trials`` documents.

    J. Bergstra et al., "Algorithms for Hyper-Parameter Optimization", NeurIPS 2011.
    ``tpe.suggest`` fills a new document; the loss is written back as a finished result.
    """

    def __init__(self, space: Space, seed: int) -> None:
        super().__init__(space)
        self._hp = _import("hyperopt", "the 'hyperopt' method")
        hp = self._hp.hp
        kinds = _kinds(space)
        domain_space = {}
        for name, d in _items(space):
            if kinds[name] == "cat":
                domain_space[name] = hp.choice(name, list(range(len(d.choices))))
            elif d.log:
                low, high = math.log(d.low), math.log(d.high)
                domain_space[name] = (
                    hp.qloguniform(name, low, high, 1)
                    if kinds[name] == "int"
                    else hp.loguniform(name, low, high)
                )
            elif kinds[name] == "int":
                domain_space[name] = hp.uniformint(name, d.low, d.high)
            else:
                domain_space[name] = hp.uniform(name, d.low, d.high)
        self._space_spec = domain_space
        self._domain = self._hp.base.Domain(lambda _: 0.0, domain_space)
        self._trials = self._hp.Trials()
        self._rng = np.random.default_rng(seed)

    def _ask_one(self) -> tuple[dict[str, Any] | None, Any]:
        ids = self._trials.new_trial_ids(1)
        seed = int(self._rng.integers(2**31 - 1))
        docs = self._hp.tpe.suggest(ids, self._domain, self._trials, seed)
        self._trials.insert_trial_docs(docs)
        self._trials.refresh()
        doc = self._trials._dynamic_trials[-1]
        values = {k: v[0] for k, v in doc["misc"]["vals"].items() if v}
        raw = self._hp.space_eval(self._space_spec, values)
        return dict(raw), doc

    def _tell_one(self, handle: Any, loss: float | None) -> None:
        handle["state"] = self._hp.JOB_STATE_DONE
        if loss is None:
            handle["result"] = {"status": self._hp.STATUS_FAIL}
        else:
            handle["result"] = {"loss": float(loss), "status": self._hp.STATUS_OK}
        self._trials.refresh()


def hyperopt(context: MethodContext) -> _Hyperopt:
    """Hyperopt TPE."""
    return _Hyperopt(context.space(), context.seed)


# --- scikit-optimize ---------------------------------------------------------------------------


class _Skopt:
    """scikit-optimize's ``Optimizer`` with the settings of ``gp_minimize``.

    A Matérn GP with a Gaussian noise term, the ``gp_hedge`` acquisition portfolio, 10 random
    initial points and L-BFGS acquisition optimization; batches use its constant-liar
    ``ask(n_points)``.
    """

    def __init__(self, space: Space, seed: int) -> None:
        skopt = _import("skopt", "the 'skopt' method")
        from skopt.space import Categorical, Integer, Real
        from skopt.utils import cook_estimator

        self.space = space
        kinds = _kinds(space)
        self._names = list(space)
        dimensions: list[Any] = []
        for name, d in _items(space):
            if kinds[name] == "cat":
                dimensions.append(Categorical(list(range(len(d.choices))), name=name))
            else:
                prior = "log-uniform" if d.log else "uniform"
                kind = Integer if kinds[name] == "int" else Real
                dimensions.append(kind(d.low, d.high, prior=prior, name=name))
        rng = np.random.RandomState(seed)
        estimator = cook_estimator(
            "GP",
            space=skopt.space.Space(dimensions),
            random_state=rng.randint(0, np.iinfo(np.int32).max),
            noise="gaussian",
        )
        self._optimizer = skopt.Optimizer(
            dimensions,
            base_estimator=estimator,
            n_initial_points=10,
            initial_point_generator="random",
            acq_func="gp_hedge",
            acq_optimizer="lbfgs",
            random_state=rng,
            acq_func_kwargs={"xi": 0.01, "kappa": 1.96},
            acq_optimizer_kwargs={"n_points": 10000, "n_restarts_optimizer": 5, "n_jobs": 1},
        )

    def ask(self, n: int) -> list[Proposal]:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            points = self._optimizer.ask(n_points=n) if n > 1 else [self._optimizer.ask()]
        return [
            Proposal(_decode(self.space, dict(zip(self._names, x, strict=True))), list(x))
            for x in points
        ]

    def tell(self, proposal: Proposal, loss: float | None) -> None:
        if loss is None:
            return
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            self._optimizer.tell(proposal.handle, float(loss))


def skopt(context: MethodContext) -> _Skopt:
    """scikit-optimize ``gp_minimize``'s GP."""
    return _Skopt(context.space(), context.seed)


# --- Nevergrad ---------------------------------------------------------------------------------


class _Nevergrad(_Simple):
    """Nevergrad's NGOpt algorithm selector, told the budget and the batch (``num_workers``).

    L. Meunier et al., "Black-Box Optimization Revisited: Improving Algorithm Selection Wizards
    through Massive Benchmarking", IEEE TEVC 2022.
    """

    def __init__(self, space: Space, seed: int, budget: int, batch: int) -> None:
        super().__init__(space)
        ng = _import("nevergrad", "the 'nevergrad' method")
        kinds = _kinds(space)
        parameters = {}
        for name, d in _items(space):
            if kinds[name] == "cat":
                parameters[name] = ng.p.Choice(list(range(len(d.choices))))
                continue
            low, high = float(d.low), float(d.high)
            scalar = (
                ng.p.Log(lower=low, upper=high) if d.log else ng.p.Scalar(lower=low, upper=high)
            )
            parameters[name] = scalar.set_integer_casting() if kinds[name] == "int" else scalar
        parametrization = ng.p.Dict(**parameters)
        parametrization.random_state = np.random.RandomState(seed)
        self._optimizer = ng.optimizers.NGOpt(
            parametrization=parametrization, budget=budget, num_workers=batch
        )

    def _ask_one(self) -> tuple[dict[str, Any] | None, Any]:
        candidate = self._optimizer.ask()
        return dict(candidate.value), candidate

    def _tell_one(self, handle: Any, loss: float | None) -> None:
        if loss is not None:
            self._optimizer.tell(handle, float(loss))


def nevergrad(context: MethodContext) -> _Nevergrad:
    """Nevergrad NGOpt."""
    return _Nevergrad(context.space(), context.seed, _budget(context), context.batch)


# --- SMAC3 -------------------------------------------------------------------------------------


class _Smac(_Simple):
    """SMAC3's ``HyperparameterOptimizationFacade`` through its ask/tell interface.

    A random-forest surrogate with log-EI, local and random search; M. Lindauer et al., "SMAC3:
    A Versatile Bayesian Optimization Package for Hyperparameter Optimization", JMLR 23, 2022.
    """

    def __init__(self, space: Space, seed: int, budget: int, workdir: str) -> None:
        super().__init__(space)
        smac = _import("smac", "the 'smac' method")
        config_space = _import("ConfigSpace", "the 'smac' method")
        from smac.runhistory.dataclasses import TrialValue

        self._value = TrialValue
        kinds = _kinds(space)
        cs = config_space.ConfigurationSpace(seed=seed)
        hyperparameters = []
        for name, d in _items(space):
            if kinds[name] == "cat":
                choices = [str(i) for i in range(len(d.choices))]
                hyperparameters.append(config_space.Categorical(name, choices))
            elif kinds[name] == "int":
                hyperparameters.append(config_space.Integer(name, (d.low, d.high), log=d.log))
            else:
                hyperparameters.append(config_space.Float(name, (d.low, d.high), log=d.log))
        cs.add(hyperparameters)
        scenario = smac.Scenario(
            cs,
            deterministic=True,
            n_trials=budget,
            seed=seed,
            output_directory=os.path.join(workdir, "smac"),
        )
        self._smac = smac.HyperparameterOptimizationFacade(
            scenario, lambda config, seed=0: 0.0, overwrite=True, logging_level=40
        )

    def _ask_one(self) -> tuple[dict[str, Any] | None, Any]:
        info = self._smac.ask()
        return dict(info.config), info

    def _tell_one(self, handle: Any, loss: float | None) -> None:
        if loss is None:
            from smac.runhistory.enumerations import StatusType

            self._smac.tell(handle, self._value(cost=math.inf, status=StatusType.CRASHED))
        else:
            self._smac.tell(handle, self._value(cost=float(loss)))


def smac(context: MethodContext) -> _Smac:
    """SMAC3's HPO facade."""
    return _Smac(context.space(), context.seed, _budget(context), context.workdir)


# --- scikit-learn's searches -------------------------------------------------------------------


class _Candidates(_Simple):
    """Configurations from an iterator (scikit-learn's candidate generators), in its order."""

    def __init__(self, space: Space, candidates: Iterator[dict[str, Any]]) -> None:
        super().__init__(space)
        self._candidates = candidates

    def _ask_one(self) -> tuple[dict[str, Any] | None, Any]:
        return next(self._candidates, None), None

    def _tell_one(self, handle: Any, loss: float | None) -> None:
        return None


def sklearn_grid(context: MethodContext) -> _Candidates:
    """``GridSearchCV``'s candidates: ``ParameterGrid`` over the classic or an even grid.

    The task's classic grid when it has one, else an even grid within the budget; scored on the
    task's validation split, not by CV, so that every method optimizes the same objective.
    """
    from sklearn.model_selection import ParameterGrid

    space = context.space()
    grid = context.task.grid or grid_points(space, context.max_evaluations or 100)
    indexed = {name: _as_raw(space, name, values) for name, values in grid.items()}
    return _Candidates(space, iter(ParameterGrid(indexed)))


def _as_raw(space: Space, name: str, values: list[Any]) -> list[Any]:
    choices = getattr(space.get(name), "choices", None)
    if choices is None:
        return list(values)
    return [choices.index(v) for v in values]


def sklearn_random(context: MethodContext) -> _Candidates:
    """``RandomizedSearchCV``'s candidates: ``ParameterSampler`` over scipy distributions.

    Log-uniform, uniform and integer distributions and the choices of each category.
    """
    from scipy import stats
    from sklearn.model_selection import ParameterSampler

    space = context.space()
    kinds = _kinds(space)
    distributions: dict[str, Any] = {}
    for name, d in _items(space):
        if kinds[name] == "cat":
            distributions[name] = list(range(len(d.choices)))
        elif d.log:
            distributions[name] = stats.loguniform(d.low, d.high)
        elif kinds[name] == "int":
            distributions[name] = stats.randint(d.low, d.high + 1)
        else:
            distributions[name] = stats.uniform(d.low, d.high - d.low)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sampler = ParameterSampler(
            distributions, n_iter=_budget(context), random_state=context.seed
        )
        candidates = list(itertools.islice(iter(sampler), _budget(context)))
    return _Candidates(space, iter(candidates))


# --- Keras Tuner -------------------------------------------------------------------------------


class _KerasOracle(_Simple):
    """A Keras Tuner oracle driven directly, so it tunes the task's own (PyTorch) objective.

    ``create_trial``/``update_trial``/``end_trial``; Keras 3 runs on the torch backend.
    """

    #: Hyperband's largest number of epochs; ``tuner/epochs`` over it is the fidelity.
    MAX_EPOCHS = 27

    def __init__(self, space: Space, oracle: Any) -> None:
        super().__init__(space)
        self._oracle = oracle

    def ask(self, n: int) -> list[Proposal]:
        proposals = []
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for _ in range(n):
                trial = self._oracle.create_trial("smarttune")
                if trial.status != "RUNNING":
                    break
                values = dict(trial.hyperparameters.values)
                epochs = values.pop("tuner/epochs", None)
                fidelity = 1.0 if epochs is None else min(1.0, float(epochs) / self.MAX_EPOCHS)
                raw = {k: v for k, v in values.items() if not k.startswith("tuner/")}
                proposals.append(Proposal(_decode(self.space, raw), trial, fidelity))
        return proposals

    def _tell_one(self, handle: Any, loss: float | None) -> None:
        if loss is None:
            handle.status = "FAILED"
        else:
            self._oracle.update_trial(handle.trial_id, {"loss": float(loss)})
            handle.status = "COMPLETED"
        self._oracle.end_trial(handle)


def _keras_oracle(context: MethodContext, kind: str) -> _KerasOracle:
    os.environ.setdefault("KERAS_BACKEND", "torch")
    kt = _import("keras_tuner", f"the 'kt-{kind}' method")
    space = context.space()
    kinds = _kinds(space)
    hyperparameters = kt.HyperParameters()
    for name, d in _items(space):
        if kinds[name] == "cat":
            hyperparameters.Choice(name, list(range(len(d.choices))))
        else:
            sampling = "log" if d.log else "linear"
            make = hyperparameters.Int if kinds[name] == "int" else hyperparameters.Float
            make(name, d.low, d.high, sampling=sampling)
    objective = kt.Objective("loss", direction="min")
    common = {"objective": objective, "hyperparameters": hyperparameters, "seed": context.seed}
    if kind == "random":
        oracle = kt.oracles.RandomSearchOracle(max_trials=_budget(context), **common)
    elif kind == "bayesian":
        oracle = kt.oracles.BayesianOptimizationOracle(max_trials=_budget(context), **common)
    else:
        oracle = kt.oracles.HyperbandOracle(
            max_epochs=_KerasOracle.MAX_EPOCHS, factor=3, hyperband_iterations=100, **common
        )
    oracle._set_project_dir(context.workdir, f"kt-{kind}")
    oracle.verbose = 0  # no per-trial tables on standard output
    return _KerasOracle(space, oracle)


def kt_random(context: MethodContext) -> _KerasOracle:
    """Keras Tuner RandomSearch."""
    return _keras_oracle(context, "random")


def kt_bayesian(context: MethodContext) -> _KerasOracle:
    """Keras Tuner BayesianOptimization."""
    return _keras_oracle(context, "bayesian")


def kt_hyperband(context: MethodContext) -> _KerasOracle:
    """Keras Tuner Hyperband (L. Li et al., JMLR 18, 2018): ``tuner/epochs`` sets the fidelity."""
    return _keras_oracle(context, "hyperband")
