"""Study config files: reading, validation messages, precedence over defaults, the space."""

from __future__ import annotations

from pathlib import Path

import optuna
import pytest
from optuna.distributions import CategoricalDistribution, FloatDistribution, IntDistribution

from smarttune.cli import main
from smarttune.config import load_config, with_space
from smarttune.exceptions import InvalidParameterError, UnknownNameError

TOML = """
objective = "train.py:objective"
study = "cfg"
sampler = "random"
pruner = "median"
storage = "sqlite:///x.db"
executor = "local"
jobs = 1
seed = 7
direction = "minimize"
[budget]
trials = 4
timeout = 30
[space]
x = { type = "float", low = -2.0, high = 2.0 }
n = { type = "int", low = 1, high = 64, log = true }
k = { type = "categorical", choices = ["a", "b", 3] }
s = { type = "float", low = 0, high = 1, step = 0.25 }
"""
YAML = """
objective: train.py:objective
study: cfg
sampler: random
pruner: median
storage: sqlite:///x.db
executor: local
jobs: 1
seed: 7
direction: minimize
budget: {trials: 4, timeout: 30}
space:
  x: {type: float, low: -2.0, high: 2.0}
  n: {type: int, low: 1, high: 64, log: true}
  k: {type: categorical, choices: [a, b, 3]}
  s: {type: float, low: 0, high: 1, step: 0.25}
"""
TRAIN = "def objective(params):\n    return (params['x'] - 0.5) ** 2 + params['n'] * 0\n"


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_toml_and_yaml_give_the_same_config(tmp_path: Path) -> None:
    from_toml = load_config(_write(tmp_path, "s.toml", TOML))
    from_yaml = load_config(_write(tmp_path, "s.yml", YAML))
    assert from_toml.tune_options() == from_yaml.tune_options()
    assert from_toml.space == from_yaml.space
    options = from_toml.tune_options()
    assert options["objective"] == f"{tmp_path}/train.py:objective"
    assert options["study_name"] == "cfg" and options["trials"] == 4 and options["timeout"] == 30.0
    assert from_toml.space == {
        "x": FloatDistribution(-2.0, 2.0),
        "n": IntDistribution(1, 64, log=True),
        "k": CategoricalDistribution(["a", "b", 3]),
        "s": FloatDistribution(0.0, 1.0, step=0.25),
    }


def test_an_empty_file_sets_nothing(tmp_path: Path) -> None:
    assert load_config(_write(tmp_path, "e.yaml", "")).tune_options() == {}
    assert load_config(_write(tmp_path, "e.toml", "")).tune_options() == {}


@pytest.mark.parametrize(
    ("text", "match"),
    [
        (
            "seed = -1",
            r"The 'seed' key of config '.*s.toml' must be an int in the range \[0, 4294967295\]. Got -1 instead.",
        ),
        (
            'sampler = "nope"',
            r"The 'sampler' key .* must be one of \{'hybrid'.*\}. Got 'nope' instead.",
        ),
        (
            "jobs = 0",
            r"The 'jobs' key .* must be an int in the range \[1, inf\) or one of \{-1\}. Got 0",
        ),
        ('executor = "k8s"', r"The 'executor' key .* one of \{'local', 'ray'\}. Got 'k8s'"),
        ("seed = true", r"The 'seed' key .* Got True instead"),
        ("colour = 1", r"Unknown key 'colour' in config .*; the keys allowed here are 'task'"),
        ("[budget]\ntrails = 3", r"Unknown key 'budget.trails' .*did you mean 'budget.trials'"),
        (
            "[budget]\ntrials = 0",
            r"The 'budget.trials' key .* an int in the range \[1, inf\). Got 0",
        ),
        ("[budget]\ntimeout = -5", r"The 'budget.timeout' key .* Got -5 instead"),
        ("budget = 3", r"The 'budget' key .* must be a table with 'trials'"),
        ('objective = "nofunction"', r"The 'objective' key .* 'package.module:function'"),
        (
            'task = "svm-digit"',
            r"The 'task' key of config .*: Unknown task 'svm-digit': did you mean",
        ),
        ('task = "svm-digits"\nobjective = "a:b"', r"gives both 'task' and 'objective'"),
        (
            'task = "svm-digits"\n[space]\nx = { type = "int", low = 1, high = 2 }',
            r"'space' key .* applies to an 'objective' function only",
        ),
        (
            'objective = "a:b"\nspace = 1',
            r"The 'space' key .* a non-empty table of parameters. Got 1",
        ),
        (
            'objective = "a:b"\n[space]\nx = { type = "normal" }',
            r"The 'space.x.type' key .* one of \{'float', 'int', 'categorical'\}",
        ),
        (
            'objective = "a:b"\n[space]\nx = { type = "float", low = 1, high = 1 }',
            r"The 'space.x.high' key .* a finite number > 1. Got 1",
        ),
        (
            'objective = "a:b"\n[space]\nx = { type = "float", low = 0, high = 1, log = true }',
            r"The 'space.x.low' key .* a finite number > 0.0. Got 0",
        ),
        (
            'objective = "a:b"\n[space]\nx = { type = "int", low = 1.5, high = 3 }',
            r"The 'space.x.low' key .* an int. Got 1.5",
        ),
        (
            'objective = "a:b"\n[space]\nx = { type = "int", low = 1, high = 8, log = true, step = 2 }',
            r"'space.x.step' key .* not given with log",
        ),
        (
            'objective = "a:b"\n[space]\nx = { type = "float", low = 0, high = nan }',
            r"'space.x.high' key .* Got nan",
        ),
        (
            'objective = "a:b"\n[space]\nx = { type = "categorical", choices = [] }',
            r"'space.x.choices' key .* a non-empty list",
        ),
        (
            'objective = "a:b"\n[space]\nx = { type = "categorical", choices = [1, 1] }',
            r"'space.x.choices' key .* distinct",
        ),
        (
            'objective = "a:b"\n[space]\nx = { type = "int", low = 1, high = 2, lo = 3 }',
            r"Unknown key 'space.x.lo' .*did you mean 'space.x.low'",
        ),
        ("seed = ", r"Cannot parse config .* as TOML: "),
    ],
)
def test_invalid_values_name_key_expectation_and_value(
    tmp_path: Path, text: str, match: str
) -> None:
    path = _write(tmp_path, "s.toml", text + "\n")
    with pytest.raises((InvalidParameterError, UnknownNameError), match=match):
        load_config(path)


@pytest.mark.parametrize(
    ("name", "content", "match"),
    [
        ("s.json", "{}", r"must end in .toml, .yaml or .yml"),
        ("s.yaml", "- a\n- b\n", r"must be a mapping of keys to values. Got a list"),
        ("s.yaml", "a: [\n", r"Cannot parse config .* as YAML: "),
        ("s.yaml", "1: 2\n", r"Unknown key 1 in config"),
    ],
)
def test_unreadable_documents(tmp_path: Path, name: str, content: str, match: str) -> None:
    with pytest.raises(InvalidParameterError, match=match):
        load_config(_write(tmp_path, name, content))
    with pytest.raises(InvalidParameterError) as raised:
        load_config(tmp_path / name)
    assert "\n" not in str(raised.value)


def test_missing_and_undecodable_files(tmp_path: Path) -> None:
    with pytest.raises(InvalidParameterError, match=r"Cannot read config .*No such file"):
        load_config(tmp_path / "absent.toml")
    (tmp_path / "latin.toml").write_bytes(b'study = "\xe9"\n')
    with pytest.raises(InvalidParameterError, match=r"Cannot read config .*utf-8"):
        load_config(tmp_path / "latin.toml")


def test_with_space_calls_the_function_with_a_dict() -> None:
    seen = []
    space = {"x": FloatDistribution(0, 1), "k": CategoricalDistribution(["a", "b"])}
    objective = with_space(lambda params: seen.append(params) or 1.0, space)
    study = optuna.create_study()
    study.optimize(objective, n_trials=3)
    assert len(seen) == 3 and all(set(p) == {"x", "k"} for p in seen)
    assert [t.params for t in study.trials] == seen


def test_cli_runs_a_config_with_a_space_and_options_override_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    _write(tmp_path, "train.py", TRAIN)
    config = _write(tmp_path, "s.toml", TOML.replace('pruner = "median"', 'pruner = "none"'))
    assert main(["tune", "--config", str(config), "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "Study 'cfg' in sqlite:///x.db: 4 trials (4 complete" in out
    study = optuna.load_study(study_name="cfg", storage="sqlite:///x.db")
    assert study.direction == optuna.study.StudyDirection.MINIMIZE
    assert set(study.best_params) == {"x", "n", "k", "s"}

    assert (
        main(["tune", "--config", str(config), "--trials", "2", "--study", "cli", "--quiet"]) == 0
    )
    assert "Study 'cli' in sqlite:///x.db: 2 trials" in capsys.readouterr().out


def test_cli_errors_are_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _write(tmp_path, "train.py", TRAIN)
    config = _write(tmp_path, "s.toml", TOML)
    assert main(["tune", "--config", str(config), "--jobs", "2", "--quiet"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "needs trials run in this process" in err
    assert main(["tune", "--quiet"]) == 2
    assert "Missing argument 'OBJECTIVE'" in capsys.readouterr().err


def test_keys_with_line_breaks_stay_on_one_line(tmp_path: Path) -> None:
    path = _write(
        tmp_path, "s.yaml", 'objective: "a:b"\nspace: {"x\\x85y": {type: int, low: 2, high: 1}}\n'
    )
    with pytest.raises(InvalidParameterError, match=r"The 'space.'x\\x85y'.high' key") as raised:
        load_config(path)
    assert len(str(raised.value).splitlines()) == 1


def test_a_step_that_does_not_divide_the_range_is_an_error(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "s.toml",
        'objective = "a:b"\n[space]\nx = { type = "float", low = 0, high = 1, step = 0.3 }\n',
    )
    with pytest.raises(
        InvalidParameterError, match=r"The 'space.x' key .* not a valid distribution: .*step"
    ):
        load_config(path)
