"""How long a 1,000-trial study's HTML report takes to write and to open in a browser.

Builds a seeded study in SQLite (HybridSampler: genetic generations, then the bandit phase;
four parameters, ten intermediate values per trial, a median pruner), then measures

* writing the report in-process (``write_study_report``: loading the trials, fANOVA and
  PED-ANOVA, every figure, the page) and end to end (``smarttune report`` in a new process);
* opening it in headless Chromium (--headless --no-sandbox --disable-gpu
  --disable-background-networking) from a file:// URL until every figure is drawn: the wall
  clock from ``driver.get``, the page's own navigation-start-to-drawn time, and the CPU time
  of the browser's processes;
* the report's fANOVA settings (32 trees of depth 8) against Optuna's defaults (64 trees,
  depth 64) on the same trials: time and the largest difference in any importance.

    python benchmarks/report_study.py --trials 1000 --repeats 3 --out benchmarks/results

The study (SQLite) and the page are kept in --work (default: $TMPDIR/st-report), so a rerun
reuses the study.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import optuna

from smarttune.report import write_study_report
from smarttune.samplers import HybridSampler
from smarttune.storage import open_storage

CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"


# Wall times on a shared machine grow with its load; the CPU times (user + system) say what the
# same work costs on an idle one (the browser's are summed over its processes and cores).


def objective(trial: optuna.Trial) -> float:
    """A cheap stand-in for training: four parameters, a learning curve of ten steps."""
    lr = trial.suggest_float("lr", 1e-5, 1e-1, log=True)
    dropout = trial.suggest_float("dropout", 0.0, 0.6)
    width = trial.suggest_int("width", 16, 512, log=True)
    optimizer = trial.suggest_categorical("optimizer", ["sgd", "adam", "rmsprop"])
    quality = 1.0 - abs((lr**0.25) - 0.18) - 0.3 * (dropout - 0.2) ** 2
    quality += 0.05 * (optimizer == "adam") + 0.02 * (width / 512)
    value = 0.0
    for step in range(10):
        value = quality * (1 - 0.6 ** (step + 1))
        trial.report(value, step)
        if trial.should_prune():
            raise optuna.TrialPruned()
    trial.set_user_attr("epochs", 10)
    return value


def build_study(url: str, n_trials: int) -> optuna.Study:
    sampler = HybridSampler(population_size=20, min_generations=2, max_generations=5, seed=0)
    study = optuna.create_study(
        study_name=f"bench-{n_trials}", storage=open_storage(url), direction="maximize",
        sampler=sampler, pruner=optuna.pruners.MedianPruner(n_startup_trials=20),
        load_if_exists=True,
    )  # fmt: skip
    missing = n_trials - len(study.trials)
    if missing > 0:
        study.optimize(objective, n_trials=missing)
    return study


def _tree_cpu(pid: int) -> float:
    """User + system CPU seconds of a process and all its descendants (psutil)."""
    import psutil

    root = psutil.Process(pid)
    total = 0.0
    for process in [root, *root.children(recursive=True)]:
        try:
            times = process.cpu_times()
            total += times.user + times.system
        except psutil.Error:
            pass
    return total


def open_times(page: Path, repeats: int) -> list[tuple[float, float, float]]:
    """Per opening: wall seconds from driver.get, the page's navigation-to-drawn seconds, and
    the CPU seconds the browser's processes spent (all cores summed)."""
    from selenium import webdriver
    from selenium.webdriver.support.ui import WebDriverWait

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--window-size=1280,900"):  # fmt: skip
        options.add_argument(flag)
    service = webdriver.ChromeService(CHROMEDRIVER)
    driver = webdriver.Chrome(options=options, service=service)
    times = []
    try:
        for _ in range(repeats):
            driver.get("about:blank")
            cpu = _tree_cpu(service.process.pid)
            start = time.perf_counter()
            driver.get(page.resolve().as_uri())
            WebDriverWait(driver, 120).until(
                lambda d: d.execute_script("return document.body.getAttribute('data-rendered')")
            )
            wall = time.perf_counter() - start
            cpu = _tree_cpu(service.process.pid) - cpu
            drawn = driver.execute_script("return document.body.getAttribute('data-rendered-ms')")
            times.append((wall, float(drawn) / 1000, cpu))
    finally:
        driver.quit()
    return times


def fanova_check(study: optuna.Study) -> dict[str, Any]:
    from optuna.importance import FanovaImportanceEvaluator, get_param_importances

    results = {}
    for label, kwargs in (("report (32 trees, depth 8)", {"n_trees": 32, "max_depth": 8}),
                          ("Optuna default (64, 64)", {})):  # fmt: skip
        start = time.perf_counter()
        scores = get_param_importances(study, evaluator=FanovaImportanceEvaluator(seed=0, **kwargs))
        results[label] = (time.perf_counter() - start, scores)
    (fast_t, fast), (slow_t, slow) = results.values()
    gap = max(abs(fast[k] - slow[k]) for k in slow)
    return {"fast_s": fast_t, "default_s": slow_t, "max_gap": gap, "fast": fast, "default": slow}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--trials", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results"))
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "st-report")
    args = parser.parse_args()
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    args.out.mkdir(parents=True, exist_ok=True)
    args.work.mkdir(parents=True, exist_ok=True)
    url = f"sqlite:///{args.work / 'report_study.db'}"
    start = time.perf_counter()
    study = build_study(url, args.trials)
    print(f"study: {len(study.trials)} trials in {time.perf_counter() - start:.1f} s", flush=True)

    page = args.work / "report_study.html"
    writes, write_cpu = [], []
    for _ in range(args.repeats):
        loaded = optuna.load_study(study_name=study.study_name, storage=open_storage(url))
        start, cpu = time.perf_counter(), time.process_time()
        write_study_report(loaded, page)
        writes.append(time.perf_counter() - start)
        write_cpu.append(time.process_time() - cpu)
    cli, cli_cpu = [], []
    command = [sys.executable, "-m", "smarttune", "report", "--study", study.study_name,
               "--storage", url, "-o", str(page)]  # fmt: skip
    for _ in range(args.repeats):
        start, cpu = time.perf_counter(), _children_cpu()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
        cli.append(time.perf_counter() - start)
        cli_cpu.append(_children_cpu() - cpu)
    opened = open_times(page, args.repeats)
    fanova = fanova_check(study)
    states = [t.state.name for t in study.trials]
    lines = [
        f"study: {args.trials} trials ({states.count('COMPLETE')} complete, "
        f"{states.count('PRUNED')} pruned), page {page.stat().st_size / 1e6:.1f} MB; "
        f"load average at the end {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores",
        f"write_study_report (in-process), wall s: {_fmt(writes)}",
        f"write_study_report (in-process), CPU s: {_fmt(write_cpu)}",
        f"smarttune report (new process, imports included), wall s: {_fmt(cli)}",
        f"smarttune report (new process, imports included), CPU s: {_fmt(cli_cpu)}",
        f"open in headless Chromium, wall from driver.get, s: {_fmt([o[0] for o in opened])}",
        f"open in headless Chromium, navigation to all drawn, s: {_fmt([o[1] for o in opened])}",
        f"open in headless Chromium, CPU s of its processes: {_fmt([o[2] for o in opened])}",
        f"fANOVA 32 trees depth 8: {fanova['fast_s']:.2f} s; Optuna default 64/64: "
        f"{fanova['default_s']:.2f} s; largest importance difference {fanova['max_gap']:.4f}",
        f"  report settings: {_round(fanova['fast'])}",
        f"  Optuna defaults: {_round(fanova['default'])}",
    ]
    text = "\n".join(lines)
    print(text)
    (args.out / "report_study.md").write_text(text + "\n")


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _fmt(values: list[float]) -> str:
    listed = ", ".join(f"{v:.2f}" for v in values)
    return f"median {statistics.median(values):.2f} (runs: {listed})"


def _round(scores: dict[str, float]) -> dict[str, float]:
    return {k: round(v, 3) for k, v in scores.items()}


if __name__ == "__main__":
    main()
