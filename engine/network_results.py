"""The records of a network's passes: ``Trace`` (forward), ``Gradients`` (backward), ``Step`` (one
training step: forward and backward values, the update applied), ``Divergence`` (where a step
first went non-finite) and ``first_divergence``, which finds it.

Shapes for ``L`` layers: ``a`` has ``L + 1`` entries (``a[0] = X`` ``(batch, n_in)``), ``z``,
``s``, ``h`` and every gradient ``L``; ``grad_W[l]`` is shaped as ``W[l]`` ``(n_in, n_out)``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from engine.batch_norm import BatchNormTrace
from engine.checks import all_finite

if TYPE_CHECKING:
    from engine.network import Network


@dataclass(slots=True)
class Trace:
    """Every forward value: ``a`` has ``L + 1`` entries, the others ``L``.

    ``bn[l]`` is None for a layer without batch norm."""

    a: list[np.ndarray]
    z: list[np.ndarray]
    s: list[np.ndarray]
    h: list[np.ndarray]
    bn: list[BatchNormTrace | None]
    training: bool
    masks: list[np.ndarray | None] | None = None  # dropout masks per layer (None: no dropout)

    @property
    def output(self) -> np.ndarray:
        return self.a[-1]


@dataclass(slots=True)
class Gradients:
    """The backward pass: ``da`` (``L + 1`` entries, ``da[0] = dL/dX``), the rest ``L``.

    ``delta[l] = dL/dz[l]``; ``delta_s[l] = dL/ds[l]`` (the activation's input; the same
    array as ``delta[l]`` without batch norm); ``grad_gamma``/``grad_beta`` None without it.
    """

    loss: float
    da: list[np.ndarray]
    delta: list[np.ndarray]
    delta_s: list[np.ndarray]
    grad_W: list[np.ndarray]
    grad_b: list[np.ndarray]
    grad_gamma: list[np.ndarray | None]
    grad_beta: list[np.ndarray | None]


@dataclass
class Divergence:
    """Where a step first went non-finite. ``layer`` is 0-based, or None for the loss."""

    quantity: str
    layer: int | None
    message: str


@dataclass(slots=True)
class Step:
    """One training step: forward values, loss, backward values and the update applied.

    All forward and backward values are from *before* the update. ``weights``/``biases``
    (and ``gammas``/``betas``, ``running_mean``/``running_var``) are the parameters and
    batch-norm statistics the step started from; ``update_*[l]``
    is exactly what was added to them (zeros if the step diverged and nothing was applied).
    ``penalty_grad_W[l]`` is the L1/L2 penalty's part of the gradient, kept apart from the
    data loss's ``grad_W[l]``. ``grad_norm_before_clip``/``_after_clip`` are the global
    gradient norms around clipping by norm (NaN when no clipping by norm is set).
    """

    index: int
    loss: float
    z: list[np.ndarray]
    a: list[np.ndarray]
    s: list[np.ndarray]
    da: list[np.ndarray]
    delta: list[np.ndarray]
    delta_s: list[np.ndarray]
    grad_W: list[np.ndarray]
    grad_b: list[np.ndarray]
    update_W: list[np.ndarray]
    update_b: list[np.ndarray]
    weights: list[np.ndarray]
    biases: list[np.ndarray]
    lr: float
    penalty: float = 0.0
    _penalty_grad_W: list[np.ndarray] | None = None
    grad_norm_before_clip: float = math.nan
    grad_norm_after_clip: float = math.nan
    gammas: list[np.ndarray | None] = field(default_factory=list)
    betas: list[np.ndarray | None] = field(default_factory=list)
    grad_gamma: list[np.ndarray | None] = field(default_factory=list)
    grad_beta: list[np.ndarray | None] = field(default_factory=list)
    update_gamma: list[np.ndarray | None] = field(default_factory=list)
    update_beta: list[np.ndarray | None] = field(default_factory=list)
    running_mean: list[np.ndarray | None] = field(default_factory=list)
    running_var: list[np.ndarray | None] = field(default_factory=list)
    divergence: Divergence | None = None
    dropout_masks: list[np.ndarray | None] = field(default_factory=list)  # m[l], (batch, n_out) or None

    @property
    def penalty_grad_W(self) -> list[np.ndarray]:
        """The L1/L2 penalty's part of dL/dW per layer (zeros when no penalty is set)."""
        if self._penalty_grad_W is None:
            return [np.zeros_like(w) for w in self.weights]
        return self._penalty_grad_W

    @property
    def diverged(self) -> bool:
        return self.divergence is not None

    @property
    def n_layers(self) -> int:
        return len(self.grad_W)


def first_divergence(trace: Trace, grads: Gradients) -> Divergence | None:
    """The first non-finite value in computation order (an activation, the loss, a layer's
    gradient from the output down), or None if all are finite."""
    n_layers = len(grads.grad_W)
    for l in range(n_layers):
        if not np.isfinite(trace.a[l + 1]).all():
            return Divergence(
                "activation",
                l,
                f"the forward pass overflowed in layer {l + 1}: its activations are not finite",
            )
    if not math.isfinite(grads.loss):
        return Divergence("loss", None, f"the loss is not finite ({grads.loss})")
    for l in range(n_layers - 1, -1, -1):
        if not all_finite([grads.grad_W[l], grads.grad_b[l], grads.grad_gamma[l], grads.grad_beta[l]]):
            return Divergence(
                "gradient",
                l,
                f"the gradient dL/dW of layer {l + 1} is not finite (it exploded in the backward pass)",
            )
    return None


def step_record(
    net: Network, trace: Trace, grads: Gradients, proposal, divergence: Divergence | None, optimizer
) -> Step:
    """The ``Step`` of ``net``'s training step ``net.steps_taken``, before its update is applied: the
    passes, the parameters it starts from and the ``proposal``'s updates split per layer (zeros
    when ``divergence`` is set: nothing is applied; ``lr`` then the ``optimizer``'s current rate)."""
    L = net.n_layers
    if divergence is None:
        updates = proposal.updates
        update_W, update_b = updates[0 : 2 * L : 2], updates[1 : 2 * L : 2]
        update_gamma, update_beta = [None] * L, [None] * L
        bn_updates = iter(updates[2 * L :])
        for l in range(L):
            if net.bn_layers[l]:
                update_gamma[l], update_beta[l] = next(bn_updates), next(bn_updates)
        penalty_grads = proposal.penalty_grads
        penalty_grad_W = None if penalty_grads is None else penalty_grads[0 : 2 * L : 2]
        extra = dict(
            lr=proposal.lr,
            penalty=proposal.penalty,
            grad_norm_before_clip=proposal.grad_norm_before_clip,
            grad_norm_after_clip=proposal.grad_norm_after_clip,
        )
    else:
        update_W = [np.zeros_like(w) for w in net.weights]
        update_b = [np.zeros_like(b) for b in net.biases]
        update_gamma = [None if g is None else np.zeros_like(g) for g in net.gammas]
        update_beta = [None if g is None else np.zeros_like(g) for g in net.betas]
        penalty_grad_W = None
        extra = dict(lr=optimizer.current_lr())
    return Step(
        index=net.steps_taken,
        loss=grads.loss,
        z=trace.z,
        a=trace.a,
        s=trace.s,
        da=grads.da,
        delta=grads.delta,
        delta_s=grads.delta_s,
        grad_W=grads.grad_W,
        grad_b=grads.grad_b,
        update_W=update_W,
        update_b=update_b,
        weights=list(net.weights),
        biases=list(net.biases),
        _penalty_grad_W=penalty_grad_W,
        gammas=list(net.gammas),
        betas=list(net.betas),
        grad_gamma=grads.grad_gamma,
        grad_beta=grads.grad_beta,
        update_gamma=update_gamma,
        update_beta=update_beta,
        running_mean=list(net.running_mean),
        running_var=list(net.running_var),
        divergence=divergence,
        dropout_masks=list(trace.masks) if trace.masks is not None else [],
        **extra,
    )
