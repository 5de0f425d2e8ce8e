"""How long ``smarttune --help`` takes, beside ``optuna --help`` and the imports, in one run.

Each command runs in a new process, ``--repeats`` times, the commands taking turns (one round
runs each once) so that a change in the machine's load touches all of them alike; one untimed
round first warms the file cache. For each command: the median and the minimum wall time, and
the median CPU time (user + system of the process, which a busy machine stretches less).

    python benchmarks/cli_startup.py --repeats 15 --out benchmarks/results/cli_startup.md

The console scripts are those installed beside the running interpreter (``.venv/bin``).
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path

from smarttune.cli._app import COMMANDS

BIN = Path(sys.executable).parent


@dataclass
class Timed:
    """One command and its measured runs."""

    label: str
    argv: list[str]
    #: Extra environment variables (PYTHONPATH for a baseline source tree).
    env: dict[str, str] = field(default_factory=dict)
    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)


def commands(every_subcommand: bool, baseline: Path | None) -> list[Timed]:
    """The commands to time: the headline ones, then (optionally) every ``<cmd> --help``.

    With ``baseline`` (an older checkout's ``src``), ``python -m smarttune --help`` is timed on
    that source and on this one.
    """
    python = sys.executable
    timed = [
        Timed("smarttune --help", [str(BIN / "smarttune"), "--help"]),
        Timed("optuna --help", [str(BIN / "optuna"), "--help"]),
        Timed('python -c "import smarttune"', [python, "-c", "import smarttune"]),
        Timed('python -c "import optuna"', [python, "-c", "import optuna"]),
        Timed('python -c "pass" (interpreter start)', [python, "-c", "pass"]),
    ]
    if baseline is not None:
        module = [python, "-m", "smarttune", "--help"]
        timed += [
            Timed("python -m smarttune --help (this source)", module),
            Timed(
                f"python -m smarttune --help ({baseline})", module, {"PYTHONPATH": str(baseline)}
            ),
        ]
    if every_subcommand:
        timed += [
            Timed(f"smarttune {name} --help", [str(BIN / "smarttune"), name, "--help"])
            for name in sorted(COMMANDS)
        ]
    return timed


def run_once(command: Timed, *, record: bool) -> None:
    """Run ``command`` once; record its wall and CPU seconds unless it is a warm-up."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    env = {**os.environ, **command.env}
    result = subprocess.run(command.argv, capture_output=True, check=False, env=env)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode != 0:
        raise SystemExit(f"{command.label} failed ({result.returncode}): {result.stderr[-500:]!r}")
    if record:
        command.wall.append(wall)
        command.cpu.append((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime))


def machine() -> str:
    """Where and with what the numbers were taken."""
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False
    ).stdout.strip()
    cpuinfo = Path("/proc/cpuinfo")
    models = [
        line.split(":", 1)[1].strip()
        for line in (cpuinfo.read_text().splitlines() if cpuinfo.exists() else [])
        if line.startswith("model name")
    ]
    return (
        f"{os.cpu_count()} CPUs ({models[0] if models else platform.machine()}), "
        f"Python {platform.python_version()}, optuna {version('optuna')}, "
        f"click {version('click')}, commit {commit or '?'}"
    )


def table(timed: list[Timed]) -> list[str]:
    """Markdown rows: median and minimum wall time, median CPU time, every wall time."""
    rows = [
        "| command | median wall s | min wall s | median CPU s | wall s of each run |",
        "|---|---|---|---|---|",
    ]
    for command in timed:
        runs = ", ".join(f"{w:.3f}" for w in command.wall)
        rows.append(
            f"| `{command.label}` | {statistics.median(command.wall):.3f} | "
            f"{min(command.wall):.3f} | {statistics.median(command.cpu):.3f} | {runs} |"
        )
    return rows


def main(argv: list[str] | None = None) -> int:
    """Time the commands and write the report; print it too."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=15, help="Timed runs of each command.")
    parser.add_argument("--no-subcommands", action="store_true", help="Skip `<cmd> --help`.")
    parser.add_argument("--baseline-src", type=Path, help="An older checkout's src to compare.")
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results/cli_startup.md"))
    args = parser.parse_args(argv)
    timed = commands(not args.no_subcommands, args.baseline_src)
    load_before = os.getloadavg()
    for command in timed:
        run_once(command, record=False)
    for _ in range(args.repeats):
        for command in timed:
            run_once(command, record=True)
    load_after = os.getloadavg()
    lines = [
        f"# CLI start-up: {args.repeats} runs of each command, taking turns",
        "",
        machine(),
        f"load average (1, 5, 15 min) before: {', '.join(f'{x:.2f}' for x in load_before)}; "
        f"after: {', '.join(f'{x:.2f}' for x in load_after)}",
        f"command: python benchmarks/cli_startup.py --repeats {args.repeats}"
        + (" --no-subcommands" if args.no_subcommands else "")
        + (f" --baseline-src {args.baseline_src}" if args.baseline_src else ""),
        "",
        *table(timed),
    ]
    text = "\n".join(lines) + "\n"
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text)
    print(text, end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
