"""Loss surfaces, their Hessian, descent paths and their labels (engine/surface.py)."""

import numpy as np
import pytest

from engine import surface as S
from engine.gradcheck import numeric_gradient, relative_error

SURFACES = {
    "valley": lambda: S.valley(),
    "saddle": lambda: S.SaddleSurface(),
    "neuron linear/mse": lambda: S.neuron_surface("linear", "mse"),
    "neuron sigmoid/bce": lambda: S.neuron_surface("sigmoid", "bce"),
    "neuron tanh/mse": lambda: S.neuron_surface("tanh", "mse"),
    "network": lambda: S.network_surface(),
    "network bias": lambda: S.network_surface(free=(("b", 0, 1), ("W", 1, 2, 0))),
}


@pytest.mark.parametrize("name", SURFACES)
@pytest.mark.parametrize("point", [(0.3, -0.4), (1.2, 0.7)])
def test_the_gradient_shown_matches_finite_differences(name, point):
    surface = SURFACES[name]()
    p = np.array(point)
    numeric = numeric_gradient(lambda q: float(surface.loss(q)), p, 1e-4, "five_point")
    assert relative_error(surface.gradient(p), numeric) < 1e-6


@pytest.mark.parametrize("name", ["saddle", "valley"])
def test_finite_difference_hessian_matches_the_analytic_one(name):
    surface = SURFACES[name]()
    p = np.array([0.4, 0.8])
    numeric = np.column_stack(
        [(surface.gradient(p + e) - surface.gradient(p - e)) / 2e-4 for e in np.eye(2) * 1e-4]
    )
    assert np.allclose(S.hessian_at(surface, p), numeric, atol=1e-6)


def test_the_neurons_hessian_is_the_exact_quadratic_form():
    # y = w x + b with MSE: L = mean (w x + b - t)^2, H = 2/n [[sum x^2, sum x], [sum x, n]]
    surface = S.neuron_surface("linear", "mse")
    x = surface.X[:, 0]
    exact = 2 / len(x) * np.array([[x @ x, x.sum()], [x.sum(), len(x)]])
    assert np.allclose(S.curvature(surface, (0.5, -1.0)).H, exact, rtol=1e-7)


@pytest.mark.parametrize("name", ["valley", "neuron linear/mse"])
def test_just_below_two_over_lambda_max_converges_and_just_above_diverges(name):
    surface = SURFACES[name]()
    start = np.array([1.5, -1.0])
    c = S.curvature(surface, start)  # the Hessian the page computes
    minimum = S.descend(surface, start, "sgd", 0.5 * c.stable_lr, 2000).points[-1]
    below = S.descend(surface, start, "sgd", 0.95 * c.stable_lr, 400)
    above = S.descend(surface, start, "sgd", 1.05 * c.stable_lr, 400)
    assert np.linalg.norm(below.points[-1] - minimum) < 1e-6 * np.linalg.norm(start - minimum)
    distance = np.linalg.norm(above.points - minimum, axis=1)
    assert distance[-1] > 1e6 * distance[0] or above.diverged_at is not None
    assert S.label_path(below, c.top_direction).label == "converges"
    assert S.label_path(above, c.top_direction).label == "diverges"


def test_labels_come_from_the_trajectory():
    surface = S.valley()
    start = (-3.0, 1.0)
    c = S.curvature(surface, start)

    def label(fraction, steps):
        path = S.descend(surface, start, "sgd", fraction * c.stable_lr, steps)
        return S.label_path(path, c.top_direction).label

    assert label(0.002, 30) == "crawls"
    assert label(0.5, 60) == "converges"
    assert label(0.99, 30) == "oscillates"
    assert label(1.2, 30) == "diverges"
    assert label(1e5, 30) == "diverges"  # escapes: the path stops
    assert S.descend(surface, start, "sgd", 1e5, 30).diverged_at is not None


def test_sgd_steps_are_minus_lr_times_the_gradient():
    surface = S.neuron_surface("sigmoid", "bce")
    path = S.descend(surface, (0.2, 0.1), "sgd", 0.7, 10)
    assert np.allclose(path.steps, -0.7 * path.gradients, rtol=0, atol=1e-15)
    assert np.allclose(np.diff(path.points, axis=0), path.steps)
    assert path.losses[-1] < path.losses[0]


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "nesterov", "rmsprop", "adam"])
def test_descend_uses_the_engines_optimizer(optimizer):
    from engine.optim import make_optimizer

    surface = S.valley()
    path = S.descend(surface, (-3.0, 1.0), optimizer, 0.02, 20)
    opt, p = make_optimizer(optimizer, lr=0.02), np.array([-3.0, 1.0])
    for step in path.steps:
        proposal = opt.propose([p], [surface.gradient(p)], [False])
        opt.commit(proposal)
        assert np.allclose(proposal.updates[0], step, rtol=1e-12, atol=0)
        p = p + proposal.updates[0]


def test_momentum_helps_in_the_valley_and_adam_leaves_the_saddle():
    valley, saddle = S.valley(), S.SaddleSurface()
    sgd = S.descend(valley, (-3.0, 1.0), "sgd", 0.02, 80)
    momentum = S.descend(valley, (-3.0, 1.0), "momentum", 0.02, 80)
    assert momentum.losses[-1] < 0.25 * sgd.losses[-1]
    stuck = S.descend(saddle, (2.0, 1e-3), "sgd", 0.05, 80)
    escaped = S.descend(saddle, (2.0, 1e-3), "adam", 0.05, 80)
    assert abs(stuck.points[-1, 1]) < 0.1 < abs(escaped.points[-1, 1])


def test_bad_input_is_a_clear_value_error():
    with pytest.raises(ValueError, match="lr must be a finite number >= 0"):
        S.descend(S.valley(), (0, 0), "sgd", -1.0, 5)
    with pytest.raises(ValueError, match="unknown optimizer"):
        S.descend(S.valley(), (0, 0), "lbfgs", 0.1, 5)
    with pytest.raises(ValueError, match="exactly two"):
        S.NetworkSurface(S.network_surface().network, np.zeros((2, 2)), np.zeros((2, 1)), [("W", 0, 0, 0)])


def test_grid_and_cut_read_the_surface_the_same_way():
    surface = S.neuron_surface("tanh", "mse")
    xs, ys, Z = S.grid_loss(surface, (-1, 2), (-2, 1), 7)
    assert Z.shape == (7, 7)
    assert np.isclose(Z[2, 5], surface.loss(np.array([xs[5], ys[2]])))
    c = S.cut(surface, (0.5, -0.3), axis=1, lr=0.4, half_width=1e-3, resolution=3)
    assert np.isclose(c.slope, (c.losses[2] - c.losses[0]) / (c.values[2] - c.values[0]), rtol=1e-5)
    assert np.isclose(c.slope, surface.gradient((0.5, -0.3))[1])
    assert np.isclose(c.landing, -0.3 - 0.4 * c.slope) and c.losses[1] == c.loss
    assert np.isclose(c.landing_loss, surface.loss(np.array([0.5, c.landing])))
    # the landing point is where one SGD step along this axis goes
    step = S.descend(S.valley(), (1.0, 0.0), "sgd", 0.05, 1)
    c = S.cut(S.valley(), (1.0, 0.0), axis=0, lr=0.05)
    assert np.isclose(c.landing, 1.0 + step.steps[0, 0])


def test_the_network_surface_leaves_its_network_alone():
    surface = S.network_surface()
    before = surface.point().copy()
    surface.loss(np.array([[5.0, -5.0], [1.0, 2.0]]))
    surface.gradient((3.0, 3.0))
    assert np.array_equal(surface.point(), before)
    assert np.isclose(surface.loss(before), surface.network.loss_value(surface.X, surface.Y, training=False))
