"""Processes taking WAITING trials from one SQLite file never take the same one twice."""

from __future__ import annotations

import collections
import json
import subprocess
import sys
from pathlib import Path

import optuna
import pytest

from smarttune.storage import open_storage

pytestmark = pytest.mark.slow

_CLAIMER = """
import json, os, sys
import optuna
from smarttune.execution._recovery import claim_trial
from smarttune.storage import open_storage

optuna.logging.set_verbosity(optuna.logging.ERROR)
study = optuna.load_study(study_name="c", storage=open_storage(sys.argv[1]))
claimed = []
while True:  # every WAITING trial is taken; then claim_trial creates a new one: stop
    number = study._storage.get_trial(claim_trial(study, f"job-{os.getpid()}")).number
    if number >= int(sys.argv[2]):
        break
    claimed.append(number)
print(json.dumps(claimed))
"""


def test_four_processes_take_each_waiting_sqlite_trial_once(tmp_path: Path) -> None:
    url, waiting = f"sqlite:///{tmp_path / 'c.db'}", 40
    study = optuna.create_study(study_name="c", storage=open_storage(url))
    for index in range(waiting):
        study.enqueue_trial({"x": index})
    claimers = [
        subprocess.Popen(
            [sys.executable, "-c", _CLAIMER, url, str(waiting)], stdout=subprocess.PIPE, text=True
        )
        for _ in range(4)
    ]
    taken = collections.Counter(
        number for claimer in claimers for number in json.loads(claimer.communicate()[0])
    )
    assert all(claimer.returncode == 0 for claimer in claimers)
    assert sorted(taken) == list(range(waiting))
    assert max(taken.values()) == 1
