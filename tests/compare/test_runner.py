from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest

from smarttune.compare import load_results
from smarttune.compare._compare import plan_cells, run_comparison
from smarttune.compare._runner import cell_id
from smarttune.compare._summary import summary_rows
from smarttune.exceptions import DataError, InvalidParameterError, UnknownNameError

from .conftest import OBJECTIVES

MIXED = f"{OBJECTIVES}:mixed"


class _KilledError(Exception):
    pass


def _run(out: Path, methods: list[str], callback: Any = None, **kwargs: Any) -> Any:
    options: dict[str, Any] = {"seeds": 2, "trials": [4, 8]}
    options.update(kwargs)
    return run_comparison(methods=methods, tasks=[MIXED], out=out, callback=callback, **options)


def test_a_comparison_writes_every_table_with_one_row_per_cell(tmp_path: Path) -> None:
    results = _run(tmp_path, ["random", "tpe"])
    assert len(results.cells) == 2 * 2 * 2  # methods x seeds x budgets
    for name in ("results.csv", "results.json", "curves.csv", "params.csv", "summary.csv"):
        assert (tmp_path / name).is_file()
    cells = {(c.method, c.seed, c.budget): c for c in results.cells}
    small, large = cells[("tpe", 1, 4.0)], cells[("tpe", 1, 8.0)]
    assert (small.n_evaluations, large.n_evaluations) == (4, 8)
    assert large.best_value <= small.best_value  # minimized; the 4-budget is a prefix
    assert all(c.status == "ok" and math.isnan(c.test_score) for c in results.cells)
    statistics = json.loads((tmp_path / "statistics.json").read_text())
    assert set(statistics["mean_ranks"]) == {"random", "tpe"}
    assert statistics["friedman"]["n_blocks"] == 2  # seeds (the largest budget only)
    summary = (tmp_path / "summary.csv").read_text().splitlines()
    assert summary[0].startswith("method,task,n_seeds,mean_best,std_best,mean_test,mean_rank")
    assert len(summary) == 1 + 2


def test_a_killed_run_resumes_with_only_the_missing_cells(tmp_path: Path) -> None:
    ran: list[tuple[str, int]] = []

    def die_after_two(spec: Any, results: Any, done: int, total: int) -> None:
        ran.append((spec.method, spec.seed))
        if done == 2:
            raise _KilledError

    with pytest.raises(_KilledError):
        _run(tmp_path, ["random", "tpe"], die_after_two)
    assert len(list((tmp_path / "cells").glob("*.json"))) == 4  # two searches, two budgets each
    first = dict(ran)
    ran.clear()
    results = _run(
        tmp_path, ["random", "tpe"], lambda spec, *_: ran.append((spec.method, spec.seed))
    )
    assert len(ran) == 2 and not set(ran) & set(first.items())
    assert len(results.cells) == 8
    ran.clear()
    _run(tmp_path, ["random", "tpe"], lambda spec, *_: ran.append((spec.method, spec.seed)))
    assert ran == []  # everything done: nothing runs again


def test_a_failed_cell_is_recorded_and_run_again(tmp_path: Path) -> None:
    spec = plan_cells(methods=["random"], tasks=[MIXED], seeds=[0], trials=[3])[0]
    failed = {
        "result": {
            "method": "random",
            "task": MIXED,
            "seed": 0,
            "budget_kind": "trials",
            "budget": 3.0,
            "direction": "minimize",
            "metric": "",
            "best_value": None,
            "test_score": None,
            "n_evaluations": 0,
            "wall_time_s": 0.0,
            "sampler_time_s": 0.0,
            "status": "failed",
            "error": "boom",
        },
        "curve": [],
        "params": [],
    }
    (tmp_path / "cells").mkdir()
    (tmp_path / "cells" / f"{cell_id(spec, 3.0)}.json").write_text(json.dumps(failed))
    results = run_comparison(methods=["random"], tasks=[MIXED], out=tmp_path, seeds=[0], trials=[3])
    assert [c.status for c in results.cells] == ["ok"]


def test_failing_evaluations_count_and_seconds_budgets_stop_on_time(tmp_path: Path) -> None:
    spec = f"{OBJECTIVES}:failing_sometimes"
    results = run_comparison(
        methods=["random"], tasks=[spec], out=tmp_path, seeds=[0], trials=[20], seconds=[0.3]
    )
    by_kind = {c.budget_kind: c for c in results.cells}
    assert by_kind["trials"].n_evaluations == 20
    failed = [p for p in load_results(tmp_path).curves if p.budget == 20 and math.isnan(p.value)]
    assert failed  # ~20% of x in (0.8, 1] raise: recorded as NaN, still counted
    assert by_kind["seconds"].n_evaluations >= 1
    assert by_kind["seconds"].wall_time_s <= 0.3 + 1e-9


def test_batches_ask_before_telling_and_bbob_tasks_know_their_direction(tmp_path: Path) -> None:
    results = run_comparison(
        methods=["tpe", "grid"], tasks=["bbob-f1-d2"], out=tmp_path, seeds=[0], trials=[16], batch=8
    )
    cells = {c.method: c for c in results.cells}
    assert cells["tpe"].n_evaluations == 16 and cells["tpe"].direction == "minimize"
    assert cells["grid"].n_evaluations == 16  # a 4 x 4 grid, exhausted exactly
    assert "batch8" in next((tmp_path / "cells").glob("tpe*.json")).name


def test_bad_specs_fail_before_anything_runs(tmp_path: Path) -> None:
    with pytest.raises(UnknownNameError, match="Unknown method 'nope'"):
        _run(tmp_path, ["nope"])
    with pytest.raises(InvalidParameterError, match="needs a budget"):
        run_comparison(methods=["random"], tasks=[MIXED], out=tmp_path, trials=[])
    with pytest.raises(InvalidParameterError, match="'jobs'"):
        _run(tmp_path, ["random"], jobs=0)
    assert not (tmp_path / "cells").exists()


@pytest.mark.slow
def test_cells_in_parallel_processes_give_the_same_results(tmp_path: Path) -> None:
    serial = _run(tmp_path / "serial", ["random", "tpe"])
    parallel = _run(tmp_path / "parallel", ["random", "tpe"], jobs=2)

    def key(results: Any) -> list[tuple[str, int, float, float]]:
        return sorted((c.method, c.seed, c.budget, c.best_value) for c in results.cells)

    assert key(parallel) == key(serial)


_BROKEN = (
    "def broken(trial):\n"
    "    trial.suggest_float('x', 0, 1)\n"
    "    raise ArithmeticError('no value here')\n"
)


def test_a_cell_without_a_finite_best_is_failed_and_left_out_of_the_ranks(
    tmp_path: Path,
) -> None:
    source = tmp_path / "broken.py"
    source.write_text(_BROKEN)
    broken = f"{source}:broken"
    results = run_comparison(
        methods=["random", "tpe"],
        tasks=[MIXED, broken],
        out=tmp_path / "out",
        seeds=[0, 1],
        trials=[3],
    )
    cells = [c for c in results.cells if c.task == broken]
    assert len(cells) == 4
    assert all(c.status == "failed" for c in cells)
    assert {c.error for c in cells} == {
        "no finite value in 3 evaluations (3 failed, 0 pruned; "
        "the first: ArithmeticError: no value here)"
    }
    assert all(c.status == "ok" for c in results.cells if c.task == MIXED)
    rows = {(r["task"], r["method"]): r for r in summary_rows(results.cells)}
    assert rows[(broken, "tpe")]["n_seeds"] == 0
    assert math.isnan(rows[(broken, "tpe")]["mean_rank"])
    assert rows[(MIXED, "tpe")]["n_seeds"] == 2
    statistics = json.loads((tmp_path / "out" / "statistics.json").read_text())
    assert statistics["n_blocks"] == 2  # the two seeds of MIXED; the broken task's are left out
    assert {row["task"] for row in statistics["time_to_target"]} == {MIXED}
    assert sorted((f["method"], f["seed"]) for f in statistics["failed_cells"]) == [
        ("random", 0),
        ("random", 1),
        ("tpe", 0),
        ("tpe", 1),
    ]
    assert {f["error"] for f in statistics["failed_cells"]} == {cells[0].error}


def test_a_task_whose_data_is_missing_stops_the_comparison_before_any_cell(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("torch", reason="the torch extra is not installed")
    monkeypatch.setenv("SMARTTUNE_OFFLINE", "1")
    empty = tmp_path / "data"
    empty.mkdir()
    with pytest.raises(DataError, match=r"^Dataset file 'california-housing/housing.csv'"):
        run_comparison(
            methods=["random"],
            tasks=["housing-mlp"],
            out=tmp_path / "out",
            seeds=[0],
            trials=[2],
            task_options={"housing-mlp": {"data_dir": str(empty)}},
        )
    assert not list((tmp_path / "out").glob("cells/*.json"))
