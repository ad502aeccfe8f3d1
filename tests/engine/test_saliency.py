"""One image backpropagated to the input: dL/dx against finite differences (rel. error < 1e-6),
and a single example's first-layer weight gradient equal to outer(image, delta)."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine import Network
from engine.classification import confusion, labels, mistakes
from engine.gradcheck import numeric_gradient, relative_error
from engine.saliency import example_weight_gradients, explain, input_gradient, one_hot

TOLERANCE = 1e-6


def single_loss(net, target):
    return lambda x: net.loss_value(x[None, :], target[None, :], training=False)


@pytest.mark.parametrize("activation", ["tanh", "sigmoid", "softplus", "gelu"])
def test_input_gradient_matches_finite_differences(activation):
    rng = np.random.default_rng(1)
    net = Network([64, 16, 10], activation=activation, loss="cross_entropy", seed=3)
    x, target = rng.uniform(0, 1, 64), one_hot(7, 10)
    analytic = input_gradient(net, x, target)
    numeric = numeric_gradient(single_loss(net, target), x, 1e-4, "five_point")
    assert relative_error(analytic, numeric) < TOLERANCE
    assert np.linalg.norm(analytic) > 1e-6  # a gradient finite differences can resolve


@settings(max_examples=25, deadline=None)
@given(
    hidden=st.lists(st.integers(1, 12), min_size=1, max_size=2),
    n_in=st.integers(1, 20),
    n_out=st.integers(2, 6),
    seed=st.integers(0, 10_000),
    activation=st.sampled_from(["tanh", "sigmoid", "softplus"]),
)
def test_random_shapes_input_gradient_and_outer_product(hidden, n_in, n_out, seed, activation):
    rng = np.random.default_rng(seed)
    net = Network([n_in, *hidden, n_out], activation=activation, loss="cross_entropy", seed=seed)
    x, target = rng.uniform(0, 1, n_in), one_hot(int(rng.integers(n_out)), n_out)
    result = explain(net, x, target)
    numeric = numeric_gradient(single_loss(net, target), x, 1e-4, "five_point")
    scale = max(np.linalg.norm(result.input_grad), np.linalg.norm(numeric))
    if scale > 1e-7:
        assert relative_error(result.input_grad, numeric) < TOLERANCE
    else:
        assert np.abs(result.input_grad - numeric).max() < 1e-9
    # the example's first-layer gradient is the image scaled by each unit's delta
    np.testing.assert_allclose(result.grad_W0, np.outer(x, result.delta0), rtol=1e-12, atol=1e-15)
    # and dL/dx is delta[0] @ W[0].T
    np.testing.assert_allclose(result.input_grad, net.weights[0] @ result.delta0, rtol=1e-12, atol=1e-15)
    assert abs(result.probabilities.sum() - 1) < 1e-12


def test_first_layer_gradient_against_finite_differences():
    rng = np.random.default_rng(5)
    net = Network([64, 8, 10], activation="tanh", loss="cross_entropy", seed=0)
    x, target = rng.uniform(0, 1, 64), one_hot(2, 10)
    result = explain(net, x, target)
    W0 = net.weights[0]

    def loss_of(W):
        net.set_parameters([W, *net.weights[1:]], list(net.biases))
        return net.loss_value(x[None, :], target[None, :], training=False)

    numeric = numeric_gradient(loss_of, W0.copy(), 1e-4, "five_point")
    net.set_parameters([W0, *net.weights[1:]], list(net.biases))
    assert relative_error(result.grad_W0, numeric) < TOLERANCE
    assert relative_error(np.outer(x, result.delta0), numeric) < TOLERANCE


def test_batch_gradient_is_the_mean_of_the_examples_outer_products():
    rng = np.random.default_rng(2)
    net = Network([64, 12, 10], activation="tanh", loss="cross_entropy", seed=1)
    X, Y = rng.uniform(0, 1, (9, 64)), np.eye(10)[rng.integers(0, 10, 9)]
    per_example = example_weight_gradients(net, X, Y)
    batch = net.backward(net.forward(X), Y).grad_W[0]
    np.testing.assert_allclose(per_example.mean(axis=0), batch, rtol=1e-12, atol=1e-15)
    for i in range(3):
        np.testing.assert_allclose(per_example[i], explain(net, X[i], Y[i]).grad_W0, rtol=1e-10, atol=1e-14)


def test_empty_and_full_images_give_finite_answers():
    net = Network([64, 16, 10], activation="tanh", loss="cross_entropy", seed=0)
    for x in (np.zeros(64), np.ones(64)):
        result = explain(net, x, one_hot(0, 10))
        assert np.isfinite(result.input_grad).all() and np.isfinite(result.probabilities).all()
    blank = explain(net, np.zeros(64), one_hot(0, 10))
    assert np.all(blank.grad_W0 == 0)  # no ink: no first-layer weight gradient at all


def test_bad_inputs_are_refused():
    net = Network([64, 4, 10], loss="cross_entropy", seed=0)
    with pytest.raises(ValueError, match="64 values"):
        explain(net, np.zeros(63), one_hot(0, 10))
    with pytest.raises(ValueError, match="0..9"):
        one_hot(10, 10)


def test_confusion_and_mistakes():
    Y = np.eye(3)[[0, 1, 2, 2]]
    P = np.array([[0.9, 0.05, 0.05], [0.2, 0.7, 0.1], [0.6, 0.1, 0.3], [0.1, 0.8, 0.1]])
    matrix = confusion(labels(Y), labels(P), 3)
    assert matrix.tolist() == [[1, 0, 0], [0, 1, 0], [1, 1, 0]]
    assert mistakes(P, Y).tolist() == [3, 2]  # 0.8 sure of the wrong class before 0.6
    assert mistakes(P, Y, limit=1).tolist() == [3]
