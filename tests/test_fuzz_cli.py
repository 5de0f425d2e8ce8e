"""Fuzzed CLI arguments, config files and knowledge files (issue 17's acceptance).

Every case runs the real ``smarttune`` CLI (``smarttune.cli.main``) in one long-lived worker
process whose address space is capped with ``resource.setrlimit(RLIMIT_AS)`` and whose every
case is stopped by an alarm: a case that raises (a traceback), runs out of memory, runs past its
time, kills the worker, exits with a status other than 0 or 2, or prints an error that is not
one bounded line fails. One worker serves all cases, so a case costs the command and not a
Python start-up.
"""

from __future__ import annotations

import base64
import functools
import json
import os
import resource
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

MEMORY_LIMIT = 4 * 2**30  # bytes of address space for the worker (it needs about 1.5 GiB)
CASE_SECONDS = 30  # a case running longer counts as a hang
LONGEST_LINE = 600  # "error: " and the CLI's 500-character cut, with room for warnings

WORKER = r"""
import base64, contextlib, io, json, signal, sys, time, traceback
from pathlib import Path

class CaseTimeout(Exception):
    pass

def _alarm(signum, frame):
    raise CaseTimeout()

signal.signal(signal.SIGALRM, _alarm)
from smarttune.cli import main

for line in sys.stdin:
    case = json.loads(line)
    for name, data in case["files"].items():
        Path(name).write_bytes(base64.b64decode(data))
    out, err = io.StringIO(), io.StringIO()
    code, problem, start = None, None, time.perf_counter()
    signal.alarm(case["seconds"])
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(case["argv"])
    except CaseTimeout:
        problem = "no result within the time limit"
    except BaseException:
        problem = traceback.format_exc()[-3000:]
    finally:
        signal.alarm(0)
    reply = {"code": code, "problem": problem, "out": out.getvalue(), "err": err.getvalue()}
    reply["seconds"] = time.perf_counter() - start
    sys.__stdout__.write(json.dumps(reply) + "\n")
    sys.__stdout__.flush()
"""

OBJECTIVE = b'def loss(trial):\n    return trial.suggest_float("x", -1.0, 1.0) ** 2\n'


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


class Worker:
    """The CLI in a memory-capped process, one case per line of JSON."""

    def __init__(self, folder: Path) -> None:
        env = {**os.environ, "SMARTTUNE_KNOWLEDGE": str(folder / "mine.json")}
        env.update(OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
        env.pop("SMARTTUNE_STORAGE", None)
        (folder / "obj.py").write_bytes(OBJECTIVE)
        self.process = subprocess.Popen(
            [sys.executable, "-c", WORKER],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd=folder,
            env=env,
            preexec_fn=_limit_memory,
        )

    def run(self, argv: list[str], files: dict[str, bytes] | None = None) -> dict[str, Any]:
        assert self.process.stdin is not None and self.process.stdout is not None
        encoded = {name: base64.b64encode(data).decode() for name, data in (files or {}).items()}
        case = {"argv": argv, "files": encoded, "seconds": CASE_SECONDS}
        self.process.stdin.write(json.dumps(case) + "\n")
        self.process.stdin.flush()
        reply = self.process.stdout.readline()
        assert reply, f"the worker died (status {self.process.wait(10)}) on {argv!r}"
        return dict(json.loads(reply))

    def close(self) -> None:
        for stream in (self.process.stdin, self.process.stdout):
            if stream is not None:
                stream.close()
        self.process.wait(30)


@pytest.fixture(scope="module")
def worker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Worker]:
    running = Worker(tmp_path_factory.mktemp("fuzz"))
    yield running
    running.close()


def check(reply: dict[str, Any], case: object) -> None:
    """The promises of the README: exit 0, or one ``error:`` line and exit 2; no traceback."""
    assert reply["problem"] is None, (case, reply["problem"])
    output = reply["out"] + reply["err"]
    assert "Traceback" not in output, (case, output[-3000:])
    assert reply["code"] in (0, 2), (case, reply["code"], output[-3000:])
    lines = reply["err"].splitlines()
    assert all(len(line) <= LONGEST_LINE for line in lines), (case, max(map(len, lines)))
    if reply["code"] == 2:
        errors = [line for line in lines if line.startswith("error: ")]
        assert len(errors) == 1 and lines[-1] == errors[0], (case, reply["err"][-3000:])
    assert len(reply["out"].splitlines()) < 200, case


FUZZ = settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

ODD_TEXT = st.one_of(
    st.text(max_size=20),
    st.text(st.characters(max_codepoint=0x1F), max_size=8),  # control characters
    st.sampled_from(["", "x" * 100_000, "9" * 40, "-1", "0", "nan", "inf", "1e400", "\x1b[2J"]),
)
COMMON = ["sqlite:///fuzz.db", "journal:fuzz.log", "sqlite://", "/dev/zero", ".", "obj.py:loss"]
COMMON += ["mine.json", "missing/x.html", "rf-wine", "tpe", "random", "hybrid", "median", "none"]
VALUES = st.one_of(ODD_TEXT, st.sampled_from(COMMON), st.integers(-3, 3).map(str))

TUNE_OPTIONS = ["--trials", "--timeout", "--sampler", "--pruner", "--storage", "--study"]
TUNE_OPTIONS += ["--jobs", "--seed", "--direction", "--device", "--config", "--batch-size"]
COMMANDS: dict[str, tuple[list[str], list[str]]] = {
    # command: (its options taking a value, its flags)
    "tune": (TUNE_OPTIONS, ["--quiet", "--learn", "--no-transfer"]),
    "studies": (["--storage"], []),
    "best": (["--study", "--storage"], []),
    "report": (["--study", "--results", "--storage", "-o", "--format", "--metric"], []),
    "recommend": (["--top", "--knowledge", "--method"], ["--json"]),
    "init": ([], ["--force"]),
}
# Budgets a fuzzed value could not make long: trials run in microseconds, timeouts are short.
SAFE_BUDGET = {"--trials": ["-1", "0", "1", "2", "x", "", "1e3"], "--timeout": ["-1", "0.2", "x"]}
SAFE_BUDGET["--jobs"] = ["0", "1", "-2", "x"]


@st.composite
def cli_arguments(draw: st.DrawFn) -> list[str]:
    command = draw(st.sampled_from(sorted(COMMANDS)))
    options, flags = COMMANDS[command]
    argv = [command]
    if command in ("tune", "recommend", "init"):
        positional = st.sampled_from(["obj.py:loss", "rf-wine", "new.toml"]) | ODD_TEXT
        argv += draw(st.lists(positional, max_size=1))
    if command == "tune":
        argv += ["--storage", "sqlite:///fuzz.db", "--trials", "2", "--quiet"]
    for _ in range(draw(st.integers(0, 4))):
        if flags and draw(st.booleans()):
            argv.append(draw(st.sampled_from(flags)))
        elif options:
            option = draw(st.sampled_from(options))
            safe = SAFE_BUDGET.get(option)
            argv += [option, draw(st.sampled_from(safe) if safe else VALUES)]
    return argv


@FUZZ
@given(argv=cli_arguments())
def test_fuzzed_command_lines(worker: Worker, argv: list[str]) -> None:
    check(worker.run(argv), argv)


SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(),
    ODD_TEXT,
    st.sampled_from(["obj.py:loss", "tpe", "median", "minimize", "float", "int", "categorical"]),
)
YAML_VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner),
    max_leaves=8,
)
CONFIG_KEYS = ["objective", "study", "direction", "sampler", "pruner", "seed", "budget", "space"]


def _alias_bomb(depth: int) -> str:
    levels = ["&a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    levels += [f"&a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, depth)]
    return f"[{', '.join(levels)}]"


@st.composite
def config_files(draw: st.DrawFn) -> tuple[str, bytes]:
    import yaml

    document: dict[str, Any] = {"objective": "obj.py:loss", "budget": {"trials": 1}}
    document.update(draw(st.dictionaries(st.sampled_from(CONFIG_KEYS), YAML_VALUES, max_size=3)))
    text = yaml.safe_dump(document, allow_unicode=True)
    kind = draw(st.sampled_from(["yaml", "bomb", "raw", "toml"]))
    if kind == "bomb":
        key = draw(st.sampled_from(CONFIG_KEYS))
        text = f"objective: obj.py:loss\n{key}: {_alias_bomb(draw(st.integers(2, 9)))}\n"
    if kind == "raw":
        return "c.yaml", draw(st.binary(max_size=300))
    if kind == "toml":
        return "c.toml", draw(st.text(max_size=300)).encode("utf-8", "surrogatepass")
    return "c.yaml", text.encode("utf-8", "surrogatepass")


@FUZZ
@given(config=config_files())
def test_fuzzed_config_files(worker: Worker, config: tuple[str, bytes]) -> None:
    name, content = config
    argv = ["tune", "--config", name, "--storage", "sqlite:///fuzz.db", "--trials", "1", "--quiet"]
    check(worker.run(argv, {name: content}), content[:300])


@functools.cache
def _knowledge_document() -> dict[str, Any]:
    """A valid knowledge base of two studies of rf-wine's family (built on first use)."""
    from smarttune.knowledge import KnowledgeBase, task_family
    from smarttune.tasks import get_task

    kb = KnowledgeBase.bundled()
    records = kb.records_of(task_family(get_task("rf-wine")))[:2]
    return KnowledgeBase(records=records).to_dict()


JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**400), max_value=10**400)
    | st.floats(allow_nan=False, allow_infinity=False)
    | ODD_TEXT,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner),
    max_leaves=6,
)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield prefix
    if isinstance(value, (dict, list)):
        for key, child in value.items() if isinstance(value, dict) else enumerate(value):
            yield from _paths(child, (*prefix, key))


@functools.cache
def _mutable_paths() -> list[tuple[Any, ...]]:
    """Every field of the document's structure, and of its first two trials (not of all)."""
    paths = _paths(_knowledge_document())
    return [p for p in paths if p and not (len(p) > 4 and p[3] == "trials" and p[4] > 1)]


@st.composite
def knowledge_files(draw: st.DrawFn) -> bytes:
    if draw(st.integers(0, 9)) == 0:
        return draw(st.binary(max_size=300))
    document = json.loads(json.dumps(_knowledge_document()))
    for _ in range(draw(st.integers(0, 3))):  # none: the valid document
        path = draw(st.sampled_from(_mutable_paths()))
        parent = document
        try:
            for key in path[:-1]:
                parent = parent[key]
            parent[path[-1]] = draw(JSON_VALUES)
        except (KeyError, IndexError, TypeError):
            continue  # an earlier change removed this path
    return json.dumps(document).encode()


@FUZZ
@given(content=knowledge_files())
def test_fuzzed_knowledge_files(worker: Worker, content: bytes) -> None:
    argv = ["recommend", "rf-wine", "--knowledge", "kb.json", "--top", "2"]
    check(worker.run(argv, {"kb.json": content}), content[:300])


def test_the_worker_catches_what_it_is_meant_to(worker: Worker) -> None:
    """The harness itself: a case that succeeds, and a hostile one that must be refused."""
    check(worker.run(["tune", "obj.py:loss", "--trials", "1", "--storage", "sqlite:///w.db"]), 0)
    bomb = f"objective: obj.py:loss\nstudy: {_alias_bomb(9)}\n".encode()
    reply = worker.run(["tune", "--config", "b.yaml"], {"b.yaml": bomb})
    check(reply, bomb)
    assert reply["code"] == 2 and "aliases expand" in reply["err"]


def test_a_20000_trial_knowledge_file_is_used_in_bounded_memory(worker: Worker) -> None:
    """340 KB of trials once asked for a 2.98 GiB n x n array (over the worker's cap)."""
    document = json.loads(json.dumps(_knowledge_document()))
    study = document["studies"][0]
    rows, values = study["trials"], study["values"]
    study["trials"] = [rows[i % len(rows)] for i in range(20_000)]
    study["values"] = [values[i % len(values)] - 1e-6 * (i // len(values)) for i in range(20_000)]
    argv = ["recommend", "rf-wine", "--knowledge", "big.json", "--top", "2"]
    reply = worker.run(argv, {"big.json": json.dumps(document).encode()})
    check(reply, argv)
    assert reply["code"] == 0 and reply["seconds"] < CASE_SECONDS
