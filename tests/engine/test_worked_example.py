"""The 2-2-2 sigmoid network of Matt Mazur's "A Step by Step Backpropagation Example",
worked by hand: every forward value, the loss, every gradient and every updated weight.

Inputs (0.05, 0.10), targets (0.01, 0.99), learning rate 0.5, loss 1/2 sum (t - y)^2.
Mazur's weights w1..w8 map to W[l] (n_in, n_out) as W0 = [[w1, w3], [w2, w4]],
W1 = [[w5, w7], [w6, w8]]; biases 0.35 and 0.60. The reference values are his, to the
nine digits he prints.
"""

import numpy as np
import pytest

from engine import Network

W0 = np.array([[0.15, 0.25], [0.20, 0.30]])
W1 = np.array([[0.40, 0.50], [0.45, 0.55]])
B0 = np.array([0.35, 0.35])
B1 = np.array([0.60, 0.60])
X = np.array([[0.05, 0.10]])
T = np.array([[0.01, 0.99]])


@pytest.fixture
def step():
    net = Network.from_parameters(
        [W0, W1], [B0, B1], activation="sigmoid", output_activation="sigmoid", loss="sse"
    )
    return net, net.train_step(X, T, lr=0.5)


def test_forward_values(step):
    _, s = step
    np.testing.assert_allclose(s.z[0], [[0.3775, 0.3925]], atol=1e-9)
    np.testing.assert_allclose(s.a[1], [[0.593269992, 0.596884378]], atol=1e-9)
    np.testing.assert_allclose(s.z[1], [[1.105905967, 1.224921404]], atol=1e-9)
    np.testing.assert_allclose(s.a[2], [[0.75136507, 0.772928465]], atol=1e-8)
    assert s.loss == pytest.approx(0.298371109, abs=1e-9)


def test_backward_values(step):
    _, s = step
    # dE/dout_o1 = -(t - y) = 0.74136507, dE/dout_o2 = -0.217071535
    np.testing.assert_allclose(s.da[2], [[0.74136507, -0.217071535]], atol=1e-8)
    # delta_o = dE/dout * out (1 - out)
    np.testing.assert_allclose(s.delta[1], [[0.138498562, -0.038098236]], atol=1e-9)
    # dE/dw5 = delta_o1 * out_h1 = 0.082167041 (w5 is W1[0, 0]); w6 = W1[1, 0]; w7 = W1[0, 1]
    np.testing.assert_allclose(s.grad_W[1][0, 0], 0.082167041, atol=1e-9)
    np.testing.assert_allclose(s.grad_W[1][1, 0], 0.082667628, atol=1e-9)
    np.testing.assert_allclose(s.grad_W[1][0, 1], -0.022602540, atol=1e-9)
    # dE/dout_h1 = delta_o1 w5 + delta_o2 w7 = 0.036350306
    np.testing.assert_allclose(s.da[1][0, 0], 0.036350306, atol=1e-9)
    # dE/dw1 = dE/dout_h1 * out_h1 (1 - out_h1) * i1 = 0.000438568
    np.testing.assert_allclose(s.grad_W[0][0, 0], 0.000438568, atol=1e-9)
    np.testing.assert_allclose(s.grad_b[1], s.delta[1][0])


def test_updated_weights(step):
    net, s = step
    np.testing.assert_allclose(
        net.weights[1], [[0.35891648, 0.511301270], [0.408666186, 0.561370121]], atol=1e-8
    )
    np.testing.assert_allclose(
        net.weights[0], [[0.149780716, 0.24975114], [0.19956143, 0.29950229]], atol=1e-8
    )
    np.testing.assert_allclose(s.update_W[1], -0.5 * s.grad_W[1])
    np.testing.assert_allclose(net.biases[1], B1 - 0.5 * s.delta[1][0])
    # the step keeps the parameters it started from
    np.testing.assert_array_equal(s.weights[1], W1)


def test_given_arrays_are_not_modified():
    w0 = W0.copy()
    net = Network.from_parameters(
        [w0, W1], [B0, B1], activation="sigmoid", output_activation="sigmoid", loss="sse"
    )
    net.train_step(X, T, lr=0.5)
    np.testing.assert_array_equal(w0, W0)
