"""Inverted dropout on the hidden layers in training mode (Srivastava et al. 2014, as PyTorch's
``nn.Dropout``).

With rate ``p``, hidden layer ``l``'s output is ``m[l] * h[l]``, each entry of the mask
``m[l]`` ``(batch, n_out)`` being ``1/(1-p)`` with probability ``1-p``, else 0 (so the expected
output is unchanged and evaluation needs no rescaling). No mask at the output layer, in
evaluation mode or with ``p = 0``.

The masks of step ``t`` are drawn from ``default_rng([dropout_seed, t, l])``, so every forward
pass of one step (the step itself, a gradient check, a replay or a resume from it) sees the
same masks.
"""

from __future__ import annotations

import numpy as np

from engine import checks

MAX_DROPOUT = 0.9


def check_rate(value: object) -> float:
    """``value`` as a dropout rate in ``[0, MAX_DROPOUT]``; ValueError otherwise (a bool too)."""
    return checks.real("dropout", value, 0, MAX_DROPOUT)


def masks(rate: float, seed: int, step: int, widths: list[int], batch: int) -> list[np.ndarray | None]:
    """The masks ``m[l]`` ``(batch, widths[l])`` of the layers of widths ``widths`` (the last one,
    the output, gets None) for step ``step``: entries 0 or ``1/(1-rate)``; all None for rate 0."""
    L = len(widths)
    if rate == 0.0:
        return [None] * L
    drawn: list[np.ndarray | None] = []
    for l in range(L - 1):
        rng = np.random.default_rng([seed, step, l])
        drawn.append((rng.random((batch, widths[l])) >= rate) / (1.0 - rate))
    return drawn + [None]
