"""Residual (skip) connections: which layers get one, and the branch scale.

With a skip, layer ``l`` computes ``a[l+1] = a[l] + r h[l]`` instead of ``a[l+1] = h[l]``
(``r = residual_scale``), so the backward pass adds ``da[l+1]`` to ``da[l]`` and scales the
branch's ``dL/ds[l]`` by ``r``.
"""

from __future__ import annotations

import math

from engine import checks


def skip_layers(sizes: list[int]) -> list[bool]:
    """Which of the ``L = len(sizes) - 1`` layers get a residual connection when it is on: every
    hidden layer but the first (which reads the data) whose input is as wide as its output;
    never the output layer."""
    L = len(sizes) - 1
    return [1 <= l < L - 1 and sizes[l] == sizes[l + 1] for l in range(L)]


def stable_residual_scale(n_skips: int) -> float:
    """The residual branch scale ``r = 1 / sqrt(n_skips)`` (1 without skips) that keeps a deep
    residual stack's variance of order one: with ``r = 1`` every skip adds the branch's
    variance to the stream's, so after ``k`` skips it is about ``k + 1`` times a layer's for
    tanh and doubles per layer for ReLU with He init (a 20-layer ReLU net overflows within 3
    steps); with ``r = 1/sqrt(k)`` the ``k`` branches add up to about one layer's variance,
    whatever the depth (the "scaled residual" of Hayou et al. 2021, "Stable ResNet")."""
    n_skips = checks.integer("the number of skips", n_skips, 0)
    return 1.0 / math.sqrt(n_skips) if n_skips else 1.0


def check_scale(residual_scale: object) -> float:
    """``residual_scale`` as a float; ValueError unless a finite number > 0 (not a bool)."""
    return checks.real("residual_scale", residual_scale, 0, lo_open=True)
