"""Cross-task meta-models: predict a configuration's normalized score on a new task.

Two models share one interface (``fit(records)``, ``predict(params, meta_features)``):

* :class:`MLPBaseline` — the baseline our users described: one network over the concatenated
  configuration and meta-features (two hidden ReLU layers, linear output, standardized inputs
  and targets, Adam at 1e-3, minibatches of 32, 100 epochs);
* :class:`TwoStageTransfer` — the two-stage transfer surrogate (Wistuba, Schilling and
  Schmidt-Thieme, "Two-Stage Transfer Surrogate Model for Automatic Hyperparameter
  Optimization", ECML-PKDD 2016): one Gaussian process per past study, combined by
  Nadaraya-Watson kernel weights over the distance between the tasks' meta-features, with the
  kernel's bandwidth chosen by leave-one-dataset-out error on the past studies.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

from smarttune.exceptions import InvalidParameterError
from smarttune.knowledge._features import FamilyEncoder
from smarttune.knowledge._gp import GaussianProcess
from smarttune.surrogates import MetaLearner

if TYPE_CHECKING:
    from smarttune.knowledge._records import StudyRecord

__all__ = [
    "BANDWIDTHS",
    "MAX_TRIALS_PER_STUDY",
    "MLPBaseline",
    "MetaModel",
    "TwoStageTransfer",
    "fitted_trials",
]

FloatArray = np.ndarray[Any, np.dtype[np.float64]]

#: Candidate kernel bandwidths, in standardized meta-feature units.
BANDWIDTHS: tuple[float, ...] = (0.5, 1.0, 2.0, 4.0, 8.0)
#: The models learn from at most this many trials of each past study (:func:`fitted_trials`):
#: an exact GP needs an n x n matrix, 3 GiB for a 20,000-trial study.
MAX_TRIALS_PER_STUDY = 300


class MetaModel(Protocol):
    """What :class:`~smarttune.knowledge.KnowledgeBase` needs of a cross-task model."""

    def fit(self, records: Sequence[StudyRecord]) -> MetaModel:
        """Learn from the studies of one family; return ``self``."""

    def predict(
        self, params: Sequence[Mapping[str, Any]], meta_features: Mapping[str, float]
    ) -> FloatArray:
        """Predicted normalized scores of ``params`` on the task of ``meta_features``."""


def fitted_trials(record: StudyRecord) -> tuple[list[Mapping[str, Any]], FloatArray]:
    """The configurations and normalized scores the models learn from, of one past study.

    All of them up to :data:`MAX_TRIALS_PER_STUDY`; beyond it the best half of that budget and
    an even spread (by score) of the rest, so the model still sees the whole range of scores.
    """
    scores = np.asarray(record.scores, dtype=float)
    if len(scores) <= MAX_TRIALS_PER_STUDY:
        return list(record.params), scores
    order = np.argsort(-scores, kind="stable")
    n_best = MAX_TRIALS_PER_STUDY // 2
    rest = order[n_best:]
    spread = rest[np.linspace(0, len(rest) - 1, MAX_TRIALS_PER_STUDY - n_best).astype(int)]
    keep = np.sort(np.concatenate([order[:n_best], spread]))
    return [record.params[i] for i in keep], scores[keep]


def _check_records(records: Sequence[StudyRecord], owner: str) -> None:
    if not records:
        raise InvalidParameterError(f"{owner}.fit() needs at least one study.")


class MLPBaseline:
    """One MLP over ``[configuration, meta-features]`` predicting the normalized score.

    A :class:`~smarttune.surrogates.MetaLearner` with a single member, no randomized prior, no
    bootstrap and no weight decay: two hidden ReLU layers of ``hidden_units`` units, a linear
    output, standardized inputs and targets, Adam at ``1e-3``, batches of 32, 100 epochs.

    Args:
        hidden_units: Width of each of the two hidden layers.
        seed: Seed of the initial weights and minibatches.
    """

    def __init__(self, *, hidden_units: int = 64, seed: int = 0) -> None:
        self.hidden_units = hidden_units
        self.seed = seed
        self._encoder: FamilyEncoder | None = None
        self._net: MetaLearner | None = None

    def fit(self, records: Sequence[StudyRecord]) -> MLPBaseline:
        """Train on the trials of ``records`` (see :func:`fitted_trials`); return ``self``."""
        _check_records(records, "MLPBaseline")
        self._encoder = encoder = FamilyEncoder(records)
        trials = [fitted_trials(r) for r in records]
        X = np.vstack([encoder.configs(params) for params, _ in trials])
        sizes = [len(params) for params, _ in trials]
        meta = np.vstack(
            [
                np.tile(encoder.meta(r.meta_features), (n, 1))
                for r, n in zip(records, sizes, strict=True)
            ]
        )
        y = np.concatenate([scores for _, scores in trials])
        self._net = MetaLearner(
            n_members=1,
            hidden_units=(self.hidden_units, self.hidden_units),
            epochs=100,
            learning_rate=1e-3,
            batch_size=32,
            weight_decay=0.0,
            prior_scale=0.0,
            bootstrap=False,
            seed=self.seed,
        ).fit(X, y, meta_features=meta)
        return self

    def predict(
        self, params: Sequence[Mapping[str, Any]], meta_features: Mapping[str, float]
    ) -> FloatArray:
        """Predicted normalized scores of ``params`` on the task of ``meta_features``."""
        if self._encoder is None or self._net is None:
            raise InvalidParameterError("The MLPBaseline is not fitted yet; call fit() first.")
        X = self._encoder.configs(params)
        meta = np.tile(self._encoder.meta(meta_features), (len(params), 1))
        return self._net.predict(X, meta_features=meta)[0]


class TwoStageTransfer:
    """Per-study Gaussian processes, mixed by meta-feature similarity (TST, Wistuba 2016).

    Stage one fits a GP (Matern 5/2, hyperparameters by marginal likelihood over a grid) to
    each past study's normalized scores. Stage two predicts for a new task the average of the GPs'
    means weighted by ``exp(-d^2 / (2 h^2))``, where ``d`` is the Euclidean distance between
    standardized meta-feature vectors: similar datasets speak loudest. The bandwidth ``h`` is
    picked from :data:`BANDWIDTHS` by leave-one-dataset-out squared error over the past
    studies, unless given. GPs are cached per study, so refitting on a subset is cheap.

    Args:
        bandwidth: Fixed kernel bandwidth; None selects it.
    """

    def __init__(self, *, bandwidth: float | None = None) -> None:
        self.bandwidth = bandwidth
        self.selected_bandwidth = bandwidth if bandwidth is not None else BANDWIDTHS[0]
        self._cache: dict[tuple[int, tuple[str, ...]], tuple[StudyRecord, Any]] = {}
        self._records: list[StudyRecord] = []
        self._encoder: FamilyEncoder | None = None
        self._gps: list[Any] = []
        self._z = np.empty((0, 0))
        self._z_mean = self._z_scale = np.empty(0)

    def fit(self, records: Sequence[StudyRecord]) -> TwoStageTransfer:
        """Fit (or fetch from the cache) one GP per study and select the bandwidth."""
        _check_records(records, "TwoStageTransfer")
        self._records = list(records)
        self._encoder = encoder = FamilyEncoder(records)
        key = tuple(f"{n}:{d!r}" for n, d in encoder.space.items())
        self._gps = [self._gp(r, encoder, key) for r in records]
        meta = np.vstack([encoder.meta(r.meta_features) for r in records])
        self._z_mean = meta.mean(axis=0)
        self._z_scale = np.where(meta.std(axis=0) > 1e-12, meta.std(axis=0), 1.0)
        self._z = (meta - self._z_mean) / self._z_scale
        if self.bandwidth is None:
            self.selected_bandwidth = self._select_bandwidth()
        return self

    def predict(
        self, params: Sequence[Mapping[str, Any]], meta_features: Mapping[str, float]
    ) -> FloatArray:
        """The similarity-weighted mean of the studies' GP predictions at ``params``."""
        if self._encoder is None:
            raise InvalidParameterError("The TwoStageTransfer is not fitted yet; call fit() first.")
        X = self._encoder.configs(params)
        weights = self.weights(meta_features)
        means = np.vstack([gp.predict(X) for gp in self._gps])
        return np.asarray(weights @ means, dtype=float)

    def per_study(self, params: Sequence[Mapping[str, Any]]) -> FloatArray:
        """Each past study's GP prediction at ``params``: ``(n_studies, len(params))``."""
        if self._encoder is None:
            raise InvalidParameterError("The TwoStageTransfer is not fitted yet; call fit() first.")
        X = self._encoder.configs(params)
        return np.vstack([gp.predict(X) for gp in self._gps])

    def weights(self, meta_features: Mapping[str, float]) -> FloatArray:
        """The normalized weight of each past study for a task of ``meta_features``."""
        assert self._encoder is not None
        z = (self._encoder.meta(meta_features) - self._z_mean) / self._z_scale
        return _kernel_weights(np.linalg.norm(self._z - z, axis=1), self.selected_bandwidth)

    @property
    def records(self) -> list[StudyRecord]:
        """The studies the model was fitted on, in the order of :meth:`weights`."""
        return list(self._records)

    def _gp(self, record: StudyRecord, encoder: FamilyEncoder, key: tuple[str, ...]) -> Any:
        cache_key = (id(record), key)
        if cache_key not in self._cache:
            params, scores = fitted_trials(record)
            self._cache[cache_key] = (record, GaussianProcess(encoder.configs(params), scores))
        return self._cache[cache_key][1]

    def _select_bandwidth(self) -> float:
        """The bandwidth of least leave-one-dataset-out squared error over the studies."""
        datasets = [r.dataset for r in self._records]
        if len(set(datasets)) < 2:
            return BANDWIDTHS[len(BANDWIDTHS) // 2]
        assert self._encoder is not None
        trials = [fitted_trials(r) for r in self._records]
        configs = [self._encoder.configs(params) for params, _ in trials]
        # cross[s][t]: study s's GP predicting study t's configurations.
        cross = [[gp.predict(X) for X in configs] for gp in self._gps]
        distances = np.linalg.norm(self._z[:, None, :] - self._z[None, :, :], axis=2)
        errors = []
        for h in BANDWIDTHS:
            total = 0.0
            for t, record in enumerate(self._records):
                others = np.array([d != record.dataset for d in datasets])
                w = _kernel_weights(distances[t][others], h)
                pred = w @ np.vstack([cross[s][t] for s in np.flatnonzero(others)])
                total += float(np.mean((pred - trials[t][1]) ** 2))
            errors.append(total)
        return BANDWIDTHS[int(np.argmin(errors))]


def _kernel_weights(distances: FloatArray, bandwidth: float) -> FloatArray:
    logits = -0.5 * (distances / bandwidth) ** 2
    w = np.exp(logits - logits.max())
    return np.asarray(w / w.sum(), dtype=float)
