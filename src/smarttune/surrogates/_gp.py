"""An exact Gaussian process with an ARD Matérn-5/2 kernel, fitted by MAP.

The model follows "vanilla" Bayesian optimization as Hvarfner, Hellsten and Nardi ("Vanilla
Bayesian Optimization Performs Great in High Dimensions", ICML 2024) set it up: each log
lengthscale has a normal prior whose mean grows with the dimension,
``log l ~ N(sqrt(2) + log(d) / 2, 3)``, so that the model assumes less variation per
coordinate the more coordinates there are; the log noise variance has the prior
``N(-4, 1)`` and the log signal variance ``N(0, 1)`` on standardized targets. The
hyperparameters maximise the log posterior with SciPy's L-BFGS-B and analytic gradients, from
the prior's centre and from the previous fit (a warm start). An optional prior mean function
(a transfer-learning hook) is subtracted from the targets before standardization.

Nothing here knows of studies: inputs are surrogate features (numeric coordinates in [0, 1],
categoricals one-hot) and targets are scores, higher is better.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from scipy.linalg import cho_factor, cho_solve, solve_triangular
from scipy.optimize import minimize

from smarttune.surrogates._gp_kernel import lengthscale_gradients, matern52, scaled_sq_dist

__all__ = ["GaussianProcess", "PriorMean"]

FloatArray = np.ndarray[Any, np.dtype[np.float64]]
#: A prior mean: unit-cube or feature rows ``(m, d)`` to values ``(m,)`` on the targets' scale.
PriorMean = Callable[[FloatArray], FloatArray]

_LOG_NOISE_PRIOR = (-4.0, 1.0)
_LOG_SIGNAL_PRIOR = (0.0, 1.0)
_LOG_LENGTHSCALE_SD = float(np.sqrt(3.0))
_LOG_LENGTHSCALE_BOUNDS = (np.log(1e-3), np.log(1e3))
_LOG_SIGNAL_BOUNDS = (np.log(1e-3), np.log(1e2))
_LOG_NOISE_BOUNDS = (np.log(1e-6), np.log(1.0))
_JITTER = 1e-8


class GaussianProcess:
    """A zero-mean (or given-mean) GP regression model with MAP hyperparameters.

    Args:
        max_iter: L-BFGS-B iterations per start when hyperparameters are fitted.

    Attributes:
        lengthscales: ``(d,)`` fitted ARD lengthscales (after :meth:`fit`).
        signal: Fitted signal variance (standardized targets).
        noise: Fitted noise variance (standardized targets).
    """

    def __init__(self, *, max_iter: int = 50) -> None:
        self.max_iter = max_iter
        self.lengthscales = np.empty(0)
        self.signal = 1.0
        self.noise = 1e-2
        self._theta: FloatArray | None = None
        self._X = np.empty((0, 0))
        self._z = np.empty(0)
        self._alpha = np.empty(0)
        self._chol: tuple[FloatArray, bool] | None = None
        self._offset, self._scale = 0.0, 1.0
        self._prior_mean: PriorMean | None = None

    @property
    def n_observations(self) -> int:
        """How many rows the model was last fitted on."""
        return int(self._X.shape[0])

    def fit(
        self,
        X: FloatArray,
        y: FloatArray,
        *,
        prior_mean: PriorMean | None = None,
        optimize: bool = True,
    ) -> GaussianProcess:
        """Fit to ``X`` ``(n, d)`` and ``y`` ``(n,)``; ``optimize=False`` keeps the hyperparameters.

        Hyperparameters are kept (only the Cholesky factor is recomputed) when ``optimize`` is
        False and an earlier fit on the same width exists.
        """
        X = np.asarray(X, dtype=float)
        y = np.asarray(y, dtype=float)
        self._prior_mean = prior_mean
        if prior_mean is not None and len(y):
            y = y - np.asarray(prior_mean(X), dtype=float)
        self._offset = float(np.mean(y)) if len(y) else 0.0
        spread = float(np.std(y)) if len(y) > 1 else 1.0
        self._scale = spread if spread > 1e-12 else 1.0
        z = (y - self._offset) / self._scale
        self._X, self._z = X, z
        same_width = self._theta is not None and len(self._theta) == X.shape[1] + 2
        if optimize or not same_width:
            self._theta = self._map(X, z, self._theta if same_width else None)
        assert self._theta is not None
        self._set_theta(self._theta)
        K = self._gram(X)
        self._chol = _cholesky(K)
        self._alpha = cho_solve(self._chol, z)
        return self

    def predict(self, X: FloatArray) -> tuple[FloatArray, FloatArray]:
        """Posterior mean and variance of the latent function at ``X``, on the targets' scale."""
        X = np.atleast_2d(np.asarray(X, dtype=float))
        mean, var = self._standard_predict(X)
        mean = mean * self._scale + self._offset + self._mean_at(X)
        return mean, var * self._scale**2

    def sample(self, X: FloatArray, n: int, rng: np.random.Generator) -> FloatArray:
        """``n`` joint posterior draws of the latent function at the rows of ``X``: ``(n, m)``."""
        X = np.atleast_2d(np.asarray(X, dtype=float))
        mean, _ = self.predict(X)
        cov = self.cross(X, X) - self._explained(X, X)
        chol = np.linalg.cholesky(cov + 1e-9 * self.signal * np.eye(len(X)))
        draws = rng.standard_normal((n, len(X))) @ chol.T * self._scale
        result: FloatArray = mean[None, :] + draws
        return result

    def loo_spearman(self) -> float:
        """Spearman correlation of the exact leave-one-out means with the targets.

        The leave-one-out mean of row ``i`` is ``z_i - [K^-1 z]_i / [K^-1]_ii`` (Rasmussen and
        Williams 2006, eq. 5.12). NaN with fewer than three rows or constant targets.
        """
        n = self.n_observations
        if n < 3 or self._chol is None:
            return float("nan")
        inverse_diag = np.diag(cho_solve(self._chol, np.eye(n)))
        targets = self._z
        loo = targets - self._alpha / inverse_diag
        if np.ptp(targets) == 0 or np.ptp(loo) == 0:
            return float("nan")
        from scipy.stats import spearmanr  # scipy.stats is slow to import: only when needed

        return float(spearmanr(loo, targets).statistic)

    # --- pieces the pathwise sampler needs -------------------------------------------------

    def cross(self, A: FloatArray, B: FloatArray) -> FloatArray:
        """The noise-free kernel matrix between the rows of ``A`` and ``B`` (standardized)."""
        return matern52(scaled_sq_dist(A, B, self.lengthscales), self.signal)

    def training_inputs(self) -> FloatArray:
        """The rows the model was fitted on."""
        return self._X

    def solve(self, b: FloatArray) -> FloatArray:
        """``(K + noise I)^-1 b`` with the fitted Cholesky factor."""
        assert self._chol is not None
        result: FloatArray = cho_solve(self._chol, b)
        return result

    def standardized_targets(self) -> FloatArray:
        """The targets as the model sees them (residuals of the prior mean, standardized)."""
        return self._z

    def to_target_scale(self, values: FloatArray, X: FloatArray) -> FloatArray:
        """Map standardized latent values at rows ``X`` back to the targets' scale."""
        result: FloatArray = values * self._scale + self._offset + self._mean_at(X)
        return result

    @property
    def has_prior_mean(self) -> bool:
        """Whether the last fit used a prior mean function."""
        return self._prior_mean is not None

    # --- internals -------------------------------------------------------------------------

    def _mean_at(self, X: FloatArray) -> FloatArray:
        if self._prior_mean is None:
            return np.zeros(len(X))
        return np.asarray(self._prior_mean(X), dtype=float)

    def _standard_predict(self, X: FloatArray) -> tuple[FloatArray, FloatArray]:
        if self.n_observations == 0:
            return np.zeros(len(X)), np.full(len(X), self.signal)
        Ks = self.cross(X, self._X)
        mean = Ks @ self._alpha
        assert self._chol is not None
        v = solve_triangular(self._chol[0], Ks.T, lower=True, check_finite=False)
        var = np.maximum(self.signal - np.sum(v * v, axis=0), 1e-12)
        return mean, var

    def _explained(self, A: FloatArray, B: FloatArray) -> FloatArray:
        if self.n_observations == 0:
            return np.zeros((len(A), len(B)))
        result: FloatArray = self.cross(A, self._X) @ self.solve(self.cross(self._X, B))
        return result

    def _gram(self, X: FloatArray) -> FloatArray:
        K = self.cross(X, X)
        K[np.diag_indices_from(K)] += self.noise + _JITTER
        return K

    def _set_theta(self, theta: FloatArray) -> None:
        d = len(theta) - 2
        self.lengthscales = np.exp(theta[:d])
        self.signal = float(np.exp(theta[d]))
        self.noise = float(np.exp(theta[d + 1]))

    def _map(self, X: FloatArray, z: FloatArray, previous: FloatArray | None) -> FloatArray:
        """MAP hyperparameters by L-BFGS-B from the prior's centre and from ``previous``."""
        d = X.shape[1]
        centre = np.concatenate([np.full(d, _lengthscale_prior_mean(d)), [0.0, np.log(1e-2)]])
        starts = [centre] if previous is None else [previous, centre]
        bounds = [_LOG_LENGTHSCALE_BOUNDS] * d + [_LOG_SIGNAL_BOUNDS, _LOG_NOISE_BOUNDS]
        best, best_value = centre, np.inf
        for start in starts:
            result = minimize(
                _neg_log_posterior,
                start,
                args=(X, z),
                jac=True,
                method="L-BFGS-B",
                bounds=bounds,
                options={"maxiter": self.max_iter},
            )
            if np.isfinite(result.fun) and result.fun < best_value:
                best, best_value = np.asarray(result.x, dtype=float), float(result.fun)
        return best


def _lengthscale_prior_mean(d: int) -> float:
    """Hvarfner et al.'s dimension-scaled centre of the log lengthscales."""
    return float(np.sqrt(2.0) + 0.5 * np.log(max(d, 1)))


def _cholesky(K: FloatArray) -> tuple[FloatArray, bool]:
    """Cholesky factor of ``K``, adding jitter until it succeeds."""
    jitter = 0.0
    scale = float(np.mean(np.diag(K))) if len(K) else 1.0
    for _ in range(6):
        try:
            factor, lower = cho_factor(K + jitter * np.eye(len(K)), lower=True, check_finite=False)
            return np.asarray(factor, dtype=float), bool(lower)
        except np.linalg.LinAlgError:
            jitter = max(jitter * 10.0, 1e-6 * scale)
    raise np.linalg.LinAlgError("the kernel matrix is not positive definite")


def _neg_log_posterior(theta: FloatArray, X: FloatArray, z: FloatArray) -> tuple[float, FloatArray]:
    """Negative log marginal likelihood plus negative log prior, and its gradient."""
    d = X.shape[1]
    lengthscales = np.exp(theta[:d])
    signal, noise = float(np.exp(theta[d])), float(np.exp(theta[d + 1]))
    sq = scaled_sq_dist(X, X, lengthscales)
    Kf = matern52(sq, signal)
    K = Kf.copy()
    K[np.diag_indices_from(K)] += noise + _JITTER
    try:
        chol = cho_factor(K, lower=True, check_finite=False)
    except np.linalg.LinAlgError:
        return 1e10, np.zeros_like(theta)
    alpha = cho_solve(chol, z)
    n = len(z)
    nll = 0.5 * z @ alpha + np.sum(np.log(np.diag(chol[0]))) + 0.5 * n * np.log(2 * np.pi)
    W = np.outer(alpha, alpha) - cho_solve(chol, np.eye(n))
    grad = np.empty_like(theta)
    grad[:d] = -0.5 * lengthscale_gradients(X, sq, signal, lengthscales, W)
    grad[d] = -0.5 * np.sum(W * Kf)
    grad[d + 1] = -0.5 * noise * np.trace(W)
    mu_l = _lengthscale_prior_mean(d)
    prior = 0.5 * np.sum((theta[:d] - mu_l) ** 2) / _LOG_LENGTHSCALE_SD**2
    grad[:d] += (theta[:d] - mu_l) / _LOG_LENGTHSCALE_SD**2
    for index, (mean, sd) in ((d, _LOG_SIGNAL_PRIOR), (d + 1, _LOG_NOISE_PRIOR)):
        prior += 0.5 * (theta[index] - mean) ** 2 / sd**2
        grad[index] += (theta[index] - mean) / sd**2
    return float(nll + prior), grad
