"""Sampler benchmark of the "Hybrid search" issue: BBOB (coco-experiment) and scikit-learn tasks.

Every sampler named in ``--samplers`` (any name of ``smarttune.samplers.resolve_sampler``) runs
in one process per cell (sampler x problem x seed) on the same problems: the 24 noiseless BBOB
functions on [-5, 5]^d, minimized, with regret = best f found - f(x_opt), and the built-in
scikit-learn tasks, ranked by their best validation score. One run to the largest budget records
the best value so far at each budget. Finished cells are appended to a CSV as they end; running
again skips them, so a crashed or interrupted run resumes. The summary (Markdown, printed and
written next to the CSV) gives mean ranks, per function x dimension median regrets, the
reference's wins against TPE and losses against random, Friedman and Holm-corrected Wilcoxon
tests, each target marked PASS or FAIL. ``--overhead`` times one suggestion after 1000 trials of
a 10-D problem instead.

Examples:
    python benchmarks/samplers_bbob.py                      # the full benchmark, then summary
    python benchmarks/samplers_bbob.py --dims 2 --instances 1 --seeds 0 --budgets 50 --tasks none
    python benchmarks/samplers_bbob.py --samplers random,tpe,cmaes --workers 16
    python benchmarks/samplers_bbob.py --summarize          # summary of the CSV only
    python benchmarks/samplers_bbob.py --overhead --samplers hybrid,tpe,gp
"""

from __future__ import annotations

import argparse
import dataclasses
import fnmatch
import multiprocessing
import os
import platform
import shlex
import sys
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path

import _bbob
import _overhead
import _summary
from _bbob import Cell, Row

HERE = Path(__file__).resolve().parent
DEFAULT_SAMPLERS = "hybrid,genetic,bandit,tpe,gp,cmaes,random"
_THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")
_VERSIONED = ("optuna", "numpy", "scipy", "scikit-learn", "coco-experiment", "cmaes", "greenlet")
_PREFLIGHT_TRIALS = 12
_Outcome = list[Row] | BaseException


def int_list(text: str) -> tuple[int, ...]:
    """Parse ``"1-3,7"`` into ``(1, 2, 3, 7)``."""
    values: list[int] = []
    try:
        for part in text.split(","):
            low, _, high = part.strip().partition("-")
            values += range(int(low), int(high or low) + 1)
    except ValueError as error:
        message = f"expected numbers and ranges like 1-3,7: {text!r}"
        raise argparse.ArgumentTypeError(message) from error
    if not values:
        raise argparse.ArgumentTypeError(f"empty range: {text!r}")
    return tuple(sorted(set(values)))


def name_list(text: str) -> tuple[str, ...]:
    """Parse ``"a,b"`` into ``("a", "b")``, in the order given."""
    return tuple(dict.fromkeys(part.strip() for part in text.split(",") if part.strip()))


class _HelpFormatter(argparse.RawDescriptionHelpFormatter, argparse.ArgumentDefaultsHelpFormatter):
    pass


def build_parser() -> argparse.ArgumentParser:
    """The options, their defaults and help."""
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        epilog=__doc__.split("Examples:")[1],
        formatter_class=_HelpFormatter,
    )
    add = parser.add_argument
    add("--samplers", type=name_list, default=DEFAULT_SAMPLERS, help="registry names")
    add("--reference", default="hybrid", help="the sampler the targets are for")
    add("--functions", type=int_list, default="1-24", help="BBOB function numbers")
    add("--dims", type=int_list, default="2,5,10", help="BBOB dimensions")
    add("--instances", type=int_list, default="1-3", help="instance indices (6 is instance 71)")
    add("--seeds", type=int_list, default="0-4", help="sampler seeds")
    add("--budgets", type=int_list, default="50,100", help="trials; one run to the largest")
    add("--tasks", default="all", help="'all', 'none' or names/globs, e.g. svm-digits,rf-*")
    add("--workers", type=int, default=os.cpu_count() or 1, help="worker processes")
    add("--out", type=Path, default=HERE / "results" / "bbob.csv", help="results CSV")
    add("--summarize", action="store_true", help="only summarize the CSV, run nothing")
    group = parser.add_argument_group("overhead mode (writes OUT's stem + _overhead.md)")
    group.add_argument("--overhead", action="store_true", help="time suggestions instead")
    group.add_argument("--overhead-trials", type=int, default=_overhead.TARGET_TRIALS,
                       help="trials before the timed suggestions")  # fmt: skip
    group.add_argument("--overhead-trials-gp", type=int, default=300,
                       help="the same for 'gp', too slow for 1000")  # fmt: skip
    group.add_argument("--overhead-repeats", type=int, default=20, help="timed suggestions")
    group.add_argument("--overhead-dim", type=int, default=10, help="problem dimension")
    return parser


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """The command line, with ``args.command`` (to print) and the task names resolved."""
    parser = build_parser()
    arguments = list(sys.argv[1:] if argv is None else argv)
    args = parser.parse_args(arguments)
    args.command = shlex.join(["python", "benchmarks/samplers_bbob.py", *arguments])
    if args.workers < 1:
        parser.error("--workers must be >= 1")
    args.tasks = _task_names(args.tasks, parser)
    return args


def _task_names(text: str, parser: argparse.ArgumentParser) -> tuple[str, ...]:
    from smarttune.tasks import list_tasks

    if text == "none":
        return ()
    known = [info.name for info in list_tasks()]
    patterns = ["*"] if text == "all" else name_list(text)
    unmatched = [p for p in patterns if not fnmatch.filter(known, p)]
    if unmatched:
        parser.error(f"no built-in task matches {unmatched}; see `smarttune tasks`")
    return tuple(name for name in known if any(fnmatch.fnmatchcase(name, p) for p in patterns))


# --- planning and running ---------------------------------------------------------------------


def _joined(values: Sequence[int]) -> str:
    return ",".join(map(str, values))


def plan(args: argparse.Namespace) -> list[Cell]:
    """Every cell the arguments ask for, the slowest (tasks, high dimensions) first."""
    budgets = tuple(args.budgets)
    problems = _bbob.bbob_instances(
        _joined(args.functions), _joined(args.dims), _joined(args.instances)
    )
    cells = [
        Cell(s, _bbob.BBOB, str(f), d, i, seed, budgets, _bbob.bbob_f_opt(f, d, i))
        for (f, d, i) in problems
        for seed in args.seeds
        for s in args.samplers
    ]
    cells += [
        Cell(s, _bbob.SKLEARN, task, 0, 0, seed, budgets)
        for task in args.tasks
        for seed in args.seeds
        for s in args.samplers
    ]
    return sorted(cells, key=lambda c: (c.suite != _bbob.SKLEARN, -c.dim))


def pending(cells: Sequence[Cell], rows: Sequence[Row]) -> list[Cell]:
    """The cells with budgets missing from ``rows``, each reduced to its missing budgets."""
    done = {_bbob.row_key(row) for row in rows}
    todo = []
    for cell in cells:
        missing = tuple(b for b in cell.budgets if cell.key(b) not in done)
        if missing:
            todo.append(dataclasses.replace(cell, budgets=missing))
    return todo


def preflight(samplers: Sequence[str]) -> None:
    """Build each sampler and run a few trials, so that a bad name or a missing dependency
    fails once, here, rather than in every cell.

    Raises:
        SystemExit: With the sampler's name and the error.
    """
    for name in samplers:
        try:
            _overhead.measure(name, history=_PREFLIGHT_TRIALS, repeats=1, dim=2, seed=0)
        except Exception as error:  # report any failure of the sampler, then stop
            raise SystemExit(f"sampler {name!r} does not work here: {error}") from error


def _results(cells: Sequence[Cell], workers: int) -> Iterator[tuple[Cell, _Outcome]]:
    if workers == 1:
        for cell in cells:
            try:
                yield cell, _bbob.run_cell(cell)
            except Exception as error:  # one broken cell must not stop the others
                yield cell, error
        return
    for variable in _THREAD_VARIABLES:  # one BLAS/torch thread per worker process
        os.environ.setdefault(variable, "1")
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_bbob.quiet) as pool:
        futures: dict[Future[list[Row]], Cell] = {pool.submit(_bbob.run_cell, c): c for c in cells}
        try:
            for future in as_completed(futures):
                error = future.exception()
                yield futures[future], (future.result() if error is None else error)
        finally:
            pool.shutdown(wait=True, cancel_futures=True)


def execute(cells: Sequence[Cell], out: Path, workers: int) -> int:
    """Run cells, appending their rows to ``out`` as each ends; return the number that failed."""
    failures, start = 0, time.perf_counter()
    for done, (cell, result) in enumerate(_results(cells, workers), start=1):
        label = f"[{done}/{len(cells)}] {cell.sampler} {cell.suite} {cell.function} "
        label += f"d{cell.dim} i{cell.instance} s{cell.seed}"
        if isinstance(result, BaseException):
            failures += 1
            print(f"{label}: FAILED: {result!r}", file=sys.stderr)
            continue
        _bbob.append_rows(out, result)
        last = result[-1]
        score = last["regret"] if cell.suite == _bbob.BBOB else last["best_value"]
        elapsed = time.perf_counter() - start
        print(f"{label}: {score:.4g} @ {last['budget']} ({elapsed:.0f} s)", file=sys.stderr)
    return failures


# --- reports --------------------------------------------------------------------------------


def _version(distribution: str) -> str:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return "not installed"


def header(title: str, args: argparse.Namespace, rows: Sequence[Row] = ()) -> list[str]:
    """Title, date, command line, seeds and package versions, so that a figure can be redone."""
    versions = ", ".join(f"{name} {_version(name)}" for name in (*_VERSIONED, "torch"))
    threads = ", ".join(f"{v}={os.environ.get(v, 'unset')}" for v in _THREAD_VARIABLES)
    lines = [
        f"# {title}",
        "",
        f"- date: {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC",
        f"- command: `{args.command}`",
        f"- python {platform.python_version()}, smarttune {_version('smarttune')}, {versions}",
        f"- machine: {platform.platform()}, {os.cpu_count()} CPUs; {threads}",
    ]
    if rows:
        seeds = sorted({row["seed"] for row in rows})
        lines += [
            f"- results: `{args.out}`, {len(rows)} rows; seeds {_joined(seeds)} "
            "(sampler seed = seed, the same for every problem)",
            "- sampler time = `study.ask()` + every `suggest_*` + `study.tell()`, per trial",
        ]
    return [*lines, ""]


def _summary_path(out: Path) -> Path:
    return out.with_name(f"{out.stem}_summary.md")


def write_summary(args: argparse.Namespace) -> str:
    """Summarize the rows of ``--out`` that the arguments select; print and write it."""
    wanted = {cell.key(b) for cell in plan(args) for b in cell.budgets}
    rows = [row for row in _bbob.read_rows(args.out) if _bbob.row_key(row) in wanted]
    present = {row["sampler"] for row in rows}
    from smarttune.tasks import list_tasks

    setting = _summary.Setting(
        samplers=tuple(s for s in args.samplers if s in present),
        reference=args.reference,
        directions={info.name: info.direction for info in list_tasks()},
    )
    title = "Sampler benchmark: BBOB and scikit-learn tasks"
    text = _summary.summarize(rows, args.budgets, setting, header(title, args, rows))
    _write(_summary_path(args.out), text)
    return text


def run_overhead(args: argparse.Namespace) -> str:
    """Time suggestions after ``--overhead-trials`` trials of each sampler; print and write."""
    results = []
    for name in args.samplers:
        history = args.overhead_trials_gp if name == "gp" else args.overhead_trials
        print(f"{name}: {history} trials, then {args.overhead_repeats} timed", file=sys.stderr)
        results.append(
            _overhead.measure(
                name, history=history, repeats=args.overhead_repeats, dim=args.overhead_dim,
                seed=min(args.seeds),
            )
        )  # fmt: skip
    title = f"Sampler overhead: ms per suggestion of {args.overhead_dim} floats"
    note = (
        f"Each sampler runs its history of trials on a shifted sphere, then "
        f"{args.overhead_repeats} suggestions (ask + suggest) are timed. 'gp' stops at "
        f"{args.overhead_trials_gp} trials (--overhead-trials-gp), as in the issue's note."
    )
    lines = [*header(title, args), note, ""]
    lines += _summary.md_table(_overhead.TABLE_HEADER, _overhead.table_rows(results))
    text = "\n".join(lines)
    _write(args.out.with_name(f"{args.out.stem}_overhead.md"), text)
    return text


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    print(text)
    print(f"(written to {path})", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark (or the overhead timing), then summarize; the exit status."""
    args = parse_args(argv)
    _bbob.quiet()
    if args.overhead:
        run_overhead(args)
        return 0
    failures = 0
    if not args.summarize:
        preflight(args.samplers)
        cells = plan(args)
        todo = pending(cells, _bbob.read_rows(args.out))
        print(f"{len(todo)} of {len(cells)} cells to run -> {args.out}", file=sys.stderr)
        try:
            failures = execute(todo, args.out, args.workers)
        except KeyboardInterrupt:
            print("interrupted; finished cells are kept, run again to resume", file=sys.stderr)
            return 130
    write_summary(args)
    if failures:
        print(f"{failures} cells failed (see above); run again to retry them", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
