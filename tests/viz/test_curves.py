"""Curves over steps (viz/curves.py): the batch loss of configurations, the Playground's
gradient norms per layer and its loss with accuracy or R²."""

import base64
import json

import numpy as np
import pytest

from viz import theme
from viz.axes import thin_indices
from viz.curves import FEW_POINTS, MAX_CURVE_POINTS, gradient_norm_figure, loss_by_step, metric_figure


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


# ---------------------------------------------------------------------------- Playground curves
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


def test_curves_are_thinned_to_a_bounded_count_keeping_the_ends():
    assert list(thin_indices(5, MAX_CURVE_POINTS)) == [0, 1, 2, 3, 4]
    kept = thin_indices(10_000, 100)
    assert kept[0] == 0 and kept[-1] == 9999 and len(kept) <= 100
