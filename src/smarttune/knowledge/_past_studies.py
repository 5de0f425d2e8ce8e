"""The user's own past studies as transfer for a new one: found in a storage, mapped, weighted.

:func:`find_past_studies` reads every study of a storage and keeps those that tuned the same
search space as the new study: the same objective (the reference ``tune()`` records in
``smarttune:tunes``), or, when the new study's space is known, exactly the same parameter names.
Ranges and choices may differ: :class:`~smarttune.knowledge.TaskKnowledge` maps the past
configurations onto the new space. The others are skipped, each with a reason.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from smarttune.exceptions import InvalidParameterError
from smarttune.knowledge._recommend import TaskKnowledge
from smarttune.knowledge._records import StudyRecord

if TYPE_CHECKING:
    import optuna
    from optuna.distributions import BaseDistribution

__all__ = ["TUNES_KEY", "PastStudies", "find_past_studies", "study_space"]

#: The study system attribute where ``tune()`` records what a study tunes.
TUNES_KEY = "smarttune:tunes"
#: Past skipped studies listed one line each; more are counted (``verbose`` lists them all).
MAX_SKIP_LINES = 3


@dataclass(frozen=True)
class PastStudies:
    """What :func:`find_past_studies` found.

    Attributes:
        knowledge: The warm start and sources for the new study; None when none was used.
        used: The names of the studies used.
        skipped: ``(name, reason)`` of each study left out.
    """

    knowledge: TaskKnowledge | None
    used: tuple[str, ...]
    skipped: tuple[tuple[str, str], ...]

    def lines(self, *, verbose: bool = False) -> list[str]:
        """One line naming the studies used, then the skipped ones (a count when many)."""
        out = []
        if self.used:
            warm = len(self.knowledge.warm_start) if self.knowledge is not None else 0
            out.append(
                f"Transfer from {len(self.used)} past "
                f"{'study' if len(self.used) == 1 else 'studies'} ({', '.join(self.used)}): "
                f"{warm} warm-start configurations, prior mean weighted by ranking (RGPE)."
            )
        if verbose or len(self.skipped) <= MAX_SKIP_LINES:
            out += [f"Transfer skips study {name!r}: {reason}." for name, reason in self.skipped]
        else:
            out.append(f"Transfer skips {len(self.skipped)} other studies (--verbose lists why).")
        return out


def find_past_studies(
    storage: optuna.storages.BaseStorage,
    *,
    objective: str,
    direction: str,
    exclude: str | None = None,
    search_space: Mapping[str, BaseDistribution] | None = None,
    min_trials: int = 3,
    k: int = 5,
) -> PastStudies:
    """The studies of ``storage`` that a new study of ``objective`` can learn from.

    Args:
        storage: The storage to search.
        objective: The new study's objective reference (see ``smarttune._target``).
        direction: The new study's direction; a past study of the other direction is skipped.
        exclude: The new study's own name (its trials are its own data, not the past).
        search_space: The new study's space when known (a resumed study, a task that declares
            it): past studies with exactly its parameter names join even if another objective.
        min_trials: Past studies with fewer completed trials are skipped.
        k: The warm start's size: the best configurations of the studies used, taken in turn.
    """
    import optuna

    used: list[StudyRecord] = []
    skipped: list[tuple[str, str]] = []
    for summary in optuna.get_all_study_summaries(storage, include_best_trial=False):
        if summary.study_name == exclude:
            continue
        study = optuna.load_study(study_name=summary.study_name, storage=storage)
        record, reason = _as_source(study, objective, direction, search_space, min_trials)
        if record is None:
            skipped.append((study.study_name, reason))
        else:
            used.append(record)
    if not used:
        return PastStudies(None, (), tuple(skipped))
    knowledge = TaskKnowledge(_round_robin(used, k), sources=tuple(used))
    return PastStudies(knowledge, tuple(r.name for r in used), tuple(skipped))


def _as_source(
    study: optuna.Study,
    objective: str,
    direction: str,
    search_space: Mapping[str, BaseDistribution] | None,
    min_trials: int,
) -> tuple[StudyRecord | None, str]:
    """The study as a source, or None and why not."""
    if study._is_multi_objective():
        return None, "it has several objectives"
    if study.direction.name.lower() != direction:
        return None, f"it is {study.direction.name.lower()}d, this study is {direction}d"
    params, values, space = _completed(study)
    if len(values) < min_trials:
        return None, f"{len(values)} completed trials (needs {min_trials})"
    tunes = study._storage.get_study_system_attrs(study._study_id).get(TUNES_KEY)
    recorded = tunes.get("objective") if isinstance(tunes, dict) else None
    same_names = search_space is not None and set(space) == set(search_space)
    if recorded != objective and not same_names:
        what = f"tunes {recorded!r}" if recorded else "does not record what it tunes"
        return None, f"it {what}, with parameters {', '.join(sorted(space))}"
    try:
        record = StudyRecord(
            name=study.study_name,
            task=str(recorded or objective),
            family="own",
            dataset=study.study_name,
            direction=direction,
            meta_features={},
            space=space,
            params=params,
            values=values,
        )
    except InvalidParameterError as error:
        return None, str(error)
    return record, ""


def _completed(
    study: optuna.Study,
) -> tuple[list[dict[str, Any]], list[float], dict[str, BaseDistribution]]:
    import optuna

    params, values = [], []
    space: dict[str, BaseDistribution] = {}
    for trial in study.get_trials(deepcopy=False, states=(optuna.trial.TrialState.COMPLETE,)):
        if trial.value is None or not math.isfinite(trial.value):
            continue
        params.append(dict(trial.params))
        values.append(float(trial.value))
        for name, dist in trial.distributions.items():
            space.setdefault(name, dist)
    return params, values, space


def study_space(study: optuna.Study) -> dict[str, BaseDistribution] | None:
    """The union of the distributions of ``study``'s completed trials; None without any."""
    return _completed(study)[2] or None


def _round_robin(records: Sequence[StudyRecord], k: int) -> list[dict[str, Any]]:
    """The best configuration of each study in turn, then the second best, ... (``k`` in all)."""
    tops = [record.top_params(k) for record in records]
    picks: list[dict[str, Any]] = []
    for rank in range(k):
        for top in tops:
            if rank < len(top) and len(picks) < k and top[rank] not in picks:
                picks.append(top[rank])
    return picks
