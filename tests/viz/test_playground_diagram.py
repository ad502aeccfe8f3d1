"""The Playground's diagram (viz/playground_diagram.py): edges and units follow the numbers
given, every unit gets its map, and what is sent to the browser is float32 and small."""

import numpy as np
import pytest

from engine import Network
from engine.boundary import boundary_grid, evaluate_boundary
from tests.viz.conftest import decode_png, edge_segments
from viz import theme
from viz.network_drawing import MAX_EDGE_WIDTH, MIN_EDGE_WIDTH
from viz.playground_diagram import (
    LABEL_BACKGROUND,
    WEIGHT_SCALE,
    diagram_values,
    playground_diagram,
    unit_names,
)
from viz.raster import MAP_LEVELS


def test_edge_colour_is_the_sign_and_width_the_magnitude():
    W = np.array([[2.0, -1.0], [0.5, -0.01]])
    fig = playground_diagram([2, 2], [["x1", "x2"], ["y1", "y2"]], [W], [None, None])
    seg = edge_segments(fig)
    assert len(seg) == 4
    # inputs at x=0 (y = 0.5, -0.5), outputs at x=1
    strongest, negative = seg[(0.0, 0.5, 1.0, 0.5)], seg[(0.0, 0.5, 1.0, -0.5)]
    middle, weakest = seg[(0.0, -0.5, 1.0, 0.5)], seg[(0.0, -0.5, 1.0, -0.5)]
    assert strongest[0] == middle[0] == theme.POSITIVE
    assert negative[0] == weakest[0] == theme.NEGATIVE
    assert strongest[1] > negative[1] > middle[1] > weakest[1]
    assert strongest[1] == pytest.approx(MAX_EDGE_WIDTH, abs=(MAX_EDGE_WIDTH - MIN_EDGE_WIDTH) / 8)
    assert weakest[1] == pytest.approx(MIN_EDGE_WIDTH, abs=(MAX_EDGE_WIDTH - MIN_EDGE_WIDTH) / 8)


def test_log_scaled_widths_separate_small_gradients_that_linear_widths_merge():
    W = np.array([[1.0, 1e-2, 1e-3]])
    names = [["x1"], ["a", "b", "c"]]
    linear = edge_segments(playground_diagram([1, 3], names, [W], [None, None]))
    log = edge_segments(playground_diagram([1, 3], names, [W], [None, None], log_scale=True))
    to = {y: w for (x0, y0, x1, y), (c, w) in linear.items()}
    to_log = {y: w for (x0, y0, x1, y), (c, w) in log.items()}
    assert to[0.0] == to[-1.0]  # 1e-2 and 1e-3 both in the thinnest bucket
    assert to_log[1.0] > to_log[0.0] > to_log[-1.0]


def test_hover_gives_the_exact_numbers_and_names():
    W = [np.array([[0.123456], [-2.5]])]
    names = [["x1^2", "sin x1"], ["y1"]]
    fig = playground_diagram([2, 1], names, W, [np.array([0.5, -0.25]), np.array([0.75])], edge_label="dL/dw")
    edges = next(t for t in fig.data if t.name == "edge values")
    assert list(edges.text) == ["dL/dw[x1^2→y1]", "dL/dw[sin x1→y1]"]
    np.testing.assert_allclose(edges.customdata, [0.123456, -2.5], rtol=1e-6)
    assert edges.customdata.dtype == np.float32
    units = fig.data[0]
    assert units.name == "neurons"  # trace 0: a click on it picks a unit
    assert list(units.hovertext) == [
        "x1^2: a = 0.5 (mean over the batch)",
        "sin x1: a = -0.25 (mean over the batch)",
        "y1: a = 0.75 (mean over the batch)",
    ]
    badges = next(t for t in fig.data if t.name == "node values")
    np.testing.assert_allclose(badges.marker.color, [0.5, -0.25, 0.75])
    assert badges.marker.cmin == -0.75 and badges.marker.cmax == 0.75


def test_a_diverged_value_does_not_break_the_edges():
    W = np.array([[np.inf, 1.0], [np.nan, -1.0]])
    fig = playground_diagram([2, 2], [["x1", "x2"], ["y1", "y2"]], [W], [None, None])
    assert len(edge_segments(fig)) == 4


def test_each_unit_gets_its_map_and_the_selected_one_a_frame():
    net = Network([2, 3, 1], activation="tanh", loss="bce", seed=0)
    boundary = evaluate_boundary(net, boundary_grid(resolution=50))
    names = unit_names(("x1", "x2"), net.sizes)
    fig = playground_diagram(net.sizes, names, net.weights, [None] * 3, maps=boundary.maps, selected=(1, 2))
    assert len(fig.layout.images) == 6
    for image in fig.layout.images:
        indices, palette = decode_png(image.source)
        assert indices.shape == (25, 25)  # 50 x 50 map, every 2nd point
        assert len(palette) == MAP_LEVELS
    frame = next(t for t in fig.data if t.name == "selected")
    assert (frame.x[0], frame.y[0]) == (1.0, -1.0)  # layer 1, third unit
    labels = fig.layout.annotations
    assert [a.text for a in labels] == ["x1", "x2", "h11", "h12", "h13", "y1"]


def test_unit_names_are_drawn_above_the_edges_on_a_background():
    """In a deep, wide net edges cross the names: they are annotations (Plotly draws those above
    every trace and image) on a pale background, not a text trace among the edge traces."""
    sizes = [7, 8, 8, 8, 8, 8, 8, 1]
    features = ("x1", "x2", "x1^2", "x2^2", "x1*x2", "sin x1", "sin x2")
    net = Network(sizes, activation="tanh", loss="bce", seed=0)
    boundary = evaluate_boundary(net, boundary_grid(features, resolution=20))
    names = unit_names(features, sizes)
    fig = playground_diagram(sizes, names, net.weights, [None] * 8, maps=boundary.maps, width_hint=1050)
    assert not [t for t in fig.data if t.mode and "text" in t.mode]  # no names among the traces
    labels = fig.layout.annotations
    assert len(labels) == sum(sizes)
    assert {a.bgcolor for a in labels} == {LABEL_BACKGROUND} and not any(a.showarrow for a in labels)
    assert labels[7].text == "h11" and labels[7].yanchor == "bottom"
    x, y = fig.layout.images[7].x, fig.layout.images[7].y  # h11's map: its name sits just above it
    assert labels[7].x == x and labels[7].y > y


def test_diagram_values_pick_the_views_numbers():
    net = Network([2, 3, 1], activation="tanh", loss="bce", seed=0)
    X, Y = np.array([[1.0, 2.0], [-1.0, 0.5]]), np.array([[1.0], [0.0]])
    step = net.copy().train_step(X, Y, lr=0.1)
    edges, nodes = diagram_values(step, net.weights, "gradients", "delta")
    assert all(e is g for e, g in zip(edges, step.grad_W))
    assert nodes[0] is None
    np.testing.assert_allclose(nodes[1], step.delta[0].mean(axis=0))
    edges, nodes = diagram_values(step, net.weights, "update", "activation")
    assert all(e is u for e, u in zip(edges, step.update_W))
    np.testing.assert_allclose(nodes[0], X.mean(axis=0))
    edges, nodes = diagram_values(None, net.weights, "gradients", "activation")
    assert all((e == 0).all() for e in edges) and nodes == [None, None, None]
    with pytest.raises(ValueError, match="unknown view"):
        diagram_values(step, net.weights, "hessian", "delta")


def test_the_weights_view_can_draw_edge_widths_on_a_fixed_scale():
    """``fixed_scale``: the same weight gets the same width whatever the others are (TF's 0..5)."""

    def widths(values):
        fig = playground_diagram([1, 2], [["x1"], ["h1", "h2"]], [np.array(values)], [None, None],
                                 fixed_scale=WEIGHT_SCALE)  # fmt: skip
        return sorted(t.line.width for t in fig.data if t.mode == "lines")

    small = widths([[2.0, 5.0]])
    big = widths([[2.0, 50.0]])
    assert small == big  # 50 is clamped to the widest; 2 keeps its width
    relative = playground_diagram([1, 2], [["x1"], ["h1", "h2"]], [np.array([[2.0, 50.0]])], [None, None])
    assert sorted(t.line.width for t in relative.data if t.mode == "lines")[0] < small[0]
