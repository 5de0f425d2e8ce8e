"""One search: a method on a task with a seed and a budget, on one Optuna study.

Every method runs through the same loop on the same objective, so every method is charged the
same evaluations. Optuna's and smarttune's samplers sample inside the study; a *proposer* (a
peer library) proposes complete configurations, which are enqueued
(``Study.enqueue_trial``) and evaluated by the same objective; a parameter a proposer does not
know (one only some branches suggest) falls back to the study's seeded random sampler.

Batches (``batch > 1``): ``batch`` trials are asked, all are evaluated, then all are told, so no
proposal of a batch sees the results of its siblings (the 16 x 8 protocol of Bayesmark).

Time: ``sampler_time_s`` is the time outside the objective (asking, every ``suggest_*`` call,
telling, and the proposer's own ask and tell), measured as in ``benchmarks/_bbob.py``.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from smarttune.compare._timing import Clock, TimedTrial

if TYPE_CHECKING:
    import optuna

    from smarttune.compare._tasks import ResolvedTask

__all__ = ["Evaluation", "Proposal", "Proposer", "SearchLog", "run_search"]

#: Evaluations a seconds budget may run at most.
MAX_EVALUATIONS = 100_000


@dataclass
class Proposal:
    """A configuration a proposer asks to evaluate, at a fidelity in (0, 1]."""

    params: dict[str, Any]
    handle: Any = None
    fidelity: float = 1.0


class Proposer(Protocol):
    """A peer optimizer behind an ask/tell interface; it minimizes ``loss``."""

    def ask(self, n: int) -> list[Proposal]:
        """``n`` configurations to evaluate before the next :meth:`tell`."""

    def tell(self, proposal: Proposal, loss: float | None) -> None:
        """The loss of ``proposal`` (None: it failed and nothing finite has been seen yet)."""


@dataclass
class Evaluation:
    """One evaluation of a search."""

    number: int
    elapsed_s: float
    value: float
    state: str
    params: dict[str, Any]
    sampler_s: float = 0.0
    #: Why the evaluation failed (``Type: message``), or ``""``.
    error: str = ""


@dataclass
class SearchLog:
    """What one search did."""

    direction: str
    evaluations: list[Evaluation] = field(default_factory=list)
    wall_time_s: float = 0.0
    sampler_time_s: float = 0.0

    def best(self, upto: int | None = None) -> Evaluation | None:
        """The best finished evaluation among the first ``upto`` (all if None)."""
        done = [e for e in self.evaluations[:upto] if e.state == "COMPLETE"]
        if not done:
            return None
        sign = -1.0 if self.direction == "maximize" else 1.0
        return min(done, key=lambda e: sign * e.value)


def run_search(
    task: ResolvedTask,
    *,
    sampler: optuna.samplers.BaseSampler,
    pruner: optuna.pruners.BasePruner | None = None,
    proposer: Proposer | None = None,
    max_evaluations: int | None = None,
    max_seconds: float | None = None,
    batch: int = 1,
) -> tuple[SearchLog, optuna.Study]:
    """Run one search until ``max_evaluations`` or ``max_seconds`` (checked between batches)."""
    import optuna

    study = optuna.create_study(
        direction="maximize" if task.direction == "maximize" else "minimize",
        sampler=sampler,
        pruner=pruner or optuna.pruners.NopPruner(),
    )
    log, clock = SearchLog(task.direction), Clock()
    limit = max_evaluations if max_evaluations is not None else MAX_EVALUATIONS
    start = time.perf_counter()
    stopped = False
    while len(log.evaluations) < limit and not stopped:
        if max_seconds is not None and time.perf_counter() - start >= max_seconds:
            break
        n = min(batch, limit - len(log.evaluations))
        stopped = _one_batch(study, task, proposer, n, clock, log, start)
    log.wall_time_s = time.perf_counter() - start
    log.sampler_time_s = clock.total
    return log, study


def _one_batch(
    study: optuna.Study,
    task: ResolvedTask,
    proposer: Proposer | None,
    n: int,
    clock: Clock,
    log: SearchLog,
    start: float,
) -> bool:
    """Ask, evaluate and tell ``n`` trials; return whether the sampler asked to stop."""
    proposals: Sequence[Proposal | None] = [None] * n
    if proposer is not None:
        with clock:
            proposals = proposer.ask(n)
        if not proposals:  # the peer has nothing left to propose (an exhausted grid)
            return True
    trials = []
    for proposal in proposals:
        with clock:
            if proposal is not None:
                study.enqueue_trial(proposal.params, skip_if_exists=False)
            trials.append(study.ask())
    outcomes = [
        _evaluate(task, trial, proposal, clock)
        for trial, proposal in zip(trials, proposals, strict=True)
    ]
    stopped = False
    for trial, proposal, (state, value, error) in zip(trials, proposals, outcomes, strict=True):
        with clock:
            stopped = _tell(study, trial, state, value) or stopped
        log.evaluations.append(
            Evaluation(
                trial.number + 1,
                time.perf_counter() - start,
                value,
                state,
                dict(trial.params),
                clock.total,
                error,
            )
        )
        if proposer is not None and proposal is not None:
            with clock:
                proposer.tell(proposal, _loss(log, state, value))
    return stopped


def _evaluate(
    task: ResolvedTask, trial: optuna.Trial, proposal: Proposal | None, clock: Clock
) -> tuple[str, float, str]:
    import optuna

    objective = task.objective
    if proposal is not None and proposal.fidelity < 1.0 and task.at_fidelity is not None:
        objective = task.at_fidelity(proposal.fidelity).objective
    try:
        value = float(objective(TimedTrial(trial, clock)))  # type: ignore[arg-type]
    except optuna.TrialPruned:
        return "PRUNED", math.nan, ""
    except Exception as error:  # a failing configuration is a result, as in smarttune.tune()
        return "FAIL", math.nan, f"{type(error).__name__}: {error}"
    if not math.isfinite(value):
        return "FAIL", math.nan, f"the objective returned {value!r}"
    return "COMPLETE", value, ""


def _tell(study: optuna.Study, trial: optuna.Trial, state: str, value: float) -> bool:
    """Tell a trial; return whether the sampler asked the study to stop.

    ``GridSampler`` calls ``Study.stop()`` once its grid is exhausted, which raises outside
    ``Study.optimize``; the trial is stored before that (``optuna.study._tell``), so the search
    just ends there.
    """
    from optuna.trial import TrialState

    try:
        if state == "COMPLETE":
            study.tell(trial, value)
        else:
            study.tell(trial, state=TrialState.PRUNED if state == "PRUNED" else TrialState.FAIL)
    except RuntimeError as error:
        if "Study.stop" not in str(error):
            raise
        return True
    return False


def _loss(log: SearchLog, state: str, value: float) -> float | None:
    """The loss a proposer is told: the value (negated when maximizing), else the worst seen."""
    sign = -1.0 if log.direction == "maximize" else 1.0
    if state == "COMPLETE":
        return sign * value
    losses = [sign * e.value for e in log.evaluations if e.state == "COMPLETE"]
    return max(losses) if losses else None
