"""``smarttune recommend --model NAME``: a measured portfolio in an everyday library's names."""

from __future__ import annotations

import json
from typing import Any

import click

from smarttune.knowledge._library_names import DROPPED
from smarttune.knowledge._portfolio import load_portfolio

__all__ = ["MODELS", "print_portfolio"]

#: ``--model`` to the portfolio family.
MODELS = {"xgboost": "xgboost", "decision_tree": "rpart", "mlp": "mlp"}

_ATTRIBUTION = (
    "Measured on YAHPO Gym 1.0.2 surrogates (Apache-2.0; Pfisterer et al., AutoML Conf 2022)."
)


def print_portfolio(model: str, top: int, as_json: bool) -> None:
    """Print the first ``top`` configurations of ``model``'s portfolio, best first."""
    portfolio = load_portfolio(MODELS[model])
    configs = portfolio.first_in_library(top)
    regret = portfolio.dev_regret[: len(configs)]
    dropped = DROPPED[portfolio.family]
    if as_json:
        document = {
            "model": model,
            "library": portfolio.library,
            "scenario": portfolio.scenario,
            "target": portfolio.target,
            "configurations": configs,
            "dev_regret": list(regret),
            "dropped": list(dropped),
            "built_from": dict(portfolio.built_from),
            "attribution": _ATTRIBUTION,
        }
        click.echo(json.dumps(document, indent=2))
        return
    n_datasets = len(portfolio.built_from["instances"])
    click.echo(
        f"Portfolio for {model} ({portfolio.library}): {len(configs)} configurations chosen "
        f"greedily on {n_datasets} YAHPO Gym {portfolio.scenario} dev datasets; regret = mean "
        "normalized regret of the first k there. " + _ATTRIBUTION
    )
    for rank, (config, value) in enumerate(zip(configs, regret, strict=True), 1):
        click.echo(f"{rank:>3}. regret {value:.4f}  {_params(config)}")
    click.echo(f"Not mapped (no counterpart in {portfolio.library}): {', '.join(dropped)}.")


def _params(config: dict[str, Any]) -> str:
    return ", ".join(
        f"{k}={v:.6g}" if isinstance(v, float) else f"{k}={v!r}" for k, v in config.items()
    )
