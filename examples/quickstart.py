"""Tune a two-parameter function with smarttune, keep it in SQLite, and resume it.

Run: python examples/quickstart.py [path/to/study.db]
"""

from __future__ import annotations

import math
import sys

import optuna

import smarttune


def objective(trial: optuna.Trial) -> float:
    x = trial.suggest_float("x", -5.0, 5.0)
    lr = trial.suggest_float("lr", 1e-5, 1e-1, log=True)
    return (x - 1.0) ** 2 + (math.log10(lr) + 3.0) ** 2


def main(db_path: str) -> None:
    storage = f"sqlite:///{db_path}"
    for _ in range(2):  # the second call resumes the study and adds 15 more trials
        study = smarttune.tune(
            objective,
            n_trials=15,
            storage=storage,
            study_name="quickstart",
            direction="minimize",
            seed=0,
            progress=False,
        )
    print(f"{len(study.trials)} trials; best {study.best_value:.4g} at {study.best_params}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "quickstart.db")
