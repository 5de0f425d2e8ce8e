"""The hybrid's model: a GP over the observations, its rank quality, and Thompson proposals.

Study-free glue between the sampler and :mod:`smarttune.surrogates`: observations arrive as
unit-cube rows and copula scores. Above ``max_observations`` the GP is fitted on the rows
nearest to the incumbent (lengthscale-scaled distance), a local model that keeps a fit's cost
bounded. Hyperparameters are re-optimized (warm-started) at every fit up to
:data:`_REFIT_EVERY_UP_TO` observations, beyond that once per ``n // 50`` new observations;
in between only the Cholesky factor is recomputed. Pending (running) trials enter as
observations at the posterior mean ("kriging believer", Ginsbourger et al., "Kriging is
well-suited to parallelize optimization", 2010), which shrinks the posterior variance there so
that parallel workers' draws spread out.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

from smarttune.samplers._hybrid._acquisition import EvolutionSettings, Region, maximize_draw
from smarttune.surrogates import GaussianProcess, PosteriorDraw

if TYPE_CHECKING:
    from smarttune.space import SpaceEncoder

__all__ = ["GPModel", "UnitPriorMean", "unit_from_features"]

FloatArray = np.ndarray[Any, np.dtype[np.float64]]
#: A prior mean on unit-cube rows (what ``TaskKnowledge.prior_mean`` returns).
UnitPriorMean = Callable[[FloatArray], FloatArray]
_REFIT_EVERY_UP_TO = 200


class GPModel:
    """A GP of one study and space, refitted as observations arrive.

    Args:
        encoder: The encoder of the modelled search space.
        max_observations: Rows the GP is fitted on at most (the nearest to the incumbent).
        settings: The sizes of the genetic algorithm that maximises each draw.
    """

    def __init__(
        self,
        encoder: SpaceEncoder,
        *,
        max_observations: int,
        settings: EvolutionSettings,
        posterior_scale: float = 1.0,
    ) -> None:
        self.encoder = encoder
        self.posterior_scale = posterior_scale
        self.max_observations = max_observations
        self.settings = settings
        self._gp = GaussianProcess()
        self._optimized_at = 0
        self._prior_mean: UnitPriorMean | None = None

    def fit(self, X: FloatArray, y: FloatArray, prior_mean: UnitPriorMean | None) -> float:
        """Fit to unit-cube rows ``X`` and scores ``y``; return the leave-one-out Spearman."""
        n = len(X)
        X, y = self._local(X, y)
        interval = 1 if n <= _REFIT_EVERY_UP_TO else n // 50
        optimize = n - self._optimized_at >= interval or n < self._optimized_at
        if optimize:
            self._optimized_at = n
        self._prior_mean = prior_mean
        self._X, self._y = X, y
        self._gp.fit(self._features(X), y, prior_mean=self._feature_mean(), optimize=optimize)
        return self._gp.loo_spearman()

    def propose(
        self,
        pending: FloatArray,
        exclude: FloatArray,
        rng: np.random.Generator,
        n_elites: int,
        region: Region | None = None,
    ) -> FloatArray:
        """One Thompson-sampling proposal: maximise a posterior draw by evolution + L-BFGS-B."""
        if len(pending):
            believed, _ = self._gp.predict(self._features(pending))
            X = np.vstack([self._X, pending])
            y = np.concatenate([self._y, believed])
            self._gp.fit(self._features(X), y, prior_mean=self._feature_mean(), optimize=False)
        draw = PosteriorDraw(self._gp, rng, scale=self.posterior_scale)
        elites = self._X[np.argsort(-self._y, kind="stable")[:n_elites]]
        return maximize_draw(
            self.encoder,
            draw,
            elites,
            exclude,
            rng,
            self.settings,
            region=region,
            with_prior_mean=self._prior_mean is not None,
        )

    @property
    def lengthscales(self) -> FloatArray:
        """The fitted lengthscales of the surrogate features."""
        return self._gp.lengthscales

    def _features(self, X: FloatArray) -> FloatArray:
        return self.encoder.features(X)

    def _feature_mean(self) -> Callable[[FloatArray], FloatArray] | None:
        prior_mean = self._prior_mean
        if prior_mean is None:
            return None
        encoder = self.encoder
        return lambda features: prior_mean(unit_from_features(encoder, features))

    def _local(self, X: FloatArray, y: FloatArray) -> tuple[FloatArray, FloatArray]:
        """The ``max_observations`` rows nearest to the incumbent (all rows when fewer)."""
        if len(X) <= self.max_observations:
            return X, y
        features = self._features(X)
        scale = self._gp.lengthscales
        if len(scale) != features.shape[1]:
            scale = np.ones(features.shape[1])
        centre = features[int(np.argmax(y))]
        distance = (((features - centre) / scale) ** 2).sum(1)
        keep = np.sort(np.argsort(distance, kind="stable")[: self.max_observations])
        return X[keep], y[keep]


def unit_from_features(encoder: SpaceEncoder, features: FloatArray) -> FloatArray:
    """Invert :meth:`SpaceEncoder.features`: numeric columns as they are, one-hot to a level."""
    features = np.atleast_2d(features)
    out = np.empty((len(features), encoder.dim))
    column = 0
    for j in range(encoder.dim):
        if encoder.is_categorical[j]:
            k = int(encoder.n_levels[j])
            out[:, j] = (np.argmax(features[:, column : column + k], axis=1) + 0.5) / k
            column += k
        else:
            out[:, j] = features[:, column]
            column += 1
    return out
