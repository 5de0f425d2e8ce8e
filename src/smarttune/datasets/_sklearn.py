"""Scikit-learn's bundled toy datasets and synthetic generators, as :class:`Dataset` objects.

scikit-learn is imported when one of these functions is called, never at import time, so that
``import smarttune.datasets`` stays cheap.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from smarttune._validation import Interval, Options, validate_parameter
from smarttune.datasets._dataset import Dataset
from smarttune.exceptions import InvalidParameterError

if TYPE_CHECKING:
    from smarttune.datasets._dataset import FloatArray, IntArray

__all__ = ["SKLEARN_DATASETS", "load_sklearn", "make_synthetic"]

#: The names :func:`load_sklearn` accepts, mapped to the name of their target.
SKLEARN_DATASETS = {
    "breast_cancer": "diagnosis",
    "diabetes": "disease_progression",
    "digits": "digit",
    "iris": "species",
    "wine": "cultivar",
}


def load_sklearn(name: str) -> Dataset:
    """Load one of scikit-learn's bundled datasets (no file or network access).

    Args:
        name: One of the keys of :data:`SKLEARN_DATASETS`: ``"breast_cancer"``, ``"diabetes"``
            (a regression target; its features are scikit-learn's centred and scaled ones),
            ``"digits"`` (8x8 images, values 0..16), ``"iris"`` or ``"wine"``.

    Returns:
        A :class:`Dataset` with scikit-learn's feature names and, for the classification sets,
        its class names.

    Raises:
        InvalidParameterError: If ``name`` is not a known dataset.
    """
    validate_parameter("name", name, [Options(SKLEARN_DATASETS)], owner="load_sklearn()")
    from sklearn import datasets

    bunch = getattr(datasets, f"load_{name}")()
    regression = name == "diabetes"
    target: FloatArray | IntArray
    if regression:
        target = np.asarray(bunch.target, dtype=np.float64)
    else:
        target = np.asarray(bunch.target, dtype=np.int64)
    class_names = None if regression else [str(c) for c in bunch.target_names]
    return Dataset(
        name=name,
        X=np.asarray(bunch.data, dtype=np.float64),
        y=target,
        feature_names=[str(f) for f in bunch.feature_names],
        target_name=SKLEARN_DATASETS[name],
        task="regression" if regression else "classification",
        class_names=class_names,
    )


def make_synthetic(
    kind: Literal["classification", "regression"] = "classification",
    *,
    n_samples: int = 1000,
    n_features: int = 20,
    n_informative: int | None = None,
    n_classes: int = 2,
    noise: float = 0.0,
    seed: int = 0,
) -> Dataset:
    """Draw a synthetic dataset with scikit-learn's ``make_classification``/``make_regression``.

    Classification follows Guyon (2003), "Design of experiments for the NIPS 2003 variable
    selection benchmark": one Gaussian cluster per class on the vertices of a hypercube in the
    informative subspace; the other features are noise (no redundant or repeated features).
    Regression is a random linear model of the informative features plus Gaussian noise.

    Args:
        kind: ``"classification"`` or ``"regression"``.
        n_samples: The number of rows.
        n_features: The number of columns, named ``x0``, ``x1``, ...
        n_informative: How many features carry signal; None means
            ``max(n_features // 2, ceil(log2(n_classes)))`` for classification and
            ``n_features // 2`` (at least 1) for regression.
        n_classes: The number of classes (classification only).
        noise: For classification, the fraction of labels replaced by random ones (in [0, 1]);
            for regression, the standard deviation of the Gaussian noise added to the target.
        seed: The random seed; equal arguments give equal datasets.

    Returns:
        A :class:`Dataset` named ``"synthetic_<kind>"``.

    Raises:
        InvalidParameterError: If an argument is invalid, or ``n_classes`` needs more
            informative features than ``n_features``.
    """
    owner = "make_synthetic()"
    validate_parameter("kind", kind, [Options(("classification", "regression"))], owner=owner)
    validate_parameter("n_samples", n_samples, [Interval(int, 2, None)], owner=owner)
    validate_parameter("n_features", n_features, [Interval(int, 1, None)], owner=owner)
    informative_range = Interval(int, 1, n_features)
    validate_parameter("n_informative", n_informative, [informative_range, None], owner=owner)
    validate_parameter("n_classes", n_classes, [Interval(int, 2, None)], owner=owner)
    noise_range = Interval(float, 0, 1 if kind == "classification" else None)
    validate_parameter("noise", noise, [noise_range], owner=owner)
    validate_parameter("seed", seed, [Interval(int, 0, 2**32 - 1)], owner=owner)
    from sklearn import datasets

    options: dict[str, Any] = {
        "n_samples": n_samples,
        "n_features": n_features,
        "random_state": seed,
    }
    if kind == "classification":
        needed = math.ceil(math.log2(n_classes))
        informative = max(n_features // 2, needed) if n_informative is None else n_informative
        if informative < needed or informative > n_features:
            raise InvalidParameterError(
                f"make_synthetic() needs at least {needed} informative features for "
                f"{n_classes} classes. Got n_features={n_features}, n_informative={n_informative}."
            )
        features, labels = datasets.make_classification(
            **options,
            n_informative=informative,
            n_redundant=0,
            n_classes=n_classes,
            n_clusters_per_class=1,
            flip_y=float(noise),
        )
        target: FloatArray | IntArray = np.asarray(labels, dtype=np.int64)
    else:
        informative = max(n_features // 2, 1) if n_informative is None else n_informative
        features, values = datasets.make_regression(
            **options, n_informative=informative, noise=float(noise)
        )
        target = np.asarray(values, dtype=np.float64)
    return Dataset(
        name=f"synthetic_{kind}",
        X=np.asarray(features, dtype=np.float64),
        y=target,
        feature_names=[f"x{i}" for i in range(n_features)],
        target_name="y",
        task=kind,
        class_names=[str(c) for c in range(n_classes)] if kind == "classification" else None,
    )
