"""A stack of small ReLU networks trained together: batched forward, backward and Adam.

The ``M`` members of an ensemble share one architecture, so their weights are stacked into 3-D
arrays (``(M, fan_in, fan_out)``) and every layer of every member is one batched matrix product.
All parameters live in one flat buffer (the arrays are views into it), so an optimiser step is a
handful of vector operations whatever the depth of the networks.
"""

from __future__ import annotations

from itertools import pairwise
from typing import Any

import numpy as np

__all__ = ["Adam", "StackedMLP"]

FloatArray = np.ndarray[Any, np.dtype[np.float64]]


class StackedMLP:
    """``M`` multilayer perceptrons with ReLU hidden layers and one linear output each.

    Hidden layers use He initialisation (He et al., 2015), the output layer LeCun's; biases start
    at zero.

    Args:
        sizes: Layer widths from the input to the output, e.g. ``(d, 32, 32, 1)``.
        n_members: The number of stacked networks ``M``.
        rng: The generator the initial weights are drawn from.
    """

    def __init__(self, sizes: tuple[int, ...], n_members: int, rng: np.random.Generator) -> None:
        self.sizes = sizes
        self.n_members = n_members
        shapes = [(n_members, a, b) for a, b in pairwise(sizes)]
        n_weights = sum(m * a * b for m, a, b in shapes)
        n_biases = sum(m * b for m, _, b in shapes)
        self.theta = np.zeros(n_weights + n_biases)
        self.grad = np.zeros_like(self.theta)
        #: 1.0 on weights and 0.0 on biases: weight decay applies to weights only.
        self.decay_mask = np.zeros_like(self.theta)
        self.decay_mask[:n_weights] = 1.0
        self.weights, self.biases = _views(self.theta, shapes)
        self.grad_weights, self.grad_biases = _views(self.grad, shapes)
        for i, w in enumerate(self.weights):
            gain = 1.0 if i == len(self.weights) - 1 else 2.0
            w[...] = rng.normal(0.0, np.sqrt(gain / w.shape[1]), size=w.shape)

    def forward(self, x: FloatArray, members: slice | None = None) -> FloatArray:
        """Return the outputs ``(M, n)`` of every member (or of ``members``) at inputs ``x``.

        Args:
            x: Inputs, either shared ``(n, p)`` or one batch per member ``(M, n, p)``.
            members: Restrict the evaluation to a slice of the members.
        """
        sel = slice(None) if members is None else members
        a = x
        last = len(self.weights) - 1
        for i, (w, b) in enumerate(zip(self.weights, self.biases, strict=True)):
            a = np.matmul(a, w[sel]) + b[sel]
            if i < last:
                np.maximum(a, 0.0, out=a)
        return a[..., 0]

    def backward(self, x: FloatArray, y: FloatArray) -> FloatArray:
        """Fill :attr:`grad` with the gradient of the half mean squared error; return the error.

        Args:
            x: One batch per member, ``(M, B, p)``.
            y: The targets, ``(M, B)``.

        Returns:
            The residuals ``(M, B)`` (prediction minus target).
        """
        activations = [x]
        last = len(self.weights) - 1
        for i, (w, b) in enumerate(zip(self.weights, self.biases, strict=True)):
            z = np.matmul(activations[-1], w) + b
            activations.append(np.maximum(z, 0.0) if i < last else z)
        residual = activations[-1][..., 0] - y
        delta = residual[..., None] / x.shape[1]
        for i in range(last, -1, -1):
            a_in = activations[i]
            np.matmul(a_in.transpose(0, 2, 1), delta, out=self.grad_weights[i])
            self.grad_biases[i][...] = delta.sum(axis=1, keepdims=True)
            if i > 0:
                delta = np.matmul(delta, self.weights[i].transpose(0, 2, 1))
                delta *= a_in > 0.0
        return residual

    def rescale_input(self, shift: FloatArray, scale: FloatArray) -> None:
        """Compose the first layer with ``x -> x * scale + shift`` (function preserving).

        After the call, feeding ``x`` gives what feeding ``x * scale + shift`` gave before.
        """
        w, b = self.weights[0], self.biases[0]
        b += np.matmul(shift[None, None, :], w)
        w *= scale[None, :, None]

    def rescale_output(self, scale: float, shift: float) -> None:
        """Compose the output with ``o -> o * scale + shift``."""
        self.weights[-1] *= scale
        self.biases[-1] *= scale
        self.biases[-1] += shift


class Adam:
    """Adam with decoupled weight decay (AdamW) over a flat parameter buffer.

    References: Kingma & Ba, "Adam: A Method for Stochastic Optimization", ICLR 2015;
    Loshchilov & Hutter, "Decoupled Weight Decay Regularization", ICLR 2019.

    Args:
        size: The number of parameters.
        learning_rate: The step size.
        weight_decay: The decoupled decay coefficient (multiplied by the learning rate).
    """

    beta1 = 0.9
    beta2 = 0.999
    eps = 1e-8

    def __init__(self, size: int, learning_rate: float, weight_decay: float) -> None:
        self.learning_rate = learning_rate
        self.weight_decay = weight_decay
        self.m = np.zeros(size)
        self.v = np.zeros(size)
        self.t = 0

    def step(self, theta: FloatArray, grad: FloatArray, decay_mask: FloatArray) -> None:
        """Update ``theta`` in place from ``grad``."""
        self.t += 1
        self.m *= self.beta1
        self.m += (1.0 - self.beta1) * grad
        self.v *= self.beta2
        self.v += (1.0 - self.beta2) * grad * grad
        lr_t = self.learning_rate * np.sqrt(1.0 - self.beta2**self.t) / (1.0 - self.beta1**self.t)
        if self.weight_decay:
            theta -= (self.learning_rate * self.weight_decay) * decay_mask * theta
        theta -= lr_t * self.m / (np.sqrt(self.v) + self.eps)


def _views(
    buffer: FloatArray, shapes: list[tuple[int, int, int]]
) -> tuple[list[FloatArray], list[FloatArray]]:
    """Carve ``buffer`` into weight arrays (all first) then bias arrays ``(M, 1, fan_out)``."""
    weights, biases, offset = [], [], 0
    for m, a, b in shapes:
        weights.append(buffer[offset : offset + m * a * b].reshape(m, a, b))
        offset += m * a * b
    for m, _, b in shapes:
        biases.append(buffer[offset : offset + m * b].reshape(m, 1, b))
        offset += m * b
    return weights, biases
