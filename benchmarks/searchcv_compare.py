"""SmartSearchCV against RandomizedSearchCV at the same budget, on svm-digits and housing-mlp.

For each workload and seed both searches get the same estimator, the same search space, the
same CV splits (a seeded ``KFold``/``StratifiedKFold``) and the same number of candidates
(``n_trials`` = ``n_iter``); the table prints each one's best mean CV score side by side and
the test score of its refitted best estimator on rows neither search saw.

* ``svm-digits``: the task's data (digits, its 60/20/20 split by seed; train + validation
  rows are searched, the test rows scored) and its space: a standardising pipeline before an
  RBF ``SVC``, ``C`` log-uniform in [1e-3, 1e3], ``gamma`` log-uniform in [1e-5, 10];
  score: accuracy.
* ``housing-mlp``: the task's network and space wrapped as a scikit-learn regressor
  (``searchcv_mlp.HousingMLPRegressor``) after median imputation and standardisation, on
  California Housing: ``n_layers`` in 0..3, ``units_i`` log-uniform in [1, 101) (floored),
  optimizer Adam / RMSprop / SGD, learning rate log-uniform in [1e-4, 0.1]; 20% of the rows
  are the test set, the search sees ``--housing-rows`` of the rest; score: negated RMSE in
  dollars (higher is better). Epochs are fewer than the task's 20 to fit the CPU budget.

    python benchmarks/searchcv_compare.py --seeds 0-4 --data-dir ../shared/datasets
"""

from __future__ import annotations

import argparse
import statistics
import time
from typing import Any

import numpy as np


def svm_digits(seed: int) -> dict[str, Any]:
    """The svm-digits workload for ``seed``."""
    from scipy import stats
    from sklearn.model_selection import StratifiedKFold
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler
    from sklearn.svm import SVC

    from smarttune.tasks.sklearn._data import load_splits

    splits = load_splits("digits", seed)
    X, y = splits.refit_rows()
    return {
        "estimator": make_pipeline(StandardScaler(), SVC()),
        "space": {
            "svc__C": stats.loguniform(1e-3, 1e3),
            "svc__gamma": stats.loguniform(1e-5, 1e1),
        },
        "data": (X, y, splits.X_test, splits.y_test),
        "cv": StratifiedKFold(5, shuffle=True, random_state=seed),
        "scoring": "accuracy",
    }


def housing_mlp(seed: int, rows: int, epochs: int, data_dir: str | None) -> dict[str, Any]:
    """The housing-mlp workload for ``seed``."""
    from scipy import stats
    from searchcv_mlp import HousingMLPRegressor
    from sklearn.impute import SimpleImputer
    from sklearn.model_selection import KFold
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from smarttune.datasets import load_california_housing

    data = load_california_housing(data_dir=data_dir)
    order = np.random.default_rng(seed).permutation(data.n_samples)
    n_test = round(0.2 * data.n_samples)
    test, rest = order[:n_test], order[n_test:][:rows]
    model = HousingMLPRegressor(epochs=epochs, random_state=seed)
    units = stats.loguniform(1, 101)
    return {
        "estimator": make_pipeline(SimpleImputer(strategy="median"), StandardScaler(), model),
        "space": {
            "housingmlpregressor__n_layers": stats.randint(0, 4),
            "housingmlpregressor__units_0": units,
            "housingmlpregressor__units_1": units,
            "housingmlpregressor__units_2": units,
            "housingmlpregressor__optimizer": ["Adam", "RMSprop", "SGD"],
            "housingmlpregressor__learning_rate": stats.loguniform(1e-4, 1e-1),
        },
        "data": (data.X[rest], data.y[rest], data.X[test], data.y[test]),
        "cv": KFold(3, shuffle=True, random_state=seed),
        "scoring": "neg_root_mean_squared_error",
    }


def search(method: str, workload: dict[str, Any], trials: int, seed: int, sampler: str) -> dict:
    """Run one search; return its best CV score, test score and time."""
    from sklearn.model_selection import RandomizedSearchCV

    from smarttune.sklearn import SmartSearchCV

    common = {"cv": workload["cv"], "scoring": workload["scoring"], "random_state": seed}
    if method == "random":
        searcher: Any = RandomizedSearchCV(
            workload["estimator"], workload["space"], n_iter=trials, **common
        )
    else:
        searcher = SmartSearchCV(
            workload["estimator"], workload["space"], n_trials=trials, sampler=sampler, **common
        )
    X, y, X_test, y_test = workload["data"]
    started = time.perf_counter()
    searcher.fit(X, y)
    return {
        "cv": float(searcher.best_score_),
        "test": float(searcher.score(X_test, y_test)),
        "seconds": time.perf_counter() - started,
    }


def _fmt(score: float) -> str:
    return f"{score:,.0f}" if abs(score) >= 100 else f"{score:.4f}"


def main() -> None:
    import torch

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workloads", default="svm-digits,housing-mlp")
    parser.add_argument("--seeds", default="0-4")
    parser.add_argument("--svm-trials", type=int, default=30)
    parser.add_argument("--mlp-trials", type=int, default=40)
    parser.add_argument("--housing-rows", type=int, default=4000)
    parser.add_argument("--epochs", type=int, default=8)
    parser.add_argument("--sampler", default="hybrid", help="SmartSearchCV's sampler")
    parser.add_argument("--data-dir", default=None)
    args = parser.parse_args()
    torch.set_num_threads(1)
    first, _, last = args.seeds.partition("-")
    seeds = range(int(first), int(last or first) + 1)
    print(f"SmartSearchCV (sampler={args.sampler}) vs RandomizedSearchCV, seeds {args.seeds}")
    print(
        "\n| workload | seed | trials | Smart CV | Random CV | Smart test | Random test "
        "| Smart s | Random s |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for name in args.workloads.split(","):
        rows = []
        trials = args.svm_trials if name == "svm-digits" else args.mlp_trials
        for seed in seeds:
            if name == "svm-digits":
                workload = svm_digits(seed)
            else:
                workload = housing_mlp(seed, args.housing_rows, args.epochs, args.data_dir)
            smart = search("smart", workload, trials, seed, args.sampler)
            rand = search("random", workload, trials, seed, args.sampler)
            rows.append((smart, rand))
            print(
                f"| {name} | {seed} | {trials} | {_fmt(smart['cv'])} | {_fmt(rand['cv'])} "
                f"| {_fmt(smart['test'])} | {_fmt(rand['test'])} | {smart['seconds']:.0f} "
                f"| {rand['seconds']:.0f} |",
                flush=True,
            )
        wins = sum(s["cv"] >= r["cv"] for s, r in rows)
        mean_s = statistics.mean(s["cv"] for s, _ in rows)
        mean_r = statistics.mean(r["cv"] for _, r in rows)
        print(
            f"| {name} | mean | {trials} | {_fmt(mean_s)} | {_fmt(mean_r)} "
            f"| {_fmt(statistics.mean(s['test'] for s, _ in rows))} "
            f"| {_fmt(statistics.mean(r['test'] for _, r in rows))} | | |"
        )
        print(
            f"<!-- {name}: SmartSearchCV CV score >= RandomizedSearchCV in {wins}/{len(rows)} "
            "seeds -->",
            flush=True,
        )


if __name__ == "__main__":
    main()
