"""The Playground's boundary figures (viz/boundary_figures.py): the map in float32 with the
points, the colour bar below the square, long titles in two lines, diverged outputs scaled."""

import numpy as np

from engine.boundary import Boundary
from viz import theme
from viz.boundary_figures import boundary_figure
from viz.playground_diagram import playground_diagram


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
