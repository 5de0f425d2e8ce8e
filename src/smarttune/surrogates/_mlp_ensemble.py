"""The MetaLearner: a deep ensemble of small ReLU networks, in numpy, with warm starts."""

from __future__ import annotations

from typing import Any

import numpy as np

from smarttune._validation import (
    Constraint,
    Interval,
    Options,
    validate_parameter,
    validate_params,
)
from smarttune.exceptions import InvalidParameterError
from smarttune.surrogates._network import Adam, StackedMLP

__all__ = ["MetaLearner"]

FloatArray = np.ndarray[Any, np.dtype[np.float64]]

#: Floor of the predictive standard deviation, in units of the targets' standard deviation.
_STD_FLOOR = 1e-3


class _HiddenUnits(Constraint):
    """Non-empty tuples of positive ints (the widths of the hidden layers)."""

    def is_satisfied_by(self, value: Any) -> bool:
        return (
            isinstance(value, tuple)
            and len(value) > 0
            and all(isinstance(v, int) and not isinstance(v, bool) and v > 0 for v in value)
        )

    def __str__(self) -> str:
        return "a non-empty tuple of positive ints"


_PARAMS: dict[str, list[Constraint | None]] = {
    "n_members": [Interval(int, 1, None)],
    "hidden_units": [_HiddenUnits()],
    "epochs": [Interval(int, 1, None)],
    "learning_rate": [Interval(float, 0, None, closed="neither")],
    "batch_size": [Interval(int, 1, None)],
    "weight_decay": [Interval(float, 0, None)],
    "warm_start_steps": [Interval(int, 1, None)],
    "prior_scale": [Interval(float, 0, None)],
    "bootstrap": [Options((True, False))],
    "seed": [Interval(int, 0, None), None],
}


class MetaLearner:
    """A performance predictor over encoded configurations: a deep ensemble of small MLPs.

    Each of ``n_members`` networks (ReLU hidden layers, linear output) is trained with Adam on
    minibatches of standardized inputs and targets, with decoupled weight decay; members differ
    by their random initialisation and, with ``bootstrap``, by a bootstrap resample of the data
    (Lakshminarayanan et al., "Simple and Scalable Predictive Uncertainty Estimation using Deep
    Ensembles", NeurIPS 2017). With ``prior_scale > 0`` each member also carries a fixed random
    network added to its output, a *randomized prior function* (Osband et al., "Randomized Prior
    Functions for Deep Reinforcement Learning", NeurIPS 2018), which keeps members apart where
    there are no data, so that the ensemble spread grows away from the observations.

    All members are evaluated with one batched matrix product per layer, and :meth:`partial_fit`
    continues from the current weights for a fixed number of steps: this is what makes a refit
    every trial of a sampler affordable. The constructor only stores (and validates) arguments.

    Args:
        n_members: The number of networks in the ensemble.
        hidden_units: The widths of the hidden layers.
        epochs: Passes over the data in a cold :meth:`fit`.
        learning_rate: Adam's step size.
        batch_size: Minibatch size (capped at the number of observations).
        weight_decay: Decoupled weight decay coefficient (AdamW); biases are not decayed.
        warm_start_steps: Gradient steps of a warm :meth:`partial_fit`.
        prior_scale: Scale of the randomized prior functions, in units of the targets' standard
            deviation; 0 disables them.
        bootstrap: Whether each member trains on its own bootstrap resample.
        seed: Seed of the initial weights, resamples and minibatches; None for fresh entropy.

    Raises:
        InvalidParameterError: If an argument is outside its allowed set.

    Example:
        >>> rng = np.random.default_rng(0)
        >>> X = rng.random((50, 3))
        >>> model = MetaLearner(seed=0).fit(X, X.sum(axis=1))
        >>> mean, std = model.predict(X[:5])
        >>> draw = model.sample_posterior(X[:5], rng)  # one function, for Thompson sampling
        >>> model = model.partial_fit(X, X.sum(axis=1) + 0.1)  # warm start: a few steps
    """

    def __init__(
        self,
        *,
        n_members: int = 5,
        hidden_units: tuple[int, ...] = (32, 32),
        epochs: int = 100,
        learning_rate: float = 1e-2,
        batch_size: int = 32,
        weight_decay: float = 1e-4,
        warm_start_steps: int = 50,
        prior_scale: float = 0.5,
        bootstrap: bool = True,
        seed: int | None = None,
    ) -> None:
        self.n_members = n_members
        self.hidden_units = hidden_units
        self.epochs = epochs
        self.learning_rate = learning_rate
        self.batch_size = batch_size
        self.weight_decay = weight_decay
        self.warm_start_steps = warm_start_steps
        self.prior_scale = prior_scale
        self.bootstrap = bootstrap
        self.seed = seed
        validate_params(self.get_params(), _PARAMS, owner="MetaLearner")
        self._net: StackedMLP | None = None
        self._prior: StackedMLP | None = None
        self._adam: Adam | None = None
        self._rng = np.random.default_rng(seed)
        self._x_mean = self._x_scale = np.zeros(0)
        self._y_mean, self._y_scale = 0.0, 1.0
        self._n_meta = 0

    def get_params(self) -> dict[str, Any]:
        """Return the constructor arguments, so that a run can report what it used."""
        names = (
            "n_members", "hidden_units", "epochs", "learning_rate", "batch_size",
            "weight_decay", "warm_start_steps", "prior_scale", "bootstrap", "seed",
        )  # fmt: skip
        return {name: getattr(self, name) for name in names}

    @property
    def is_fitted(self) -> bool:
        """Whether :meth:`fit` has run, so that :meth:`predict` may be called."""
        return self._net is not None

    @property
    def n_features_in(self) -> int:
        """The input width the networks were fitted on (features plus meta-features)."""
        if self._net is None:
            raise InvalidParameterError("The MetaLearner is not fitted yet; call fit() first.")
        return self._net.sizes[0]

    def fit(
        self, X: FloatArray, y: FloatArray, meta_features: FloatArray | None = None
    ) -> MetaLearner:
        """Train fresh networks on ``(X, y)`` for :attr:`epochs` passes; return ``self``.

        Args:
            X: Features of the configurations, ``(n, d)``, finite, ``n >= 1``.
            y: Observed performances, ``(n,)``, finite; any scale (they are standardized).
            meta_features: Optional ``(n, m)`` descriptors of the task each row comes from,
                appended to the inputs (for cross-study meta-learning).

        Raises:
            InvalidParameterError: If the shapes disagree or a value is not finite.
        """
        self._rng = np.random.default_rng(self.seed)
        inputs, targets = self._check_xy(X, y, meta_features)
        self._n_meta = 0 if meta_features is None else np.shape(meta_features)[1]
        self._set_scalers(inputs, targets)
        sizes = (inputs.shape[1], *self.hidden_units, 1)
        self._net = StackedMLP(sizes, self.n_members, self._rng)
        self._prior = StackedMLP(sizes, self.n_members, self._rng) if self.prior_scale else None
        self._adam = Adam(self._net.theta.size, self.learning_rate, self.weight_decay)
        batch = min(self.batch_size, len(targets))
        n_steps = self.epochs * -(-len(targets) // batch)
        self._train(inputs, targets, n_steps)
        return self

    def partial_fit(
        self,
        X: FloatArray,
        y: FloatArray,
        meta_features: FloatArray | None = None,
        *,
        n_steps: int | None = None,
    ) -> MetaLearner:
        """Continue training from the current weights on (typically grown) data; return ``self``.

        The scalers are refitted to the new data and the networks rewritten so that they compute
        the same function as before; then ``n_steps`` (default :attr:`warm_start_steps`)
        minibatch steps run, whatever the number of observations, so that the cost of a refit
        does not grow with the data. Falls back to a cold :meth:`fit` when not fitted yet or
        when the input width changed. Arguments as in :meth:`fit`.
        """
        if n_steps is not None:
            validate_parameter("n_steps", n_steps, [Interval(int, 0, None)], owner="partial_fit()")
        inputs, targets = self._check_xy(X, y, meta_features)
        n_meta = 0 if meta_features is None else np.shape(meta_features)[1]
        if self._net is None or (self._net.sizes[0], self._n_meta) != (inputs.shape[1], n_meta):
            return self.fit(X, y, meta_features)
        self._rescale_to(inputs, targets)
        self._train(inputs, targets, self.warm_start_steps if n_steps is None else n_steps)
        return self

    def predict(
        self, X: FloatArray, meta_features: FloatArray | None = None
    ) -> tuple[FloatArray, FloatArray]:
        """Return the ensemble mean and standard deviation at ``X``, in the units of ``y``.

        The standard deviation is the spread of the members (epistemic uncertainty) with a
        floor of ``1e-3`` times the targets' standard deviation, so that it is never zero.

        Raises:
            InvalidParameterError: If not fitted, or if the input width differs from the fit's.
        """
        out = self._members_output(X, meta_features, slice(None))
        mean = out.mean(axis=0)
        std = np.sqrt(out.var(axis=0) + _STD_FLOOR**2)
        return self._y_mean + self._y_scale * mean, self._y_scale * std

    def sample_posterior(
        self, X: FloatArray, rng: np.random.Generator, meta_features: FloatArray | None = None
    ) -> FloatArray:
        """Return one draw of the posterior over functions, evaluated at every row of ``X``.

        The draw is one ensemble member picked uniformly with ``rng`` (ensemble sampling, Lu &
        Van Roy, "Ensemble Sampling", NeurIPS 2017), randomized prior included. No independent
        noise is added per row: Thompson sampling maximises a sampled *function*, and i.i.d.
        noise over thousands of candidates would make the argmax chase the noise.
        """
        member = int(rng.integers(self.n_members))
        out = self._members_output(X, meta_features, slice(member, member + 1))
        return np.asarray(self._y_mean + self._y_scale * out[0], dtype=float)

    def _members_output(
        self, X: FloatArray, meta_features: FloatArray | None, members: slice
    ) -> FloatArray:
        if self._net is None:
            raise InvalidParameterError("The MetaLearner is not fitted yet; call fit() first.")
        if (0 if meta_features is None else np.shape(meta_features)[1]) != self._n_meta:
            raise InvalidParameterError(
                f"The MetaLearner was fitted with {self._n_meta} meta-features; "
                f"predict() must be given as many."
            )
        inputs = _concat(X, meta_features)
        if inputs.shape[1] != self._net.sizes[0]:
            raise InvalidParameterError(
                f"X has {inputs.shape[1] - self._n_meta} columns; the MetaLearner was fitted "
                f"on {self._net.sizes[0] - self._n_meta}."
            )
        xs = (inputs - self._x_mean) / self._x_scale
        out = self._net.forward(xs, members)
        if self._prior is not None:
            out += self.prior_scale * self._prior.forward(xs, members)
        return out

    def _train(self, inputs: FloatArray, targets: FloatArray, n_steps: int) -> None:
        """Run ``n_steps`` minibatch steps; each member samples from its bootstrap resample.

        A member's target is the standardized ``y`` minus its prior network's output, so that
        the member (trained net plus prior) fits ``y``. The prior is evaluated on the minibatch
        only, which keeps a warm refit's cost independent of the number of observations.
        """
        assert self._net is not None
        assert self._adam is not None
        xs = (inputs - self._x_mean) / self._x_scale
        ys = (targets - self._y_mean) / self._y_scale
        n, m = len(xs), self.n_members
        rows = np.broadcast_to(np.arange(n), (m, n))
        if self.bootstrap and n > 1:
            rows = self._rng.integers(n, size=(m, n))
        picks = self._rng.integers(n, size=(n_steps, m, min(self.batch_size, n)))
        net, adam, prior = self._net, self._adam, self._prior
        for pick in picks:
            idx = np.take_along_axis(rows, pick, axis=1)
            xb, yb = xs[idx], ys[idx]
            if prior is not None:
                yb -= self.prior_scale * prior.forward(xb)
            net.backward(xb, yb)
            adam.step(net.theta, net.grad, net.decay_mask)

    def _check_xy(
        self, X: FloatArray, y: FloatArray, meta_features: FloatArray | None
    ) -> tuple[FloatArray, FloatArray]:
        inputs = _concat(X, meta_features)
        targets = np.asarray(y, dtype=float)
        if targets.shape != (inputs.shape[0],) or inputs.shape[0] == 0:
            raise InvalidParameterError(
                f"y must have shape (n,) with n = len(X) >= 1; got X of shape {np.shape(X)} "
                f"and y of shape {targets.shape}."
            )
        if not (np.isfinite(inputs).all() and np.isfinite(targets).all()):
            raise InvalidParameterError("X, y and meta_features must hold finite numbers only.")
        return inputs, targets

    def _set_scalers(self, inputs: FloatArray, targets: FloatArray) -> None:
        self._x_mean = inputs.mean(axis=0)
        self._x_scale = _safe_scale(inputs.std(axis=0))
        self._y_mean = float(targets.mean())
        self._y_scale = float(_safe_scale(np.atleast_1d(targets.std()))[0])

    def _rescale_to(self, inputs: FloatArray, targets: FloatArray) -> None:
        """Refit the scalers and rewrite the networks so that their function is unchanged."""
        assert self._net is not None
        old_xm, old_xs, old_ym, old_ys = self._x_mean, self._x_scale, self._y_mean, self._y_scale
        self._set_scalers(inputs, targets)
        shift, scale = (self._x_mean - old_xm) / old_xs, self._x_scale / old_xs
        ratio = old_ys / self._y_scale
        self._net.rescale_input(shift, scale)
        self._net.rescale_output(ratio, (old_ym - self._y_mean) / self._y_scale)
        if self._prior is not None:
            self._prior.rescale_input(shift, scale)
            self._prior.rescale_output(ratio, 0.0)


def _concat(X: FloatArray, meta_features: FloatArray | None) -> FloatArray:
    inputs = np.asarray(X, dtype=float)
    if inputs.ndim != 2:
        raise InvalidParameterError(f"X must be a 2-D array; got shape {inputs.shape}.")
    if meta_features is None:
        return inputs
    meta = np.asarray(meta_features, dtype=float)
    if meta.ndim != 2 or meta.shape[0] != inputs.shape[0]:
        raise InvalidParameterError(
            f"meta_features must have shape (len(X), m); got {meta.shape} for X {inputs.shape}."
        )
    return np.hstack([inputs, meta])


def _safe_scale(std: FloatArray) -> FloatArray:
    """Standard deviations with (near-)zero entries replaced by 1, to divide by."""
    return np.where(std > 1e-12, std, 1.0)
