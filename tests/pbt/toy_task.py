"""A cheap checkpointing task for the PBT tests: noisy gradient descent on a quadratic.

Each step moves ``w`` by ``-learning_rate * (w + noise)``: a large learning rate converges
fast but to a high noise floor, a small one slowly but lower, so a decaying schedule wins and
exploit/explore has something to find. ``width`` (the length of ``w``) stands for an
architecture parameter: copied on exploit, never perturbed. The state logs the learning rate
of every step it trained, so tests can tell whose configuration trained a segment.
"""

from __future__ import annotations

import os
import time
from typing import Any

import numpy as np
import optuna


class ToyTask:
    direction = "maximize"
    supports_checkpoints = True
    mutable_params = ("learning_rate",)

    def __init__(self, *, noise: float = 0.5, step_seconds: float = 0.0) -> None:
        self.noise = noise
        self.step_seconds = step_seconds

    def suggest(self, trial: optuna.Trial) -> dict[str, Any]:
        return {
            "learning_rate": trial.suggest_float("learning_rate", 1e-3, 0.9, log=True),
            "width": trial.suggest_categorical("width", [4, 8]),
        }

    def init_state(self, params: dict[str, Any], *, seed: int) -> dict[str, Any]:
        rng = np.random.default_rng(seed)
        width = int(params["width"])
        return {
            "w": rng.normal(3.0, 1.0, size=width),
            "lrs": [],
            "lr": float(params["learning_rate"]),
            "rng": rng,
        }

    def train_steps(self, state: dict[str, Any], n_steps: int) -> float:
        for _ in range(n_steps):
            if self.step_seconds:
                time.sleep(self.step_seconds)
            noise = self.noise * state["rng"].standard_normal(len(state["w"]))
            state["w"] = state["w"] - state["lr"] * (state["w"] + noise)
            state["lrs"].append(state["lr"])
        return -float(0.5 * np.sum(state["w"] ** 2))

    def save_checkpoint(self, state: dict[str, Any], path: str | os.PathLike[str]) -> None:
        with open(path, "wb") as file:
            np.savez(file, w=state["w"], lrs=np.asarray(state["lrs"]), lr=state["lr"])

    def load_checkpoint(
        self, path: str | os.PathLike[str], params: dict[str, Any], *, seed: int
    ) -> dict[str, Any]:
        with np.load(path) as saved:
            return {
                "w": saved["w"],
                "lrs": list(saved["lrs"]),
                # The checkpoint's own learning rate is ignored: the new configuration rules.
                "lr": float(params["learning_rate"]),
                "rng": np.random.default_rng(seed),
            }

    def test_metrics(self, state: dict[str, Any]) -> dict[str, float]:
        return {"test_loss": float(0.5 * np.sum(state["w"] ** 2))}
