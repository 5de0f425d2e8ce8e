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
_PROFILE_NAMES = ("quick", "standard", "full")


@click.command("demo")
@click.option(
    "--profile",
    help="quick (default: bundled subset, minutes), standard (full MNIST, planned for 30 min "
    "on 2 idle CPU cores) or full (the published budget; meant for a GPU).",
)
@click.option("--full", is_flag=True, help="Same as --profile full.")
@storage_option
@click.option("--study", "study_name", help="Study name (default: demo-PROFILE[-SAMPLER]).")
@click.option("--seed", type=click.IntRange(0, 2**32 - 1), default=0, show_default=True)
@click.option(
    "--device", type=click.Choice(["auto", "cpu", "cuda"]), default="auto", show_default=True
)
@click.option("--sampler", default="hybrid", show_default=True, help="hybrid, random, tpe, ...")
@click.option(
    "--threads",
    type=click.IntRange(1, None),
    help="Torch CPU threads (default: every core this process may use).",
)
@click.option("--data-dir", help="Directory of the MNIST files (else SMARTTUNE_DATA_DIR).")
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
    profile: str | None,
    full: bool,
    storage: str,
    study_name: str | None,
    seed: int,
    device: str,
    sampler: str,
    threads: int | None,
    data_dir: str | None,
    out_dir: str,
    quiet: bool,
    fresh: bool = False,
    verbose: bool = False,
) -> int:
    """Tune a simplified AlexNet on MNIST with HybridSampler, end to end.

    The search proposes and prunes configurations, the best one is retrained and tested (beside
    the published 98.86 % on the full MNIST profiles), and a figure is written. The quick
    profile (default) uses the MNIST subset bundled with smarttune and finishes in minutes on a
    laptop CPU; standard searches 12,000 MNIST images with Hyperband and retrains on all
    60,000. Run again, it resumes an interrupted study; a complete one is reported (--fresh
    starts it again).
    """
    from smarttune.demo import PROFILES, available_cores, run_demo
    from smarttune.samplers import check_sampler_name

    chosen = PROFILES[_profile_name(profile, full)]
    sampler = check_sampler_name(sampler)
    quiet_optuna_logs()
    suffix = "" if sampler == "hybrid" else f"-{sampler}"
    name = study_name or f"demo-{chosen.name}{suffix}"
    result = run_demo(
        chosen,
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
        sampler=sampler,
        threads=threads or available_cores(),
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
    _print_result(result, storage, on_full_mnist=chosen.on_full_mnist)
    return 0


def _profile_name(profile: str | None, full: bool) -> str:
    """The profile asked for: ``--profile``, ``--full`` (its alias), else ``quick``.

    Raises:
        InvalidParameterError: An unknown profile, or ``--full`` with another profile.
    """
    from smarttune._validation import Options, validate_parameter
    from smarttune.exceptions import InvalidParameterError

    if profile is None:
        return "full" if full else "quick"
    validate_parameter("--profile", profile, [Options(_PROFILE_NAMES)], kind="option")
    if full and profile != "full":
        raise InvalidParameterError(
            f"--full means --profile full; it cannot be combined with --profile {profile}."
        )
    return profile


def _print_result(result: DemoResult, storage: str, *, on_full_mnist: bool) -> None:
    from smarttune.demo import PUBLISHED

    switch = result.study.sampler
    click.echo(f"Best validation accuracy: {result.best_value:.4f}")
    click.echo(f"Best parameters: {json.dumps(result.best_params, default=str)}")
    for name, value in result.test_metrics.items():
        click.echo(f"Final retrain, {name}: {value:.4f}")
    ours = result.test_metrics.get("test_accuracy")
    if ours is not None and on_full_mnist:
        click.echo(
            f"Test accuracy on the official 10,000 MNIST test images: ours {ours:.2%}, "
            f"published {PUBLISHED.test_accuracy:.2%}"
        )
    elif ours is not None:
        click.echo(
            f"(The published {PUBLISHED.test_accuracy:.2%} is on the official MNIST test set; "
            "--profile standard compares with it.)"
        )
    if hasattr(switch, "switch_record"):
        record = switch.switch_record(result.study)
        if record:
            click.echo(f"Phase switch at trial {record['trial']}: {record['reason']}")
    if result.figure is not None:
        click.echo(f"Figure: {result.figure}")
    click.echo(f"Study {result.study.study_name!r} in {storage}; {result.wall_seconds:.0f} s.")
