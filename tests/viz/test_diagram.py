"""The network diagram: edge colours follow signs, widths follow magnitudes, hovers the numbers."""

import numpy as np
import pytest

from engine import Network
from viz import theme
from viz.diagram import edge_scale_note, network_diagram, phase_values, step_diagram


def edge_traces(fig):
    return [t for t in fig.data if t.mode == "lines" and t.name != "selected"]


def segments(trace):
    xs, ys = list(trace.x), list(trace.y)
    return {(xs[k], ys[k], xs[k + 1], ys[k + 1]) for k in range(0, len(xs), 3)}


def test_edge_colour_is_the_sign_and_width_the_magnitude():
    W = np.array([[2.0, -1.0], [0.5, -0.01]])
    fig = network_diagram([2, 2], [W], [None, None])
    by_segment = {}
    for trace in edge_traces(fig):
        for segment in segments(trace):
            by_segment[segment] = (trace.line.color, trace.line.width)
    # inputs at x=0 (y = 0.5, -0.5), outputs at x=1
    strongest = by_segment[(0.0, 0.5, 1.0, 0.5)]  # W[0,0] = 2
    assert strongest[0] == theme.POSITIVE
    assert by_segment[(0.0, 0.5, 1.0, -0.5)][0] == theme.NEGATIVE  # W[0,1] = -1
    widths = {
        "2": strongest[1],
        "-1": by_segment[(0.0, 0.5, 1.0, -0.5)][1],
        "0.5": by_segment[(0.0, -0.5, 1.0, 0.5)][1],
        "-0.01": by_segment[(0.0, -0.5, 1.0, -0.5)][1],
    }
    assert widths["2"] > widths["-1"] > widths["0.5"] > widths["-0.01"]


def test_hover_gives_the_exact_numbers():
    W = np.array([[0.123456789]])
    fig = network_diagram([1, 1], [W], [np.array([0.5]), np.array([-0.25])], node_label="a")
    edge_hover = next(t for t in fig.data if t.name == "edge values").hovertext
    assert edge_hover == ("w[x1→y1] = 0.123457",)
    neurons = next(t for t in fig.data if t.name == "neurons")
    assert list(neurons.marker.color) == [0.5, -0.25]
    assert neurons.hovertext == ("x1: a = 0.5", "y1: a = -0.25")


def test_phases_pick_the_right_arrays():
    net = Network([2, 3, 1], activation="tanh", seed=0)
    step = net.train_step(np.array([[0.5, -1.0]]), np.array([[1.0]]), lr=0.1)
    edges, label, nodes, node_label = phase_values(step, "backward")
    assert label == "dL/dw" and edges is step.grad_W
    np.testing.assert_array_equal(nodes[1], step.delta[0][0])
    edges, label, nodes, node_label = phase_values(step, "update")
    assert edges is step.update_W and node_label == "Δb"
    assert nodes[0] is None  # inputs have no bias
    np.testing.assert_array_equal(nodes[1], step.update_b[0])
    np.testing.assert_array_equal(nodes[2], step.update_b[1])
    with pytest.raises(ValueError, match="unknown phase"):
        phase_values(step, "sideways")
    fig = step_diagram(step, "forward")
    neurons = next(t for t in fig.data if t.name == "neurons")
    np.testing.assert_allclose(neurons.marker.color[2:5], step.a[1][0])


def test_few_traces_even_for_a_large_network():
    rng = np.random.default_rng(0)
    sizes = [8, 16, 16, 16, 1]
    weights = [rng.normal(size=(a, b)) for a, b in zip(sizes[:-1], sizes[1:])]
    fig = network_diagram(sizes, weights, [None] * len(sizes))
    assert len(fig.data) <= 2 * 8 + 2


def test_the_edge_scale_is_stated_under_the_diagram():
    W = np.array([[0.5, -0.25]])
    fig = network_diagram([1, 2], [W], [None, None], edge_label="Δw")
    notes = [a.text for a in fig.layout.annotations]
    assert notes == ["edges: Δw (blue ≥ 0, orange < 0), width ∝ |Δw|, widest 0.5"]
    assert edge_scale_note("w", 0.0, False) == "edges: w, all 0"
    assert "width ∝ log |dL/dw|" in edge_scale_note("dL/dw", 2e-3, True)
    colorbar = next(t for t in fig.data if t.name == "neurons").marker.colorbar
    assert colorbar.title.text == "a"


def test_every_edge_has_its_own_point_even_where_edges_cross():
    from viz.diagram import parse_item

    for sizes in ([2, 2, 2], [4, 4, 4], [3, 1, 4]):
        fig = network_diagram(sizes, [np.ones((a, b)) for a, b in zip(sizes, sizes[1:])], [None] * len(sizes))
        points = next(t for t in fig.data if t.name == "edge values")
        xy = set(zip(np.round(points.x, 9), np.round(points.y, 9)))
        assert len(xy) == sum(a * b for a, b in zip(sizes, sizes[1:]))  # 16 of 16 for a 4->4 layer
        second = ("weight", 0, 0, 1) if sizes[1] > 1 else ("weight", 0, 1, 0)
        assert parse_item(points.customdata[1]) == second
    neurons = next(t for t in fig.data if t.name == "neurons")
    assert parse_item([neurons.customdata[3]]) == ("neuron", 1, 0)
    assert parse_item("nonsense:1") is None and parse_item(None) is None


def test_mazur_names():
    from viz.diagram import layer_names, weight_name

    assert layer_names([2, 2, 2], mazur=True) == [["i1", "i2"], ["h1", "h2"], ["o1", "o2"]]
    order = [(l, i, j) for l in range(2) for j in range(2) for i in range(2)]
    names = [weight_name([2, 2, 2], l, i, j, mazur=True) for l, i, j in order]
    assert names == [f"w{k}" for k in range(1, 9)]  # w1 = i1->h1, w2 = i2->h1, w5 = h1->o1
    assert layer_names([2, 3, 3, 1], mazur=True)[1] == ["h11", "h12", "h13"]  # two hidden layers: ours


def test_scale_fonts_lifts_every_text_to_18_px():
    from viz.theme import scale_fonts

    fig = network_diagram([2, 2], [np.ones((2, 2))], [None, None], show_values=True)
    big = scale_fonts(fig, 18).to_plotly_json()
    assert big["layout"]["font"]["size"] >= 18
    assert all(a["font"]["size"] >= 18 for a in big["layout"]["annotations"])
    assert all(t["textfont"]["size"] >= 18 for t in big["data"] if t.get("text") is not None)
    assert fig.layout.font.size == 13  # the original is left alone


def test_recolour_keeps_orange_negative_and_blue_positive_in_every_theme():
    from viz.theme import PALETTES, THEMES, recolour

    fig = network_diagram([2, 2], [np.array([[-1.0, 1.0], [0.5, -0.5]])], [None, np.array([-1.0, 1.0])])
    assert recolour(fig, "light") is fig
    for name in THEMES[1:]:
        spec = recolour(fig, name).to_plotly_json()
        palette = PALETTES[name]
        assert spec["layout"]["paper_bgcolor"] == palette["background"]
        colours = {t["line"]["color"] for t in spec["data"] if t.get("mode") == "lines"}
        assert colours == {palette["negative"], palette["positive"]}
        neurons = next(t for t in spec["data"] if t["name"] == "neurons")
        scale = neurons["marker"]["colorscale"]
        assert scale[0][1] == palette["negative"] and scale[-1][1] == palette["positive"]
        edge_points = next(t for t in spec["data"] if t["name"] == "edge values")
        assert edge_points["marker"]["color"] == "white"  # a marker's white is not a background
    with pytest.raises(ValueError, match="unknown theme"):
        recolour(fig, "sepia")
