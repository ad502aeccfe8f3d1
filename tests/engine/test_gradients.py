"""Every gradient the engine reports, against finite differences (float64, rel. error < 1e-6).

Covers every activation x loss x (batch norm on/off) x (residual on/off), then random
shapes and configurations with hypothesis. Where a random case gives a gradient too small
for finite differences to resolve to 1e-6 (deep sigmoid layers, batch norm of two samples),
it is compared in absolute terms at the rounding noise instead (see ``engine.gradcheck``);
batch-normalized cases need a batch of 4 or more and batch variances above 1e-2, below
which the loss is too ill-conditioned for finite differences. ReLU-like activations have a kink at 0 where
the derivative jumps; finite differences are only valid away from it, so random cases
whose activation inputs come within 2e-4 of a kink (20 steps of 1e-5) are discarded (``assume``).
"""

import dataclasses
import itertools

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from engine import ACTIVATIONS, HIDDEN_ACTIVATIONS, LOSSES, Network
from engine.gradcheck import gradcheck

TOLERANCE = 1e-6
KINK_MARGIN = 2e-4
BN_MIN_VARIANCE = 1e-2


def targets_for(loss: str, rng: np.random.Generator, batch: int, n_out: int) -> np.ndarray:
    if loss == "cross_entropy":
        return np.eye(n_out)[rng.integers(0, n_out, batch)]
    if loss == "bce":
        return rng.integers(0, 2, (batch, n_out)).astype(float)
    return rng.normal(size=(batch, n_out))


def min_distance_to_kink(net: Network, X: np.ndarray) -> float:
    trace = net.forward(X, training=True)
    kinked = [s for s, name in zip(trace.s, net.activation_names) if ACTIVATIONS[name].kinked]
    return min((np.abs(s).min() for s in kinked), default=np.inf)


def min_batch_variance(net: Network, X: np.ndarray) -> float:
    """Batch norm divides by sqrt(var + 1e-5): a tiny batch variance makes the loss
    ill-conditioned and its rounding noise, amplified, swamps finite differences."""
    stats = [b for b in net.forward(X, training=True).bn if b is not None]
    return min((b.var.min() for b in stats), default=np.inf)


@pytest.mark.parametrize(
    "activation, loss, batch_norm, residual",
    list(itertools.product(HIDDEN_ACTIVATIONS, LOSSES, [False, True], [None, 1.0, 0.5])),
)
def test_every_activation_loss_and_layer_kind(activation, loss, batch_norm, residual):
    """``residual``: None (no skips) or the residual scale r of ``a[l+1] = a[l] + r f(s[l])``."""
    rng = np.random.default_rng(7)
    net = Network(
        [3, 4, 4, 4, 3],
        activation=activation,
        loss=loss,
        init="xavier_normal",
        bias_init=0.1,  # keeps ReLU units off their kink at exactly 0
        seed=1,
        batch_norm=batch_norm,
        residual=residual is not None,
        residual_scale=residual or 1.0,
    )
    X = rng.normal(size=(5, 3))
    Y = targets_for(loss, rng, 5, 3)
    assert min_distance_to_kink(net, X) > KINK_MARGIN
    report = gradcheck(net, X, Y)
    names = {c.name for c in report.checks}
    assert {"W", "b", "X"} <= names
    assert ("gamma" in names) == batch_norm
    for check in report.checks:
        assert check.passes(TOLERANCE), (check.name, check.layer, check.relative_error)
    # the output layer's weights and dL/dX are large enough to be checked relatively
    assert all(c.resolvable(TOLERANCE) for c in report.checks if c.name == "W" and c.layer == 3)
    if batch_norm:  # batch norm subtracts the batch mean: a hidden bias has no effect at all
        assert all(not c.resolvable(TOLERANCE) for c in report.checks if c.name == "b" and c.layer < 3)


@given(
    widths=st.lists(st.integers(1, 16), min_size=2, max_size=9),
    batch=st.integers(4, 8),
    activations=st.data(),
    loss=st.sampled_from(sorted(LOSSES)),
    batch_norm=st.booleans(),
    residual=st.sampled_from([None, 1.0, 0.3]),
    seed=st.integers(0, 2**16),
)
def test_random_networks(widths, batch, activations, loss, batch_norm, residual, seed):
    n_hidden = len(widths) - 2
    names = [activations.draw(st.sampled_from(HIDDEN_ACTIVATIONS)) for _ in range(n_hidden)]
    n_out = widths[-1] if loss != "cross_entropy" else max(widths[-1], 2)
    sizes = widths[:-1] + [n_out]
    rng = np.random.default_rng(seed)
    net = Network(
        sizes,
        activation=names,
        loss=loss,
        init="xavier_uniform",
        init_scale=1.5,
        bias_init=0.1,
        seed=seed,
        batch_norm=batch_norm,
        residual=residual is not None,
        residual_scale=residual or 1.0,
    )
    X = rng.normal(size=(batch, sizes[0]))
    Y = targets_for(loss, rng, batch, n_out)
    assume(min_distance_to_kink(net, X) > KINK_MARGIN)
    assume(min_batch_variance(net, X) > BN_MIN_VARIANCE)
    report = gradcheck(net, X, Y)
    failures = [(c.name, c.layer, c.relative_error, c.absolute_error) for c in report.failures(TOLERANCE)]
    assert not failures


def test_gradcheck_catches_a_wrong_gradient(monkeypatch):
    """The check itself must be able to fail: break tanh's derivative and see it."""
    from engine import activations

    broken = dataclasses.replace(activations.ACTIVATIONS["tanh"], derivative=lambda z, a: 1.0 - 0.9 * a * a)
    net = Network([2, 3, 1], activation="tanh", seed=0)
    net.activations[0] = broken
    rng = np.random.default_rng(0)
    report = gradcheck(net, rng.normal(size=(4, 2)), rng.normal(size=(4, 1)))
    assert report.by_layer()[0] > KINK_MARGIN
    assert report.by_layer()[1] < TOLERANCE  # the output layer does not use tanh'
