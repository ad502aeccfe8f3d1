"""Divergence diagnosis: what a page says when training blew up, with a layer always named.

``divergence_report(trainer)`` reads the trainer's ``TrainingDivergence`` (where the first
non-finite number appeared: an activation overflow, the loss, a layer's gradient, the
update) and its ``History``, and names a layer in every case:

- ``activation`` / ``gradient``: the layer the network found (1-based);
- ``loss``: the output layer ``L`` ("at the output (layer L)");
- ``update``: the layer with the largest gradient norm ``||dL/dW[l]||`` at the diverged step
  (its gradients were finite: only the update overflowed).

For an activation or loss overflow it adds the layer whose (finite, non-zero) gradient norm was
largest one step earlier, with its value: that is where the weights were growing fastest.
NumPy only.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from engine.history import History
from engine.trainer import Trainer


@dataclass(frozen=True)
class DivergenceReport:
    """What the divergence banner says: ``step`` (0-based index of the diverged step), ``layer``
    (1-based, always named), ``message`` and ``loss_before`` (the loss of the last finite step,
    None if there was none)."""

    step: int
    layer: int
    message: str
    loss_before: float | None


def largest_gradient(history: History, step: int, finite: bool = False) -> tuple[int, float] | None:
    """``(layer, ||dL/dW||)`` of the layer (1-based) with the largest gradient norm at ``step``;
    a non-finite norm counts as the largest, or, with ``finite``, is left out. None when the step
    is not recorded (or, with ``finite``, no norm is finite)."""
    if step < 0:
        return None
    row = history.summary(step)
    if row is None:
        return None
    norms = np.asarray(row["grad_W_norm"], dtype=np.float64)
    if finite:
        norms = np.where(np.isfinite(norms), norms, -np.inf)
        if not np.isfinite(norms).any():
            return None
    else:
        norms = np.where(np.isnan(norms), np.inf, norms)
    l = int(np.argmax(norms))
    return l + 1, float(norms[l])


def divergence_report(trainer: Trainer, label: str | None = None) -> DivergenceReport | None:
    """The trainer's divergence as the banner says it (module docstring), or None when it did
    not diverge. ``label`` (e.g. ``configuration A``) starts the message when given."""
    div = trainer.divergence
    if div is None:
        return None
    L = trainer.network.n_layers
    message, layer = div.message, div.layer
    if div.quantity == "loss" or (layer is None and div.quantity != "update"):
        layer = L
        message += f" at the output (layer {L})"
    elif layer is None:  # the update overflowed: its gradients were finite
        found = largest_gradient(trainer.history, div.step)
        layer = found[0] if found is not None else L
        if found is not None:
            message += f"; the largest gradient was in layer {layer} of {L} (‖dL/dW‖ = {found[1]:.3g})"
    if div.quantity in ("activation", "loss"):
        earlier = largest_gradient(trainer.history, div.step - 1, finite=True)
        if earlier is not None and earlier[1] > 0:
            message += (
                f"; one step earlier the largest gradient was in layer {earlier[0]} of {L} "
                f"(‖dL/dW‖ = {earlier[1]:.3g})"
            )
    if label:
        message = f"{label}: {message}"
    before = div.loss_before if math.isfinite(div.loss_before) else None
    return DivergenceReport(div.step, int(layer), message, before)
