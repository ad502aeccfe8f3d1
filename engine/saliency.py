"""Backpropagation of one image all the way to the input, and its first-layer weight gradient.

For one example ``x: (n_in,)`` with target ``y: (n_out,)`` (one-hot), ``explain(net, x, y)``
runs the network's public ``forward`` and ``backward`` on the batch of one and returns:

- ``probabilities (n_out,)``: the output ``a[L]`` (softmax probabilities for a classifier);
- ``delta0 (h1,)``: ``dL/dz[0]``, the first layer's delta for this example;
- ``input_grad (n_in,)``: ``dL/dx = delta[0] @ W[0].T`` (``Gradients.da[0]``), which pixels
  would change the loss, and in which direction;
- ``grad_W0 (n_in, h1)``: the example's gradient on the first layer's weights,
  ``a[0].T @ delta[0] = outer(x, delta0)``: column ``j`` (unit ``j``'s 64 weights) is the input
  image scaled by that unit's delta. A mini-batch's gradient is the mean of these (the loss is
  a mean over the batch).

Without batch norm in evaluation mode, the batch of one is exactly that example's loss. With
batch norm, ``forward`` uses the running statistics (``training=False``), so the example is
still judged alone.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine import checks
from engine.network import Network


@dataclass(frozen=True)
class Explanation:
    """One example's forward and backward pass (see the module docstring for the shapes)."""

    x: np.ndarray
    target: np.ndarray
    probabilities: np.ndarray
    loss: float
    delta0: np.ndarray
    input_grad: np.ndarray
    grad_W0: np.ndarray

    @property
    def predicted(self) -> int:
        return int(np.argmax(self.probabilities))

    def top(self, k: int = 3) -> list[tuple[int, float]]:
        """The ``k`` most probable classes, ``(class, probability)`` most probable first."""
        order = np.argsort(-self.probabilities, kind="stable")[:k]
        return [(int(c), float(self.probabilities[c])) for c in order]


def one_hot(label: int, n_classes: int) -> np.ndarray:
    """``(n_classes,)`` float64 with a 1 at ``label``; ValueError if ``label`` is out of range."""
    if not checks.is_integer(label, 0, n_classes - 1):
        raise ValueError(f"label must be an integer in 0..{n_classes - 1}, got {label!r}")
    out = np.zeros(n_classes)
    out[int(label)] = 1.0
    return out


def explain(net: Network, x, target) -> Explanation:
    """Forward and backward for one example ``x (n_in,)`` with target ``target (n_out,)``."""
    x = np.asarray(x, dtype=np.float64).reshape(-1)
    target = np.asarray(target, dtype=np.float64).reshape(-1)
    if x.shape != (net.sizes[0],):
        raise ValueError(f"x must have {net.sizes[0]} values, got {x.size}")
    trace = net.forward(x[None, :])
    grads = net.backward(trace, target[None, :])
    return Explanation(
        x=x,
        target=target,
        probabilities=trace.output[0].copy(),
        loss=float(grads.loss),
        delta0=grads.delta[0][0].copy(),
        input_grad=grads.da[0][0].copy(),
        grad_W0=grads.grad_W[0].copy(),
    )


def input_gradient(net: Network, x, target) -> np.ndarray:
    """``dL/dx (n_in,)`` for one example: ``delta[0] @ W[0].T``."""
    return explain(net, x, target).input_grad


def example_weight_gradients(net: Network, X, Y) -> np.ndarray:
    """Every example's own first-layer gradient, ``(batch, n_in, h1)``: ``outer(x_i, delta_i)``,
    with ``delta_i`` the row of ``dL/dz[0]`` of the batch's backward pass times ``batch`` (the
    batch loss is a mean, so its ``grad_W[0]`` is the mean of these)."""
    X = np.asarray(X, dtype=np.float64)
    trace = net.forward(X)
    delta = net.backward(trace, Y).delta[0] * X.shape[0]
    return np.einsum("bi,bj->bij", X, delta)
