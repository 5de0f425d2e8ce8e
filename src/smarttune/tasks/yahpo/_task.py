"""One YAHPO Gym instance as a task: the scenario's space, its surrogate as the objective."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any, ClassVar

from smarttune._imports import optional_import
from smarttune._validation import Options, validate_params
from smarttune.tasks._base import Task
from smarttune.yahpo import SCENARIOS, load_scenario

if TYPE_CHECKING:
    import optuna
    from optuna.distributions import BaseDistribution

    from smarttune.yahpo import Scenario

__all__ = ["YahpoTask"]

#: The user attribute holding every target of a trial (for multi-objective use).
TARGETS_ATTR = "yahpo_targets"


class YahpoTask(Task):
    """A YAHPO Gym surrogate on one OpenML task (Pfisterer et al., AutoML Conf 2022).

    The objective suggests the scenario's parameters (a conditional parameter only when it is
    active), predicts every target with the surrogate, stores them all in the trial's user
    attribute ``yahpo_targets`` and returns ``target``. Fidelity scales LCBench's epochs
    (1 to 52; the learning curve is reported at epochs 1, 2, 4, …, 32 and the last, and the
    trial pruned when the pruner says so) or rbv2's ``trainsize`` (0.03 to 1, ``repl`` 10).
    The surrogate has no held-out split of its own: :meth:`final_fit` returns the targets at
    the full fidelity (LCBench's include ``test_balanced_accuracy`` and ``test_cross_entropy``).

    Args:
        scenario: ``"lcbench"``, ``"rbv2_xgboost"`` or ``"rbv2_rpart"``.
        instance: The OpenML task id.
        seed: Unused by the deterministic surrogate; kept for the task contract.
        fidelity: Fraction of the full budget, in (0, 1].
        data_dir: The YAHPO data directory (default: ``$SMARTTUNE_YAHPO_DIR``).
        target: The value returned (default: the scenario's usual target).
    """

    fidelity_unit: ClassVar[str] = "epochs (lcbench) or training fraction (rbv2)"

    def __init__(
        self,
        *,
        scenario: str,
        instance: str,
        seed: int = 0,
        fidelity: float = 1.0,
        data_dir: str | os.PathLike[str] | None = None,
        target: str | None = None,
    ) -> None:
        super().__init__(seed=seed, fidelity=fidelity)
        owner = type(self).__name__
        validate_params(
            {"scenario": scenario}, {"scenario": [Options(sorted(SCENARIOS))]}, owner=owner
        )
        meta = SCENARIOS[scenario]
        chosen = meta.target if target is None else target
        validate_params({"target": chosen}, {"target": [Options(meta.targets)]}, owner=owner)
        self.scenario_name = scenario
        self.instance = str(instance)
        self.data_dir = data_dir
        self.target = chosen
        self.name = f"yahpo-{scenario}-{self.instance}"
        self.summary = f"YAHPO Gym {scenario} surrogate on OpenML task {self.instance}"
        minimize = meta.minimize[meta.targets.index(chosen)]
        self.direction = "minimize" if minimize else "maximize"
        self.metric = chosen

    @property
    def scenario(self) -> Scenario:
        """The loaded scenario (read on first use, shared within the process)."""
        return load_scenario(self.scenario_name, self.data_dir)

    def check(self) -> None:
        """Load the scenario and check the instance and onnxruntime before the first trial.

        Raises:
            DataError: If the data directory or the scenario's files are missing.
            InvalidParameterError: If the scenario has no such instance.
            MissingDependencyError: If onnxruntime is not installed.
        """
        self._check_instance(self.scenario)
        optional_import("onnxruntime", extra="yahpo", purpose="the YAHPO Gym tasks")

    def search_space(self) -> dict[str, BaseDistribution]:
        """Every tunable parameter as an Optuna distribution (conditional ones included)."""
        return self.scenario.space.distributions()

    def suggest(self, trial: optuna.Trial) -> dict[str, Any]:
        """Suggest a configuration without evaluating it."""
        return self.scenario.space.suggest(trial)

    def objective(self, trial: optuna.Trial) -> float:
        """Suggest, predict every target, return :attr:`target`."""
        scenario = self.scenario
        self._check_instance(scenario)
        config = scenario.space.suggest(trial)
        fidelity = scenario.full_fidelity(self.fidelity)
        if "epoch" in fidelity:
            self._report_curve(trial, config, int(fidelity["epoch"]))
        values = scenario.evaluate_one(config, self.instance, fidelity=fidelity)
        trial.set_user_attr(TARGETS_ATTR, values)
        return values[self.target]

    def final_fit(self, params: dict[str, Any]) -> dict[str, float]:
        """Every target of ``params`` at the full fidelity."""
        scenario = self.scenario
        self._check_instance(scenario)
        return scenario.evaluate_one(params, self.instance)

    def _report_curve(self, trial: optuna.Trial, config: dict[str, Any], last: int) -> None:
        """Report the target at epochs 1, 2, 4, … below ``last``; prune if the pruner says so."""
        epochs = [2**k for k in range(last.bit_length()) if 2**k < last]
        if not epochs:
            return
        from optuna import TrialPruned

        rows = [{**config, "epoch": epoch} for epoch in epochs]
        curve = self.scenario.evaluate(rows, self.instance)[self.target]
        for epoch, value in zip(epochs, curve, strict=True):
            trial.report(float(value), epoch)
            if trial.should_prune():
                raise TrialPruned(f"pruned at epoch {epoch}")

    def _check_instance(self, scenario: Scenario) -> None:
        validate_params(
            {"instance": self.instance},
            {"instance": [Options(scenario.instances())]},
            owner=type(self).__name__,
        )
