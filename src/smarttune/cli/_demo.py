"""``smarttune demo``: the main job, HybridSampler on the MNIST AlexNet task."""

from __future__ import annotations

import json

import click

from smarttune.cli._options import quiet_optuna_logs, storage_option

__all__ = ["demo_command"]


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
def demo_command(
    full: bool,
    storage: str,
    study_name: str | None,
    seed: int,
    device: str,
    data_dir: str | None,
    out_dir: str,
    quiet: bool,
) -> None:
    """Tune a simplified AlexNet on MNIST with HybridSampler, end to end.

    Genetic generations explore, Bayesian-bandit refinement exploits, the best configuration is
    retrained and tested, and a figure is written. The quick profile (default) uses the MNIST
    subset bundled with smarttune and finishes in minutes on a laptop CPU.
    """
    from smarttune.demo import PROFILES, run_demo

    quiet_optuna_logs()
    profile = PROFILES["full" if full else "quick"]
    result = run_demo(
        profile,
        storage=storage,
        study_name=study_name or f"demo-{profile.name}",
        seed=seed,
        device=device,
        data_dir=data_dir,
        out_dir=out_dir,
        progress=not quiet,
        echo=click.echo,
    )
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
