"""swish (SiLU) and mish against a high-precision reference, stable for every finite float, and
gradient-checked through networks by finite differences (relative error < 1e-6).

The reference evaluates the closed forms in ``decimal`` at 800 digits:
swish ``z / (1 + e^-z)``, ``swish' = s (1 + z (1 - s))``; mish ``z tanh(softplus(z))``,
``mish' = t + z (1 - t^2) sigmoid(z)`` with ``t = tanh(log(1 + e^z))``.
"""

import warnings
from decimal import Decimal, localcontext

import numpy as np
import pytest

from engine import ACTIVATIONS, LOSSES, Network
from engine.gradcheck import gradcheck

NEW = ("swish", "mish")
POINTS = np.array(
    [-745.0, -700.0, -100.0, -40.0, -20.0, -5.0, -1.2784645, -1.0, -0.5, -1e-8, -1e-300, 0.0,
     1e-300, 1e-8, 0.5, 1.0, 2.5, 5.0, 20.0, 40.0, 100.0, 700.0, 1e5]
)  # fmt: skip


def reference(name: str, z: float) -> tuple[float, float]:
    """``(f(z), f'(z))`` at 800 digits (50 significant ones even where 1 + e^z is 1 + 1e-323),
    rounded to float64."""
    with localcontext() as ctx:
        ctx.prec = 800  # 1 + e^z must keep e^-745 ~ 5e-324: 50 digits after 330 leading ones
        x = Decimal(z)
        s = 1 / (1 + (-x).exp())
        if name == "swish":
            return float(x * s), float(s * (1 + x * (1 - s)))
        sp = (1 + x.exp()).ln()
        e2 = (2 * sp).exp()
        t = (e2 - 1) / (e2 + 1)
        return float(x * t), float(t + x * (1 - t * t) * s)


@pytest.mark.parametrize("name", NEW)
def test_value_and_derivative_match_the_decimal_reference(name):
    act = ACTIVATIONS[name]
    a = act.function(POINTS)
    d = act.derivative(POINTS, a)
    expected = np.array([reference(name, float(z)) for z in POINTS])
    np.testing.assert_allclose(a, expected[:, 0], rtol=1e-14, atol=1e-300)
    # f' crosses 0 near z = -1.28 (swish) / -1.19 (mish): an absolute floor there
    np.testing.assert_allclose(d, expected[:, 1], rtol=1e-13, atol=1e-16)


@pytest.mark.parametrize("name", NEW)
def test_no_finite_input_overflows_or_warns(name):
    act = ACTIVATIONS[name]
    z = np.array([-np.finfo(float).max, -1e308, -1e200, -710.0, -1e-320, 0.0, 5e-324, 710.0, 1e200, 1e308,
                  np.finfo(float).max])  # fmt: skip
    with warnings.catch_warnings(), np.errstate(over="raise", invalid="raise", divide="raise"):
        warnings.simplefilter("error")
        a = act.function(z)
        d = act.derivative(z, a)
    assert np.all(np.isfinite(a)) and np.all(np.isfinite(d))
    np.testing.assert_array_equal(a[z > 1e3], z[z > 1e3])  # f(z) = z far right
    assert np.all(a[z < -1e3] == 0.0) and np.all(d[z < -1e3] == 0.0)
    np.testing.assert_array_equal(d[z > 1e3], 1.0)


@pytest.mark.parametrize("name", NEW)
def test_shape_facts(name):
    """Smooth relus: f(0) = 0, f'(0) = 1/2 (swish) or tanh(log 2) = 0.6 (mish), a minimum
    below 0 (about -0.278 for swish, -0.309 for mish), unbounded above."""
    act = ACTIVATIONS[name]
    z = np.linspace(-6, 6, 120_001)
    a = act.function(z)
    assert act.function(np.array([0.0]))[0] == 0.0
    slope0 = act.derivative(np.array([0.0]), np.array([0.0]))[0]
    assert slope0 == pytest.approx(0.5 if name == "swish" else np.tanh(np.log(2.0)), rel=1e-15)
    assert a.min() == pytest.approx(-0.27846 if name == "swish" else -0.30884, abs=1e-5)
    record = act
    assert not record.kinked and not record.bounded and not record.dies and record.careful_init == "he_normal"


@pytest.mark.parametrize("name", NEW)
@pytest.mark.parametrize("loss", LOSSES)
@pytest.mark.parametrize("batch_norm, residual", [(False, False), (True, False), (False, True)])
def test_networks_of_them_pass_the_gradient_check(name, loss, batch_norm, residual):
    rng = np.random.default_rng(3)
    net = Network([3, 5, 5, 3], activation=name, loss=loss, init="xavier_normal", bias_init=0.1, seed=2,
                  batch_norm=batch_norm, residual=residual)  # fmt: skip
    X = rng.normal(size=(6, 3)) * 2.0
    if loss == "cross_entropy":
        Y = np.eye(3)[rng.integers(0, 3, 6)]
    elif loss == "bce":
        Y = rng.integers(0, 2, (6, 3)).astype(float)
    else:
        Y = rng.normal(size=(6, 3))
    report = gradcheck(net, X, Y)
    assert not report.failures(1e-6), [(c.name, c.layer, c.relative_error) for c in report.failures(1e-6)]
    assert report.checks[0].resolvable(1e-6) and report.checks[0].relative_error < 1e-6  # W[0], checked


def test_mixed_layers_and_a_broken_derivative_is_caught():
    import dataclasses

    rng = np.random.default_rng(0)
    X, Y = rng.normal(size=(5, 2)), rng.normal(size=(5, 1))
    net = Network([2, 4, 4, 1], activation=["swish", "mish"], loss="mse", seed=0)
    assert gradcheck(net, X, Y).max_relative_error < 1e-6
    wrong = dataclasses.replace(ACTIVATIONS["mish"], derivative=lambda z, a: np.tanh(z))
    net.activations[1] = wrong
    assert gradcheck(net, X, Y).by_layer()[1] > 1e-3
