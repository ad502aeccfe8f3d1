"""Central finite differences for every parameter, against the analytic gradients.

For each entry ``p`` of each parameter array, one of two central stencils:

- ``central``:    ``dL/dp ~ (L(p+e) - L(p-e)) / (2e)``, error ``O(e^2)``;
- ``five_point``: ``dL/dp ~ (-L(p+2e) + 8 L(p+e) - 8 L(p-e) + L(p-2e)) / (12e)``, ``O(e^4)``.

Rounding limits both: ``L`` is known to about ``|L| * 2.2e-16``, so a difference quotient
is noisy at ``|L| * 2.2e-16 / e``. The default picks the five-point stencil with
``e = 1e-4`` for smooth networks (noise ~1e-12) and the central one with ``e = 1e-5`` when
an activation has a kink (``Activation.kinked``: ReLU, leaky ReLU, ELU), so the step
rarely straddles the kink.

The relative error of an array is ``||analytic - numeric|| / max(||analytic||, ||numeric||)``.
It is only meaningful for gradients well above the rounding noise of the difference
quotient, ``noise = 10 * sum|weights| * max(|L|, 1) * 2.2e-16 / e`` per entry: a gradient
is *resolvable* at tolerance ``tol`` when its norm is at least ``noise * sqrt(size) / tol``.
``ParameterCheck.passes(tol)`` asks for a relative error below ``tol`` where the gradient
is resolvable, and for an absolute error below ``noise * sqrt(size)`` where it is not (a
bias followed by batch norm has a true gradient of exactly zero, for instance).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine.activations import ACTIVATIONS
from engine.network import Network


@dataclass
class ParameterCheck:
    """One parameter array: ``name`` is ``"W"``, ``"b"``, ``"gamma"``, ``"beta"`` or ``"X"``."""

    name: str
    layer: int
    analytic: np.ndarray
    numeric: np.ndarray
    noise: float = 0.0  # rounding noise of one finite-difference entry

    @property
    def relative_error(self) -> float:
        return relative_error(self.analytic, self.numeric)

    @property
    def absolute_error(self) -> float:
        return float(np.linalg.norm(self.analytic - self.numeric))

    def resolvable(self, tol: float = 1e-6) -> bool:
        scale = max(np.linalg.norm(self.analytic), np.linalg.norm(self.numeric))
        return scale >= self.noise * np.sqrt(self.analytic.size) / tol

    def passes(self, tol: float = 1e-6) -> bool:
        if self.resolvable(tol):
            return self.relative_error < tol
        return self.absolute_error <= self.noise * np.sqrt(self.analytic.size)


@dataclass
class GradCheckReport:
    checks: list[ParameterCheck]

    @property
    def max_relative_error(self) -> float:
        return max(c.relative_error for c in self.checks)

    def failures(self, tol: float = 1e-6) -> list[ParameterCheck]:
        return [c for c in self.checks if not c.passes(tol)]

    def by_layer(self) -> dict[int, float]:
        """The largest relative error of each layer's parameters (the input X is layer -1)."""
        errors: dict[int, float] = {}
        for c in self.checks:
            errors[c.layer] = max(errors.get(c.layer, 0.0), c.relative_error)
        return errors


STENCILS = {
    # offsets (in units of eps) and weights; the sum is divided by eps
    "central": ((1, -1), (0.5, -0.5)),
    "five_point": ((2, 1, -1, -2), (-1 / 12, 8 / 12, -8 / 12, 1 / 12)),
}


def relative_error(analytic: np.ndarray, numeric: np.ndarray) -> float:
    scale = max(np.linalg.norm(analytic), np.linalg.norm(numeric))
    if scale == 0:
        return 0.0
    return float(np.linalg.norm(analytic - numeric) / scale)


def numeric_gradient(loss_of, array: np.ndarray, eps: float, stencil: str = "central") -> np.ndarray:
    """Finite differences of the scalar function ``loss_of(perturbed_array)``, entry by entry."""
    offsets, weights = STENCILS[stencil]
    grad = np.empty_like(array)
    for index in np.ndindex(array.shape):
        shifted = array.copy()
        total = 0.0
        for offset, weight in zip(offsets, weights):
            shifted[index] = array[index] + offset * eps
            total += weight * loss_of(shifted)
        grad[index] = total / eps
    return grad


def default_stencil(net: Network) -> tuple[str, float]:
    """``("central", 1e-5)`` if any activation has a kink, else ``("five_point", 1e-4)``."""
    if any(ACTIVATIONS[name].kinked for name in net.activation_names):
        return "central", 1e-5
    return "five_point", 1e-4


def gradcheck(
    net: Network,
    X,
    Y,
    eps: float | None = None,
    stencil: str | None = None,
    include_input: bool = True,
) -> GradCheckReport:
    """Compare ``net``'s backward pass on ``(X, Y)`` (training mode) with finite differences.

    The network is left as it was. Checks every ``W[l]``, ``b[l]`` (and ``gamma``/``beta``
    with batch norm), and ``dL/dX`` when ``include_input``. ``eps``/``stencil`` default to
    ``default_stencil(net)``.
    """
    default_name, default_eps = default_stencil(net)
    stencil = stencil or default_name
    eps = eps or default_eps
    X = np.asarray(X, dtype=np.float64)
    grads = net.backward(net.forward(X, training=True), Y)
    weight_sum = sum(abs(w) for w in STENCILS[stencil][1])
    noise = 10 * weight_sum * max(abs(grads.loss), 1.0) * np.finfo(np.float64).eps / eps
    checks = []

    def check_list(attr: str, name: str, analytic_list) -> None:
        params = getattr(net, attr)
        for l, (original, analytic) in enumerate(zip(list(params), analytic_list)):
            if original is None:
                continue

            def loss_of(value, l=l):
                params[l] = value
                return net.loss_value(X, Y, training=True)

            try:
                numeric = numeric_gradient(loss_of, original, eps, stencil)
            finally:
                params[l] = original
            checks.append(ParameterCheck(name, l, analytic, numeric, noise))

    check_list("weights", "W", grads.grad_W)
    check_list("biases", "b", grads.grad_b)
    check_list("gammas", "gamma", grads.grad_gamma)
    check_list("betas", "beta", grads.grad_beta)
    if include_input:
        loss_of_input = lambda x: net.loss_value(x, Y, training=True)  # noqa: E731
        numeric = numeric_gradient(loss_of_input, X, eps, stencil)
        checks.append(ParameterCheck("X", -1, grads.da[0], numeric, noise))
    return GradCheckReport(checks)
