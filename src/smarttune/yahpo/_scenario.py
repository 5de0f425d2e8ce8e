"""A YAHPO Gym scenario read straight from its files with onnxruntime.

A configuration is encoded as yahpo-gym 1.0.2 does (``BenchmarkSet._config_to_xs``): the
continuous inputs are the raw values in the scenario's column order (an inactive parameter is
0), the categorical inputs are the integer codes of ``encoding.json`` (an inactive one is the
code of ``"#na#"``); the surrogate (``model.onnx``) takes ``x_cat`` (int32) and ``x_cont``
(float32) and returns every target at once.
"""

from __future__ import annotations

import functools
import json
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from smarttune._imports import optional_import
from smarttune.exceptions import DataError, InvalidParameterError
from smarttune.yahpo._meta import SCENARIOS, ScenarioMeta
from smarttune.yahpo._space import Param, SearchSpace, parse_space

if TYPE_CHECKING:
    import numpy as np

__all__ = ["DATA_DIR_ENV", "Scenario", "load_scenario", "resolve_data_dir"]

#: The environment variable naming the directory that holds the scenario folders.
DATA_DIR_ENV = "SMARTTUNE_YAHPO_DIR"
_SPLITS = ("dev", "test")


def resolve_data_dir(data_dir: str | os.PathLike[str] | None = None) -> Path:
    """The YAHPO data directory: ``data_dir``, else ``$SMARTTUNE_YAHPO_DIR``.

    Raises:
        DataError: If neither names an existing directory.
    """
    chosen = data_dir if data_dir is not None else os.environ.get(DATA_DIR_ENV)
    if not chosen:
        raise DataError(f"No YAHPO Gym data directory: pass data_dir= or set {DATA_DIR_ENV}.")
    path = Path(chosen).expanduser()
    if not path.is_dir():
        raise DataError(f"The YAHPO Gym data directory {str(path)!r} does not exist.")
    return path.resolve()


def load_scenario(name: str, data_dir: str | os.PathLike[str] | None = None) -> Scenario:
    """Load (once per process and directory) the scenario ``name``.

    Args:
        name: ``"lcbench"``, ``"rbv2_xgboost"`` or ``"rbv2_rpart"``.
        data_dir: The directory holding the scenario folders (default: ``$SMARTTUNE_YAHPO_DIR``).

    Raises:
        InvalidParameterError: If ``name`` is not a supported scenario.
        DataError: If the data directory or the scenario's files are missing.
    """
    if name not in SCENARIOS:
        raise InvalidParameterError(
            f"The 'scenario' parameter must be one of {sorted(SCENARIOS)}. Got {name!r} instead."
        )
    return _load(name, resolve_data_dir(data_dir))


@functools.lru_cache(maxsize=16)
def _load(name: str, root: Path) -> Scenario:
    return Scenario(SCENARIOS[name], root)


class Scenario:
    """One scenario: its space, instances, splits and surrogate.

    Args:
        meta: The scenario's layout.
        root: The data directory holding the scenario folder and ``splits.json``.
    """

    def __init__(self, meta: ScenarioMeta, root: Path) -> None:
        self.meta = meta
        self.root = root
        folder = root / meta.name
        document = _read_json(folder / "config_space.json")
        self.encoding: dict[str, dict[str, int]] = _read_json(folder / "encoding.json")
        self.model_path = folder / "model.onnx"
        if not self.model_path.is_file():
            raise DataError(f"The YAHPO Gym surrogate {str(self.model_path)!r} is missing.")
        skip = (meta.instance_param, *(name for name, _ in meta.fidelity))
        self.space = SearchSpace(parse_space(document, skip=skip))
        instance = next(h for h in document["hyperparameters"] if h["name"] == meta.instance_param)
        self._instances = tuple(str(choice) for choice in instance["choices"])
        self._session: Any = None

    @property
    def name(self) -> str:
        """The scenario's name."""
        return self.meta.name

    @property
    def targets(self) -> tuple[str, ...]:
        """Every target the surrogate predicts, in output order."""
        return self.meta.targets

    @property
    def target(self) -> str:
        """The usual target (maximized)."""
        return self.meta.target

    def minimize(self, target: str) -> bool:
        """Whether lower is better for ``target``."""
        return self.meta.minimize[self.meta.targets.index(target)]

    def instances(self, split: str | None = None) -> list[str]:
        """The instances (OpenML task ids): all, or those of ``split`` (``"dev"``, ``"test"``).

        Raises:
            InvalidParameterError: If ``split`` is not ``"dev"``, ``"test"`` or None.
        """
        if split is None:
            return list(self._instances)
        if split not in _SPLITS:
            raise InvalidParameterError(
                f"The 'split' parameter must be 'dev', 'test' or None. Got {split!r} instead."
            )
        splits = _read_json(self.root / "splits.json")
        return [str(instance) for instance in splits[self.name][split]]

    def full_fidelity(self, fraction: float = 1.0) -> dict[str, float]:
        """The fidelity parameters at ``fraction`` of the full budget (repl stays at its full)."""
        values = dict(self.meta.fidelity)
        full = values[self.meta.fidelity_param]
        if self.meta.fidelity_param == "epoch":
            values["epoch"] = float(max(1, round(fraction * full)))
        else:
            values[self.meta.fidelity_param] = max(0.03, fraction * full)
        return values

    def evaluate(
        self,
        configs: Sequence[Mapping[str, Any]],
        instance: str,
        *,
        fidelity: Mapping[str, float] | None = None,
    ) -> dict[str, np.ndarray]:
        """Predict every target of ``configs`` on ``instance``.

        Args:
            configs: Configurations (inactive conditional parameters left out).
            instance: An instance of :meth:`instances`.
            fidelity: Fidelity parameters (default: the full budget); a configuration's own
                fidelity values take precedence.

        Returns:
            Each target's predictions, one per configuration.

        Raises:
            InvalidParameterError: If the instance or a parameter value is not allowed.
        """
        import numpy as np

        x_cont, x_cat = self.encode(configs, instance, fidelity=fidelity)
        outputs = self._run(x_cat, x_cont)
        return {name: np.asarray(outputs[:, i], dtype=float) for i, name in enumerate(self.targets)}

    def evaluate_one(
        self,
        config: Mapping[str, Any],
        instance: str,
        *,
        fidelity: Mapping[str, float] | None = None,
    ) -> dict[str, float]:
        """Every target of one configuration, as floats."""
        values = self.evaluate([config], instance, fidelity=fidelity)
        return {name: float(column[0]) for name, column in values.items()}

    def encode(
        self,
        configs: Sequence[Mapping[str, Any]],
        instance: str,
        *,
        fidelity: Mapping[str, float] | None = None,
    ) -> tuple[np.ndarray, np.ndarray]:
        """The surrogate's inputs ``(x_cont, x_cat)`` for ``configs`` (see the module doc)."""
        import numpy as np

        if str(instance) not in self._instances:
            raise InvalidParameterError(
                f"The 'instance' parameter must be one of the {len(self._instances)} instances "
                f"of {self.name} (Scenario.instances()). Got {instance!r} instead."
            )
        base: dict[str, Any] = {**dict(self.meta.fidelity), **dict(fidelity or {})}
        base[self.meta.instance_param] = str(instance)
        rows = [self._complete(config, base) for config in configs]
        x_cont = np.array([[row[n] for n in self.meta.cont_names] for row in rows], np.float32)
        x_cat = np.array([[row[n] for n in self.meta.cat_names] for row in rows], np.int32)
        return x_cont.reshape(len(rows), -1), x_cat.reshape(len(rows), -1)

    def _complete(self, config: Mapping[str, Any], base: Mapping[str, Any]) -> dict[str, Any]:
        """One configuration with every input filled: codes for categoricals, 0 if inactive."""
        merged = {**base, **config}
        row: dict[str, Any] = {name: merged[name] for name, _ in self.meta.fidelity}
        for param in self.space.params:
            active = self.space.is_active(param, merged)
            row[param.name] = _checked(param, merged.get(param.name) if active else None)
        for name in self.meta.cat_names:
            value = row.get(name, merged.get(name))
            row[name] = self.encoding[name]["#na#" if value is None else str(value)]
        for name in self.meta.cont_names:
            row[name] = 0.0 if row.get(name) is None else float(row[name])
        return row

    def _run(self, x_cat: np.ndarray, x_cont: np.ndarray) -> np.ndarray:
        import numpy as np

        if self._session is None:
            ort = optional_import("onnxruntime", extra="yahpo", purpose="the YAHPO Gym tasks")
            options = ort.SessionOptions()
            options.intra_op_num_threads = 1
            options.inter_op_num_threads = 1
            self._session = ort.InferenceSession(
                str(self.model_path), sess_options=options, providers=["CPUExecutionProvider"]
            )
        inputs = {"x_cat": x_cat, "x_cont": x_cont}
        return np.asarray(self._session.run(None, inputs)[0])

    def __repr__(self) -> str:
        return f"Scenario({self.name!r}, root={str(self.root)!r})"


def _checked(param: Param, value: Any) -> Any:
    """``value`` if ``param`` allows it (None stays None: inactive or left out)."""
    if value is None:
        return None
    if param.kind == "categorical":
        allowed = str(value) in param.choices
        described = f"one of {list(param.choices)}"
    else:
        allowed = param.low <= float(value) <= param.high
        described = f"in the range [{param.low:g}, {param.high:g}]"
    if not allowed:
        raise InvalidParameterError(
            f"The {param.name!r} parameter must be {described}. Got {value!r} instead."
        )
    return value


def _read_json(path: Path) -> Any:
    if not path.is_file():
        raise DataError(f"The YAHPO Gym file {str(path)!r} is missing.")
    return json.loads(path.read_text(encoding="utf-8"))
