"""param_distributions to Optuna: each kind of distribution, sub-spaces, decoding."""

from __future__ import annotations

import optuna
import pytest
from optuna.distributions import CategoricalDistribution, FloatDistribution, IntDistribution
from scipy import stats
from sklearn.linear_model import Ridge
from sklearn.svm import SVC

from smarttune.exceptions import InvalidParameterError
from smarttune.sklearn._space import SPACE_PARAM, build_space


def _specs(space: object) -> dict[str, object]:
    built = build_space(space, owner="T")
    return {s.name: s for s in built.subspaces[0]}


def test_scipy_families_become_native_optuna_distributions() -> None:
    specs = _specs(
        {
            "u": stats.uniform(2, 3),
            "lu": stats.loguniform(1e-3, 10),
            "ri": stats.randint(1, 5),
            "q": optuna.distributions.IntDistribution(0, 9, step=3),
        }
    )
    assert specs["u"].distribution == FloatDistribution(2.0, 5.0)
    assert specs["lu"].distribution == FloatDistribution(1e-3, 10.0, log=True)
    assert specs["ri"].distribution == IntDistribution(1, 4)
    assert specs["q"].distribution == IntDistribution(0, 9, step=3)


def test_other_scipy_distributions_are_searched_by_quantile() -> None:
    specs = _specs({"n": stats.norm(10, 2), "p": stats.poisson(3)})
    assert specs["n"].optuna_name == "n:quantile"
    assert specs["n"].decode(0.5) == pytest.approx(10.0)
    assert specs["n"].decode(0.975) == pytest.approx(10 + 1.96 * 2, rel=1e-3)
    assert specs["p"].decode(0.5) == 3 and isinstance(specs["p"].decode(0.5), int)


def test_lists_of_objects_are_searched_by_index_and_decoded_back() -> None:
    svc, ridge = SVC(), Ridge()
    specs = _specs({"est": [svc, ridge], "sizes": [(10,), (10, 5)], "k": ["a", "b"]})
    assert specs["est"].distribution == CategoricalDistribution([0, 1])
    assert specs["est"].decode(1) is ridge and specs["sizes"].decode(1) == (10, 5)
    assert specs["k"].distribution == CategoricalDistribution(["a", "b"])


def test_list_of_dicts_picks_a_subspace_and_renames_clashes() -> None:
    space = build_space([{"C": [1.0, 2.0], "k": ["rbf"]}, {"C": [5.0], "d": [2, 3]}], owner="T")
    names = [[s.optuna_name for s in sub] for sub in space.subspaces]
    assert names == [["C@0", "k"], ["C@1", "d"]]
    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0))
    drawn = [space.suggest(study.ask()) for _ in range(20)]
    assert {frozenset(p) for p in drawn} == {frozenset({"C", "k"}), frozenset({"C", "d"})}
    assert all(SPACE_PARAM in t.params for t in study.trials)


@pytest.mark.parametrize(
    ("space", "match"),
    [
        ({"C": 1.0}, r"distribution of 'C'"),
        ({"C": []}, r"distribution of 'C'"),
        ({1: [1]}, r"must have str keys"),
        ("C", r"must be a dict or a non-empty list of dicts"),
    ],
)
def test_bad_spaces_are_named(space: object, match: str) -> None:
    with pytest.raises(InvalidParameterError, match=match):
        build_space(space, owner="T")
