"""Playground figures: the diagram's edges and units follow the numbers given, maps are coloured
on the stated scale, and what is sent to the browser is float32 and small."""

import base64
import struct
import zlib

import numpy as np
import pytest

from engine import Network
from engine.boundary import Boundary, boundary_grid, evaluate_boundary
from viz import theme
from viz.diagram import MAX_WIDTH, MIN_WIDTH
from viz.playground import (
    LABEL_BACKGROUND,
    MAP_LEVELS,
    MAX_CURVE_POINTS,
    boundary_figure,
    diagram_values,
    diverging_rgb,
    downsample,
    gradient_norm_figure,
    map_image,
    map_scale,
    metric_figure,
    playground_diagram,
    unit_names,
)


def hex_rgb(colour):
    return tuple(int(colour[k : k + 2], 16) for k in (1, 3, 5))


def decode_png(uri):
    """(indices (h, w), palette (k, 3)) of an indexed PNG data URI made by map_image."""
    assert uri.startswith("data:image/png;base64,")
    png = base64.b64decode(uri.split(",", 1)[1])
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    chunks, pos = {}, 8
    while pos < len(png):
        (length,) = struct.unpack(">I", png[pos : pos + 4])
        tag, data = png[pos + 4 : pos + 8], png[pos + 8 : pos + 8 + length]
        (crc,) = struct.unpack(">I", png[pos + 8 + length : pos + 12 + length])
        assert crc == zlib.crc32(tag + data)
        chunks[tag] = data
        pos += 12 + length
    w, h, depth, colour_type = struct.unpack(">IIBB", chunks[b"IHDR"][:10])
    assert (depth, colour_type) == (8, 3)
    rows = np.frombuffer(zlib.decompress(chunks[b"IDAT"]), dtype=np.uint8).reshape(h, w + 1)
    assert (rows[:, 0] == 0).all()  # no filter
    return rows[:, 1:], np.frombuffer(chunks[b"PLTE"], dtype=np.uint8).reshape(-1, 3)


def edge_segments(fig):
    """{(x0, y0, x1, y1): (colour, width)} over the edge traces."""
    found = {}
    for trace in fig.data:
        if trace.mode == "lines" and "edges" in (trace.name or ""):
            xs, ys = np.asarray(trace.x), np.asarray(trace.y)
            assert np.isnan(xs[2::3]).all()  # segments separated by gaps
            for k in range(0, len(xs), 3):
                found[(xs[k], ys[k], xs[k + 1], ys[k + 1])] = (trace.line.color, trace.line.width)
    return found


# ---------------------------------------------------------------------------- diagram
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
    assert strongest[1] == pytest.approx(MAX_WIDTH, abs=(MAX_WIDTH - MIN_WIDTH) / 8)
    assert weakest[1] == pytest.approx(MIN_WIDTH, abs=(MAX_WIDTH - MIN_WIDTH) / 8)


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


def test_map_image_colours_and_orientation():
    values = np.zeros((4, 4))
    values[:, 2:] = 1.0  # x1 > 0: positive (blue)
    values[0, :2] = -1.0  # bottom row (smallest x2), left: negative (orange)
    indices, palette = decode_png(map_image(values, 0.0, 1.0, pixels=4))
    assert tuple(palette[indices[0, 3]]) == hex_rgb(theme.POSITIVE)
    assert tuple(palette[indices[-1, 0]]) == hex_rgb(
        theme.NEGATIVE
    )  # row 0 of the map is drawn at the bottom
    assert indices[0, 0] == (MAP_LEVELS - 1) // 2  # zero is the middle grey


def test_diverging_rgb_and_map_scale():
    rgb = diverging_rgb(np.array([-3.0, 1.0, 5.0, 99.0, np.nan]), centre=1.0, scale=4.0)
    assert tuple(rgb[0]) == hex_rgb(theme.NEGATIVE)
    assert tuple(rgb[1]) == (0xF7, 0xF7, 0xF7)
    assert tuple(rgb[2]) == tuple(rgb[3]) == hex_rgb(theme.POSITIVE)
    assert tuple(rgb[4]) == (0xF7, 0xF7, 0xF7)
    assert map_scale(np.array([0.2, 0.9]), output_of_classifier=True) == (0.5, 0.5)
    assert map_scale(np.array([-0.3, 0.5])) == (0.0, 1.0)  # bounded units keep [-1, 1]
    assert map_scale(np.array([-7.0, 2.0, np.inf])) == (0.0, 7.0)


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


# ---------------------------------------------------------------------------- boundary
def small_boundary(output, hidden=None):
    res = output.shape[0]
    xs = np.linspace(-6, 6, res)
    maps = [np.zeros((2, res, res)), *([] if hidden is None else [hidden]), output[None]]
    return Boundary(xs, xs.copy(), maps)


def test_boundary_heatmap_is_the_output_in_float32_with_the_points():
    out = np.linspace(0.01, 0.99, 16).reshape(4, 4)
    raw = np.array([[1.0, 2.0], [-3.0, 0.5]])
    fig = boundary_figure(small_boundary(out), raw, np.array([1.0, 0.0]))
    heat = fig.data[0]
    assert heat.z.dtype == np.float32
    np.testing.assert_allclose(heat.z, out, rtol=1e-6)
    assert (heat.zmin, heat.zmax) == (0.0, 1.0)  # a probability: 0.5 is the grey middle
    assert [t.name for t in fig.data] == ["output", "train points"]
    np.testing.assert_allclose(fig.data[1].x, [1.0, -3.0])
    np.testing.assert_allclose(fig.data[1].marker.color, [1.0, 0.0])


def test_discretize_test_points_and_a_units_map():
    out = np.array([[0.2, 0.7], [0.49, 0.51]])
    hidden = np.array([[[-3.0, 1.0], [2.0, 0.0]]])
    raw, y = np.zeros((1, 2)), np.ones(1)
    fig = boundary_figure(small_boundary(out, hidden), raw, y, raw, y, discretize=True)
    np.testing.assert_array_equal(fig.data[0].z, [[0, 1], [0, 1]])
    assert [t.name for t in fig.data] == ["output", "train points", "test points"]
    assert fig.data[2].marker.line.color == theme.TEXT  # test points: dark rim
    unit = boundary_figure(small_boundary(out, hidden), raw, y, unit=(1, 0), unit_name="h11", discretize=True)
    np.testing.assert_array_equal(unit.data[0].z, hidden[0])  # discretize is for the output only
    assert (unit.data[0].zmin, unit.data[0].zmax) == (-3.0, 3.0)


def test_the_colour_bar_is_below_the_square_not_beside_it():
    """Nothing to the side of the square: in a narrow column the square keeps the width."""
    out = np.linspace(0.01, 0.99, 16).reshape(4, 4)
    fig = boundary_figure(small_boundary(out), np.zeros((1, 2)), np.zeros(1), title="Output")
    bar = fig.data[0].colorbar
    assert bar.orientation == "h" and bar.yref == "container" and 0 < bar.y < 0.2
    assert fig.layout.legend.yref == "container" and fig.layout.legend.y == 0
    assert fig.layout.margin.r <= 10


def test_a_long_title_takes_two_lines_instead_of_being_cut():
    out = np.linspace(0.01, 0.99, 16).reshape(4, 4)
    short = boundary_figure(small_boundary(out), np.zeros((1, 2)), np.zeros(1), title="Output after 3 steps")
    long_title = "Unit sin x1 before step 12345 (last finite)"
    long = boundary_figure(small_boundary(out), np.zeros((1, 2)), np.zeros(1), title=long_title)
    assert short.layout.title.text == "Output after 3 steps"
    assert long.layout.title.text == "Unit sin x1 before step 12345 (last<br>finite)"
    assert long.layout.margin.t == short.layout.margin.t + 20
    diagram = playground_diagram([1, 1], [["x1"], ["y1"]], [np.ones((1, 1))], [None, None], title=long_title)
    assert "<br>" in diagram.layout.title.text


def test_a_diverged_output_is_scaled_rather_than_lost_in_float32():
    out = np.array([[1e150, -2e150], [3e149, 0.0]])
    fig = boundary_figure(small_boundary(out), np.zeros((1, 2)), np.zeros(1), classification=False)
    z = fig.data[0].z
    assert np.isfinite(z).all()
    np.testing.assert_allclose(z, out / 1e150, rtol=1e-6)
    assert "10<sup>150</sup>" in fig.data[0].colorbar.title.text


# ---------------------------------------------------------------------------- curves
def test_gradient_norms_one_log_line_per_layer():
    steps = np.arange(1000)
    norms = np.column_stack([np.full(1000, 1e-3), np.full(1000, 10.0)])
    norms[500, 0] = 0.0  # a layer that stopped learning: a gap, not -inf
    fig = gradient_norm_figure(steps, norms, marker_step=400)
    assert [t.name for t in fig.data] == ["layer 1", "layer 2 (out)"]
    for trace, expected in zip(fig.data, (-3.0, 1.0)):
        assert len(trace.x) <= MAX_CURVE_POINTS and trace.x[-1] == 999
        assert trace.y.dtype == np.float32
        finite = trace.y[np.isfinite(trace.y)]
        np.testing.assert_allclose(finite, expected)
    assert fig.layout.yaxis.ticktext[0] == "10<sup>-3</sup>"
    assert fig.layout.shapes[0].x0 == 400


def test_gradient_norms_of_a_diverging_run_stay_finite_in_float32():
    fig = gradient_norm_figure(np.arange(3), np.array([[1.0], [1e100], [1e200]]))
    np.testing.assert_allclose(fig.data[0].y, [0.0, 100.0, 200.0])


def test_metric_curves_loss_and_accuracy():
    metrics = {
        "step": np.array([0, 10, 20]),
        "train_loss": np.array([0.7, 0.5, 0.3]),
        "test_loss": np.array([0.8, 0.6, 0.4]),
        "train_accuracy": np.array([0.5, 0.7, 0.9]),
        "test_accuracy": np.array([0.4, 0.6, 0.8]),
    }
    fig = metric_figure(metrics)
    assert [t.name for t in fig.data] == ["train loss", "test loss", "train accuracy", "test accuracy"]
    np.testing.assert_allclose(fig.data[1].y, [0.8, 0.6, 0.4], rtol=1e-6)
    assert fig.data[3].yaxis == "y2" and list(fig.layout.yaxis2.range) == [0, 1.02]
    assert fig.data[0].line.color == theme.TRAIN and fig.data[1].line.color == theme.TEST


def test_metric_curves_turn_logarithmic_for_a_diverging_run():
    metrics = {
        "step": np.array([0, 10, 20]),
        "train_loss": np.array([1.0, 1e10, 1e300]),
        "test_loss": np.array([1.0, 1e12, np.inf]),
        "train_r2": np.array([0.0, -5.0, -1e9]),
        "test_r2": np.array([0.0, -5.0, np.nan]),
    }
    fig = metric_figure(metrics, classification=False)
    np.testing.assert_allclose(fig.data[0].y, [0.0, 10.0, 300.0])
    assert np.isnan(fig.data[1].y[2])
    assert fig.data[2].name == "train R²"


def test_an_r2_below_minus_one_is_drawn_at_the_floor_with_its_value_in_the_hover():
    """R² has no lower bound (a diverging fit reaches -1e295): below -1 it would leave the axis and
    nothing would be drawn. It is drawn at -1 (the tick reads ≤ −1); inf and NaN leave a gap."""
    metrics = {
        "step": np.array([0, 10, 20, 30]),
        "train_loss": np.array([1.0, 0.5, 0.4, 0.3]),
        "test_loss": np.array([1.0, 0.6, 0.5, 0.4]),
        "train_r2": np.array([-4.2, 0.3, -1e200, -np.inf]),
        "test_r2": np.array([-0.5, 0.2, np.nan, 0.9]),
    }
    fig = metric_figure(metrics, classification=False)
    train, test = fig.data[2], fig.data[3]
    np.testing.assert_allclose(train.y[:3], [-1.0, 0.3, -1.0], rtol=1e-6)
    assert np.isnan(train.y[3])
    np.testing.assert_allclose(train.customdata[:2], [-4.2, 0.3], rtol=1e-6)  # the hover: the value
    np.testing.assert_allclose(test.y[[0, 1, 3]], [-0.5, 0.2, 0.9], rtol=1e-6)
    assert np.isnan(test.y[2])
    axis = fig.layout.yaxis2
    assert axis.range[0] < -1 and axis.ticktext[0] == "≤ −1"


@pytest.mark.parametrize("classification", [True, False])
def test_the_single_point_of_step_0_is_drawn_on_every_curve(classification):
    score = "accuracy" if classification else "r2"
    metrics = {"step": np.array([0]), "train_loss": np.array([0.7]), "test_loss": np.array([0.8])}
    metrics |= {f"train_{score}": np.array([0.5]), f"test_{score}": np.array([0.4])}
    fig = metric_figure(metrics, classification=classification)
    assert len(fig.data) == 4
    for trace in fig.data:  # a line through one point draws nothing: markers do
        assert "markers" in trace.mode and len(trace.x) == 1 and np.isfinite(trace.y).all()
    many = {k: np.repeat(v, 100) for k, v in metrics.items()}
    many["step"] = np.arange(100)
    assert {t.mode for t in metric_figure(many, classification=classification).data} == {"lines"}


def test_curve_legends_sit_below_the_axis_and_get_room_for_every_row():
    fig = metric_figure(
        {"step": np.array([0, 1]), "train_loss": np.ones(2), "test_loss": np.ones(2),
         "train_accuracy": np.ones(2), "test_accuracy": np.ones(2)}
    )  # fmt: skip
    assert fig.layout.legend.yref == "container" and fig.layout.legend.y == 0
    assert [t.name for t in fig.data if t.showlegend is not False] == ["train loss", "test loss"]
    assert "dotted" in fig.layout.yaxis2.title.text
    two = gradient_norm_figure(np.arange(3), np.ones((3, 2)))
    seven = gradient_norm_figure(np.arange(3), np.ones((3, 7)))  # three rows of entries
    assert seven.layout.margin.b - two.layout.margin.b == seven.layout.height - two.layout.height > 0


def test_downsample_keeps_the_ends_and_a_bounded_count():
    assert list(downsample(5)) == [0, 1, 2, 3, 4]
    kept = downsample(10_000, 100)
    assert kept[0] == 0 and kept[-1] == 9999 and len(kept) <= 100


def test_the_weights_view_can_draw_edge_widths_on_a_fixed_scale():
    """``fixed_scale``: the same weight gets the same width whatever the others are (TF's 0..5)."""
    from viz.playground import WEIGHT_SCALE

    def widths(values):
        fig = playground_diagram([1, 2], [["x1"], ["h1", "h2"]], [np.array(values)], [None, None],
                                 fixed_scale=WEIGHT_SCALE)  # fmt: skip
        return sorted(t.line.width for t in fig.data if t.mode == "lines")

    small = widths([[2.0, 5.0]])
    big = widths([[2.0, 50.0]])
    assert small == big  # 50 is clamped to the widest; 2 keeps its width
    relative = playground_diagram([1, 2], [["x1"], ["h1", "h2"]], [np.array([[2.0, 50.0]])], [None, None])
    assert sorted(t.line.width for t in relative.data if t.mode == "lines")[0] < small[0]


def test_confusion_counts_read_the_data_sets_threshold():
    from viz.playground import confusion_counts, confusion_figure

    out = np.array([[0.9], [0.2], [0.6], [0.4], [np.nan]])
    counts = confusion_counts(out, np.array([[1.0], [0.0], [0.0], [1.0], [1.0]]))
    np.testing.assert_array_equal(counts, [[1, 1], [2, 1]])  # rows true 0/1, columns predicted 0/1
    tf = confusion_counts(np.array([0.3, -0.2]), np.array([1.0, -1.0]), threshold=0.0)
    np.testing.assert_array_equal(tf, [[1, 0], [0, 1]])
    fig = confusion_figure({"train": counts, "test": tf}, ["-1", "1"], "Confusion")
    assert [t.type for t in fig.data] == ["heatmap", "heatmap"]
    assert fig.data[0].text[1][0] == "2<br>40 %" and fig.layout.xaxis2.title.text == "test (2)"
