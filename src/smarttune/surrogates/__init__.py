"""Performance predictors over encoded configurations.

A surrogate maps surrogate features of configurations (see
:meth:`smarttune.space.SpaceEncoder.features`), optionally with task meta-features, to predicted
performance, with an uncertainty and posterior draws for Thompson sampling. Surrogates know
nothing of studies or trials: samplers encode the observations and hand over plain arrays.
"""

from __future__ import annotations

from smarttune.surrogates._mlp_ensemble import MetaLearner

__all__ = ["MetaLearner"]
