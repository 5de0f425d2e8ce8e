from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

# The cheap objectives are imported by tests and loaded by specs as ``path.py:function``.
OBJECTIVES = Path(__file__).with_name("objectives.py")
_spec = importlib.util.spec_from_file_location("tests_benchmark_objectives", OBJECTIVES)
assert _spec is not None and _spec.loader is not None
_module = importlib.util.module_from_spec(_spec)
sys.modules["tests_benchmark_objectives"] = _module
_spec.loader.exec_module(_module)
