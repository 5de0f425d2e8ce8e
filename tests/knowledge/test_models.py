from __future__ import annotations

import numpy as np
import pytest

from smarttune.exceptions import InvalidParameterError
from smarttune.knowledge import MLPBaseline, StudyRecord, TwoStageTransfer, normalized_scores
from smarttune.knowledge._evaluate import leave_one_dataset_out, r2_score, spearman
from smarttune.knowledge._gp import GaussianProcess


def test_normalized_scores_orient_and_clip() -> None:
    up = normalized_scores([0.0, 1.0, 2.0, 10.0], "maximize")
    assert up[-1] == 1.0 and up[0] == 0.0 and np.all(np.diff(up) >= 0)
    down = normalized_scores([0.0, 1.0, 2.0, 10.0], "minimize")
    assert down[0] == 1.0 and down[-1] == 0.0
    # One catastrophic value does not squash the rest against 1.
    robust = normalized_scores([-1000.0, *np.linspace(0, 1, 19)], "maximize")
    assert robust[10] < 0.6
    assert np.array_equal(normalized_scores([3.0, 3.0], "maximize"), [1.0, 1.0])


def test_gaussian_process_interpolates_a_smooth_function() -> None:
    rng = np.random.default_rng(0)
    X = rng.random((40, 2))
    y = np.sin(3 * X[:, 0]) + X[:, 1]
    gp = GaussianProcess(X, y)
    test = rng.random((50, 2))
    assert r2_score(gp.predict(test), np.sin(3 * test[:, 0]) + test[:, 1]) > 0.95


def test_tst_weights_favour_the_nearest_task(records: list[StudyRecord]) -> None:
    model = TwoStageTransfer(bandwidth=0.5).fit(records)
    weights = model.weights(records[2].meta_features)
    assert weights.argmax() == 2 and weights.sum() == pytest.approx(1.0)


@pytest.mark.parametrize("factory", [TwoStageTransfer, MLPBaseline])
def test_meta_models_transfer_to_an_unseen_dataset(records, record_factory, factory) -> None:
    """The optimum moves with the meta-features: both models must track it on a new task."""
    model = factory().fit(records)
    held = record_factory("new", optimum=0.25, n=30, seed=99)
    predicted = model.predict(list(held.params), held.meta_features)
    assert spearman(predicted, held.scores) > 0.6


def test_leave_one_dataset_out_tst_beats_the_baseline_on_r2_and_ties_on_ranks(
    records: list[StudyRecord],
) -> None:
    """As in docs/benchmarks.md: the MLP extrapolates on the outermost held-out dataset."""
    tst = leave_one_dataset_out(records, TwoStageTransfer, reuse=True)
    mlp = leave_one_dataset_out(records, MLPBaseline)
    assert [f.dataset for f in tst] == [f.dataset for f in mlp] == [r.dataset for r in records]
    tst_r2, mlp_r2 = np.mean([f.r2 for f in tst]), np.mean([f.r2 for f in mlp])
    assert tst_r2 > mlp_r2 + 0.1
    assert min(f.r2 for f in tst) > min(f.r2 for f in mlp)
    tst_rank, mlp_rank = np.mean([f.spearman for f in tst]), np.mean([f.spearman for f in mlp])
    assert tst_rank > 0.5 and abs(tst_rank - mlp_rank) < 0.1


def test_unfitted_models_and_empty_fits_raise() -> None:
    with pytest.raises(InvalidParameterError, match="not fitted"):
        TwoStageTransfer().predict([{}], {})
    with pytest.raises(InvalidParameterError, match="not fitted"):
        MLPBaseline().predict([{}], {})
    with pytest.raises(InvalidParameterError, match="at least one study"):
        MLPBaseline().fit([])
