"""Parameters as plottable axes: their kinds and scales, and each trial's value as a number."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import optuna

    from smarttune.report._study_data import TrialRecord

__all__ = ["ParamSpec", "param_specs", "param_values", "spec_from_distribution"]


@dataclass(frozen=True)
class ParamSpec:
    """How to draw one parameter.

    Attributes:
        name: The parameter's name.
        kind: ``"float"``, ``"int"`` or ``"categorical"``.
        log: Whether the parameter is searched on a log scale.
        low: The lower bound (the first choice's index for a categorical).
        high: The upper bound (the last choice's index for a categorical).
        choices: A categorical's choices as text, in their order; empty otherwise.
    """

    name: str
    kind: str
    log: bool
    low: float
    high: float
    choices: tuple[str, ...] = ()

    def position(self, value: Any) -> float | None:
        """The value as a number on this parameter's axis (a choice's index), else None."""
        if value is None:
            return None
        if self.kind == "categorical":
            text = str(value)
            return float(self.choices.index(text)) if text in self.choices else None
        try:
            return float(value)
        except (TypeError, ValueError):
            return None


def spec_from_distribution(name: str, distribution: Any) -> ParamSpec:
    """Describe an Optuna distribution (float, int or categorical) as a :class:`ParamSpec`."""
    choices = getattr(distribution, "choices", None)
    if choices is not None:
        labels = tuple(str(c) for c in choices)
        return ParamSpec(name, "categorical", False, 0.0, float(len(labels) - 1), labels)
    kind = "int" if type(distribution).__name__.startswith("Int") else "float"
    return ParamSpec(
        name, kind, bool(distribution.log), float(distribution.low), float(distribution.high)
    )


def param_specs(study: optuna.Study) -> list[ParamSpec]:
    """The parameters of a study's finished trials, by name.

    A parameter's first-seen distribution wins when a dynamic search space changed it (a
    categorical gathers every choice seen).
    """
    found: dict[str, ParamSpec] = {}
    for trial in study.get_trials(deepcopy=False):
        if not trial.state.is_finished():
            continue
        for name, distribution in trial.distributions.items():
            spec = spec_from_distribution(name, distribution)
            known = found.get(name)
            if known is None:
                found[name] = spec
            elif known.kind == spec.kind == "categorical":
                extra = tuple(c for c in spec.choices if c not in known.choices)
                if extra:
                    merged = known.choices + extra
                    found[name] = ParamSpec(name, "categorical", False, 0, len(merged) - 1, merged)
    return [found[name] for name in sorted(found)]


def param_values(records: Sequence[TrialRecord], spec: ParamSpec) -> list[float | None]:
    """Each record's value of ``spec`` as a number on its axis (None where it is absent)."""
    return [spec.position(record.params.get(spec.name)) for record in records]
