"""``smarttune demo``: the main job, HybridSampler on the MNIST AlexNet task."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import click

from smarttune.cli._options import quiet_optuna_logs, storage_option

if TYPE_CHECKING:
    from smarttune.demo import DemoResult

__all__ = ["demo_command"]

#: Exit status of a run in which no trial completed.
EXIT_ALL_FAILED = 1


@click.command("demo")
@click.option("--full", is_flag=True, help="The original budget (full MNIST; meant for a GPU).")
@storage_option
@click.option("--study", "study_name", help="Study name (default: demo-quick or demo-full).")
@click.option("--seed", type=click.IntRange(0, 2**32 - 1), default=0, show_default=True)
@click.option(
    "--device", type=click.Choice(["auto", "cpu", "cuda"]), default="auto", show_default=True
)
@click.option("--data-dir", help="Directory of the MNIST files (--full; else SMARTTUNE_DATA_DIR).")
@click.option(
    "--out",
    "out_dir",
    default="smarttune-demo",
    show_default=True,
    help="Directory of the figure demo.png.",
)
@click.option("--quiet", is_flag=True, help="No progress bar.")
@click.option("--fresh", is_flag=True, help="Delete the study first and start it again.")
@click.option(
    "--verbose", is_flag=True, help="Print each failed trial's traceback (kept in the storage)."
)
def demo_command(
    full: bool,
    storage: str,
    study_name: str | None,
    seed: int,
    device: str,
    data_dir: str | None,
    out_dir: str,
    quiet: bool,
    fresh: bool = False,
    verbose: bool = False,
) -> int:
    """Tune a simplified AlexNet on MNIST with HybridSampler, end to end.

    Genetic generations explore, Bayesian-bandit refinement exploits, the best configuration is
    retrained and tested, and a figure is written. The quick profile (default) uses the MNIST
    subset bundled with smarttune and finishes in minutes on a laptop CPU. Run again, it
    resumes an interrupted study; a complete one is reported (--fresh starts it again).
    """
    from smarttune.demo import PROFILES, run_demo

    quiet_optuna_logs()
    profile = PROFILES["full" if full else "quick"]
    name = study_name or f"demo-{profile.name}"
    result = run_demo(
        profile,
        storage=storage,
        study_name=name,
        seed=seed,
        device=device,
        data_dir=data_dir,
        out_dir=out_dir,
        progress=not quiet,
        echo=click.echo,
        fresh=fresh,
        verbose=verbose,
    )
    if result.status == "failed":
        click.echo(result.message, err=True)
        return EXIT_ALL_FAILED
    if result.status == "complete":
        trials = len(result.study.trials)
        click.echo(
            f"Study {name!r} in {storage} is complete ({trials} trials, best validation "
            f"accuracy {result.best_value:.4f}): add --fresh to run it again, or --study NAME "
            "for a new study."
        )
        return 0
    _print_result(result, storage)
    return 0


def _print_result(result: DemoResult, storage: str) -> None:
    switch = result.study.sampler
    click.echo(f"Best validation accuracy: {result.best_value:.4f}")
    click.echo(f"Best parameters: {json.dumps(result.best_params, default=str)}")
    for name, value in result.test_metrics.items():
        click.echo(f"Final retrain, {name}: {value:.4f}")
    if hasattr(switch, "switch_record"):
        record = switch.switch_record(result.study)
        if record:
            click.echo(f"Phase switch at trial {record['trial']}: {record['reason']}")
    if result.figure is not None:
        click.echo(f"Figure: {result.figure}")
    click.echo(f"Study {result.study.study_name!r} in {storage}; {result.wall_seconds:.0f} s.")
