from __future__ import annotations

import ast
import warnings
from pathlib import Path

import numpy as np
import pytest

from smarttune.samplers._genetic import operators as ops
from smarttune.space import SpaceEncoder, mutate_unit

OPERATORS_PATH = Path(ops.__file__)


def _parents(d: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    p1, p2 = rng.random(d), rng.random(d)
    p1[0], p2[0] = 0.0, 1.0  # touch both borders
    return p1, p2


def test_operators_module_does_not_import_optuna() -> None:
    tree = ast.parse(OPERATORS_PATH.read_text())
    imported = {
        alias.name.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    }
    imported |= {
        (node.module or "").split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom)
    }
    assert "optuna" not in imported
    assert "smarttune" not in imported


@pytest.mark.parametrize("name", ops.CROSSOVERS)
@pytest.mark.parametrize("d", [1, 2, 7])
def test_crossover_children_stay_in_unit_cube(name: str, d: int) -> None:
    rng = np.random.default_rng(0)
    categorical = np.zeros(d, dtype=bool)
    for seed in range(200):
        p1, p2 = _parents(d, seed)
        child = ops.crossover(name, p1, p2, rng, categorical=categorical, eta=1.0, alpha=2.0)
        assert child.shape == (d,)
        assert np.all((child >= 0.0) & (child <= 1.0))


@pytest.mark.parametrize("name", ops.CROSSOVERS)
def test_crossover_keeps_categorical_values_of_a_parent(name: str) -> None:
    rng = np.random.default_rng(1)
    categorical = np.array([True, False, True, False])
    for seed in range(100):
        p1, p2 = _parents(4, seed)
        child = ops.crossover(name, p1, p2, rng, categorical=categorical)
        for j in np.flatnonzero(categorical):
            assert child[j] in (p1[j], p2[j])


@pytest.mark.parametrize("name", ops.CROSSOVERS)
def test_crossover_fills_missing_coordinates_from_the_other_parent(name: str) -> None:
    rng = np.random.default_rng(2)
    p1 = np.array([0.2, np.nan, np.nan])
    p2 = np.array([0.4, 0.7, np.nan])
    child = ops.crossover(name, p1, p2, rng, categorical=np.zeros(3, dtype=bool))
    assert not np.isnan(child[:2]).any()
    assert np.isnan(child[2])


def test_crossover_rejects_unknown_name() -> None:
    with pytest.raises(ValueError, match="Unknown crossover"):
        ops.crossover("two_point", np.zeros(2), np.ones(2), np.random.default_rng(0),
                      categorical=np.zeros(2, dtype=bool))  # fmt: skip


def test_sbx_of_identical_parents_is_the_parent() -> None:
    p = np.array([0.0, 0.3, 1.0])
    c1, c2 = ops.sbx_crossover(p, p.copy(), np.random.default_rng(0), eta=5.0)
    np.testing.assert_array_equal(c1, p)
    np.testing.assert_array_equal(c2, p)


def test_sbx_spread_shrinks_with_eta() -> None:
    p1, p2 = np.full(1, 0.4), np.full(1, 0.6)

    def spread(eta: float) -> float:
        rng = np.random.default_rng(3)
        kids = [ops.sbx_crossover(p1, p2, rng, eta=eta)[0][0] for _ in range(2000)]
        return float(np.std(kids))

    assert spread(20.0) < spread(1.0)


def test_blx_covers_the_widened_interval() -> None:
    rng = np.random.default_rng(4)
    p1, p2 = np.full(1, 0.4), np.full(1, 0.6)
    kids = np.array([ops.blx_crossover(p1, p2, rng, alpha=0.5)[0][0] for _ in range(2000)])
    assert kids.min() < 0.35 and kids.max() > 0.65
    assert kids.min() >= 0.3 and kids.max() <= 0.7


def test_single_point_children_are_prefix_suffix_swaps() -> None:
    p1, p2 = np.zeros(5), np.ones(5)
    c1, c2 = ops.single_point_crossover(p1, p2, np.random.default_rng(5))
    cut = int(np.argmax(c1 == 1.0))
    assert 1 <= cut <= 4
    np.testing.assert_array_equal(c1, np.r_[np.zeros(cut), np.ones(5 - cut)])
    np.testing.assert_array_equal(c2, 1.0 - c1)


def test_tournament_of_everyone_returns_the_fittest() -> None:
    fitness = np.array([0.1, 3.0, -np.inf, 2.0])
    assert ops.tournament(fitness, 4, np.random.default_rng(0)) == 1
    assert ops.tournament(fitness, 4, np.random.default_rng(0), exclude=1) == 3


def test_tournament_pressure_grows_with_size() -> None:
    fitness = np.arange(10.0)

    def mean_pick(size: int) -> float:
        rng = np.random.default_rng(6)
        return float(np.mean([ops.tournament(fitness, size, rng) for _ in range(500)]))

    assert mean_pick(1) < mean_pick(2) < mean_pick(5)


def test_tournament_breaks_ties_towards_lower_index() -> None:
    fitness = np.zeros(3)
    assert ops.tournament(fitness, 3, np.random.default_rng(0)) == 0


def test_select_survivors_plus_strategy_keeps_the_best() -> None:
    fitness = np.array([5.0, 1.0, 4.0, -np.inf, 3.0, 2.0])
    is_off = np.array([False, False, False, True, True, True])
    chosen = ops.select_survivors(fitness, is_off, 3, n_elites=3)
    assert list(chosen) == [0, 2, 4]


def test_select_survivors_comma_strategy_prefers_offspring() -> None:
    fitness = np.array([5.0, 1.0, 4.0, -np.inf, 3.0, 2.0])
    is_off = np.array([False, False, False, True, True, True])
    assert list(ops.select_survivors(fitness, is_off, 2, n_elites=0)) == [4, 5]
    assert list(ops.select_survivors(fitness, is_off, 2, n_elites=1)) == [0, 4]
    # Too few fit offspring: the fittest parents fill in before unfit offspring.
    assert list(ops.select_survivors(fitness, is_off, 4, n_elites=0)) == [0, 2, 4, 5]


def test_select_survivors_puts_unfit_last_and_is_stable() -> None:
    fitness = np.array([-np.inf, 1.0, 1.0, -np.inf])
    is_off = np.ones(4, dtype=bool)
    assert list(ops.select_survivors(fitness, is_off, 4, n_elites=0)) == [1, 2, 0, 3]


def test_diversity_is_one_for_uniform_and_zero_for_collapsed_points() -> None:
    rng = np.random.default_rng(7)
    assert ops.diversity(rng.random((5000, 3))) == pytest.approx(1.0, abs=0.03)
    assert ops.diversity(np.full((10, 3), 0.3)) == pytest.approx(0.0, abs=1e-12)
    assert ops.diversity(np.empty((0, 3))) == 0.0


def test_diversity_ignores_missing_values_without_warnings() -> None:
    units = np.array([[0.0, np.nan], [1.0, np.nan]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert ops.diversity(units) == pytest.approx(np.sqrt(12) * 0.5)
        assert ops.diversity(np.full((3, 2), np.nan)) == 0.0


def test_mutation_schedule_decays_to_its_floors() -> None:
    first = ops.mutation_schedule(1, 4, scale=0.2, rate=0.8, decay=0.5)
    later = ops.mutation_schedule(3, 4, scale=0.2, rate=0.8, decay=0.5)
    last = ops.mutation_schedule(60, 4, scale=0.2, rate=0.8, decay=0.5)
    assert first == (0.2, 0.8)
    assert later == pytest.approx((0.05, 0.25))
    assert last == (ops.MIN_MUTATION_SCALE, 0.25)


def test_sobol_points_are_deterministic_and_distinct() -> None:
    a = ops.sobol_point(4, 5, seed=11)
    assert np.array_equal(a, ops.sobol_point(4, 5, seed=11))
    assert not np.array_equal(a, ops.sobol_point(4, 6, seed=11))
    assert not np.array_equal(a, ops.sobol_point(4, 5, seed=12))
    points = np.array([ops.sobol_point(2, i, seed=0) for i in range(16)])
    assert np.all((points >= 0) & (points < 1))
    # Low discrepancy: each quarter of each axis holds exactly a quarter of 16 points.
    for j in range(2):
        assert np.bincount((points[:, j] * 4).astype(int), minlength=4).tolist() == [4] * 4
    assert ops.sobol_point(0, 3, seed=0).shape == (0,)


def test_children_decode_to_valid_typed_values() -> None:
    from optuna.distributions import (
        CategoricalDistribution,
        FloatDistribution,
        IntDistribution,
    )

    space = {
        "lr": FloatDistribution(1e-5, 1.0, log=True),
        "units": IntDistribution(8, 512, log=True),
        "depth": IntDistribution(1, 9, step=2),
        "drop": FloatDistribution(0.0, 0.5, step=0.1),
        "act": CategoricalDistribution(["relu", "tanh", None]),
    }
    encoder = SpaceEncoder(space)
    rng = np.random.default_rng(8)
    for seed in range(100):
        p1, p2 = _parents(encoder.dim, seed)
        for name in ops.CROSSOVERS:
            child = ops.crossover(name, p1, p2, rng, categorical=encoder.is_categorical)
            child = mutate_unit(encoder, child, rng, scale=0.3, rate=0.5)
            params = encoder.decode(child)
            for key, dist in space.items():
                assert dist._contains(dist.to_internal_repr(params[key]))
            assert isinstance(params["lr"], float) and isinstance(params["units"], int)
            assert (params["depth"] - 1) % 2 == 0


def test_sobol_point_works_with_scipy_before_1_15(monkeypatch: pytest.MonkeyPatch) -> None:
    """SciPy 1.10-1.14's engines take ``seed=`` and reject ``rng=`` (pyproject allows 1.10)."""
    real_sobol = ops.qmc.Sobol
    calls: list[dict[str, object]] = []

    class OldSobol:
        def __new__(cls, d: int, *, scramble: bool = True, seed: object = None) -> object:
            calls.append({"d": d, "seed": seed})
            return real_sobol(d, scramble=scramble, rng=seed)

    expected = ops.sobol_point(3, 7, seed=4)
    monkeypatch.setattr(ops.qmc, "Sobol", OldSobol)
    assert np.array_equal(ops.sobol_point(3, 7, seed=4), expected)
    assert len(calls) == 1 and isinstance(calls[0]["seed"], np.random.Generator)
