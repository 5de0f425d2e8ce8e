"""The public surface of smarttune.datasets: complete, sorted, documented, cheap to import."""

from __future__ import annotations

import inspect
import subprocess
import sys
from pathlib import Path

import smarttune.datasets as datasets


def test_all_is_sorted_complete_and_documented() -> None:
    assert datasets.__all__ == sorted(datasets.__all__)
    public = {
        name
        for name, value in vars(datasets).items()
        if not name.startswith("_") and not inspect.ismodule(value) and name != "annotations"
    }
    assert public == set(datasets.__all__)
    for name in datasets.__all__:
        value = getattr(datasets, name)
        if callable(value):
            assert inspect.getdoc(value), f"{name} has no docstring"


def test_import_is_cheap() -> None:
    src = Path(datasets.__file__).resolve().parents[2]
    code = (
        "import sys; import smarttune.datasets; "
        "heavy = {'sklearn', 'scipy', 'urllib.request', 'http.client', 'pandas'} & set(sys.modules); "
        "sys.exit(sorted(heavy) or 0)"
    )
    result = subprocess.run(
        [sys.executable, "-W", "error", "-c", code],
        env={"PYTHONPATH": str(src)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
