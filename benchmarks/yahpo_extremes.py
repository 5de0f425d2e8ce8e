"""Best and worst usual-target values of each YAHPO instance over 10^5 random configurations.

The reference of normalized regret, ``(best - found) / (best - worst)`` (issue 16): for every
``test`` and then every ``dev`` instance of the three scenarios, ``--n`` uniformly random
configurations (seed 2**31 - 1, the same for every instance of a scenario) are scored at the
full fidelity. Writes ``benchmarks/results/yahpo_extremes.json`` after each scenario and split:

    SMARTTUNE_YAHPO_DIR=../shared/benchmarks/yahpo .venv/bin/python benchmarks/yahpo_extremes.py
"""

from __future__ import annotations

import argparse
import json

from _yahpo_common import EXTREMES, REFERENCE_SEED

from smarttune.yahpo import load_scenario


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000)
    args = parser.parse_args()
    document: dict[str, dict[str, dict[str, float]]] = {}
    for split in ("test", "dev"):
        for name in ("rbv2_xgboost", "rbv2_rpart", "lcbench"):
            scenario = load_scenario(name)
            pool = scenario.space.sample(args.n, seed=REFERENCE_SEED, sobol=False)
            entry = document.setdefault(name, {})
            for instance in scenario.instances(split):
                values = scenario.evaluate(pool, instance)[scenario.target]
                entry[instance] = {"best": float(values.max()), "worst": float(values.min())}
            entry["_n"] = {"configurations": float(args.n), "seed": float(REFERENCE_SEED)}
            EXTREMES.write_text(json.dumps(document, indent=1, sort_keys=True) + "\n")
            print(f"{name} {split}: done", flush=True)


if __name__ == "__main__":
    main()
