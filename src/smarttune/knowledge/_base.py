"""``KnowledgeBase``: finished studies, indexed by family, that recommend for new tasks."""

from __future__ import annotations

import os
import warnings
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from smarttune._validation import Interval, Options, validate_parameter
from smarttune.exceptions import InvalidParameterError
from smarttune.knowledge._describe import task_family
from smarttune.knowledge._io import (
    Learned,
    add_to_file,
    dump_records,
    load_records,
    read_document,
    write_document,
)
from smarttune.knowledge._models import MetaModel, MLPBaseline, TwoStageTransfer
from smarttune.knowledge._recommend import (
    Recommendation,
    TaskKnowledge,
    UnseenParameterWarning,
    candidate_pool,
    greedy_portfolio,
    select,
    space_defaults,
    warn_unseen,
)
from smarttune.knowledge._storage import record_from_study

if TYPE_CHECKING:
    import optuna
    from optuna.distributions import BaseDistribution

    from smarttune.knowledge._records import StudyRecord

__all__ = ["BUNDLED_PATH", "METHODS", "KnowledgeBase", "default_path", "learn_study"]

#: The knowledge base shipped with smarttune (built by ``smarttune meta build``).
BUNDLED_PATH = Path(__file__).parent / "_bundled" / "knowledge.json"
#: Cross-task meta-models by name; ``"tst"`` won the leave-one-dataset-out comparison.
METHODS: dict[str, Callable[[], MetaModel]] = {"tst": TwoStageTransfer, "mlp": MLPBaseline}


def default_path() -> Path:
    """The user's knowledge base: ``$SMARTTUNE_KNOWLEDGE``, else the user cache directory."""
    configured = os.environ.get("SMARTTUNE_KNOWLEDGE")
    if configured:
        return Path(configured).expanduser()
    cache = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(cache) / "smarttune" / "knowledge.json"


class KnowledgeBase:
    """Finished studies with their tasks' meta-features, and the recommendations they make.

    Studies are compared within a *family* (a model and its search space, e.g. ``"svm"`` or
    ``"svm-grid"``). For a new task, the family's studies fit a cross-task meta-model
    (``method``) that predicts a configuration's normalized score from its parameters and the
    task's meta-features; :meth:`recommend` ranks the best configurations of the past studies
    by that prediction, a zero-shot portfolio in the manner of Feurer, Springenberg and Hutter
    ("Initializing Bayesian Hyperparameter Optimization via Meta-Learning", AAAI 2015).

    Args:
        records: The studies to start with.
        method: The meta-model: ``"tst"`` (two-stage transfer surrogate) or ``"mlp"`` (the
            neural-network baseline).
        portfolio: With ``"tst"``, recommend a greedy portfolio over the past studies'
            predictions (``greedy_portfolio``) instead of the top predicted configurations.

    Example:
        >>> kb = KnowledgeBase.bundled()  # doctest: +SKIP
        >>> kb.recommend(get_task("svm-digits"), k=3)  # doctest: +SKIP
    """

    def __init__(
        self, *, records: Iterable[StudyRecord] = (), method: str = "tst", portfolio: bool = True
    ) -> None:
        validate_parameter("method", method, [Options(METHODS)], owner="KnowledgeBase")
        validate_parameter("portfolio", portfolio, [Options((True, False))], owner="KnowledgeBase")
        self.method = method
        self.portfolio = portfolio
        self._records: dict[str, StudyRecord] = {}
        self._models: dict[str, MetaModel] = {}
        for record in records:
            self.add_record(record)

    # ----------------------------------------------------------------- contents

    @property
    def records(self) -> list[StudyRecord]:
        """Every study, in insertion order."""
        return list(self._records.values())

    def __len__(self) -> int:
        return len(self._records)

    def families(self) -> list[str]:
        """The families of the studies, sorted."""
        return sorted({r.family for r in self._records.values()})

    def records_of(self, family: str, *, exclude_dataset: str | None = None) -> list[StudyRecord]:
        """The studies of ``family`` (optionally without those of one dataset)."""
        return [
            r for r in self._records.values() if r.family == family and r.dataset != exclude_dataset
        ]

    def add_record(self, record: StudyRecord) -> None:
        """Add a study; one of the same name is replaced."""
        self._records[record.name] = record
        self._models.pop(record.family, None)

    def add_study(self, study: optuna.Study, description: dict[str, Any] | None = None) -> bool:
        """Index a finished study; return whether it joined (see ``record_from_study``)."""
        record = record_from_study(study, description)
        if record is not None:
            self.add_record(record)
        return record is not None

    def add_storage(
        self, storage: str | optuna.storages.BaseStorage, *, min_trials: int = 3
    ) -> int:
        """Index every study of ``storage`` that describes its task; return how many joined.

        Args:
            storage: An Optuna storage, or an RDB URL (``sqlite:///file.db``, ...).
            min_trials: Studies with fewer completed trials are left out.
        """
        import optuna

        opened = optuna.storages.get_storage(storage) if isinstance(storage, str) else storage
        added = 0
        for summary in optuna.get_all_study_summaries(opened, include_best_trial=False):
            study = optuna.load_study(study_name=summary.study_name, storage=opened)
            record = record_from_study(study, min_trials=min_trials)
            if record is not None:
                self.add_record(record)
                added += 1
        return added

    @classmethod
    def from_storage(
        cls, storage: str | optuna.storages.BaseStorage, *, method: str = "tst", min_trials: int = 3
    ) -> KnowledgeBase:
        """A knowledge base of the finished studies of ``storage``."""
        kb = cls(method=method)
        kb.add_storage(storage, min_trials=min_trials)
        return kb

    # ----------------------------------------------------------------- JSON

    def to_dict(self) -> dict[str, Any]:
        """The JSON document of the knowledge base (see ``smarttune.knowledge._io``)."""
        return dump_records(self._records.values())

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the knowledge base as compact JSON (atomically); return the path."""
        target = Path(path).expanduser()
        write_document(target, self.to_dict())
        return target

    @classmethod
    def from_dict(
        cls, document: Any, *, method: str = "tst", source: str = "document"
    ) -> KnowledgeBase:
        """Build from a parsed JSON document, validated field by field.

        Raises:
            DataError: If the document breaks the schema (one line saying where).
        """
        return cls(records=load_records(document, source=source), method=method)

    @classmethod
    def load(cls, path: str | os.PathLike[str], *, method: str = "tst") -> KnowledgeBase:
        """Read a knowledge base from JSON; never unpickles anything.

        Raises:
            DataError: If the file is unreadable, not JSON, or breaks the schema.
        """
        return cls.from_dict(read_document(path), method=method, source=str(path))

    @classmethod
    def bundled(cls, *, method: str = "tst") -> KnowledgeBase:
        """The knowledge base shipped with smarttune."""
        return cls.load(BUNDLED_PATH, method=method)

    def merge(self, other: KnowledgeBase) -> KnowledgeBase:
        """Add ``other``'s studies (same names are replaced); return ``self``."""
        for record in other.records:
            self.add_record(record)
        return self

    # ----------------------------------------------------------------- recommending

    def model(self, family: str) -> MetaModel:
        """The fitted meta-model of ``family`` (cached until a study of it is added)."""
        if family not in self._models:
            records = self.records_of(family)
            if not records:
                raise InvalidParameterError(self._unknown_family(family))
            self._models[family] = METHODS[self.method]().fit(records)
        return self._models[family]

    def recommend(
        self,
        task: Any,
        k: int = 5,
        *,
        family: str | None = None,
        search_space: Mapping[str, BaseDistribution] | None = None,
    ) -> list[Recommendation]:
        """The ``k`` configurations with the best predicted score on ``task``, best first.

        Args:
            task: A task (anything with ``meta_features()``; its family comes from
                ``task_family``) or a mapping of meta-features (then ``family`` is needed).
            k: How many configurations.
            family: The family to recommend from; overrides the task's.
            search_space: The new task's space: recommendations are fitted to it, and a
                parameter no past study had takes its default, with an
                :class:`UnseenParameterWarning`.

        Raises:
            InvalidParameterError: If ``k < 1``, the family is unknown (and no
                ``search_space`` gives defaults), or meta-features come without a family.
        """
        validate_parameter("k", k, [Interval(int, 1, None)], owner="recommend()")
        meta, family = self._resolve(task, family)
        if not self.records_of(family):
            if search_space is None:
                raise InvalidParameterError(self._unknown_family(family))
            warn_unseen(list(search_space), family)
            return [Recommendation(space_defaults(search_space), float("nan"))]
        records = self.records_of(family)
        pool, sources = candidate_pool(records)
        model = self.model(family)
        predicted = model.predict(pool, meta)
        order = None
        if self.portfolio and isinstance(
            model, TwoStageTransfer
        ):  # a portfolio over the per-study predictions
            weights = 0.5 * model.weights(meta) + 0.5 / len(records)
            order = greedy_portfolio(model.per_study(pool), weights, 3 * k)
        seen = {n for r in records for n in r.space}
        picks, filled_all = select(pool, sources, predicted, k, search_space, seen, order)
        warn_unseen(filled_all, family)
        return picks

    def transfer(
        self,
        task: Any,
        k: int = 8,
        *,
        family: str | None = None,
        search_space: Mapping[str, BaseDistribution] | None = None,
    ) -> TaskKnowledge:
        """The warm start (top ``k`` recommendations) and the past studies for a new study.

        The warm start is fitted to ``search_space`` when it is given (and mapped again by
        :meth:`TaskKnowledge.warm_start_for` onto whatever space the sampler meets); the past
        studies of the family become :attr:`TaskKnowledge.sources`, which
        :meth:`TaskKnowledge.prior_mean` weights by how well each ranks the new study's own
        observations (RGPE). A family without past studies (and no ``search_space`` for
        defaults) gives an empty transfer and an :class:`UnseenParameterWarning`. Arguments as
        in :meth:`recommend`.
        """
        meta, family = self._resolve(task, family)
        if not self.records_of(family) and search_space is None:
            warnings.warn(
                f"{self._unknown_family(family)} The study starts without transfer.",
                UnseenParameterWarning,
                stacklevel=2,
            )
            return TaskKnowledge([])
        top = self.recommend(meta, k, family=family, search_space=search_space)
        return TaskKnowledge([r.params for r in top], sources=tuple(self.records_of(family)))

    def _resolve(self, task: Any, family: str | None) -> tuple[dict[str, float], str]:
        if isinstance(task, Mapping):
            if family is None:
                raise InvalidParameterError(
                    "recommend() needs family= when given meta-features instead of a task; "
                    f"families in the knowledge base: {', '.join(self.families()) or 'none'}."
                )
            return {str(n): float(v) for n, v in task.items()}, family
        if not hasattr(task, "meta_features"):
            raise InvalidParameterError(
                "The 'task' parameter of recommend() must be a task with meta_features() or a "
                f"mapping of meta-features. Got {type(task).__name__} instead."
            )
        meta = {str(n): float(v) for n, v in task.meta_features().items()}
        return meta, family if family is not None else task_family(task)

    def _unknown_family(self, family: str) -> str:
        known = ", ".join(self.families()) or "none"
        return f"The knowledge base has no study of family {family!r}; families: {known}."


def learn_study(
    study: optuna.Study, description: dict[str, Any], path: str | os.PathLike[str] | None = None
) -> tuple[Path, Learned | None]:
    """Add a finished study to the knowledge-base file at ``path`` (default: :func:`default_path`).

    The description is also stored on the study (:data:`~smarttune.knowledge.TASK_ATTR`), so
    that :meth:`KnowledgeBase.from_storage` finds it later. The file is updated atomically
    under a lock, so that learners running at once each add their study.

    Returns:
        The file, and how the study joined (None when it has no completed trial): the name it
        has there, and whether it replaced an earlier record of the same study.

    Raises:
        DataError: If the existing file is not a valid knowledge base.
    """
    from smarttune.knowledge._describe import TASK_ATTR

    target = Path(path) if path is not None else default_path()
    study.set_user_attr(TASK_ATTR, description)
    record = record_from_study(study, description)
    return target, None if record is None else add_to_file(target, record)
