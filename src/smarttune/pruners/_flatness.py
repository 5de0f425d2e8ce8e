"""Gradient-flatness early stopping: stop when a learning curve has stopped improving.

The rule belongs to the family of stopping criteria compared by Prechelt (L. Prechelt, "Early
stopping — but when?", in *Neural Networks: Tricks of the Trade*, LNCS 1524, Springer, 1998),
which judge progress over a *strip* of the last few values rather than over one step. Here the
progress over the strip is the slope of a least-squares line, made scale-free.

The rule, for the values ``v_1 .. v_n`` seen so far (one value per check; step numbers are not
used, only the order):

1. No check happens while ``n < max(window, min_steps)`` (warm-up).
2. Fit the least-squares line ``v ≈ a + b·i`` to the last ``window`` values, ``i = 0 .. window-1``.
3. Normalise the slope into an improvement rate ``r = s · b / scale``, where ``s`` is ``-1``
   when minimizing (a loss) and ``+1`` when maximizing (an accuracy), so ``r > 0`` means
   improving. ``scale`` is, with ``R = max(v_1..v_n) - min(v_1..v_n)`` (the progress made so
   far) and ``M`` the mean of ``|v|`` over the window: ``R`` for ``scale="range"``, ``M`` for
   ``scale="mean"`` (a relative change per step) and ``max(R, M)`` for ``scale="max"``, which
   neither calls a curve that never moved (tiny ``R``) improving nor a loss still halving
   near zero (tiny ``M``) flat. A zero ``scale`` (a constant zero curve) gives ``r = 0``.
4. The check is *flat* when ``r < threshold``; a worsening curve (``r < 0``) is flat too.
5. Stop once ``patience`` consecutive checks are flat; a check that is not flat resets the count.
   A non-finite value (a diverged loss) stops at once.

``window`` averages out noise within a strip and ``patience`` requires it to persist across
strips, so a noisy plateau stops while a noisy but improving curve does not.
"""

from __future__ import annotations

import math
import numbers
from collections import deque
from typing import TYPE_CHECKING

import numpy as np
from optuna.pruners import BasePruner
from optuna.study import StudyDirection

from smarttune._validation import Constraint, InstanceOf, Interval, Options, validate_params

if TYPE_CHECKING:
    from optuna.study import Study
    from optuna.trial import FrozenTrial

__all__ = ["GradientEarlyStopping", "GradientFlatnessPruner"]

_RULE_CONSTRAINTS: dict[str, list[Constraint | None]] = {
    "window": [Interval(int, 2, None)],
    "threshold": [Interval(float, 0, None)],
    "patience": [Interval(int, 1, None)],
    "min_steps": [Interval(int, 0, None)],
    "scale": [Options(("max", "range", "mean"))],
}


class GradientEarlyStopping:
    """A callback for any training loop: ``update(value)`` says when the curve has flattened.

    The rule is stated in full in the module docstring: the least-squares slope of the last
    ``window`` values, normalised by ``scale`` and signed by ``direction``, must stay below
    ``threshold`` for ``patience`` consecutive checks.

    Example:
        >>> stopper = GradientEarlyStopping(direction="minimize", window=3, patience=1)
        >>> [stopper.update(v) for v in (1.0, 0.5, 0.3, 0.3, 0.3)]
        [False, False, False, False, True]

    Args:
        direction: ``"minimize"`` for a loss, ``"maximize"`` for an accuracy.
        window: How many of the last values the line is fitted to.
        threshold: The improvement rate (see ``scale``) below which a check is flat.
        patience: Consecutive flat checks needed to stop.
        min_steps: Values to see before the first check (checks also wait for ``window``).
        scale: What the slope is divided by: ``"max"``, ``"range"`` or ``"mean"`` (see the
            module docstring).
    """

    def __init__(
        self,
        *,
        direction: str = "minimize",
        window: int = 5,
        threshold: float = 0.01,
        patience: int = 2,
        min_steps: int = 0,
        scale: str = "max",
    ) -> None:
        validate_params(
            {
                "direction": direction,
                "window": window,
                "threshold": threshold,
                "patience": patience,
                "min_steps": min_steps,
                "scale": scale,
            },
            {"direction": [Options(("minimize", "maximize"))], **_RULE_CONSTRAINTS},
            owner=type(self).__name__,
        )
        self.direction = direction
        self.window = window
        self.threshold = float(threshold)
        self.patience = patience
        self.min_steps = min_steps
        self.scale = scale
        self.reset()

    def reset(self) -> None:
        """Forget every value seen, as for a new training run."""
        self._recent: deque[float] = deque(maxlen=self.window)
        self._low = math.inf
        self._high = -math.inf
        self.n_updates = 0
        self.n_flat = 0
        self.last_rate: float | None = None
        self.should_stop = False

    def update(self, value: float) -> bool:
        """Add the next value of the curve; return True when training should stop.

        Once True, it stays True until :meth:`reset`.

        Raises:
            InvalidParameterError: If ``value`` is not a real number.
        """
        validate_params({"value": value}, {"value": [InstanceOf(numbers.Real)]}, owner="update()")
        value = float(value)
        self.n_updates += 1
        if self.should_stop:
            return True
        if not math.isfinite(value):
            self.should_stop = True
            return True
        self._recent.append(value)
        self._low, self._high = min(self._low, value), max(self._high, value)
        if self.n_updates < max(self.window, self.min_steps):
            return False
        self.last_rate = self._improvement_rate()
        self.n_flat = self.n_flat + 1 if self.last_rate < self.threshold else 0
        self.should_stop = self.n_flat >= self.patience
        return self.should_stop

    def _improvement_rate(self) -> float:
        values = np.asarray(self._recent, dtype=np.float64)
        steps = np.arange(len(values), dtype=np.float64) - (len(values) - 1) / 2
        slope = float(steps @ (values - values.mean()) / (steps @ steps))
        spread, magnitude = self._high - self._low, float(np.abs(values).mean())
        scale = {"range": spread, "mean": magnitude, "max": max(spread, magnitude)}[self.scale]
        if scale <= 0.0:
            return 0.0
        sign = -1.0 if self.direction == "minimize" else 1.0
        return sign * slope / scale

    def __repr__(self) -> str:
        return (
            f"GradientEarlyStopping(direction={self.direction!r}, window={self.window}, "
            f"threshold={self.threshold}, patience={self.patience}, "
            f"min_steps={self.min_steps}, scale={self.scale!r})"
        )


class GradientFlatnessPruner(BasePruner):
    """Prune a trial whose intermediate values have flattened: its curve will not improve.

    At each ``trial.should_prune()`` the pruner replays the trial's intermediate values, in
    step order, through :class:`GradientEarlyStopping` with the study's direction, and prunes
    when the rule of the module docstring says stop. It keeps no state of its own, so workers
    sharing a storage agree.

    Unlike Optuna's median or successive-halving pruners, this pruner does not compare trials:
    it stops a trial once more training would not change its score, whether the score is good
    or bad. Optuna keeps a pruned trial's last intermediate value (samplers such as TPE use it),
    but ``study.best_trial`` considers COMPLETE trials only; to stop training and still
    complete the trial, call :class:`GradientEarlyStopping` inside the objective instead.

    Args:
        window: How many of the last intermediate values the line is fitted to.
        threshold: The improvement rate below which a check is flat.
        patience: Consecutive flat checks needed to prune.
        min_steps: Intermediate values to see before the first check.
        scale: ``"max"``, ``"range"`` or ``"mean"``, as for :class:`GradientEarlyStopping`.
    """

    def __init__(
        self,
        *,
        window: int = 5,
        threshold: float = 0.01,
        patience: int = 2,
        min_steps: int = 0,
        scale: str = "max",
    ) -> None:
        validate_params(
            {
                "window": window,
                "threshold": threshold,
                "patience": patience,
                "min_steps": min_steps,
                "scale": scale,
            },
            _RULE_CONSTRAINTS,
            owner=type(self).__name__,
        )
        self.window = window
        self.threshold = float(threshold)
        self.patience = patience
        self.min_steps = min_steps
        self.scale = scale

    def prune(self, study: Study, trial: FrozenTrial) -> bool:
        """Return whether the trial's intermediate-value curve has flattened."""
        stopper = GradientEarlyStopping(
            direction="maximize" if study.direction == StudyDirection.MAXIMIZE else "minimize",
            window=self.window,
            threshold=self.threshold,
            patience=self.patience,
            min_steps=self.min_steps,
            scale=self.scale,
        )
        values = trial.intermediate_values
        stop = False
        for step in sorted(values):
            stop = stopper.update(values[step])
        return stop

    def __repr__(self) -> str:
        return (
            f"GradientFlatnessPruner(window={self.window}, threshold={self.threshold}, "
            f"patience={self.patience}, min_steps={self.min_steps}, scale={self.scale!r})"
        )
