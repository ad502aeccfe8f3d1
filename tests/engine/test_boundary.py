"""The decision boundary: one batched forward pass, maps oriented as the grid says."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine import Network
from engine.boundary import boundary_grid, evaluate_boundary
from engine.data import FEATURES, DataError, feature_map


def make_net(features=("x1", "x2"), hidden=(4, 3), seed=0, n_out=1):
    return Network(
        [len(features), *hidden, n_out], activation="tanh", loss="bce" if n_out == 1 else "mse", seed=seed
    )


def test_grid_holds_the_feature_map_of_the_grid_points():
    grid = boundary_grid(("x1", "x2^2", "sin x1"), resolution=7)
    assert grid.xs.shape == grid.ys.shape == (7,)
    assert grid.X.shape == (49, 3)
    assert grid.xs[0] == -6.0 and grid.xs[-1] == 6.0
    # row i is the line x2 = ys[i], column j the line x1 = xs[j]
    i, j = 2, 5
    expected = feature_map(np.array([[grid.xs[j], grid.ys[i]]]), ("x1", "x2^2", "sin x1"))[0]
    np.testing.assert_allclose(grid.X[i * 7 + j], expected)


def test_maps_agree_with_a_forward_pass_of_single_points():
    features = ("x1", "x2", "x1*x2")
    net = make_net(features, hidden=(5, 2))
    grid = boundary_grid(features, resolution=9)
    boundary = evaluate_boundary(net, grid)
    assert [m.shape for m in boundary.maps] == [(3, 9, 9), (5, 9, 9), (2, 9, 9), (1, 9, 9)]
    for i, j in [(0, 0), (3, 7), (8, 1)]:
        point = np.array([[grid.xs[j], grid.ys[i]]])
        trace = net.forward(feature_map(point, features))
        for k, a in enumerate(trace.a):
            np.testing.assert_allclose(boundary.maps[k][:, i, j], a[0], rtol=1e-12, atol=1e-12)
    np.testing.assert_array_equal(boundary.output, boundary.maps[-1][0])


def test_the_output_of_a_classifier_is_a_probability_that_varies_over_the_plane():
    net = make_net()
    boundary = evaluate_boundary(net, boundary_grid(resolution=20))
    assert boundary.output.shape == (20, 20)
    assert boundary.resolution == 20
    assert 0.0 < boundary.output.min() < boundary.output.max() < 1.0


def test_the_whole_grid_is_one_forward_call(monkeypatch):
    net = make_net()
    calls = []
    forward = Network.forward

    def counting(self, X, training=False):
        calls.append(np.shape(X))
        return forward(self, X, training)

    monkeypatch.setattr(Network, "forward", counting)
    evaluate_boundary(net, boundary_grid(resolution=50))
    assert calls == [(2500, 2)]
    calls.clear()
    evaluate_boundary(net, boundary_grid(resolution=50), net.weights, net.biases)
    assert calls == [(2500, 2)]


def test_given_parameters_replace_the_networks_own_without_changing_it():
    net = make_net(seed=0)
    other = make_net(seed=1)
    grid = boundary_grid(resolution=11)
    before = [w.copy() for w in net.weights]
    replayed = evaluate_boundary(net, grid, other.weights, other.biases)
    np.testing.assert_allclose(replayed.output, evaluate_boundary(other, grid).output)
    assert not np.allclose(replayed.output, evaluate_boundary(net, grid).output)
    for w, b in zip(net.weights, before):
        np.testing.assert_array_equal(w, b)


def test_bad_calls_raise_value_errors_that_say_why():
    net = make_net()
    with pytest.raises(ValueError, match="3 features .* takes 2 inputs"):
        evaluate_boundary(net, boundary_grid(("x1", "x2", "x1^2"), resolution=5))
    with pytest.raises(ValueError, match="both weights and biases"):
        evaluate_boundary(net, boundary_grid(resolution=5), weights=net.weights)
    with pytest.raises(DataError, match="unknown feature"):
        boundary_grid(("x3",))
    with pytest.raises(DataError, match="resolution"):
        boundary_grid(resolution=1)


@given(
    features=st.lists(st.sampled_from(FEATURES), min_size=1, max_size=4, unique=True),
    hidden=st.lists(st.integers(1, 6), max_size=3),
    resolution=st.integers(2, 12),
    n_out=st.integers(1, 2),
)
def test_shapes_for_any_network(features, hidden, resolution, n_out):
    net = make_net(tuple(features), tuple(hidden), n_out=n_out)
    boundary = evaluate_boundary(net, boundary_grid(features, resolution))
    assert [m.shape for m in boundary.maps] == [(n, resolution, resolution) for n in net.sizes]
    assert all(np.isfinite(m).all() for m in boundary.maps)
