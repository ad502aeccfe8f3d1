"""What the Vanishing-gradients page claims, asserted with the engine, and engine.theory's formulas.

- 30 hidden layers of 256 ReLU units: He init keeps the activation spread within a factor of 2
  of the input's in every layer; Xavier halves the variance per layer (He et al. 2015).
- tanh + Xavier: dL/dz stays within an order of magnitude across layers at initialization;
  normal(0.01): it vanishes toward the input, while dL/dW looks flat (a small forward signal
  times a small backward one).
- Zero init: every neuron of a layer stays identical through training.
- Exploding (normal(3) with ReLU or linear, or a large learning rate): divergence with a step
  and a layer, and the last finite state kept.
"""

import math

import numpy as np
import pytest

from engine import Network, make_optimizer
from engine.activations import ACTIVATIONS, HIDDEN_ACTIVATIONS
from engine.data import make_dataset
from engine.diagnosis import divergence_report
from engine.history import summary_at
from engine.init import careful_init
from engine.preprocess import standardized
from engine.theory import (
    gain,
    gaussian_moments,
    network_theory,
    neuron_spread,
    signal_theory,
    weight_variances,
)
from engine.trainer import Trainer

WIDTH, DEPTH, BATCH = 256, 30, 256


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(0)
    return rng.normal(size=(BATCH, WIDTH)), rng.normal(size=(BATCH, 1))


def deep_net(activation, init, init_scale=1.0, seed=0):
    return Network([WIDTH] + [WIDTH] * DEPTH + [1], activation=activation, init=init, init_scale=init_scale,
                   loss="mse", seed=seed)  # fmt: skip


def hidden_stds(net, X):
    return np.array([a.std() for a in net.forward(X).a[1:-1]])  # a[1] .. a[30]: the hidden layers


def backward(net, X, Y):
    """rms dL/dz per layer and rms dL/dW per weight at initialization, each (L,)."""
    grads = net.backward(net.forward(X, training=True), Y)
    delta = np.array([math.sqrt(np.mean(d * d)) for d in grads.delta])
    grad_W = np.array([math.sqrt(np.mean(g * g)) for g in grads.grad_W])
    return delta, grad_W


# ---------------------------------------------------------------------------- He vs Xavier
def test_he_keeps_the_relu_spread_within_a_factor_of_two_of_the_input(data):
    X, _ = data
    for seed in range(3):
        ratio = hidden_stds(deep_net("relu", "he_normal", seed=seed), X) / X.std()
        assert ratio.min() > 0.5 and ratio.max() < 2.0, (seed, ratio.min(), ratio.max())


def test_xavier_shrinks_the_relu_spread_by_orders_of_magnitude(data):
    X, _ = data
    stds = hidden_stds(deep_net("relu", "xavier_normal"), X)
    assert stds[-1] / stds[0] < 1e-3  # measured about 6e-5
    assert stds[-1] / X.std() < 1e-3
    # The theory: Var(W) = 1/256 and ReLU's gain 1/2 halve the second moment at every layer.
    theory = network_theory(deep_net("relu", "xavier_normal"), float(X.mean()), float((X * X).mean()))
    np.testing.assert_allclose(theory.factor[1:DEPTH], 0.5)
    predicted = math.sqrt(theory.variance[DEPTH - 1] / theory.variance[0])  # 2**-14.5
    assert predicted / 4 < stds[-1] / stds[0] < predicted * 4


# ---------------------------------------------------------------------------- tanh: dL/dz vs dL/dW
def test_tanh_with_xavier_keeps_dl_dz_within_an_order_of_magnitude(data):
    X, Y = data
    delta, _ = backward(deep_net("tanh", "xavier_normal"), X, Y)
    hidden = delta[:DEPTH]  # the single output unit takes the whole loss gradient: not comparable
    assert hidden.max() / hidden.min() < 10  # measured about 6 (smallest at the first layer)


def test_tanh_with_normal_001_vanishes_toward_the_input_while_dl_dw_looks_flat(data):
    X, Y = data
    delta, grad_W = backward(deep_net("tanh", "normal", 0.01), X, Y)
    hidden = slice(0, DEPTH)
    # dL/dz shrinks at every step toward the input: by ~0.16 per layer, 1e-20 over 30 layers.
    assert np.all(np.diff(np.log10(delta[hidden])) > 0)
    assert delta[0] / delta[DEPTH - 1] < 1e-15
    # ... but dL/dW = a.T @ delta is nearly the same in every hidden layer: the forward signal a
    # shrinks toward the output as fast as delta shrinks toward the input.
    assert grad_W[hidden].max() / grad_W[hidden].min() < 10


def test_the_theory_predicts_the_backward_signal_of_tanh_networks(data):
    X, Y = data
    for init, scale in (("xavier_normal", 1.0), ("normal", 0.01)):
        net = deep_net("tanh", init, scale)
        delta, _ = backward(net, X, Y)
        theory = network_theory(net, float(X.mean()), float((X * X).mean()))
        predicted = theory.delta_rms(delta[-1])
        assert predicted[-1] == pytest.approx(delta[-1])
        ratio = delta / predicted
        assert ratio.min() > 0.5 and ratio.max() < 2, (init, ratio.min(), ratio.max())


# ---------------------------------------------------------------------------- zero init
def deep_run(activation, init="normal", init_scale=1.0, depth=5, width=16, loss="bce", lr=0.1):
    """The Vanishing page's set-up with the engine alone: the standardized circle data (400
    points, noise 0.1, half for testing), ``depth`` hidden layers of ``width``, SGD, batch 32,
    seed 0, step 0 taken."""
    data = standardized(make_dataset("circle", 400, 0.1, 0.5, 0))
    net = Network([2] + [width] * depth + [1], activation=activation, loss=loss, init=init,
                  init_scale=init_scale, seed=0)  # fmt: skip
    trainer = Trainer(net, make_optimizer("sgd", lr=lr), data, batch_size=32, seed=0, eval_every=20)
    trainer.run(1)
    return trainer


def hidden_spread(trainer):
    net = trainer.network
    return neuron_spread(net.weights, net.biases)[:-1]


@pytest.mark.parametrize("activation", ["sigmoid", "softplus", "tanh", "relu"])
def test_zero_init_keeps_every_neuron_of_a_layer_identical_through_training(activation):
    trainer = deep_run(activation, init="zeros", lr=0.5)
    assert trainer.run(200) == 200 and trainer.divergence is None
    spread = hidden_spread(trainer)
    assert spread.shape == (5,)
    assert np.all(spread == 0.0)
    moved = max(float(np.abs(w).max()) for w in trainer.network.weights[1:-1])
    if activation in ("sigmoid", "softplus"):  # f(0) != 0: the hidden weights do learn, in lockstep
        assert moved > 1e-3
    else:  # f(0) = 0 (and relu'(0) = 0): no hidden weight can ever move
        assert moved == 0.0


def test_random_init_breaks_the_symmetry():
    assert np.all(hidden_spread(deep_run("sigmoid")) > 0.1)


# ---------------------------------------------------------------------------- exploding
@pytest.mark.parametrize(
    "settings",
    [
        dict(activation="relu", init="normal", init_scale=3.0, depth=20, width=64),
        dict(activation="linear", init="normal", init_scale=3.0, depth=50, width=64, loss="mse"),
        dict(activation="relu", init=careful_init("relu")[0], depth=20, width=64, lr=1.0),  # lr too large
        dict(activation="relu", init="normal", init_scale=3.0, depth=10, width=64, loss="mse"),  # loss
    ],
    ids=["relu-normal3", "linear-normal3", "large-lr", "loss-overflow"],
)
def test_exploding_runs_diverge_with_a_step_and_a_layer_and_keep_the_last_finite_state(settings):
    trainer = deep_run(**settings)
    trainer.run(100)
    report = divergence_report(trainer, "configuration A")
    assert report is not None and trainer.divergence is not None
    assert 1 <= report.layer <= settings["depth"] + 1
    assert report.step == trainer.history.last_step  # training stopped at the diverged step
    assert f"layer {report.layer}" in report.message and report.message.startswith("configuration A: ")
    finite = summary_at(trainer.history, report.step - 1)
    assert finite["step"] == report.step - 1
    for key in ("grad_W_norm", "delta_norm", "update_ratio", "act_std"):
        assert np.all(np.isfinite(finite[key])), key
    assert all(np.isfinite(w).all() for w in trainer.network.weights)  # nothing was applied
    assert trainer.run(10) == 0  # and it stays stopped


# ---------------------------------------------------------------------------- engine.theory
@pytest.mark.parametrize("name", HIDDEN_ACTIVATIONS)
@pytest.mark.parametrize("q", [0.01, 1.0, 25.0])
def test_gaussian_moments_match_monte_carlo(name, q):
    z = np.random.default_rng(1).normal(scale=math.sqrt(q), size=1_000_000)
    act = ACTIVATIONS[name]
    f = act.function(z)
    slope = act.derivative(z, f)
    m = gaussian_moments(name, q)
    assert m.mean == pytest.approx(f.mean(), abs=5e-3 * math.sqrt(max(q, 1)))
    assert m.second == pytest.approx((f * f).mean(), rel=1e-2, abs=1e-4)
    assert m.slope == pytest.approx((slope * slope).mean(), rel=1e-2, abs=1e-4)
    assert m.variance == pytest.approx(m.second - m.mean**2)


def test_gains_of_the_textbook_activations():
    assert gain("relu", 3.0) == 0.5
    assert gain("linear", 0.2) == 1.0
    assert gain("tanh", 1e-6) == pytest.approx(1.0, rel=1e-5)
    assert gain("tanh", 1.0) == pytest.approx(0.394, abs=1e-3)
    assert gaussian_moments("softmax", 1.0).mean != gaussian_moments("softmax", 1.0).mean  # NaN
    with pytest.raises(ValueError, match="choose one of"):
        gaussian_moments("selu", 1.0)
    with pytest.raises(ValueError, match="q must be >= 0"):
        gaussian_moments("tanh", -1.0)
    with pytest.raises(ValueError, match="q > 0"):
        gain("tanh", 0.0)


def test_he_makes_the_relu_factor_one_and_the_theory_matches_the_measured_variance(data):
    X, _ = data
    net = deep_net("relu", "he_normal")
    theory = network_theory(net, float(X.mean()), float((X * X).mean()))
    np.testing.assert_allclose(theory.weight_var, weight_variances(net.sizes, "he_normal"))
    np.testing.assert_allclose(theory.factor[:DEPTH], 1.0)  # n Var(W) gain = 256 * 2/256 * 1/2
    np.testing.assert_allclose(theory.backward_factor[1:DEPTH], 1.0)
    measured = np.array([a.var() for a in net.forward(X).a[1:-1]])
    ratio = measured / theory.variance[:DEPTH]
    assert ratio.min() > 0.5 and ratio.max() < 2.5


def test_batch_norm_resets_the_variance_and_skips_add_it():
    sizes = [4, 8, 8, 8, 1]
    acts = ["relu", "relu", "relu", "linear"]
    var = np.full(4, 0.01)
    plain = signal_theory(sizes, acts, var)
    bn = signal_theory(sizes, acts, var, batch_norm=[True, True, True, False])
    skip = signal_theory(sizes, acts, var, skip=[False, True, True, False])
    assert plain.second[2] < 1e-3  # 8 * 0.01 * 1/2 = 0.04 per layer
    np.testing.assert_allclose(bn.q_s[:3], 1.0)
    np.testing.assert_allclose(bn.second[:3], 0.5)  # relu of a unit Gaussian
    assert skip.second[2] > skip.second[1] > skip.second[0]  # a residual stream accumulates
    with pytest.raises(ValueError, match="one variance per layer"):
        signal_theory(sizes, acts, var[:3])
    with pytest.raises(ValueError, match="activation names"):
        signal_theory(sizes, acts[:3], var)


def test_neuron_spread_is_zero_exactly_for_identical_neurons():
    W = np.tile(np.array([[1.0], [2.0]]), (1, 3))
    b = np.zeros(3)
    assert neuron_spread([W], [b])[0] == 0.0
    W2 = W.copy()
    W2[1, 2] += 0.25
    assert neuron_spread([W2], [b])[0] == 0.25
    assert neuron_spread([W], [np.array([0.0, 0.0, -0.5])])[0] == 0.5


def test_unscaled_skips_explode_a_deep_relu_net_and_scaled_ones_keep_it_near_the_theory(data):
    """``a[l+1] = a[l] + r relu(z[l])`` with He init: the variance adds ``r^2`` times a layer's
    at every skip, so with r = 1 it doubles per layer (2^29 after 30 layers), while
    r = 1/sqrt(skips) keeps it within an order of magnitude of the input's (ReLU's positive mean
    still accumulates); the theory follows both."""
    X, _ = data
    skips = DEPTH - 1  # the first hidden layer has no skip (its input is X)
    spreads = {}
    for r in (1.0, 1 / math.sqrt(skips)):
        net = Network([WIDTH] + [WIDTH] * DEPTH + [1], activation="relu", init="he_normal", loss="mse",
                      residual=True, residual_scale=r, seed=0)  # fmt: skip
        assert sum(net.skip) == skips
        measured = np.array([a.var() for a in net.forward(X).a[1:-1]])
        theory = network_theory(net, float(X.mean()), float((X * X).mean()))
        ratio = measured / theory.variance[:DEPTH]
        assert ratio.min() > 0.3 and ratio.max() < 3, (r, ratio.min(), ratio.max())
        spreads[r] = math.sqrt(measured[-1]) / X.std()
    assert spreads[1.0] > 1e3
    assert spreads[1 / math.sqrt(skips)] < 10


def test_theory_for_inputs_reads_the_input_moments_off_the_data():
    from engine.theory import theory_for_inputs

    net = Network([3, 16, 16, 1], activation="tanh", loss="mse", init="xavier_normal", seed=0)
    X = np.random.default_rng(0).normal(2.0, 3.0, size=(200, 3))
    expected = network_theory(net, float(X.mean()), float((X * X).mean()), float(X.var(axis=0).mean()))
    got = theory_for_inputs(net, X)
    assert np.array_equal(got.variance, expected.variance) and np.array_equal(got.q, expected.q)
    assert got.q[0] > 3 * network_theory(net).q[0]  # the inputs' mean square (13) counts, not 1
