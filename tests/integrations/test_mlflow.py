"""MLflowCallback: every trial of a study logged to a local MLflow file store."""

from __future__ import annotations

from pathlib import Path

import optuna
import pytest

mlflow = pytest.importorskip("mlflow")

from smarttune.exceptions import InvalidParameterError  # noqa: E402
from smarttune.integrations import MLflowCallback  # noqa: E402


def _objective(trial: optuna.Trial) -> float:
    x = trial.suggest_float("x", -2, 2)
    kind = trial.suggest_categorical("kind", ["a", "b"])
    trial.set_user_attr("size", 3)
    for step in range(3):
        trial.report(x * step, step)
    if trial.number == 1:
        raise optuna.TrialPruned()
    if trial.number == 2:
        raise RuntimeError("boom")
    return x**2 + (kind == "b")


def test_each_trial_is_a_run_with_params_metrics_and_state(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # MLflow 3 keeps the file store in maintenance mode and asks for this opt-in.
    monkeypatch.setenv("MLFLOW_ALLOW_FILE_STORE", "true")
    uri = (tmp_path / "mlruns").as_uri()
    study = optuna.create_study(study_name="demo")
    study.optimize(
        _objective, n_trials=4, callbacks=[MLflowCallback(tracking_uri=uri)], catch=(RuntimeError,)
    )

    client = mlflow.MlflowClient(uri)
    experiment = client.get_experiment_by_name("demo")
    runs = {r.info.run_name: r for r in client.search_runs([experiment.experiment_id])}
    assert sorted(runs) == ["trial-0", "trial-1", "trial-2", "trial-3"]
    first = runs["trial-0"]
    trial = study.trials[0]
    assert first.data.params == {"x": str(trial.params["x"]), "kind": trial.params["kind"]}
    assert first.data.metrics["value"] == pytest.approx(trial.value)
    assert first.data.metrics["size"] == 3
    assert first.data.tags["optuna.state"] == "COMPLETE" and first.info.status == "FINISHED"
    history = client.get_metric_history(first.info.run_id, "value_intermediate")
    assert [m.step for m in history] == [0, 1, 2]
    # Optuna gives a pruned trial its last intermediate value.
    pruned = runs["trial-1"]
    assert pruned.info.status == "KILLED" and pruned.data.tags["optuna.state"] == "PRUNED"
    assert pruned.data.metrics["value"] == pytest.approx(study.trials[1].value)
    assert runs["trial-2"].info.status == "FAILED"
    assert runs["trial-2"].data.tags["optuna.trial_number"] == "2"


def test_experiment_name_and_several_objectives(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MLFLOW_ALLOW_FILE_STORE", "true")
    uri = (tmp_path / "mlruns").as_uri()
    callback = MLflowCallback(tracking_uri=uri, experiment_name="exp", metric_name="loss")
    study = optuna.create_study(directions=["minimize", "minimize"])
    study.optimize(lambda t: (t.suggest_float("a", 0, 1), 1.0), n_trials=2, callbacks=[callback])
    client = mlflow.MlflowClient(uri)
    runs = client.search_runs([client.get_experiment_by_name("exp").experiment_id])
    assert len(runs) == 2 and all(set(r.data.metrics) == {"loss_0", "loss_1"} for r in runs)


def test_arguments_are_validated() -> None:
    with pytest.raises(InvalidParameterError, match="'metric_name' parameter of MLflowCallback"):
        MLflowCallback(metric_name=3)  # type: ignore[arg-type]
