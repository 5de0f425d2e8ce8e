"""``smarttune report``: a self-contained HTML page (or PNG figures) for a study or comparison."""

from __future__ import annotations

from pathlib import Path
from typing import Any, cast

import click

from smarttune.cli._options import load_study, quiet_optuna_logs, storage_option
from smarttune.exceptions import SmartTuneError
from smarttune.storage import open_storage

__all__ = ["report_command"]


@click.command("report")
@click.option("--study", "study_name", default=None, help="Report on this study (in --storage).")
@click.option(
    "--results",
    "results_dir",
    default=None,
    type=click.Path(file_okay=False, path_type=Path),
    help="Report on this comparison directory (written by `smarttune compare --out DIR`).",
)
@storage_option
@click.option(
    "-o",
    "--output",
    default=None,
    type=click.Path(path_type=Path),
    help="The HTML file to write (default report.html), or with --format png the directory "
    "for the PNG files (default report/).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["html", "png"]),
    default="html",
    show_default=True,
    help="html: one page that opens offline; png: static figures for terminals and papers.",
)
@click.option("--metric", default="objective value", show_default=True, help="Value axis label.")
def report_command(
    study_name: str | None,
    results_dir: Path | None,
    storage: str,
    output: Path | None,
    fmt: str,
    metric: str,
) -> None:
    """Write a report on a study (--study) or on a comparison (--results).

    The HTML page embeds Plotly's JavaScript and every figure's data, so it opens offline,
    from a file or an e-mail attachment.
    """
    if (study_name is None) == (results_dir is None):
        raise click.UsageError("Give exactly one of --study NAME or --results DIR.")
    out = output if output is not None else Path("report.html" if fmt == "html" else "report")
    if fmt == "png" and out.suffix.lower() == ".html":
        raise click.UsageError("With --format png, -o names a directory for the PNG files.")
    _check_output(out, fmt)
    try:
        if study_name is not None:
            written = _study(study_name, storage, out, fmt, metric)
        else:
            written = _comparison(cast(Path, results_dir), out, fmt)
    except OSError as exc:  # e.g. no permission to write there
        raise SmartTuneError(f"Cannot write the report to {str(out)!r}: {exc.strerror}.") from None
    for path in written:
        click.echo(str(path))


def _check_output(out: Path, fmt: str) -> None:
    """Refuse an ``-o`` the report cannot be written to, before any work is done."""
    if fmt == "html" and out.is_dir():
        raise click.UsageError(
            f"-o {str(out)!r} is a directory; give the HTML file to write, e.g. "
            f"{str(out / 'report.html')!r}."
        )
    if fmt == "png" and out.exists() and not out.is_dir():
        raise click.UsageError(
            f"-o {str(out)!r} is a file; with --format png it names a directory."
        )
    folder = out.parent
    if not folder.is_dir():
        what = "is a file, not a folder" if folder.exists() else "does not exist; create it first"
        raise click.UsageError(f"The folder {str(folder)!r} of -o {what}.")


def _study(name: str, storage: str, out: Path, fmt: str, metric: str) -> list[Path]:
    from smarttune.report import write_study_pngs, write_study_report

    quiet_optuna_logs()
    study = _load(storage, name)
    if fmt == "png":
        return write_study_pngs(study, out)
    return [write_study_report(study, out, metric=metric)]


def _load(storage: str, name: str) -> Any:
    """Load the study directly (listing every study's summary reads all their trials)."""
    import optuna

    try:
        return optuna.load_study(study_name=name, storage=open_storage(storage))
    except KeyError:
        return load_study(storage, name)  # raises StorageError naming the studies there


def _comparison(directory: Path, out: Path, fmt: str) -> list[Path]:
    from smarttune.compare import load_results
    from smarttune.report import write_comparison_report

    if not directory.is_dir():
        raise SmartTuneError(f"No comparison directory at {str(directory)!r}.")
    if fmt == "html":
        return [write_comparison_report(directory, out)]
    # The comparison's PNG figures are the ones `smarttune compare` draws.
    from smarttune.report._comparison_png import render_comparison_plots

    return render_comparison_plots(load_results(directory), out)
