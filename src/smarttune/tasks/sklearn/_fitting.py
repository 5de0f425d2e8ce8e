"""Running the models: the full estimator around a spec, fitting, and one-thread execution."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from smarttune.tasks.sklearn._models import Context, ModelSpec

__all__ = ["fit", "make_estimator", "single_threaded"]


def make_estimator(spec: ModelSpec, params: dict[str, Any], context: Context) -> Any:
    """Return the full estimator: optional scaling, the model, a standardized target.

    Regression targets are standardized inside the estimator (predictions come back in the
    original units), so that ``C``, ``alpha`` and ``l2_regularization`` mean the same on any
    target scale.
    """
    from sklearn.compose import TransformedTargetRegressor
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import StandardScaler

    estimator = spec.build(params, context)
    if spec.scale:
        estimator = Pipeline([("scale", StandardScaler()), ("model", estimator)])
    if not context.classification:
        estimator = TransformedTargetRegressor(regressor=estimator, transformer=StandardScaler())
    return estimator


@contextmanager
def single_threaded() -> Iterator[None]:
    """Limit OpenMP and BLAS to one thread while fitting and scoring.

    Trials run in parallel instead; on these small datasets a multi-threaded fit mostly waits
    for its threads (histogram gradient boosting on 1,000 rows runs 10x slower on a busy
    machine with all cores than with one).
    """
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1):
        yield


def fit(estimator: Any, X: Any, y: Any) -> Any:
    """Fit ``estimator``, silencing only scikit-learn's ``ConvergenceWarning``.

    ``warnings.catch_warnings`` is process-global state: under threaded trials a filter may
    outlive its block, which only silences more ``ConvergenceWarning``s.
    """
    from sklearn.exceptions import ConvergenceWarning

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return estimator.fit(X, y)
