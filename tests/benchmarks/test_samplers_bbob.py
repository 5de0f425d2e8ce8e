"""benchmarks/samplers_bbob.py: a tiny run, resuming, f_opt, and the statistics."""

from __future__ import annotations

import importlib.util
import math
import os
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
import pytest

pytest.importorskip("cocoex")

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"
TINY = ["--functions", "1,2", "--dims", "2", "--instances", "1", "--seeds", "0"]
TINY += ["--budgets", "5,10", "--samplers", "random,tpe", "--tasks", "none", "--workers", "1"]


@pytest.fixture(scope="module")
def bench() -> Iterator[ModuleType]:
    """The script, loaded by path; its helper modules sit beside it."""
    with pytest.MonkeyPatch.context() as patch:
        patch.syspath_prepend(str(BENCHMARKS))
        spec = importlib.util.spec_from_file_location(
            "samplers_bbob", BENCHMARKS / "samplers_bbob.py"
        )
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        yield module


def run(bench: ModuleType, out: Path, *extra: str) -> int:
    return int(bench.main([*TINY, "--out", str(out), *extra]))


def test_tiny_run_writes_one_row_per_cell_and_budget(
    bench: ModuleType, tmp_path: Path, capsys: Any
) -> None:
    out = tmp_path / "bbob.csv"
    assert run(bench, out) == 0
    rows = bench._bbob.read_rows(out)
    assert len(rows) == 2 * 2 * 2  # functions x samplers x budgets
    assert {(r["sampler"], r["function"], r["budget"]) for r in rows} == {
        (s, f, b) for s in ("random", "tpe") for f in ("1", "2") for b in (5, 10)
    }
    for row in rows:
        assert row["regret"] >= 0
        assert row["regret"] == pytest.approx(row["best_value"] - row["f_opt"], abs=1e-12)
        assert 0 <= row["sampler_s"] <= row["wall_s"]
    by_key = {(r["sampler"], r["function"], r["budget"]): r for r in rows}
    for sampler in ("random", "tpe"):
        assert by_key[(sampler, "1", 10)]["regret"] <= by_key[(sampler, "1", 5)]["regret"]
    assert by_key[("random", "1", 5)]["f_opt"] == pytest.approx(79.48)
    summary = (tmp_path / "bbob_summary.md").read_text()
    assert "## Budget 10 trials" in summary and "samplers_bbob.py" in summary
    assert "| random |" in summary and "optuna 5" in summary
    assert "## Budget 10 trials" in capsys.readouterr().out


def test_rerun_skips_finished_cells_and_redoes_missing_ones(
    bench: ModuleType, tmp_path: Path, capsys: Any
) -> None:
    out = tmp_path / "bbob.csv"
    run(bench, out)
    before = out.read_text()
    capsys.readouterr()
    assert run(bench, out) == 0
    assert "0 of 4 cells to run" in capsys.readouterr().err
    assert out.read_text() == before

    lines = before.splitlines(keepends=True)
    out.write_text("".join(lines[:-1]) + lines[-1][:10])  # last row cut short by a "crash"
    assert run(bench, out) == 0
    assert "1 of 4 cells to run" in capsys.readouterr().err
    rows = bench._bbob.read_rows(out)
    assert len(rows) == 8
    assert len({bench._bbob.row_key(r) for r in rows}) == 8


def test_pending_keeps_only_missing_budgets(bench: ModuleType) -> None:
    cell = bench._bbob.Cell("tpe", "bbob", "1", 2, 1, 0, (50, 100), 79.48)
    row_50, row_100 = (
        dict(zip(bench._bbob.KEY_FIELDS, cell.key(b), strict=True)) for b in (50, 100)
    )
    (todo,) = bench.pending([cell], [row_50])
    assert todo.budgets == (100,)
    assert bench.pending([todo], [row_50, row_100]) == []


def test_f_opt_is_the_value_at_x_opt(bench: ModuleType, tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.chdir(tmp_path)
    bbob = bench._bbob
    f_opt = bbob.bbob_f_opt(1, 2, 1)
    x_opt = bbob.bbob_x_opt(1, 2, 1)
    assert os.listdir(tmp_path) == []  # COCO's file went to a temporary directory
    assert Path.cwd() == tmp_path
    with bbob.bbob_problem(1, 2, 1) as problem:
        assert problem(x_opt) == pytest.approx(f_opt)
        assert bbob.regret(problem(x_opt), f_opt) == 0.0
        # f1 is the sphere: one unit away from x_opt costs exactly 1.
        assert problem(x_opt + np.array([1.0, 0.0])) - f_opt == pytest.approx(1.0)
    assert f_opt == pytest.approx(79.48)


def test_regret_clips_rounding_and_rejects_a_wrong_optimum(bench: ModuleType) -> None:
    assert bench._bbob.regret(79.48 - 1e-12, 79.48) == 0.0
    assert bench._bbob.regret(80.0, 79.5) == pytest.approx(0.5)
    with pytest.raises(ValueError, match="below the known optimum"):
        bench._bbob.regret(70.0, 79.48)


def test_fmt(bench: ModuleType) -> None:
    fmt = bench._summary.fmt
    assert [fmt(0.012345), fmt(1190.4), fmt(2.5e6), fmt(math.nan), fmt(3)] == [
        "0.0123",
        "1190",
        "2.5e+06",
        "-",
        "3",
    ]


def test_int_list(bench: ModuleType) -> None:
    assert bench.int_list("1-3,7") == (1, 2, 3, 7)
    assert bench.int_list("10, 2,5") == (2, 5, 10)
    with pytest.raises(Exception, match="ranges"):
        bench.int_list("a-b")


def test_unknown_sampler_fails_before_running(bench: ModuleType, tmp_path: Path) -> None:
    with pytest.raises(SystemExit, match="nope"):
        bench.main([*TINY, "--samplers", "random,nope", "--out", str(tmp_path / "x.csv")])
    assert not (tmp_path / "x.csv").exists()


# --- statistics on constructed data -----------------------------------------------------------


@pytest.fixture
def stats(bench: ModuleType) -> ModuleType:
    return bench._summary._stats


def test_mean_ranks_share_ties(stats: ModuleType) -> None:
    blocks = {("a",): {"x": 0.0, "y": 0.0, "z": 1.0}, ("b",): {"x": 3.0, "y": 1.0, "z": 2.0}}
    assert stats.mean_ranks(blocks, ["x", "y", "z"]) == {"x": 2.25, "y": 1.25, "z": 2.5}


def test_compare_counts_ties_apart_from_wins(stats: ModuleType) -> None:
    medians = {
        "f1": {"ref": 0.0, "tpe": 5e-9},  # both ~0: tie
        "f2": {"ref": 1.0, "tpe": 2.0},  # win
        "f3": {"ref": 3.0, "tpe": 2.0},  # loss
        "f4": {"ref": 7.0, "tpe": 7.0},  # same plateau: tie
    }
    comparison = stats.compare(medians, "ref", "tpe")
    assert (comparison.wins, comparison.ties, comparison.losses) == (1, 2, 1)
    assert comparison.win_fraction == 0.25
    assert math.isnan(stats.compare({}, "ref", "tpe").win_fraction)


def test_holm(stats: ModuleType) -> None:
    assert stats.holm([0.01, 0.04, 0.03]) == pytest.approx([0.03, 0.06, 0.06])
    assert stats.holm([0.5, 0.9]) == pytest.approx([1.0, 1.0])
    assert stats.holm([]) == []


def test_tests_on_constructed_blocks(stats: ModuleType) -> None:
    rng = np.random.default_rng(0)
    blocks = {
        (i,): {"ref": r, "b": 10 * r, "c": 100 * r} for i, r in enumerate(rng.uniform(1, 2, 20))
    }
    statistic, p_value = stats.friedman(blocks, ["ref", "b", "c"])
    assert statistic == pytest.approx(40.0) and p_value < 1e-6
    assert math.isnan(stats.friedman(blocks, ["ref", "b"])[0])
    tests = stats.pairwise_wilcoxon(blocks, "ref", ["ref", "b", "c"])
    assert set(tests) == {"b", "c"}
    for p, p_holm in tests.values():
        assert p < 1e-4 and p <= p_holm <= 1
    assert stats.wilcoxon_p([1.0, 2.0], [1.0, 2.0]) == 1.0


def test_summary_marks_the_targets(bench: ModuleType) -> None:
    summary = bench._summary
    rows = [
        {"sampler": s, "suite": "bbob", "function": str(f), "dim": 2, "instance": 1, "seed": seed,
         "budget": 100, "best_value": math.nan, "regret": regret, "sampler_s": 0.1}
        for f in (1, 2, 3) for seed in (0, 1)
        for s, regret in (("hybrid", 0.1 * f), ("tpe", 0.2 * f), ("random", 0.3 * f))
    ]  # fmt: skip
    rows += [
        {"sampler": s, "suite": "sklearn", "function": "svm-x", "dim": 0, "instance": 0, "seed": 0,
         "budget": 100, "best_value": score, "regret": math.nan, "sampler_s": 0.1}
        for s, score in (("hybrid", 0.9), ("tpe", 0.8), ("random", 0.9))
    ]  # fmt: skip
    setting = summary.Setting(("hybrid", "tpe", "random"), "hybrid", {"svm-x": "maximize"})
    text = "\n".join(summary.budget_section(rows, 100, setting))
    assert text.count("PASS") == 3 and "FAIL" not in text
    assert "3/3 = 100% wins (0 ties, 0 losses)" in text
    assert "worse in 0 of 4 cells (1 ties)" in text
    assert "| svm-x | 0.9 | 0.8 | 0.9 |" in text
    assert "| f1 d2 | 0.1 | 0.2 | 0.3 |" in text
    worse = [dict(r, regret=9.0) if r["sampler"] == "hybrid" else r for r in rows]
    text = "\n".join(summary.budget_section(worse, 100, setting))
    assert text.count("FAIL") == 3
