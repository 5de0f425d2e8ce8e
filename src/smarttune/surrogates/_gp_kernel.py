"""The ARD Matérn-5/2 kernel, its gradients, and random Fourier features for it.

Everything works on plain float arrays of surrogate features (numeric coordinates in [0, 1],
categoricals one-hot; see :meth:`smarttune.space.SpaceEncoder.features`), with one lengthscale
per feature column (automatic relevance determination). With ``r`` the lengthscale-scaled
distance, the kernel is ``s2 * (1 + sqrt(5) r + 5/3 r^2) exp(-sqrt(5) r)`` (Rasmussen and
Williams, "Gaussian Processes for Machine Learning", 2006, eq. 4.17).
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = [
    "fourier_frequencies",
    "kernel_input_gradient",
    "lengthscale_gradients",
    "matern52",
    "scaled_sq_dist",
]

FloatArray = np.ndarray[Any, np.dtype[np.float64]]

_SQRT5 = float(np.sqrt(5.0))


def scaled_sq_dist(A: FloatArray, B: FloatArray, lengthscales: FloatArray) -> FloatArray:
    """Squared distances ``sum_k ((a_k - b_k) / l_k)^2`` between the rows of ``A`` and ``B``."""
    a, b = A / lengthscales, B / lengthscales
    sq = (a * a).sum(1)[:, None] + (b * b).sum(1)[None, :] - 2.0 * (a @ b.T)
    result: FloatArray = np.maximum(sq, 0.0)
    return result


def matern52(sq_dist: FloatArray, signal: float) -> FloatArray:
    """The Matérn-5/2 kernel of squared scaled distances, times the signal variance."""
    r = np.sqrt(sq_dist)
    return signal * (1.0 + _SQRT5 * r + (5.0 / 3.0) * sq_dist) * np.exp(-_SQRT5 * r)


def _radial_factor(sq_dist: FloatArray, signal: float) -> FloatArray:
    """``g(r) = s2 * 5/3 (1 + sqrt(5) r) exp(-sqrt(5) r)``: ``dk/dr = -r g(r)``."""
    r = np.sqrt(sq_dist)
    return signal * (5.0 / 3.0) * (1.0 + _SQRT5 * r) * np.exp(-_SQRT5 * r)


def lengthscale_gradients(
    X: FloatArray, sq_dist: FloatArray, signal: float, lengthscales: FloatArray, W: FloatArray
) -> FloatArray:
    """``sum_ij W_ij dK_ij / d log l_k`` for every k, for the kernel matrix of ``X`` with itself.

    ``dK_ij / d log l_k = g(r_ij) (x_ik - x_jk)^2 / l_k^2``, so the sum is
    ``(2 (M 1)^T x_k^2 - 2 x_k^T M x_k) / l_k^2`` with ``M = W * g``: ``O(n^2 d)`` without
    forming a matrix per dimension.
    """
    M = W * _radial_factor(sq_dist, signal)
    row = M.sum(1)
    total = 2.0 * (row @ (X * X)) - 2.0 * np.sum(X * (M @ X), axis=0)
    result: FloatArray = total / lengthscales**2
    return result


def kernel_input_gradient(
    x: FloatArray, X: FloatArray, weights: FloatArray, signal: float, lengthscales: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """``k(x, X) @ weights`` and its gradient with respect to ``x`` (one row ``x``)."""
    diff = x[None, :] - X
    sq = np.maximum(((diff / lengthscales) ** 2).sum(1), 0.0)
    k = matern52(sq, signal)
    g = _radial_factor(sq, signal)
    grad = -((weights * g) @ diff) / lengthscales**2
    return k @ weights, grad


def fourier_frequencies(n: int, dim: int, rng: np.random.Generator) -> FloatArray:
    """``n`` frequencies of the Matérn-5/2 spectral density for unit lengthscales.

    The spectral density of the Matérn-nu kernel is a multivariate Student-t with ``2 nu``
    degrees of freedom, so ``omega = z sqrt(5 / u)`` with ``z ~ N(0, I)`` and ``u ~ chi2(5)``;
    ``E[cos(omega^T tau)] = k(|tau|)`` (Rahimi and Recht, "Random Features for Large-Scale
    Kernel Machines", NeurIPS 2007).
    """
    z = rng.standard_normal((n, dim))
    u = rng.chisquare(5.0, size=n)
    result: FloatArray = z * np.sqrt(5.0 / u)[:, None]
    return result
