from __future__ import annotations

import importlib.util

import pytest

from smarttune.compare._methods import METHODS, applies, get_method
from smarttune.exceptions import MissingDependencyError, UnknownNameError


def test_names_aliases_and_close_matches() -> None:
    assert get_method("Hybrid_Hyperband").name == "hybrid-hyperband"
    assert get_method("hybrid+hyperband").name == "hybrid-hyperband"
    assert get_method("quasi-random").name == "sobol"
    with pytest.raises(UnknownNameError, match="Did you mean hyperopt"):
        get_method("hyperop")


def test_methods_apply_to_their_task_kinds_only() -> None:
    assert applies(METHODS["sklearn-grid"], "sklearn") and not applies(
        METHODS["sklearn-grid"], "bbob"
    )
    assert applies(METHODS["kt-hyperband"], "neural") and not applies(
        METHODS["kt-random"], "sklearn"
    )
    assert not applies(METHODS["hybrid-hyperband"], "sklearn")  # nothing to prune there
    assert all(applies(METHODS[m], "bbob") for m in ("random", "tpe", "hybrid", "smac"))


def test_a_missing_peer_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "hyperopt" else real(name, *a)
    )
    with pytest.raises(MissingDependencyError, match=r"pip install 'smarttune\[compare\]'"):
        get_method("hyperopt").check_available()
    get_method("random").check_available()  # Optuna's: always there
