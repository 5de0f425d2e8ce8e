"""The commented templates ``smarttune init`` writes; both parse to the same config."""

from __future__ import annotations

__all__ = ["TOML_TEMPLATE", "YAML_TEMPLATE", "render_template"]

TOML_TEMPLATE = """\
# smarttune study config: run it with `smarttune tune --config {name}`.
# Options given on the command line override the values here; unknown keys are errors.

# What to tune: a built-in task (`smarttune tasks` lists them) ...
task = "svm-digits"
# ... or your own function, as package.module:function or path/to/file.py:function
# (a relative path is relative to this file). Give `task` or `objective`, not both.
# objective = "train.py:objective"

# Study name in the storage (default: the task or function name); running again resumes it.
study = "svm-digits"
direction = "maximize"          # or "minimize" (default: the task's; maximize for a function)
sampler = "hybrid"              # hybrid, genetic, bandit, tpe, random, sobol, gp, cmaes, nsga2
pruner = "none"                 # none, median, flatness, hyperband, asha, successive-halving
storage = "sqlite:///smarttune.db"  # or postgresql://user@host/db, journal:file.log
executor = "local"              # local (processes on this machine) or ray
jobs = 1                        # parallel trials; -1 for one per CPU
seed = 0                        # seeds the sampler (and a task's data splits)
# device = "auto"               # auto, cpu or cuda, for the neural-network tasks

[budget]
trials = 30                     # trials to add to the study
# timeout = 600                 # seconds after which no new trial starts

# With `objective`, a function that takes a dict of parameters instead of calling
# trial.suggest_*: declare its search space here (remove it for a task).
# [space]
# C = { type = "float", low = 1e-3, high = 1e3, log = true }
# depth = { type = "int", low = 1, high = 12 }
# kernel = { type = "categorical", choices = ["rbf", "linear"] }
"""

YAML_TEMPLATE = """\
# smarttune study config: run it with `smarttune tune --config {name}`.
# Options given on the command line override the values here; unknown keys are errors.

# What to tune: a built-in task (`smarttune tasks` lists them) ...
task: svm-digits
# ... or your own function, as package.module:function or path/to/file.py:function
# (a relative path is relative to this file). Give `task` or `objective`, not both.
# objective: train.py:objective

# Study name in the storage (default: the task or function name); running again resumes it.
study: svm-digits
direction: maximize             # or minimize (default: the task's; maximize for a function)
sampler: hybrid                 # hybrid, genetic, bandit, tpe, random, sobol, gp, cmaes, nsga2
pruner: none                    # none, median, flatness, hyperband, asha, successive-halving
storage: sqlite:///smarttune.db # or postgresql://user@host/db, journal:file.log
executor: local                 # local (processes on this machine) or ray
jobs: 1                         # parallel trials; -1 for one per CPU
seed: 0                         # seeds the sampler (and a task's data splits)
# device: auto                  # auto, cpu or cuda, for the neural-network tasks

budget:
  trials: 30                    # trials to add to the study
  # timeout: 600                # seconds after which no new trial starts

# With `objective`, a function that takes a dict of parameters instead of calling
# trial.suggest_*: declare its search space here (remove it for a task).
# space:
#   C: {type: float, low: 1.0e-3, high: 1.0e+3, log: true}
#   depth: {type: int, low: 1, high: 12}
#   kernel: {type: categorical, choices: [rbf, linear]}
"""


def render_template(kind: str, file_name: str) -> str:
    """The ``"toml"`` or ``"yaml"`` template, mentioning ``file_name`` in its first line."""
    template = TOML_TEMPLATE if kind == "toml" else YAML_TEMPLATE
    return template.replace("{name}", file_name)
