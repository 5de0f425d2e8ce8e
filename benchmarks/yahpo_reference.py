"""Write tests/yahpo/yahpo_gym_reference.json: yahpo-gym 1.0.2's own predictions.

Two steps, in two environments (yahpo-gym pins numpy<2 and ConfigSpace<=0.6.1, so it never goes
into smarttune's .venv):

    .venv/bin/python benchmarks/yahpo_reference.py cases /tmp/cases.json
    python3.10 -m venv /tmp/yahpo-venv && /tmp/yahpo-venv/bin/pip install yahpo-gym==1.0.2
    /tmp/yahpo-venv/bin/python benchmarks/yahpo_reference.py reference /tmp/cases.json \
        tests/yahpo/yahpo_gym_reference.json

The first step draws 6 configurations per scenario (seed 7, uniform; one at half fidelity) on
two dev and two test instances with smarttune's sampler; the second evaluates them with
``yahpo_gym.BenchmarkSet.objective_function`` (which also checks each configuration against
the ConfigSpace, conditions included). Data: ``$SMARTTUNE_YAHPO_DIR`` or
../shared/benchmarks/yahpo.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

DATA = Path(
    os.environ.get("SMARTTUNE_YAHPO_DIR", Path(__file__).parents[2] / "shared/benchmarks/yahpo")
)


def cases(out: str) -> None:
    from smarttune.yahpo import load_scenario

    result: dict[str, list[dict[str, Any]]] = {}
    for name in ("lcbench", "rbv2_xgboost", "rbv2_rpart"):
        scenario = load_scenario(name, DATA)
        configs = scenario.space.sample(16, seed=7, sobol=False)
        instances = scenario.instances("dev")[:2] + scenario.instances("test")[:2]
        items = []
        for i, config in enumerate(configs[:6]):
            fidelity = scenario.full_fidelity(0.5 if i == 1 else 1.0)
            items.append({"instance": instances[i % 4], "config": config, "fidelity": fidelity})
        result[name] = items
    Path(out).write_text(json.dumps(result, indent=1))


def reference(cases_file: str, out: str) -> None:
    from yahpo_gym import benchmark_set, local_config

    local_config.init_config()
    local_config.set_data_path(str(DATA))
    document = json.loads(Path(cases_file).read_text())
    for name, items in document.items():
        bench = benchmark_set.BenchmarkSet(name)
        for item in items:
            bench.set_instance(item["instance"])
            config = {**item["config"], **item["fidelity"]}
            for integer in ("epoch", "repl"):
                if integer in config:
                    config[integer] = int(config[integer])
            config[bench.config.instance_names] = item["instance"]
            values = bench.objective_function(config)[0]
            item["expected"] = {k: float(v) for k, v in values.items()}
    Path(out).write_text(json.dumps(document, indent=1, sort_keys=True))


if __name__ == "__main__":
    if sys.argv[1] == "cases":
        cases(sys.argv[2])
    else:
        reference(sys.argv[2], sys.argv[3])
