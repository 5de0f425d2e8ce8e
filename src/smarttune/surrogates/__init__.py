"""Performance predictors over encoded configurations.

A surrogate maps surrogate features of configurations (see
:meth:`smarttune.space.SpaceEncoder.features`), optionally with task meta-features, to predicted
performance, with an uncertainty and posterior draws for Thompson sampling. Surrogates know
nothing of studies or trials: samplers encode the observations and hand over plain arrays.

* :class:`GaussianProcess`: an exact GP (ARD Matérn-5/2, dimension-scaled lengthscale prior,
  MAP hyperparameters) with ``fit(X, y)``, ``predict(X) -> (mean, var)`` and
  ``sample(X, n, rng)`` (joint draws); :class:`PosteriorDraw` is one function from its
  posterior that can be evaluated and differentiated anywhere (the HybridSampler's model).
* :class:`MetaLearner`: a deep ensemble over configurations and task features (the
  knowledge base's cross-study model and the BayesianBanditSampler's surrogate).
"""

from __future__ import annotations

from smarttune.surrogates._gp import GaussianProcess, PriorMean
from smarttune.surrogates._gp_pathwise import PosteriorDraw
from smarttune.surrogates._mlp_ensemble import MetaLearner

__all__ = ["GaussianProcess", "MetaLearner", "PosteriorDraw", "PriorMean"]
