"""The integrations load their framework only when used, and name the extra when it is absent."""

from __future__ import annotations

import importlib
import subprocess
import sys

import pytest

from smarttune.exceptions import MissingDependencyError


def test_importing_smarttune_torch_and_integrations_loads_no_framework() -> None:
    code = (
        "import sys, smarttune.torch, smarttune.integrations, smarttune.config, smarttune.sklearn;"
        "print(sorted(m for m in ('torch', 'keras', 'lightning', 'mlflow') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize(
    ("module", "framework", "extra"),
    [
        ("smarttune.integrations._keras", "keras", "keras"),
        ("smarttune.integrations._lightning", "lightning.pytorch", "lightning"),
    ],
)
def test_missing_framework_names_the_extra(
    monkeypatch: pytest.MonkeyPatch, module: str, framework: str, extra: str
) -> None:
    monkeypatch.setitem(sys.modules, framework, None)
    monkeypatch.delitem(sys.modules, module, raising=False)
    with pytest.raises(MissingDependencyError, match=rf"pip install 'smarttune\[{extra}\]'"):
        importlib.import_module(module)


def test_mlflow_callback_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    import optuna

    from smarttune.integrations import MLflowCallback

    monkeypatch.setitem(sys.modules, "mlflow", None)
    study = optuna.create_study()
    study.optimize(lambda t: 1.0, n_trials=1)
    with pytest.raises(MissingDependencyError, match=r"smarttune\[mlflow\]"):
        MLflowCallback()(study, study.trials[0])


def test_unknown_attribute() -> None:
    import smarttune.integrations

    with pytest.raises(AttributeError, match="has no attribute 'nope'"):
        _ = smarttune.integrations.nope
