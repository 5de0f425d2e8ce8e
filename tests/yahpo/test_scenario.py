from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import optuna
import pytest

from smarttune.exceptions import DataError, InvalidParameterError
from smarttune.yahpo import DATA_DIR_ENV, load_scenario

REFERENCE = json.loads((Path(__file__).parent / "yahpo_gym_reference.json").read_text())
CASES = [(name, i) for name, items in REFERENCE.items() for i in range(len(items))]


@pytest.mark.parametrize(("scenario", "index"), CASES)
def test_predictions_equal_yahpo_gym_1_0_2(yahpo_dir: Path, scenario: str, index: int) -> None:
    # Reference values: yahpo-gym 1.0.2's BenchmarkSet.objective_function on the same files
    # (benchmarks/yahpo_reference.py, run in a separate environment).
    case = REFERENCE[scenario][index]
    got = load_scenario(scenario, yahpo_dir).evaluate_one(
        case["config"], case["instance"], fidelity=case["fidelity"]
    )
    assert set(got) == set(case["expected"])
    for target, expected in case["expected"].items():
        assert got[target] == pytest.approx(expected, rel=1e-5, abs=1e-5), target


def test_reference_covers_every_booster_and_a_lower_fidelity() -> None:
    boosters = {case["config"]["booster"] for case in REFERENCE["rbv2_xgboost"]}
    assert boosters == {"gblinear", "gbtree", "dart"}
    assert any(case["fidelity"]["epoch"] < 52 for case in REFERENCE["lcbench"])


def test_splits_come_from_splits_json_and_are_instances(yahpo_dir: Path) -> None:
    splits = json.loads((yahpo_dir / "splits.json").read_text())
    for name in ("lcbench", "rbv2_xgboost", "rbv2_rpart"):
        scenario = load_scenario(name, yahpo_dir)
        assert scenario.instances("dev") == splits[name]["dev"]
        assert scenario.instances("test") == splits[name]["test"]
        assert set(scenario.instances("dev")) <= set(scenario.instances())
        assert not set(scenario.instances("dev")) & set(scenario.instances("test"))


def test_unknown_split_is_rejected(yahpo_dir: Path) -> None:
    with pytest.raises(InvalidParameterError, match=r"'split' parameter must be 'dev', 'test'"):
        load_scenario("lcbench", yahpo_dir).instances("train")


def test_unknown_scenario_is_rejected(yahpo_dir: Path) -> None:
    with pytest.raises(InvalidParameterError, match=r"'scenario' parameter .* Got 'rbv2_svm'"):
        load_scenario("rbv2_svm", yahpo_dir)


def test_missing_data_dir_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(DATA_DIR_ENV, raising=False)
    with pytest.raises(DataError, match="pass data_dir= or set SMARTTUNE_YAHPO_DIR"):
        load_scenario("lcbench")


def test_nonexistent_data_dir_is_a_data_error(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="does not exist"):
        load_scenario("lcbench", tmp_path / "nowhere")


def test_directory_without_the_scenario_files_is_a_data_error(tmp_path: Path) -> None:
    with pytest.raises(DataError, match=r"config_space.json' is missing"):
        load_scenario("rbv2_rpart", tmp_path)


def test_unknown_instance_is_rejected(yahpo_dir: Path) -> None:
    scenario = load_scenario("rbv2_rpart", yahpo_dir)
    config = scenario.space.sample(1, seed=0)[0]
    with pytest.raises(InvalidParameterError, match=r"'instance' parameter .* Got '99999'"):
        scenario.evaluate([config], "99999")


def test_out_of_range_value_names_parameter_range_and_value(yahpo_dir: Path) -> None:
    scenario = load_scenario("rbv2_rpart", yahpo_dir)
    config = {**scenario.space.sample(1, seed=0)[0], "maxdepth": 31}
    with pytest.raises(InvalidParameterError, match=r"'maxdepth' .* range \[1, 30\]\. Got 31"):
        scenario.evaluate([config], "3")


def test_unknown_choice_is_rejected(yahpo_dir: Path) -> None:
    scenario = load_scenario("rbv2_xgboost", yahpo_dir)
    config = {**scenario.space.sample(1, seed=0)[0], "booster": "linear"}
    with pytest.raises(InvalidParameterError, match=r"'booster' parameter must be one of"):
        scenario.evaluate([config], "3")


def test_inactive_parameters_encode_as_zero_and_na(yahpo_dir: Path) -> None:
    scenario = load_scenario("rbv2_xgboost", yahpo_dir)
    config = {"booster": "gblinear", "nrounds": 100, "lambda": 1.0, "alpha": 1.0}
    config |= {"subsample": 0.5, "num.impute.selected.cpo": "impute.mean", "eta": 0.3}
    x_cont, x_cat = scenario.encode([config], "3")
    cont = dict(zip(scenario.meta.cont_names, x_cont[0], strict=True))
    assert cont["eta"] == 0.0  # eta is inactive under gblinear, so its value is ignored
    assert cont["max_depth"] == 0.0
    assert cont["nrounds"] == 100.0
    assert (cont["trainsize"], cont["repl"]) == (1.0, 10.0)
    assert x_cat[0].tolist() == [
        scenario.encoding["task_id"]["3"],
        scenario.encoding["booster"]["gblinear"],
        scenario.encoding["num.impute.selected.cpo"]["impute.mean"],
    ]


def test_fidelity_changes_the_prediction(yahpo_dir: Path) -> None:
    scenario = load_scenario("lcbench", yahpo_dir)
    config = scenario.space.sample(1, seed=3)[0]
    full = scenario.evaluate_one(config, "3945")["val_accuracy"]
    early = scenario.evaluate_one(config, "3945", fidelity={"epoch": 2})["val_accuracy"]
    assert early != pytest.approx(full)
    assert scenario.full_fidelity(0.5) == {"epoch": 26.0}
    assert load_scenario("rbv2_rpart", yahpo_dir).full_fidelity(0.01) == {
        "trainsize": 0.03,
        "repl": 10.0,
    }


def test_batch_evaluation_returns_every_target_per_configuration(yahpo_dir: Path) -> None:
    scenario = load_scenario("rbv2_xgboost", yahpo_dir)
    configs = scenario.space.sample(64, seed=1)
    values = scenario.evaluate(configs, "40983")
    assert list(values) == list(scenario.targets)
    assert all(column.shape == (64,) for column in values.values())
    assert np.all((values["acc"] > 0) & (values["acc"] <= 1.01))
    single = scenario.evaluate_one(configs[5], "40983")
    assert single["acc"] == pytest.approx(values["acc"][5], rel=1e-6)


def test_samples_are_inside_the_space_and_reproducible(yahpo_dir: Path) -> None:
    space = load_scenario("rbv2_xgboost", yahpo_dir).space
    first, again = space.sample(128, seed=4), space.sample(128, seed=4)
    assert first == again
    for config in first:
        for param in space.params:
            if not space.is_active(param, config):
                assert param.name not in config
            elif param.kind == "categorical":
                assert config[param.name] in param.choices
            else:
                assert param.low <= config[param.name] <= param.high
                assert isinstance(config[param.name], int) == (param.kind == "int")
    assert {c["booster"] for c in first} == {"gblinear", "gbtree", "dart"}
    assert space.sample(8, seed=4, sobol=False) != space.sample(8, seed=4)


def test_suggest_asks_only_for_active_parameters(yahpo_dir: Path) -> None:
    space = load_scenario("rbv2_xgboost", yahpo_dir).space
    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0))
    study.optimize(lambda trial: float(len(space.suggest(trial))), n_trials=30)
    for trial in study.trials:
        booster = trial.params["booster"]
        assert ("eta" in trial.params) == (booster != "gblinear")
        assert ("rate_drop" in trial.params) == (booster == "dart")
    distributions = space.distributions()
    assert distributions["nrounds"] == optuna.distributions.IntDistribution(7, 2981, log=True)
    assert len(distributions) == 14


def test_unsupported_config_space_entries_are_data_errors() -> None:
    from smarttune.yahpo._space import parse_space

    ordinal = {"hyperparameters": [{"name": "a", "type": "ordinal", "sequence": [1, 2]}]}
    with pytest.raises(DataError, match="Unsupported hyperparameter type 'ordinal'"):
        parse_space(ordinal, skip=())
    document = {
        "hyperparameters": [
            {"name": "b", "type": "categorical", "choices": ["x", "y"]},
            {"name": "c", "type": "uniform_float", "lower": 0, "upper": 1},
        ],
        "conditions": [{"child": "c", "parent": "b", "type": "NEQ", "value": "x"}],
    }
    with pytest.raises(DataError, match="Unsupported condition type 'NEQ'"):
        parse_space(document, skip=())
    assert [p.name for p in parse_space(document | {"conditions": []}, skip=("b",))] == ["c"]


def test_sobol_sample_of_any_size_is_a_prefix_of_the_power_of_two_draw(yahpo_dir: Path) -> None:
    space = load_scenario("rbv2_rpart", yahpo_dir).space
    assert space.sample(100, seed=1) == space.sample(128, seed=1)[:100]
