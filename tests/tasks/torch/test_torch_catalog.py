"""The torch catalog: names, lazy imports and the missing-extra error (no torch needed)."""

from __future__ import annotations

import importlib
import subprocess
import sys

import pytest

from smarttune.exceptions import MissingDependencyError
from smarttune.tasks import TaskInfo, get_task, list_tasks
from smarttune.tasks.torch._catalog import TASKS

NAMES = ("fashion-mlp", "housing-mlp", "mnist-alexnet", "mnist-cnn-grid")


def test_catalog_lists_the_torch_tasks() -> None:
    infos = {info.name: info for info in list_tasks()}
    assert set(NAMES) <= set(infos)
    assert all(infos[name].extra == "torch" for name in NAMES)
    assert sorted(info.name for info in TASKS) == list(NAMES)


@pytest.mark.parametrize("info", TASKS, ids=lambda info: info.name)
def test_catalog_entries_match_their_classes(info: TaskInfo) -> None:
    module_name, class_name = info.target.split(":")
    task_class = getattr(importlib.import_module(module_name), class_name)
    assert task_class.name == info.name
    assert task_class.summary == info.summary
    assert task_class.direction == info.direction
    assert task_class.fidelity_unit == "epochs"


def test_listing_and_importing_the_task_modules_imports_no_torch() -> None:
    code = (
        "import sys, smarttune.tasks as t; t.list_tasks(); "
        "import smarttune.tasks.torch._alexnet, smarttune.tasks.torch._fashion_mlp, "
        "smarttune.tasks.torch._housing_mlp; print('torch' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


@pytest.mark.parametrize("name", NAMES)
def test_missing_torch_raises_with_the_install_hint(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "torch", None)  # makes `import torch` fail
    with pytest.raises(
        MissingDependencyError, match=rf"the {name} task needs it.*smarttune\[torch\]"
    ):
        get_task(name)
