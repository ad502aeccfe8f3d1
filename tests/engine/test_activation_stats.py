"""Activation curves, flat zones, the layer at initialisation and dead units (engine/activation_stats.py)."""

import numpy as np
import pytest

from engine import HIDDEN_ACTIVATIONS
from engine import activation_stats as A

Z = np.linspace(-6.0, 6.0, 241) + 0.0137  # never exactly at relu's kink


def test_every_activation_of_the_engine_is_there():
    assert [c.name for c in A.activation_table()] == list(HIDDEN_ACTIVATIONS)
    assert {"sigmoid", "tanh", "relu"} <= set(HIDDEN_ACTIVATIONS)


@pytest.mark.parametrize("name", HIDDEN_ACTIVATIONS)
def test_every_derivative_curve_matches_finite_differences(name):
    h = 1e-5
    _, d = A.curve(name, Z)
    numeric = (A.curve(name, Z + h)[0] - A.curve(name, Z - h)[0]) / (2 * h)
    assert np.max(np.abs(d - numeric) / np.maximum(np.abs(numeric), 1.0)) < 1e-6


def test_derivative_maxima_are_the_textbook_ones():
    assert A.derivative_peak("sigmoid") == pytest.approx((0.25, 0.0))
    assert A.derivative_peak("tanh") == pytest.approx((1.0, 0.0))
    assert A.derivative_peak("relu")[0] == 1.0
    assert set(np.unique(A.curve("relu", Z)[1])) == {0.0, 1.0}
    assert A.derivative_peak("gelu")[0] > 1.0  # gelu overshoots 1 a little


def test_flat_zones():
    (left, right) = A.flat_zones("sigmoid")
    assert left[0] == -6.0 and right[1] == 6.0 and left[1] == pytest.approx(-right[0])
    assert 3.0 < right[0] < 4.0 and not left[2]  # sigmoid' < 0.025 for |z| > 3.64
    assert A.flat_zones("relu") == [(-6.0, 0.0, True)]
    assert A.flat_zones("linear") == []
    assert A.flat_zones("tanh")[1][0] == pytest.approx(1.82, abs=0.02)


def test_a_sigmoid_stack_multiplies_its_gradient_by_at_most_a_quarter_per_layer():
    view = A.layer_at_init("sigmoid", "xavier_uniform", 64, depth=10)
    assert np.all(view.mean_derivative <= 0.25)
    assert view.derivative_product[-1] < 0.25**10 * 1.0001
    assert view.derivative_product[-1] < 1e-6
    tanh = A.layer_at_init("tanh", "xavier_uniform", 64, depth=10)
    assert tanh.derivative_product[-1] > 1e3 * view.derivative_product[-1]


def test_relu_at_init_is_zero_for_about_half_the_entries_and_a_big_init_saturates_tanh():
    relu = A.layer_at_init("relu", "he_normal", 128, depth=3, n_samples=512)
    assert np.all(np.abs(relu.dead - 0.5) < 0.05)
    # zero on some inputs; but past layer 1 the inputs are >= 0, so a unit whose weights are
    # mostly negative can be zero on all of them from the start (dead at birth)
    assert relu.dead_units[0] == 0 and np.all(relu.dead_units < 0.05)
    big = A.layer_at_init("tanh", "normal", 128, depth=3, init_scale=1.0)
    small = A.layer_at_init("tanh", "xavier_normal", 128, depth=3)
    assert big.saturated[0] > 0.8 > 0.2 > small.saturated[0]
    assert big.z[0].shape == (256, 128)
    assert np.array_equal(big.d[0], 1 - np.tanh(big.z[0]) ** 2)


def test_bad_layer_settings_are_refused():
    with pytest.raises(ValueError, match="unknown activation"):
        A.layer_at_init("selu", "he_normal", 8)
    with pytest.raises(ValueError, match="width and depth"):
        A.layer_at_init("relu", "he_normal", 0)


def test_a_high_learning_rate_kills_relus_and_a_low_one_does_not():
    low = A.dead_units_run(lr=0.03, n_steps=60)
    high = A.dead_units_run(lr=3.0, n_steps=60)
    assert low.dead_count[0] == high.dead_count[0] == 0
    assert low.dead_count.max() <= 1
    assert high.dead_count[-1] >= 8
    assert len(high.dead_count) == len(high.losses) == 61
    # a unit counted dead outputs 0 on every training input
    layer0 = high.active_fraction[-1][0]
    assert high.dead_count[-1] == sum(int((f == 0).sum()) for f in high.active_fraction[-1])
    assert layer0.shape == (16,)


def test_the_table_holds_every_activation_with_its_curves():
    table = A.activation_table()
    assert [c.name for c in table] == list(HIDDEN_ACTIVATIONS)
    sigmoid = table[0]
    assert sigmoid.peak == pytest.approx((0.25, 0.0)) and sigmoid.d.max() == pytest.approx(0.25)
    assert np.array_equal(sigmoid.d, sigmoid.a * (1 - sigmoid.a))
