"""Named activation functions, each with its value and its derivative side by side.

Every function takes the pre-activation ``z`` (any shape, float64) and is computed so that
no finite input overflows or warns. ``derivative(z, a)`` is ``f'(z)`` evaluated
elementwise; it receives ``a = f(z)`` as well, because for several functions (sigmoid,
tanh, elu) the derivative is cheapest in terms of the output.

Softmax is the one non-elementwise output: it is only allowed together with the
cross-entropy loss, which differentiates it jointly (see ``losses.py``), so it has no
elementwise derivative here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

_SQRT_2_OVER_PI = np.sqrt(2.0 / np.pi)
_GELU_CUBIC = 0.044715
# Beyond |z| = 20 the tanh inside GELU is exactly +-1 in float64, so clipping there keeps
# z**3 from overflowing without changing any value.
_GELU_CLIP = 20.0
LEAKY_RELU_SLOPE = 0.01
ELU_ALPHA = 1.0


@dataclass(frozen=True)
class Activation:
    """An activation ``a = f(z)`` with its derivative ``f'(z)``."""

    name: str
    formula: str  # LaTeX, for display
    function: Callable[[np.ndarray], np.ndarray]
    derivative: Callable[[np.ndarray, np.ndarray], np.ndarray] | None

    def __call__(self, z: np.ndarray) -> np.ndarray:
        return self.function(z)


def sigmoid(z: np.ndarray) -> np.ndarray:
    """1 / (1 + exp(-z)), via exp(-|z|) so that no finite z overflows."""
    e = np.exp(-np.abs(z))
    r = 1.0 / (1.0 + e)
    return np.where(z >= 0, r, e * r)


def softplus(z: np.ndarray) -> np.ndarray:
    """log(1 + exp(z)) = max(z, 0) + log1p(exp(-|z|)), stable for every finite z."""
    return np.maximum(z, 0.0) + np.log1p(np.exp(-np.abs(z)))


def log_softmax(z: np.ndarray) -> np.ndarray:
    """log softmax over the last axis, shifted by the row maximum (stable)."""
    shifted = z - z.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def softmax(z: np.ndarray) -> np.ndarray:
    """exp(z_k) / sum_j exp(z_j) over the last axis (rows are samples)."""
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def _gelu(z: np.ndarray) -> np.ndarray:
    zc = np.clip(z, -_GELU_CLIP, _GELU_CLIP)
    t = np.tanh(_SQRT_2_OVER_PI * (zc + _GELU_CUBIC * zc**3))
    return 0.5 * z * (1.0 + t)


def _gelu_derivative(z: np.ndarray, a: np.ndarray) -> np.ndarray:
    zc = np.clip(z, -_GELU_CLIP, _GELU_CLIP)
    t = np.tanh(_SQRT_2_OVER_PI * (zc + _GELU_CUBIC * zc**3))
    inner_derivative = _SQRT_2_OVER_PI * (1.0 + 3.0 * _GELU_CUBIC * zc**2)
    return 0.5 * (1.0 + t) + 0.5 * zc * (1.0 - t * t) * inner_derivative


def _elu(z: np.ndarray) -> np.ndarray:
    return np.where(z > 0, z, ELU_ALPHA * np.expm1(np.minimum(z, 0.0)))


ACTIVATIONS: dict[str, Activation] = {
    act.name: act
    for act in [
        Activation(
            "sigmoid",
            r"\sigma(z) = \frac{1}{1 + e^{-z}}",
            sigmoid,
            lambda z, a: a * (1.0 - a),
        ),
        Activation("tanh", r"\tanh(z)", np.tanh, lambda z, a: 1.0 - a * a),
        Activation(
            "relu",
            r"\max(0, z)",
            lambda z: np.maximum(z, 0.0),
            lambda z, a: (z > 0).astype(np.float64),
        ),
        Activation(
            "leaky_relu",
            r"\max(0.01 z, z)",
            lambda z: np.where(z > 0, z, LEAKY_RELU_SLOPE * z),
            lambda z, a: np.where(z > 0, 1.0, LEAKY_RELU_SLOPE),
        ),
        Activation(
            "elu",
            r"z \text{ if } z > 0 \text{ else } e^{z} - 1",
            _elu,
            lambda z, a: np.where(z > 0, 1.0, a + ELU_ALPHA),
        ),
        Activation(
            "softplus",
            r"\log(1 + e^{z})",
            softplus,
            lambda z, a: sigmoid(z),
        ),
        Activation(
            "gelu",
            r"\tfrac{z}{2}\left(1 + \tanh\left(\sqrt{2/\pi}\,(z + 0.044715 z^3)\right)\right)",
            _gelu,
            _gelu_derivative,
        ),
        Activation("linear", r"z", lambda z: z, lambda z, a: np.ones_like(z)),
        Activation("softmax", r"\frac{e^{z_k}}{\sum_j e^{z_j}}", softmax, None),
    ]
}

HIDDEN_ACTIVATIONS = tuple(name for name in ACTIVATIONS if name != "softmax")
OUTPUT_ACTIVATIONS = tuple(ACTIVATIONS)


def get_activation(name: str, *, allowed: tuple[str, ...] = HIDDEN_ACTIVATIONS) -> Activation:
    """Look an activation up by name, with a ValueError that lists the valid names."""
    if name not in allowed:
        raise ValueError(f"unknown activation {name!r}; choose one of: {', '.join(allowed)}")
    return ACTIVATIONS[name]
