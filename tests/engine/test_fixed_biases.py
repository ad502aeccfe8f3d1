"""train_step(fixed_biases=True): Mazur's update (weights only), gradients unchanged."""

import numpy as np
import pytest

from engine import Network
from engine.gradcheck import gradcheck

X, T = np.array([[0.05, 0.10]]), np.array([[0.01, 0.99]])


def mazur() -> Network:
    return Network.from_parameters(
        [np.array([[0.15, 0.25], [0.20, 0.30]]), np.array([[0.40, 0.50], [0.45, 0.55]])],
        [np.array([0.35, 0.35]), np.array([0.60, 0.60])],
        activation="sigmoid",
        output_activation="sigmoid",
        loss="sse",
    )


def test_fixed_biases_reproduce_mazurs_article():
    net = mazur()
    full = mazur().train_step(X, T, lr=0.5)
    step = net.train_step(X, T, lr=0.5, fixed_biases=True)
    assert all((u == 0).all() for u in step.update_b)
    for a, b in zip(step.grad_b, full.grad_b):  # still computed and reported
        assert np.array_equal(a, b) and np.abs(a).min() > 0
    for a, b in zip(step.update_W, full.update_W):  # the weights move as in the full update
        assert np.array_equal(a, b)
    assert net.biases[0].tolist() == [0.35, 0.35] and net.biases[1].tolist() == [0.6, 0.6]
    assert net.weights[1][0, 0] == pytest.approx(0.35891648, abs=1e-8)
    assert net.loss_value(X, T) == pytest.approx(0.291027774, abs=1e-9)
    for _ in range(9_999):
        net.train_step(X, T, lr=0.5, fixed_biases=True)
    assert net.loss_value(X, T) == pytest.approx(3.5102e-05, rel=1e-4)


def test_the_default_still_updates_the_biases_and_the_gradients_check():
    net = mazur()
    step = net.train_step(X, T, lr=0.5)
    assert all(np.abs(u).min() > 0 for u in step.update_b)
    assert gradcheck(mazur(), X, T).max_relative_error < 1e-6
