"""The datasets of the meta-dataset: scikit-learn's bundled sets, synthetic sweeps, real data.

Every entry is small on purpose (at most a few thousand rows), so that a whole suite of model
families can be tuned on it on a laptop: the knowledge base needs breadth over datasets more
than depth on any one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = ["SUITE", "SuiteDataset", "suite_names"]

Arrays = tuple[np.ndarray[Any, Any], np.ndarray[Any, Any], bool]


@dataclass(frozen=True)
class SuiteDataset:
    """One dataset of the suite.

    Attributes:
        name: Its key in study and task names, e.g. ``"synth-c500-f20-k4-n0.2"``.
        load: Returns ``(X, y, classification)``; may read the data directory.
        needs_data_dir: Whether ``load`` reads files from the data directory.
    """

    name: str
    load: Callable[[], Arrays]
    needs_data_dir: bool = False


def _bundled(name: str) -> Callable[[], Arrays]:
    def load() -> Arrays:
        from smarttune.datasets import load_sklearn

        data = load_sklearn(name.replace("-", "_"))
        return data.X, data.y, data.task == "classification"

    return load


def _synthetic(kind: str, rows: int, features: int, classes: int, noise: float, seed: int) -> Any:
    def load() -> Arrays:
        from smarttune.datasets import make_synthetic

        data = make_synthetic(
            "classification" if kind == "c" else "regression",
            n_samples=rows,
            n_features=features,
            n_classes=classes,
            noise=noise,
            seed=seed,
        )
        return data.X, data.y, kind == "c"

    return load


def _pooled_images(images: np.ndarray[Any, Any], labels: np.ndarray[Any, Any], rows: int) -> Arrays:
    """A stratified ``rows``-image subsample, 2x2 average-pooled to 14x14, scaled to [0, 1]."""
    rng = np.random.default_rng(0)
    per_class = rows // 10
    keep = np.concatenate(
        [rng.permutation(np.flatnonzero(labels == c))[:per_class] for c in range(10)]
    )
    x = images[np.sort(keep)].astype(float) / 255.0
    pooled = x.reshape(len(x), 14, 2, 14, 2).mean(axis=(2, 4)).reshape(len(x), -1)
    return pooled, labels[np.sort(keep)].astype(np.int64), True


def _mnist() -> Arrays:
    from smarttune.datasets import load_mnist_subset

    return _pooled_images(*load_mnist_subset("train"), rows=1000)


def _fashion() -> Arrays:
    from smarttune.datasets import load_fashion_mnist

    return _pooled_images(*load_fashion_mnist("test"), rows=1000)


def _housing() -> Arrays:
    from smarttune.datasets import load_california_housing

    data = load_california_housing()
    keep = np.sort(np.random.default_rng(0).permutation(data.n_samples)[:1500])
    X = data.X[keep]
    X = np.where(np.isnan(X), np.nanmedian(X, axis=0), X)
    return X, data.y[keep] / 1e5, False


def _entries() -> tuple[SuiteDataset, ...]:
    entries = [
        SuiteDataset(name, _bundled(name))
        for name in ("breast-cancer", "diabetes", "digits", "iris", "wine")
    ]
    seed = 0
    for rows, features in ((200, 10), (500, 20), (1200, 40)):
        for classes in (2, 4):
            for noise in (0.0, 0.2):
                seed += 1
                if classes > 2 and noise == 0.0:  # kept small: 9 of the 12 combinations
                    continue
                name = f"synth-c{rows}-f{features}-k{classes}-n{noise}"
                load = _synthetic("c", rows, features, classes, noise, seed)
                entries.append(SuiteDataset(name, load))
    for rows, features, noise in (
        (300, 10, 5.0),
        (300, 30, 50.0),
        (1000, 10, 50.0),
        (1000, 30, 5.0),
    ):
        seed += 1
        name = f"synth-r{rows}-f{features}-n{noise:g}"
        entries.append(SuiteDataset(name, _synthetic("r", rows, features, 2, noise, seed)))
    entries.append(SuiteDataset("california-housing", _housing, needs_data_dir=True))
    entries.append(SuiteDataset("mnist-14px", _mnist))
    entries.append(SuiteDataset("fashion-mnist-14px", _fashion, needs_data_dir=True))
    return tuple(entries)


#: Every dataset of the suite, by name.
SUITE: dict[str, SuiteDataset] = {entry.name: entry for entry in _entries()}


def suite_names() -> list[str]:
    """The suite's dataset names, in build order."""
    return list(SUITE)
