from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from scipy.optimize import approx_fprime
from scipy.stats import spearmanr

from smarttune.surrogates import GaussianProcess, PosteriorDraw
from smarttune.surrogates._gp import _neg_log_posterior
from smarttune.surrogates._gp_kernel import fourier_frequencies, matern52

FloatArray = np.ndarray[Any, np.dtype[np.float64]]


def smooth(X: FloatArray) -> FloatArray:
    return np.asarray(-np.sum((X - 0.3) ** 2, axis=1) + 0.3 * np.sin(6 * X[:, 0]), dtype=float)


def test_log_posterior_gradient_matches_finite_differences() -> None:
    rng = np.random.default_rng(0)
    X = rng.random((25, 3))
    z = smooth(X)
    z = (z - z.mean()) / z.std()
    theta = rng.normal(scale=0.5, size=5)
    analytic = _neg_log_posterior(theta, X, z)[1]
    numeric = approx_fprime(theta, lambda t: _neg_log_posterior(t, X, z)[0], 1e-6)
    np.testing.assert_allclose(analytic, numeric, rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize(("dim", "n", "bound"), [(5, 40, 0.9), (10, 60, 0.85)])
def test_ranks_a_smooth_function_well_from_few_points(dim: int, n: int, bound: float) -> None:
    rng = np.random.default_rng(dim)
    X, Xt = rng.random((n, dim)), rng.random((300, dim))
    gp = GaussianProcess().fit(X, smooth(X))
    mean, var = gp.predict(Xt)
    assert spearmanr(mean, smooth(Xt)).statistic > bound
    assert np.all(var > 0)
    assert gp.loo_spearman() > bound


def test_pure_noise_gets_a_low_leave_one_out_rank_correlation() -> None:
    rng = np.random.default_rng(1)
    rhos = []
    for _ in range(10):
        X = rng.random((20, 2))
        rhos.append(GaussianProcess().fit(X, rng.standard_normal(20)).loo_spearman())
    assert np.nanmedian(rhos) < 0.4


def test_irrelevant_dimensions_get_long_lengthscales() -> None:
    rng = np.random.default_rng(2)
    X = rng.random((40, 4))
    gp = GaussianProcess().fit(X, np.sin(5 * X[:, 0]))
    assert gp.lengthscales[0] < 0.5 * gp.lengthscales[1:].min()


def test_joint_samples_have_the_posterior_mean_and_correlate_nearby_points() -> None:
    rng = np.random.default_rng(3)
    X = rng.random((15, 2))
    gp = GaussianProcess().fit(X, smooth(X))
    Xt = np.array([[0.9, 0.9], [0.9, 0.901], [0.1, 0.1]])
    draws = gp.sample(Xt, 4000, rng)
    mean, var = gp.predict(Xt)
    assert draws.shape == (4000, 3)
    np.testing.assert_allclose(draws.mean(0), mean, atol=4 * np.sqrt(var.max() / 4000))
    assert np.corrcoef(draws[:, 0], draws[:, 1])[0, 1] > 0.99


def test_random_fourier_features_approximate_the_matern_kernel() -> None:
    rng = np.random.default_rng(4)
    omega = fourier_frequencies(200_000, 3, rng)
    for r in (0.1, 0.5, 1.0, 2.0):
        estimate = np.mean(np.cos(omega @ np.array([r, 0.0, 0.0])))
        assert estimate == pytest.approx(matern52(np.array(r * r), 1.0), abs=0.01)


def test_pathwise_draws_match_the_posterior_and_their_gradient() -> None:
    rng = np.random.default_rng(5)
    X = rng.random((20, 3))
    gp = GaussianProcess().fit(X, smooth(X))
    Xt = rng.random((4, 3))
    draws = np.array([PosteriorDraw(gp, np.random.default_rng(s))(Xt) for s in range(1500)])
    mean, var = gp.predict(Xt)
    np.testing.assert_allclose(draws.mean(0), mean, atol=5 * np.sqrt(var.max() / 1500))
    np.testing.assert_allclose(draws.var(0) / var, 1.0, atol=0.2)
    draw = PosteriorDraw(gp, rng)
    gradient = draw.value_and_gradient(Xt[0])[1]
    numeric = approx_fprime(Xt[0], lambda x: draw.value_and_gradient(x)[0], 1e-7)
    np.testing.assert_allclose(gradient, numeric, rtol=1e-4, atol=1e-5)


def test_a_prior_mean_carries_predictions_far_from_the_data() -> None:
    rng = np.random.default_rng(6)
    X = rng.random((6, 2)) * 0.3  # data only in one corner
    far = np.array([[0.9, 0.9]])

    def prior_mean(rows: FloatArray) -> FloatArray:
        return smooth(rows)

    with_prior = GaussianProcess().fit(X, smooth(X), prior_mean=prior_mean)
    without = GaussianProcess().fit(X, smooth(X))
    truth = smooth(far)[0]
    assert abs(with_prior.predict(far)[0][0] - truth) < 0.1
    assert abs(with_prior.predict(far)[0][0] - truth) < abs(without.predict(far)[0][0] - truth)


def test_refit_without_optimizing_keeps_the_hyperparameters() -> None:
    rng = np.random.default_rng(7)
    X = rng.random((20, 2))
    gp = GaussianProcess().fit(X, smooth(X))
    before = gp.lengthscales.copy()
    X2 = rng.random((25, 2))
    gp.fit(X2, smooth(X2) * 3.0, optimize=False)
    np.testing.assert_array_equal(gp.lengthscales, before)
    assert gp.n_observations == 25
