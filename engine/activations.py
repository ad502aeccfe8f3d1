"""Named activation functions: one record per activation, carrying every fact about it.

An ``Activation`` holds the value ``f(z)`` and the derivative ``f'(z)`` side by side, its
LaTeX formula, a one-line help text for the pages, and the facts the rest of the program
asks about (so that adding an activation means adding one record here, and nothing else):

- ``kinked``: the derivative jumps somewhere (ReLU, leaky ReLU at 0; ELU's second derivative),
  so finite differences must use a small central step (``engine.gradcheck``);
- ``bounded``: ``|f(z)| <= 1`` for every z (sigmoid, tanh): histograms use fine fixed bins;
- ``dies``: a unit whose input stays at or below 0 has a gradient of exactly 0 ("dead ReLU"),
  which ``engine.history`` counts;
- ``careful_init``: the init scheme that keeps a deep stack's variance (``engine.init``):
  Xavier for the zero-centred, tanh-like ones, He for the ReLU family;
- ``gaussian_moments``: ``(E[f], E[f^2], E[f'^2])`` for ``z ~ N(0, q)`` in closed form, where
  there is one (``engine.theory`` integrates the others numerically).

Every function takes the pre-activation ``z`` (any shape, float64) and is computed so that
no finite input overflows or warns. ``derivative(z, a)`` is ``f'(z)`` evaluated
elementwise; it receives ``a = f(z)`` as well, because for several functions (sigmoid,
tanh, elu, swish) the derivative is cheapest in terms of the output.

Softmax is the one non-elementwise output: it is only allowed together with the
cross-entropy loss, which differentiates it jointly (see ``losses.py``), so it has no
elementwise derivative here.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import KW_ONLY, dataclass

import numpy as np

from engine import checks

_SQRT_2_OVER_PI = np.sqrt(2.0 / np.pi)
_GELU_CUBIC = 0.044715
# Beyond |z| = 20 the tanh inside GELU is exactly +-1 in float64, so clipping there keeps
# z**3 from overflowing without changing any value.
_GELU_CLIP = 20.0
LEAKY_RELU_SLOPE = 0.01
ELU_ALPHA = 1.0

Moments = tuple[float, float, float]  # E[f], E[f^2], E[f'^2] under N(0, q)


@dataclass(frozen=True)
class Activation:
    """An activation ``a = f(z)`` with its derivative ``f'(z)`` and its facts (module docstring).

    ``derivative`` is None only for an output-only activation (softmax), which also has no
    ``careful_init``."""

    name: str
    formula: str  # LaTeX, for display
    function: Callable[[np.ndarray], np.ndarray]
    derivative: Callable[[np.ndarray, np.ndarray], np.ndarray] | None
    _: KW_ONLY
    help: str
    careful_init: str | None
    kinked: bool = False
    bounded: bool = False
    dies: bool = False
    gaussian_moments: Callable[[float], Moments] | None = None

    def __call__(self, z: np.ndarray) -> np.ndarray:
        return self.function(z)

    @property
    def hidden(self) -> bool:
        """Whether it can be a hidden layer's activation (it has an elementwise derivative)."""
        return self.derivative is not None


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


def _swish(z: np.ndarray) -> np.ndarray:
    """``z sigmoid(z)`` (SiLU): ``|f(z)| <= |z|``, so no finite z overflows."""
    return z * sigmoid(z)


def _swish_derivative(z: np.ndarray, a: np.ndarray) -> np.ndarray:
    """``s + z s (1 - s) = s + a sigmoid(-z)`` with ``s = sigmoid(z)``, ``a = z s``: every
    factor is at most ``|z|`` or 1 (``1 - s`` is ``sigmoid(-z)``, not a difference)."""
    return sigmoid(z) + a * sigmoid(-z)


def _mish(z: np.ndarray) -> np.ndarray:
    """``z tanh(softplus(z))``: softplus is stable and ``|tanh| <= 1``."""
    return z * np.tanh(softplus(z))


def _mish_derivative(z: np.ndarray, a: np.ndarray) -> np.ndarray:
    """``t + z (1 - t^2) sigmoid(z)`` with ``t = tanh(softplus(z))`` (``softplus' = sigmoid``),
    ``1 - t^2`` as ``(1 - t)(1 + t)``; the product is 0, not NaN, at ``z = +-1e308``."""
    t = np.tanh(softplus(z))
    return t + (z * sigmoid(z)) * ((1.0 - t) * (1.0 + t))


def _relu_moments(q: float) -> Moments:
    return math.sqrt(q / (2.0 * math.pi)), q / 2.0, 0.5


def _leaky_relu_moments(q: float) -> Moments:
    c = LEAKY_RELU_SLOPE
    leak = 1.0 + c * c
    return (1.0 - c) * math.sqrt(q / (2.0 * math.pi)), leak * q / 2.0, leak / 2.0


XAVIER, HE = "xavier_normal", "he_normal"

ACTIVATIONS: dict[str, Activation] = {
    act.name: act
    for act in [
        Activation(
            "sigmoid",
            r"\sigma(z) = \frac{1}{1 + e^{-z}}",
            sigmoid,
            lambda z, a: a * (1.0 - a),
            help="saturates at 0 and 1; its slope is at most 1/4, so deep stacks vanish",
            careful_init=XAVIER,
            bounded=True,
        ),
        Activation(
            "tanh",
            r"\tanh(z)",
            np.tanh,
            lambda z, a: 1.0 - a * a,
            help="zero-centred, saturates at ±1",
            careful_init=XAVIER,
            bounded=True,
        ),
        Activation(
            "relu",
            r"\max(0, z)",
            lambda z: np.maximum(z, 0.0),
            lambda z, a: (z > 0).astype(np.float64),
            help="max(0, z): a unit whose input stays negative dies (its gradient is 0)",
            careful_init=HE,
            kinked=True,
            dies=True,
            gaussian_moments=_relu_moments,
        ),
        Activation(
            "leaky_relu",
            r"\max(0.01 z, z)",
            lambda z: np.where(z > 0, z, LEAKY_RELU_SLOPE * z),
            lambda z, a: np.where(z > 0, 1.0, LEAKY_RELU_SLOPE),
            help="relu with slope 0.01 below 0, so it never dies",
            careful_init=HE,
            kinked=True,
            gaussian_moments=_leaky_relu_moments,
        ),
        Activation(
            "elu",
            r"z \text{ if } z > 0 \text{ else } e^{z} - 1",
            _elu,
            lambda z, a: np.where(z > 0, 1.0, a + ELU_ALPHA),
            help="a smooth relu: e^z − 1 below 0",
            careful_init=HE,
            kinked=True,
        ),
        Activation(
            "softplus",
            r"\log(1 + e^{z})",
            softplus,
            lambda z, a: sigmoid(z),
            help="a smooth relu: log(1 + e^z)",
            careful_init=HE,
        ),
        Activation(
            "gelu",
            r"\tfrac{z}{2}\left(1 + \tanh\left(\sqrt{2/\pi}\,(z + 0.044715 z^3)\right)\right)",
            _gelu,
            _gelu_derivative,
            help="a smooth relu (transformers'; the tanh approximation)",
            careful_init=HE,
        ),
        Activation(
            "swish",
            r"z\,\sigma(z) = \frac{z}{1 + e^{-z}}",
            _swish,
            _swish_derivative,
            help="z·σ(z) (SiLU): a smooth relu that dips slightly below 0",
            careful_init=HE,
        ),
        Activation(
            "mish",
            r"z \tanh\left(\log(1 + e^{z})\right)",
            _mish,
            _mish_derivative,
            help="z·tanh(softplus(z)): a smooth relu like swish, a little deeper dip",
            careful_init=HE,
        ),
        Activation(
            "linear",
            r"z",
            lambda z: z,
            lambda z, a: np.ones_like(z),
            help="no bend at all: any depth of it is one linear map",
            careful_init=XAVIER,
            gaussian_moments=lambda q: (0.0, q, 1.0),
        ),
        Activation(
            "softmax",
            r"\frac{e^{z_k}}{\sum_j e^{z_j}}",
            softmax,
            None,
            help="output only, with cross_entropy: class probabilities summing to 1",
            careful_init=None,
            bounded=True,
        ),
    ]
}

HIDDEN_ACTIVATIONS = tuple(name for name, act in ACTIVATIONS.items() if act.hidden)
OUTPUT_ACTIVATIONS = tuple(ACTIVATIONS)


def get_activation(name: str, *, allowed: tuple[str, ...] = HIDDEN_ACTIVATIONS) -> Activation:
    """Look an activation up by name, with a ValueError that lists the valid names."""
    return ACTIVATIONS[checks.choice("activation", name, allowed)]
