"""Losses: the value, dL/dy (y = network output) and dL/dz of the output layer.

``y`` and ``t`` are ``(batch, n_out)``; ``z`` is the output layer's pre-activation. Every
loss is a mean over the rows of the batch:

- ``mse``: ``mean over all elements of (y - t)^2`` (PyTorch's ``MSELoss``);
  ``dL/dy = 2 (y - t) / (batch * n_out)``.
- ``sse``: ``(1/batch) * sum 1/2 (t - y)^2``; ``dL/dy = (y - t) / batch``.
- ``bce``: binary cross-entropy of a sigmoid output, mean over all elements (PyTorch's
  ``BCELoss``), computed from the logits ``z`` as ``softplus(z) - t z`` (stable);
  fused ``dL/dz = (sigmoid(z) - t) / (batch * n_out)``.
- ``cross_entropy``: softmax + categorical cross-entropy, ``-(1/batch) sum t log softmax(z)``;
  fused ``dL/dz = (softmax(z) * sum_k t_k - t) / batch`` (``= (y - t)/batch`` for one-hot t).

For the fused pairs the output's ``dL/dy`` is still reported, by its own formula.

Each ``Loss`` record carries every fact about its loss: the formula, a help line for the
pages, the output activation it fuses with, the output activations a page offers with it,
the targets it accepts and which kinds of task (``TASKS``) it fits, so that a page reads
them (``losses_for_task``) instead of keeping its own table.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import KW_ONLY, dataclass

import numpy as np

from engine import checks
from engine.activations import log_softmax, softplus

TASKS = ("binary", "multiclass", "regression")  # the kinds of target a data set has


@dataclass(frozen=True)
class Loss:
    """A loss with its value and gradient.

    ``value(y, z, t)`` is the scalar loss; ``grad_output(y, z, t)`` is ``dL/dy``.
    ``fused_delta(y, z, t)``, when the loss fuses with its output activation, is ``dL/dz``
    computed directly (stabler than ``dL/dy * f'(z)``). ``output_activation`` names the only
    output activation the loss accepts (the one it fuses with), or is None when any
    elementwise one will do; ``outputs`` are the output activations a page offers with it
    (its first is the page's default). ``tasks`` are the kinds of data (``TASKS``) it fits;
    ``target_rule`` what ``check_targets`` asks of the targets.
    """

    name: str
    formula: str  # LaTeX, per sample
    value: Callable[[np.ndarray, np.ndarray, np.ndarray], float]
    grad_output: Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray]
    fused_delta: Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray] | None = None
    output_activation: str | None = None
    default_output: str = "linear"
    target_rule: str | None = None  # None, "probabilities" (0 <= t <= 1) or "distribution"
    _: KW_ONLY
    help: str
    outputs: tuple[str, ...]
    tasks: tuple[str, ...]

    def check_targets(self, t: np.ndarray) -> None:
        """Raise ValueError when targets ``t: (batch, n_out)`` make no sense for this loss."""
        if self.target_rule is None:
            return
        if t.min() < 0 or t.max() > 1:
            raise ValueError(f"targets for the {self.name} loss must lie between 0 and 1")
        if self.target_rule == "distribution" and not np.allclose(t.sum(axis=1), 1.0):
            rows = np.flatnonzero(~np.isclose(t.sum(axis=1), 1.0))
            raise ValueError(
                f"targets for cross_entropy must be one-hot (each row summing to 1); "
                f"row {rows[0]} sums to {t[rows[0]].sum():g}"
            )


def _bce_value(y: np.ndarray, z: np.ndarray, t: np.ndarray) -> float:
    return float(np.add.reduce(softplus(z) - t * z, axis=None)) / t.size


def _bce_grad_output(y: np.ndarray, z: np.ndarray, t: np.ndarray) -> np.ndarray:
    # dL/dy = (-t/y + (1-t)/(1-y)) / N, with 1/y = 1 + exp(-z) and 1/(1-y) = 1 + exp(z)
    # so that a saturated output (y rounded to 0 or 1) still gives the true value (which
    # may be +-inf for |z| > 709: the network evaluates losses under np.errstate).
    inv_y = 1.0 + np.exp(-z)
    inv_one_minus_y = 1.0 + np.exp(z)
    return (-t * inv_y + (1.0 - t) * inv_one_minus_y) / t.size


def _ce_grad_output(y: np.ndarray, z: np.ndarray, t: np.ndarray) -> np.ndarray:
    # dL/dy_k = -t_k / (batch * y_k); zero where t_k = 0 (even if y_k underflowed to 0).
    inv_y = np.exp(-log_softmax(z))
    return np.where(t != 0, -t * inv_y, 0.0) / t.shape[0]


ELEMENTWISE_OUTPUTS = ("sigmoid", "linear", "tanh")  # offered with mse and sse

LOSSES: dict[str, Loss] = {
    loss.name: loss
    for loss in [
        Loss(
            "mse",
            r"\frac{1}{K}\sum_k (y_k - t_k)^2",
            lambda y, z, t: float(np.mean((y - t) ** 2)),
            lambda y, z, t: 2.0 * (y - t) / t.size,
            help="mean squared error (PyTorch's MSELoss): twice sse's value and gradient for one output",
            outputs=ELEMENTWISE_OUTPUTS,
            tasks=TASKS,
        ),
        Loss(
            "sse",
            r"\frac{1}{2}\sum_k (t_k - y_k)^2",
            lambda y, z, t: float(0.5 * np.sum((t - y) ** 2) / t.shape[0]),
            lambda y, z, t: (y - t) / t.shape[0],
            help="half the summed squared error per sample (TF Playground's loss): dL/dy = y − t",
            outputs=ELEMENTWISE_OUTPUTS,
            tasks=TASKS,
        ),
        Loss(
            "bce",
            r"-\frac{1}{K}\sum_k \left[t_k \log y_k + (1 - t_k)\log(1 - y_k)\right]",
            _bce_value,
            _bce_grad_output,
            fused_delta=lambda y, z, t: (y - t) / t.size,
            output_activation="sigmoid",
            default_output="sigmoid",
            target_rule="probabilities",
            help="binary cross-entropy of a sigmoid output (0.693 at chance); fused: dL/dz = y − t",
            outputs=("sigmoid",),
            tasks=("binary",),
        ),
        Loss(
            "cross_entropy",
            r"-\sum_k t_k \log y_k",
            lambda y, z, t: float(-np.sum(t * log_softmax(z)) / t.shape[0]),
            _ce_grad_output,
            fused_delta=lambda y, z, t: (y * t.sum(axis=1, keepdims=True) - t) / t.shape[0],
            output_activation="softmax",
            default_output="softmax",
            target_rule="distribution",
            help="softmax + cross-entropy over classes (log K at chance); fused: dL/dz = y − t",
            outputs=("softmax",),
            tasks=("multiclass",),
        ),
    ]
}


def get_loss(name: str) -> Loss:
    """Look a loss up by name, with a ValueError that lists the valid names."""
    return LOSSES[checks.choice("loss", name, LOSSES)]


def losses_for_task(task: str) -> tuple[str, ...]:
    """The losses that fit a kind of data (``TASKS``), those fused with an output first (the
    default): ``binary`` -> bce, mse, sse; ``multiclass`` -> cross_entropy, mse, sse;
    ``regression`` -> mse, sse."""
    checks.choice("task", task, TASKS)
    fitting = [loss for loss in LOSSES.values() if task in loss.tasks]
    return tuple(loss.name for loss in sorted(fitting, key=lambda loss: loss.output_activation is None))
