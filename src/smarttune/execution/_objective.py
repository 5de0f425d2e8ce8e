"""An objective named by its OBJECTIVE spec, loaded in whichever process runs the trial."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from smarttune.objectives import load_objective

if TYPE_CHECKING:
    from collections.abc import Callable

    import optuna

__all__ = ["ObjectiveSpec"]


class ObjectiveSpec:
    """A picklable objective: an OBJECTIVE spec, loaded on first call in each process.

    A function defined in a script cannot be pickled by reference into another process; its
    spec (``path/to/file.py:function``, ``package.module:function`` or a built-in task name)
    can. Worker processes, Ray tasks and ``smarttune worker`` load it themselves.

    Args:
        spec: The OBJECTIVE spec (see :func:`smarttune.objectives.load_objective`).
        seed: For a built-in task, the seed of its splits and training.
        device: For a neural-network task, ``"auto"``, ``"cpu"`` or ``"cuda"``.
    """

    def __init__(self, spec: str, *, seed: int | None = None, device: str | None = None) -> None:
        self.spec = _absolute(spec)
        self.seed = seed
        self.device = device
        self._loaded: Callable[[optuna.Trial], float] | None = None

    def __call__(self, trial: optuna.Trial) -> float:
        if self._loaded is None:
            self._loaded = load_objective(self.spec, seed=self.seed, device=self.device).function
        return self._loaded(trial)

    def to_dict(self) -> dict[str, Any]:
        """The spec as JSON, as stored in the study's ``smarttune:objective`` attribute."""
        return {"spec": self.spec, "seed": self.seed, "device": self.device}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ObjectiveSpec:
        """The inverse of :meth:`to_dict`."""
        return cls(str(data["spec"]), seed=data.get("seed"), device=data.get("device"))

    def __getstate__(self) -> dict[str, Any]:
        return self.to_dict()

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(state["spec"], seed=state.get("seed"), device=state.get("device"))  # type: ignore[misc]

    def __repr__(self) -> str:
        return f"ObjectiveSpec({self.spec!r}, seed={self.seed!r}, device={self.device!r})"


def _absolute(spec: str) -> str:
    """``file.py:function`` with the file made absolute, so other working directories work."""
    target, colon, attribute = spec.rpartition(":")
    if colon and (target.endswith(".py") or "/" in target or "\\" in target):
        return f"{Path(target).expanduser().resolve()}:{attribute}"
    return spec
