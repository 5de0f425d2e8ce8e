"""A small exact Gaussian process in numpy: Matern 5/2, hyperparameters from a grid.

Each past study of a knowledge base gets one (stage one of the two-stage transfer surrogate).
The studies are small (tens of trials), so the hyperparameters (one length scale for every
input, and the noise) are picked from a grid by the log marginal likelihood (Rasmussen and
Williams, "Gaussian Processes for Machine Learning", 2006, eq. 2.30) instead of by gradient
ascent: a few Cholesky factorizations of a 50x50 matrix cost well under a millisecond.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["GaussianProcess"]

FloatArray = np.ndarray[Any, np.dtype[np.float64]]

_LENGTH_SCALES = (0.1, 0.2, 0.4, 0.8, 1.6)
_NOISES = (1e-3, 1e-2, 1e-1, 0.5)


def _matern52(a: FloatArray, b: FloatArray, length_scale: float) -> FloatArray:
    sq = np.maximum(
        (a * a).sum(axis=1)[:, None] + (b * b).sum(axis=1)[None, :] - 2.0 * a @ b.T, 0.0
    )
    r = np.sqrt(5.0 * sq) / length_scale
    return np.asarray((1.0 + r + r * r / 3.0) * np.exp(-r), dtype=float)


class GaussianProcess:
    """Zero-mean GP regression on standardized targets with a Matern 5/2 kernel.

    Args:
        X: Inputs, ``(n, d)``.
        y: Targets, ``(n,)``.
    """

    def __init__(self, X: FloatArray, y: FloatArray) -> None:
        self._X = np.asarray(X, dtype=float)
        y = np.asarray(y, dtype=float)
        self._mean = float(y.mean())
        std = float(y.std())
        self._scale = std if std > 1e-12 else 1.0
        z = (y - self._mean) / self._scale
        best = -np.inf
        for length in _LENGTH_SCALES:
            k = _matern52(self._X, self._X, length)
            for noise in _NOISES:
                fitted = _factor(k, noise, z)
                if fitted is not None and fitted[2] > best:
                    best = fitted[2]
                    self.length_scale, self.noise = length, noise
                    self._chol, self._alpha = fitted[0], fitted[1]

    def predict(self, X: FloatArray) -> FloatArray:
        """The posterior mean at ``X``, in the units of ``y``."""
        k = _matern52(np.asarray(X, dtype=float), self._X, self.length_scale)
        return np.asarray(self._mean + self._scale * (k @ self._alpha), dtype=float)

    def posterior(self, X: FloatArray) -> tuple[FloatArray, FloatArray]:
        """The posterior mean and covariance of the latent function at ``X``, in ``y``'s units."""
        X = np.asarray(X, dtype=float)
        k = _matern52(X, self._X, self.length_scale)
        v = np.linalg.solve(self._chol, k.T)
        cov = _matern52(X, X, self.length_scale) - v.T @ v
        mean = self._mean + self._scale * (k @ self._alpha)
        return np.asarray(mean, dtype=float), np.asarray(self._scale**2 * cov, dtype=float)

    def leave_one_out(self) -> tuple[FloatArray, FloatArray]:
        """Leave-one-out predictive means and variances at the training inputs, in ``y``'s units.

        The closed form of Rasmussen and Williams (2006, eq. 5.12): with ``K`` the noisy kernel
        matrix, the mean without point ``i`` is ``y_i - [K^-1 y]_i / [K^-1]_ii`` and the
        variance ``1 / [K^-1]_ii``; one factorization serves every point.
        """
        inverse = np.linalg.solve(self._chol.T, np.linalg.solve(self._chol, np.eye(len(self._X))))
        diagonal = np.diag(inverse)
        z = self._chol @ (self._chol.T @ self._alpha)  # the standardized targets
        mean = z - self._alpha / diagonal
        return (
            np.asarray(self._mean + self._scale * mean, dtype=float),
            np.asarray(self._scale**2 / diagonal, dtype=float),
        )


def _factor(
    k: FloatArray, noise: float, z: FloatArray
) -> tuple[FloatArray, FloatArray, float] | None:
    """Cholesky factor, weights and log marginal likelihood; None if not positive definite."""
    try:
        chol = np.linalg.cholesky(k + noise * np.eye(len(k)))
    except np.linalg.LinAlgError:
        return None
    alpha = np.linalg.solve(chol.T, np.linalg.solve(chol, z))
    loglik = -0.5 * float(z @ alpha) - float(np.log(np.diag(chol)).sum())
    return np.asarray(chol, dtype=float), np.asarray(alpha, dtype=float), loglik
