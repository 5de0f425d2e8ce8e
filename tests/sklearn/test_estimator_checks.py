"""SmartSearchCV passes scikit-learn's estimator checks, as a classifier and as a regressor."""

from __future__ import annotations

from typing import Any

import pytest
from sklearn.linear_model import Ridge, RidgeClassifier
from sklearn.utils.estimator_checks import parametrize_with_checks

from smarttune.sklearn import SmartSearchCV

pytestmark = [
    pytest.mark.slow,
    # Checks that feed NaN, inf or object data make some folds fail or fail to score: as RandomizedSearchCV
    # does, the search warns (FitFailedWarning, non-finite mean scores) before refitting on all
    # the data raises the error the check expects; -W error would turn the warning into the
    # failure first.
    pytest.mark.filterwarnings("ignore::sklearn.exceptions.FitFailedWarning"),
    pytest.mark.filterwarnings("ignore:One or more of the test scores are non-finite"),
    pytest.mark.filterwarnings("ignore:Scoring failed"),
    # check_cv's type_of_target casts a y holding inf (check_supervised_y_no_nan).
    pytest.mark.filterwarnings("ignore:invalid value encountered in cast:RuntimeWarning"),
]

ESTIMATORS = [
    SmartSearchCV(RidgeClassifier(), {"alpha": [0.1, 1.0]}, n_trials=2, cv=2, sampler="random"),
    SmartSearchCV(Ridge(), {"alpha": [0.1, 1.0]}, n_trials=2, cv=2, sampler="tpe"),
]


@parametrize_with_checks(ESTIMATORS)
def test_sklearn_compatible_estimator(estimator: Any, check: Any) -> None:
    check(estimator)
