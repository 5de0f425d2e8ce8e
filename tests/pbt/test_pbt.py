"""PopulationBasedTraining on the toy task: exploit/explore, checkpoints, lineage, resumption."""

from __future__ import annotations

import math
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import numpy as np
import optuna
import pytest
from optuna.trial import TrialState

sys.path.insert(0, str(Path(__file__).parent))
from toy_task import ToyTask

from smarttune.exceptions import InvalidParameterError, StorageError
from smarttune.pbt import (
    CONFIG_KEY,
    ArtifactCheckpointStore,
    LocalCheckpointStore,
    PopulationBasedTraining,
    Segment,
    best_member,
    lineage,
    replay,
    segments,
)

POPULATION, INTERVAL, STEPS = 4, 2, 6


def run_pbt(tmp_path: Path, **kwargs: Any) -> tuple[optuna.Study, LocalCheckpointStore]:
    store = LocalCheckpointStore(directory=tmp_path / "checkpoints")
    pbt = PopulationBasedTraining(
        population_size=POPULATION,
        perturbation_interval=INTERVAL,
        resample_probability=0.0,
        checkpoint_store=store,
        **kwargs,
    )
    study = pbt.optimize(ToyTask(), n_steps=STEPS, study_name="toy")
    return study, store


def load(store: LocalCheckpointStore, segment: Segment, tmp_path: Path) -> dict[str, np.ndarray]:
    path = tmp_path / f"{segment.checkpoint}.npz"
    store.get(segment.checkpoint, path)
    with np.load(path) as saved:
        return {key: saved[key] for key in saved.files}


def test_every_member_trains_every_round_and_the_record_is_complete(tmp_path: Path) -> None:
    study, _ = run_pbt(tmp_path)
    found = segments(study)
    assert len(found) == POPULATION * STEPS // INTERVAL
    assert {(s.member, s.round) for s in found} == {
        (m, r) for m in range(POPULATION) for r in range(STEPS // INTERVAL)
    }
    assert all(s.state == TrialState.COMPLETE for s in found)
    for s in found:
        trial = study.trials[s.trial]
        assert s.step == (s.round + 1) * INTERVAL
        assert trial.intermediate_values == {s.step: s.score}
    config = study._storage.get_study_system_attrs(study._study_id)[CONFIG_KEY]
    assert config == {"population_size": POPULATION, "interval": INTERVAL}


def test_exploit_copies_the_donor_checkpoint_then_trains_with_its_own_config(
    tmp_path: Path,
) -> None:
    """Ray Tune issue #28196: the exploited member must not train with the donor's config."""
    study, store = run_pbt(tmp_path)
    by_trial = {s.trial: s for s in segments(study)}
    exploited = [s for s in by_trial.values() if s.exploited]
    assert len(exploited) == STEPS // INTERVAL - 1  # quantile 0.25 of 4: one per round
    for segment in exploited:
        parent = by_trial[segment.parent]  # type: ignore[index]
        assert parent.member == segment.donor != segment.member
        assert parent.round == segment.round - 1
        donor_ckpt, own_ckpt = load(store, parent, tmp_path), load(store, segment, tmp_path)
        # The weights' history up to the exploit is the donor's, step for step...
        np.testing.assert_array_equal(own_ckpt["lrs"][: parent.step], donor_ckpt["lrs"])
        # ...and every step after it used the member's own, perturbed learning rate.
        new_rate = segment.params["learning_rate"]
        np.testing.assert_array_equal(own_ckpt["lrs"][parent.step :], [new_rate] * INTERVAL)
        ratio = new_rate / parent.params["learning_rate"]
        assert min(abs(ratio - 0.8), abs(ratio - 1.2)) < 1e-9  # explore: x0.8 or x1.2
        assert segment.params["width"] == parent.params["width"]  # copied, never perturbed
        # The exploited member was in the bottom quantile, its donor in the top one.
        previous = [s for s in by_trial.values() if s.round == parent.round]
        ranked = sorted(previous, key=lambda s: s.score or -math.inf)
        assert ranked[0].member == segment.member and ranked[-1].member == segment.donor


def test_members_not_exploited_continue_their_own_run(tmp_path: Path) -> None:
    study, store = run_pbt(tmp_path)
    by_trial = {s.trial: s for s in segments(study)}
    for segment in by_trial.values():
        if segment.round == 0:
            assert segment.parent is None and not segment.exploited
        elif not segment.exploited:
            parent = by_trial[segment.parent]  # type: ignore[index]
            assert (parent.member, parent.round) == (segment.member, segment.round - 1)
            assert parent.params == segment.params
            saved = load(store, segment, tmp_path)["lrs"]
            assert len(saved) == segment.step


def test_lineage_gives_the_schedule_and_replay_reproduces_it(tmp_path: Path) -> None:
    study, _ = run_pbt(tmp_path)
    best = best_member(study)
    finals = [s for s in segments(study) if s.round == best.round]
    assert best.score == max(s.score or -math.inf for s in finals)
    chain = lineage(study, best)
    assert [s.round for s in chain] == list(range(STEPS // INTERVAL))
    assert chain[-1] == best
    schedule = [s.params["learning_rate"] for s in chain]
    state, score = replay(ToyTask(), chain, interval=INTERVAL)
    assert score == best.score
    assert list(state["lrs"]) == [rate for rate in schedule for _ in range(INTERVAL)]


def test_a_last_round_shorter_than_the_interval(tmp_path: Path) -> None:
    pbt = PopulationBasedTraining(
        population_size=2,
        perturbation_interval=2,
        checkpoint_store=LocalCheckpointStore(directory=tmp_path),
    )
    study = pbt.optimize(ToyTask(), n_steps=3, study_name="short")
    assert sorted({s.step for s in segments(study)}) == [2, 3]


def test_artifact_store_keeps_the_checkpoints(tmp_path: Path) -> None:
    from optuna.artifacts import FileSystemArtifactStore

    artifacts = FileSystemArtifactStore(str(tmp_path))
    store = ArtifactCheckpointStore(artifact_store=artifacts)
    pbt = PopulationBasedTraining(population_size=2, checkpoint_store=store)
    study = pbt.optimize(ToyTask(), n_steps=2, study_name="artifacts")
    assert all(store.exists(s.checkpoint) for s in segments(study))
    assert not store.exists("missing")
    assert len(list(tmp_path.iterdir())) == 4


def test_a_study_resumes_only_with_the_same_population_and_interval(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'pbt.db'}"
    store = LocalCheckpointStore(directory=tmp_path)
    PopulationBasedTraining(population_size=2, checkpoint_store=store).optimize(
        ToyTask(), n_steps=1, study_name="s", storage=url
    )
    with pytest.raises(StorageError, match=r"started with \{'population_size': 2"):
        PopulationBasedTraining(population_size=3, checkpoint_store=store).optimize(
            ToyTask(), n_steps=1, study_name="s", storage=url
        )


def test_invalid_arguments() -> None:
    with pytest.raises(InvalidParameterError, match=r"'population_size' parameter of Popul"):
        PopulationBasedTraining(population_size=1)
    with pytest.raises(InvalidParameterError, match=r"'quantile' .* \(0, 0.5\]"):
        PopulationBasedTraining(quantile=0.7)
    with pytest.raises(InvalidParameterError, match="must support checkpoints"):
        PopulationBasedTraining().optimize(object(), n_steps=1, study_name="x")  # type: ignore[arg-type]
    with pytest.raises(InvalidParameterError, match="'n_steps'"):
        PopulationBasedTraining().optimize(ToyTask(), n_steps=0, study_name="x")
    with pytest.raises(InvalidParameterError, match="artifact store"):
        ArtifactCheckpointStore(artifact_store="dir")  # type: ignore[arg-type]


SCRIPT = """
import sys
sys.path[:0] = {paths!r}
from toy_task import ToyTask
from smarttune.pbt import LocalCheckpointStore, PopulationBasedTraining

if __name__ == "__main__":
    pbt = PopulationBasedTraining(
        population_size={population}, perturbation_interval={interval}, n_workers=2,
        resample_probability=0.0,
        checkpoint_store=LocalCheckpointStore(directory={directory!r}),
    )
    pbt.optimize(ToyTask(step_seconds={pause}), n_steps={steps}, study_name="toy", storage={url!r})
"""


def scores(study: optuna.Study) -> dict[tuple[int, int], float | None]:
    return {(s.member, s.round): s.score for s in segments(study)}


@pytest.mark.slow
def test_resumes_after_the_process_is_killed(tmp_path: Path) -> None:
    """Kill a real PBT process (two worker processes) mid-run, resume, match an unkilled run."""
    url = f"sqlite:///{tmp_path / 'pbt.db'}"
    directory = str(tmp_path / "checkpoints")
    script = tmp_path / "run_pbt.py"
    script.write_text(
        textwrap.dedent(SCRIPT).format(
            paths=[str(Path(__file__).parent), *sys.path],
            population=POPULATION,
            interval=INTERVAL,
            directory=directory,
            pause=0.3,
            steps=STEPS,
            url=url,
        )
    )
    process = subprocess.Popen([sys.executable, str(script)], start_new_session=True)
    try:
        done = _wait_for_completed_segments(url, process, at_least=POPULATION + 1)
    finally:
        os.killpg(process.pid, signal.SIGKILL)  # the script and its worker processes
        process.wait()
    study = optuna.load_study(study_name="toy", storage=url)
    before = {key: v for key, v in scores(study).items() if v is not None}
    assert len(before) >= done and len(before) < POPULATION * STEPS // INTERVAL
    assert any(t.state == TrialState.RUNNING for t in study.trials)  # killed mid-round

    pbt = PopulationBasedTraining(
        population_size=POPULATION,
        perturbation_interval=INTERVAL,
        resample_probability=0.0,
        checkpoint_store=LocalCheckpointStore(directory=directory),
    )
    resumed = pbt.optimize(ToyTask(), n_steps=STEPS, study_name="toy", storage=url)
    after = scores(resumed)
    assert len(after) == POPULATION * STEPS // INTERVAL  # nothing trained twice
    assert all(after[key] == value for key, value in before.items())  # finished work kept
    assert all(t.state == TrialState.COMPLETE for t in resumed.trials)
    reference, _ = run_pbt(tmp_path / "reference")  # same seed, never interrupted
    assert after == scores(reference)


def _wait_for_completed_segments(url: str, process: subprocess.Popen[bytes], at_least: int) -> int:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.poll() is None, "the PBT process ended before it was killed"
        try:
            study = optuna.load_study(study_name="toy", storage=url)
        except KeyError:  # not created yet
            time.sleep(0.2)
            continue
        done = sum(t.state == TrialState.COMPLETE for t in study.trials)
        if done >= at_least:
            return done
        time.sleep(0.1)
    raise AssertionError("no segment completed within 60 s")
