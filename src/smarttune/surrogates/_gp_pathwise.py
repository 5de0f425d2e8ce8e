"""Functions drawn from a GP posterior that can be evaluated, and differentiated, anywhere.

A draw is the prior sample of random Fourier features plus the exact posterior update of
Wilson et al. ("Efficiently Sampling Functions from Gaussian Process Posteriors", ICML 2020):
``f(x) = phi(x)^T w + k(x, X) (K + noise I)^-1 (z - phi(X)^T w - eps)`` with
``w ~ N(0, I)`` and ``eps ~ N(0, noise I)``. Unlike joint draws on a fixed candidate set, the
same function can be evaluated on every generation of an evolutionary search and refined by a
gradient method, which is what Thompson sampling with an acquisition optimizer needs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from smarttune.surrogates._gp_kernel import fourier_frequencies, kernel_input_gradient

if TYPE_CHECKING:
    from smarttune.surrogates._gp import GaussianProcess

__all__ = ["PosteriorDraw"]

FloatArray = np.ndarray[Any, np.dtype[np.float64]]


class PosteriorDraw:
    """One function from ``gp``'s posterior (``gp`` must be fitted).

    With ``scale`` below 1 the draw's deviation from the posterior mean shrinks by that factor,
    ``mean + scale * (f - mean)``: Thompson sampling from a posterior with its variance scaled
    by ``scale**2``, which Chapelle and Li ("An Empirical Evaluation of Thompson Sampling",
    NeurIPS 2011) found to help when the budget is small.

    Args:
        gp: The fitted Gaussian process.
        rng: The generator of the draw.
        n_features: Random Fourier features of the prior sample.
        scale: The factor on the draw's deviation from the posterior mean (1: exact draws).
    """

    def __init__(
        self,
        gp: GaussianProcess,
        rng: np.random.Generator,
        *,
        n_features: int = 1024,
        scale: float = 1.0,
    ) -> None:
        self._gp = gp
        X = gp.training_inputs()
        d = X.shape[1]
        self._omega = fourier_frequencies(n_features, d, rng) / gp.lengthscales
        self._phase = rng.uniform(0.0, 2.0 * np.pi, size=n_features)
        self._amplitude = np.sqrt(2.0 * gp.signal / n_features)
        self._w = rng.standard_normal(n_features)
        self._X = X
        if len(X):
            eps = rng.standard_normal(len(X)) * np.sqrt(gp.noise)
            residual = gp.standardized_targets() - self._prior(X) - eps
            mean_weights = gp.solve(gp.standardized_targets())
            self._v = scale * gp.solve(residual) + (1.0 - scale) * mean_weights
        else:
            self._v = np.empty(0)
        self._amplitude *= scale

    def __call__(self, X: FloatArray) -> FloatArray:
        """The drawn function at the rows of ``X``, on the targets' scale."""
        X = np.atleast_2d(np.asarray(X, dtype=float))
        return self._gp.to_target_scale(self.standardized(X), X)

    def standardized(self, X: FloatArray) -> FloatArray:
        """The drawn function at ``X`` on the model's standardized scale, without a prior mean."""
        values = self._prior(X)
        if len(self._X):
            values = values + self._gp.cross(X, self._X) @ self._v
        return values

    def value_and_gradient(self, x: FloatArray) -> tuple[float, FloatArray]:
        """:meth:`standardized` at one row ``x`` and its gradient with respect to ``x``."""
        angle = self._omega @ x + self._phase
        value = float(self._amplitude * (self._w @ np.cos(angle)))
        grad = -self._amplitude * ((self._w * np.sin(angle)) @ self._omega)
        if len(self._X):
            k_value, k_grad = kernel_input_gradient(
                x, self._X, self._v, self._gp.signal, self._gp.lengthscales
            )
            value += float(k_value)
            grad = grad + k_grad
        return value, grad

    def _prior(self, X: FloatArray) -> FloatArray:
        result: FloatArray = self._amplitude * (np.cos(X @ self._omega.T + self._phase) @ self._w)
        return result
