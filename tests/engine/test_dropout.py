"""Dropout in the engine (engine/dropout.py, used by engine/network.py): inverted dropout on the
hidden layers in training mode, its masks drawn per step from (dropout_seed, steps_taken, layer),
recorded in the Step, and gradient-checked against finite differences through the same masks."""

import numpy as np
import pytest

from engine.data import make_dataset
from engine.gradcheck import gradcheck
from engine.network import Network
from engine.optim import make_optimizer
from engine.trainer import Trainer


def net(p=0.4, activation="tanh", **kwargs):
    return Network([3, 6, 5, 2], activation=activation, loss="mse", seed=2, dropout=p, **kwargs)


def data(n=8):
    rng = np.random.default_rng(0)
    return rng.normal(size=(n, 3)), rng.normal(size=(n, 2))


@pytest.mark.parametrize("activation", ["tanh", "sigmoid", "gelu", "swish", "mish"])
def test_gradients_through_dropout_match_finite_differences(activation):
    network = net(activation=activation)
    X, Y = data()
    trace = network.forward(X, training=True)
    assert any((m == 0).any() for m in trace.masks if m is not None)  # some units are dropped
    report = gradcheck(network, X, Y)
    assert report.max_relative_error < 1e-6 and not report.failures(1e-6)


def test_with_residual_and_batch_norm_too():
    network = Network([3, 5, 5, 5, 1], activation="tanh", seed=1, dropout=0.3, residual=True, batch_norm=True)
    X, Y = data()
    report = gradcheck(network, X, Y[:, :1])
    assert not report.failures(1e-6)


def test_masks_are_inverted_recorded_and_the_same_within_a_step():
    network = net(0.5)
    X, Y = data(400)
    a, b = network.dropout_masks(400), network.dropout_masks(400)
    assert all(np.array_equal(x, y) for x, y in zip(a[:-1], b[:-1])) and a[-1] is None
    assert set(np.unique(a[0])) == {0.0, 2.0}  # kept units are scaled by 1 / (1 - p)
    assert abs((a[0] == 0).mean() - 0.5) < 0.05
    step = network.train_step(X, Y, lr=0.1)
    assert all(np.array_equal(m, r) for m, r in zip(step.dropout_masks[:-1], a[:-1]))
    np.testing.assert_array_equal(step.a[1], np.tanh(step.z[0]) * a[0])  # a = m * f(z)
    assert not np.array_equal(network.dropout_masks(400)[0], a[0])  # the next step draws anew


def test_evaluation_and_rate_zero_have_no_dropout():
    network = net(0.5)
    X, _ = data()
    np.testing.assert_array_equal(network.forward(X).output, network.predict(X))
    assert network.forward(X).masks is None
    network.dropout = 0.0
    assert network.forward(X, training=True).masks is None
    with pytest.raises(ValueError, match="dropout"):
        network.dropout = 1.0


def test_a_resumed_run_repeats_the_same_masks_and_parameters():
    dataset = make_dataset("circle", 200, seed=0)

    def trainer():
        network = Network([2, 6, 1], output_activation="sigmoid", loss="bce", seed=3, dropout=0.3)
        return Trainer(network, make_optimizer("sgd", lr=0.1), dataset, batch_size=10, seed=3)

    a = trainer()
    a.run(30)
    masks = a.history.detail(25).dropout_masks[0].copy()
    final = [w.copy() for w in a.network.weights]
    a.resume_from(25)
    a.run(5)
    assert np.array_equal(a.history.detail(25).dropout_masks[0], masks)
    assert all(np.array_equal(w, v) for w, v in zip(a.network.weights, final))
