"""An Optuna study callback that logs every finished trial as an MLflow run."""

from __future__ import annotations

import math
import threading
import time
from typing import TYPE_CHECKING, Any

from smarttune._imports import optional_import
from smarttune._validation import InstanceOf, validate_params

if TYPE_CHECKING:
    import optuna

__all__ = ["MLflowCallback"]

_PARAM_LIMIT = 6000  # MLflow's longest parameter value
_STATUS = {"COMPLETE": "FINISHED", "PRUNED": "KILLED", "FAIL": "FAILED"}


class MLflowCallback:
    """Log each finished trial to MLflow: its parameters, value(s), curve, state and number.

    Use it as ``study.optimize(objective, callbacks=[MLflowCallback()])``. Each trial becomes
    one run named ``trial-<number>`` in the experiment (created when missing): parameters as
    MLflow params, the final value as the metric ``metric_name`` (``<metric_name>_<i>`` for
    several objectives), the intermediate values as ``<metric_name>_intermediate`` by step,
    numeric user attributes as metrics, and tags for the study, trial number and state.
    Pruned runs end KILLED, failed ones FAILED.

    Args:
        tracking_uri: The MLflow tracking URI (``file:///path/mlruns``, ``sqlite:///m.db``,
            ``http://server``); None uses MLflow's default (``MLFLOW_TRACKING_URI``).
        experiment_name: The experiment; None uses the study's name.
        metric_name: The name of the logged objective value.
    """

    def __init__(
        self,
        *,
        tracking_uri: str | None = None,
        experiment_name: str | None = None,
        metric_name: str = "value",
    ) -> None:
        validate_params(
            {
                "tracking_uri": tracking_uri,
                "experiment_name": experiment_name,
                "metric_name": metric_name,
            },
            {
                "tracking_uri": [InstanceOf(str), None],
                "experiment_name": [InstanceOf(str), None],
                "metric_name": [InstanceOf(str)],
            },
            owner="MLflowCallback",
        )
        self.tracking_uri = tracking_uri
        self.experiment_name = experiment_name
        self.metric_name = metric_name
        self._lock = threading.Lock()
        self._client: Any = None
        self._experiments: dict[str, str] = {}

    def __call__(self, study: optuna.Study, trial: optuna.trial.FrozenTrial) -> None:
        """Log ``trial`` (called by Optuna after each trial finishes)."""
        mlflow = optional_import("mlflow", extra="mlflow", purpose="MLflowCallback")
        with self._lock:
            if self._client is None:
                self._client = mlflow.MlflowClient(self.tracking_uri)
            experiment_id = self._experiment_id(study.study_name)
        tags = {
            "optuna.study": study.study_name,
            "optuna.trial_number": str(trial.number),
            "optuna.state": trial.state.name,
        }
        run = self._client.create_run(experiment_id, run_name=f"trial-{trial.number}", tags=tags)
        entities = mlflow.entities
        params = [entities.Param(str(k), str(v)[:_PARAM_LIMIT]) for k, v in trial.params.items()]
        metrics = [entities.Metric(k, v, _millis(), s) for k, v, s in self._metrics(trial)]
        self._client.log_batch(run.info.run_id, metrics=metrics, params=params)
        status = _STATUS.get(trial.state.name, "FINISHED")
        self._client.set_terminated(run.info.run_id, status=status)

    def _experiment_id(self, study_name: str) -> str:
        name = self.experiment_name or study_name
        if name not in self._experiments:
            found = self._client.get_experiment_by_name(name)
            self._experiments[name] = (
                found.experiment_id if found is not None else self._client.create_experiment(name)
            )
        return self._experiments[name]

    def _metrics(self, trial: optuna.trial.FrozenTrial) -> list[tuple[str, float, int]]:
        values = trial.values or []
        names = (
            [self.metric_name]
            if len(values) == 1
            else [f"{self.metric_name}_{i}" for i in range(len(values))]
        )
        metrics = [(name, float(v), 0) for name, v in zip(names, values, strict=True)]
        curve = f"{self.metric_name}_intermediate"
        metrics += [(curve, float(v), int(s)) for s, v in sorted(trial.intermediate_values.items())]
        metrics += [
            (str(k), float(v), 0)
            for k, v in trial.user_attrs.items()
            if isinstance(v, (int, float)) and not isinstance(v, bool)
        ]
        return [m for m in metrics if math.isfinite(m[1])]


def _millis() -> int:
    return int(time.time() * 1000)
