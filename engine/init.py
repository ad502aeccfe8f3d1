"""Weight initialization schemes, drawn from a seeded ``numpy.random.Generator``.

A weight matrix ``W`` is ``(fan_in, fan_out)`` = ``(n_in, n_out)``. Definitions follow
PyTorch's ``torch.nn.init`` (and Keras, where PyTorch has none):

============== ===================================== ===================================
scheme         distribution                          spread
============== ===================================== ===================================
zeros          all zero                              0
normal         N(0, s^2)                             std = s
uniform        U(-s, s)                              limit = s
xavier_uniform U(-l, l)  (Glorot)                    l = g sqrt(6 / (fan_in + fan_out))
xavier_normal  N(0, std^2)  (Glorot)                 std = g sqrt(2 / (fan_in + fan_out))
he_uniform     U(-l, l)  (Kaiming, fan_in, ReLU)     l = g sqrt(6 / fan_in)
he_normal      N(0, std^2)  (Kaiming, fan_in, ReLU)  std = g sqrt(2 / fan_in)
lecun_normal   N(0, std^2)  (LeCun)                  std = g sqrt(1 / fan_in)
============== ===================================== ===================================

``s`` is ``init_scale`` for ``normal`` and ``uniform``; for the fan-based schemes
``init_scale`` is the gain ``g`` (1 gives the textbook formula). ``lecun_normal`` draws
from a plain normal (Keras truncates at two standard deviations and rescales; the standard
deviation is the same).

``careful_init(activation)`` is the scheme that keeps a deep stack's variance for that
activation (the activation record's ``careful_init``): Xavier (Glorot, ``Var W = 2 / (n_in +
n_out)``) for the zero-centred, tanh-like ones, He (Kaiming, ``Var W = 2 / n_in``) for the ReLU
family, both normal with gain 1. For sigmoid this does not stop the vanishing: its slope is at
most 1/4, so ``n Var(W) E[f'^2]`` stays far below 1.
"""

from __future__ import annotations

import math

import numpy as np

from engine import checks
from engine.activations import get_activation

# TF Playground's initialization (nn.ts: ``weight = Math.random() - 0.5``): every weight from
# U(-0.5, 0.5) whatever the layer's fan, i.e. ``uniform`` with limit 0.5; biases start at 0.1.
TF_PLAYGROUND_INIT = ("uniform", 0.5)

INITS = (
    "zeros",
    "normal",
    "uniform",
    "xavier_uniform",
    "xavier_normal",
    "he_uniform",
    "he_normal",
    "lecun_normal",
)


def init_std(scheme: str, fan_in: int, fan_out: int, init_scale: float = 1.0) -> float:
    """The standard deviation of one weight under ``scheme`` (used by tests and the theory line)."""
    checks.choice("init", scheme, INITS)
    if scheme == "zeros":
        return 0.0
    if scheme == "normal":
        return init_scale
    if scheme == "uniform":
        return init_scale / math.sqrt(3.0)
    if scheme in ("xavier_uniform", "xavier_normal"):
        return init_scale * math.sqrt(2.0 / (fan_in + fan_out))
    if scheme in ("he_uniform", "he_normal"):
        return init_scale * math.sqrt(2.0 / fan_in)
    return init_scale * math.sqrt(1.0 / fan_in)  # lecun_normal


def init_weights(
    scheme: str, fan_in: int, fan_out: int, rng: np.random.Generator, init_scale: float = 1.0
) -> np.ndarray:
    """Draw a ``(fan_in, fan_out)`` float64 weight matrix."""
    std = init_std(scheme, fan_in, fan_out, init_scale)
    shape = (fan_in, fan_out)
    if scheme == "zeros":
        return np.zeros(shape)
    if scheme.endswith("uniform"):
        limit = std * math.sqrt(3.0)  # U(-l, l) has std l / sqrt(3)
        return rng.uniform(-limit, limit, size=shape)
    return rng.normal(0.0, std, size=shape)


def careful_init(activation: str) -> tuple[str, float]:
    """``(scheme, gain)`` of the careful init of a hidden ``activation``: its record's
    ``careful_init`` (``xavier_normal`` or ``he_normal``) with gain 1. ValueError for a name that
    is not a hidden activation."""
    return get_activation(activation).careful_init, 1.0
