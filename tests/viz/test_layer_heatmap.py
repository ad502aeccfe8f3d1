"""The layer x step heatmap (viz/layer_heatmap.py): its colours and range, float32 columns, panels."""

import base64
import json

import numpy as np
import pytest

from viz import theme
from viz.layer_heatmap import (
    MAX_COLUMNS,
    MIN_HALF_RANGE,
    colour_range,
    column_indices,
    layer_step_heatmap,
    log_norm_matrix,
)


def decode(value):
    """A Plotly JSON array: a plain list, or Plotly 7's ``{"dtype", "bdata", "shape"}``."""
    if isinstance(value, dict) and "bdata" in value:
        array = np.frombuffer(base64.b64decode(value["bdata"]), value["dtype"])
        return array.reshape([int(n) for n in str(value["shape"]).split(",")]) if "shape" in value else array
    return np.asarray(value, dtype=np.float64)


def test_relative_heatmap_stays_neutral_when_every_layer_shrinks_together():
    steps = np.arange(50)
    healthy = 10.0 ** (-steps[:, None] / 10.0) * np.ones((1, 8))  # all layers fall 5 decades together
    z, (lo, hi) = log_norm_matrix(healthy, "relative")
    assert z.dtype == np.float32 and z.shape == (8, 50)
    np.testing.assert_allclose(z, 0.0, atol=1e-6)
    assert (lo, hi) == (-MIN_HALF_RANGE, MIN_HALF_RANGE)
    z_abs, (lo_abs, hi_abs) = log_norm_matrix(healthy, "absolute")
    assert z_abs[0, 0] == pytest.approx(0.0) and z_abs[0, -1] == pytest.approx(-4.9, abs=1e-6)
    assert lo_abs == pytest.approx(-4.8, abs=0.05) and hi_abs == pytest.approx(-0.1, abs=0.05)


def test_relative_heatmap_colours_a_vanishing_layer_below_zero():
    values = np.tile(10.0 ** np.array([-8.0, -4.0, -2.0, -2.0, -2.0]), (10, 1))  # layer 1 and 2 lag behind
    z, (lo, hi) = log_norm_matrix(values, "relative")
    np.testing.assert_allclose(z[:, 0], [-6.0, -2.0, 0.0, 0.0, 0.0])
    assert lo == -hi and hi == pytest.approx(6.0)


def test_heatmap_zero_norm_takes_the_lowest_colour_and_non_finite_is_a_gap():
    values = np.array([[0.0, 1.0, 10.0], [np.nan, 1.0, np.inf]])
    z, (lo, _) = log_norm_matrix(values, "absolute")
    assert z[0, 0] == np.float32(lo)
    assert np.isnan(z[0, 1]) and np.isnan(z[2, 1])
    with pytest.raises(ValueError, match="choose one of"):
        log_norm_matrix(values, "linear")
    assert colour_range(np.array([np.nan]), "absolute") == (-1.0, 1.0)


def test_heatmap_sends_float32_layers_by_steps_with_one_colour_range_for_both_panels():
    steps = np.arange(1000)
    a = np.tile(10.0 ** np.linspace(-9, -1, 21), (1000, 1))  # A: 8 decades from input to output
    b = np.ones((1000, 21)) * 1e-2  # B: flat
    fig = layer_step_heatmap({"A": (steps, a), "B": (steps, b)}, quantity="grad_W_rms", marker_step=400)
    spec = json.loads(fig.to_json())
    heatmaps = [t for t in spec["data"] if t["type"] == "heatmap"]
    assert len(heatmaps) == 2
    z = decode(heatmaps[0]["z"])
    assert heatmaps[0]["z"]["dtype"] == "f4" and z.shape == (21, len(column_indices(1000)))
    assert z.shape[1] <= MAX_COLUMNS
    np.testing.assert_array_equal(decode(heatmaps[0]["y"]), np.arange(1, 22))  # layer 1 at the bottom
    x = decode(heatmaps[0]["x"])
    assert x[0] == 0 and x[-1] == 999
    coloraxis = fig.layout.coloraxis
    assert all(t["coloraxis"] == "coloraxis" for t in heatmaps)  # one range for the view
    assert coloraxis.cmin == pytest.approx(-coloraxis.cmax) and coloraxis.cmax == pytest.approx(4.0, abs=0.2)
    assert [c[1] for c in coloraxis.colorscale] == [c[1] for c in theme.DIVERGING]
    assert z[0, 0] == pytest.approx(-4.0) and z[-1, 0] == pytest.approx(4.0)  # median layer: 10^-5
    assert any(shape.x0 == 400 for shape in fig.layout.shapes)  # the step shown by the other charts
    absolute = layer_step_heatmap({"A": (steps, a)}, mode="absolute")
    # 2nd to 98th percentile of the 21 layers' values: the lowest and the highest layer here
    assert (absolute.layout.coloraxis.cmin, absolute.layout.coloraxis.cmax) == (-9.0, -1.0)
    assert [c[1] for c in absolute.layout.coloraxis.colorscale][-1] != theme.POSITIVE  # sequential blues
    with pytest.raises(ValueError, match="unknown quantity"):
        layer_step_heatmap({"A": (steps, a)}, quantity="grad_W_norm")


def test_heatmap_panels_leave_room_between_their_step_labels():
    fig = layer_step_heatmap(
        {"A": (np.arange(600), np.ones((600, 21))), "B": (np.arange(600), np.ones((600, 21)))}
    )
    gap = fig.layout.xaxis2.domain[0] - fig.layout.xaxis.domain[1]
    assert gap >= 0.08  # "600" of A and "0" of B used to run together ("6000")
    assert fig.layout.xaxis.nticks == fig.layout.xaxis2.nticks == 5
    one = layer_step_heatmap({"A": (np.array([0]), np.ones((1, 21)))})
    assert one.layout.xaxis.dtick == 1  # step 0 alone: no half steps on the axis


def test_heatmap_of_configurations_of_different_depths():
    fig = layer_step_heatmap({"A": (np.arange(3), np.ones((3, 101))), "B": (np.arange(3), np.ones((3, 21)))})
    assert [len(t.y) for t in fig.data] == [101, 21]
    assert fig.layout.yaxis2.matches is None  # each panel its own layer axis


def test_column_indices_keep_the_first_and_last_step():
    idx = column_indices(10_000, 300)
    assert len(idx) <= 300 and idx[0] == 0 and idx[-1] == 9_999 and np.all(np.diff(idx) > 0)
    assert list(column_indices(5, 300)) == [0, 1, 2, 3, 4]
