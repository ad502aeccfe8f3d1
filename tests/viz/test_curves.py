"""Curves over steps (viz/curves.py): the batch loss of configurations."""

import base64
import json

import numpy as np

from viz.curves import FEW_POINTS, loss_by_step


def decode(value):
    """A Plotly JSON array: a plain list, or Plotly 7's ``{"dtype", "bdata", "shape"}``."""
    if isinstance(value, dict) and "bdata" in value:
        array = np.frombuffer(base64.b64decode(value["bdata"]), value["dtype"])
        return array.reshape([int(n) for n in str(value["shape"]).split(",")]) if "shape" in value else array
    return np.asarray(value, dtype=np.float64)


def test_loss_chart_keeps_huge_losses_and_drops_non_finite_ones():
    fig = loss_by_step({"A": (np.arange(4), np.array([1.0, 1e300, np.inf, 0.25]))}, marker_step=2)
    values = decode(json.loads(fig.to_json())["data"][0]["y"])
    assert values[1] == 1e300  # a diverging loss is far beyond float32
    assert np.isnan(values[2]) and values[3] == 0.25
    assert fig.layout.yaxis.type == "log"


def test_a_short_loss_curve_marks_its_points():
    one = loss_by_step({"A": (np.array([0]), np.array([0.7])), "B": (np.array([0]), np.array([0.5]))})
    assert [t.mode for t in one.data] == ["lines+markers", "lines+markers"]  # a lone point is drawn
    assert one.data[1].marker.symbol != one.data[0].marker.symbol
    long = loss_by_step({"A": (np.arange(FEW_POINTS + 1), np.ones(FEW_POINTS + 1))})
    assert long.data[0].mode == "lines"
