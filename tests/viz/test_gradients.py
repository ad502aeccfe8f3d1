"""The Vanishing-gradients figures: log scales, input/output sides, the heatmap's colours and
range, the ridgelines, the theory and the 1e-3 rule of thumb."""

import base64
import json

import numpy as np
import pytest

from viz import theme
from viz.gradients import (
    FEW_POINTS,
    LEGEND_ROOM,
    MAX_COLUMNS,
    MIN_HALF_RANGE,
    RIDGE_HEIGHT,
    RULE_OF_THUMB,
    SERIES_STYLES,
    colour_range,
    column_indices,
    drawable,
    histogram_ridges,
    layer_step_heatmap,
    log_axis,
    log_norm_matrix,
    log_ticks,
    loss_by_step,
    norm_by_layer,
    ridge_layers,
    step_axis,
    theory_chart,
    tick_labels,
    update_ratio_chart,
)


def decode(value):
    """A Plotly JSON array: a plain list, or Plotly 7's ``{"dtype", "bdata", "shape"}``."""
    if isinstance(value, dict) and "bdata" in value:
        array = np.frombuffer(base64.b64decode(value["bdata"]), value["dtype"])
        return array.reshape([int(n) for n in str(value["shape"]).split(",")]) if "shape" in value else array
    return np.asarray(value, dtype=np.float64)


def vanishing_row(L=6):
    """A summary-like row whose gradient falls by 10x per layer toward the input."""
    return {"grad_W_rms": 10.0 ** np.arange(-L, 0), "delta_rms": 10.0 ** np.arange(-L - 1, -1)}


# ---------------------------------------------------------------------------- norm by layer
def test_norm_chart_is_log_scale_with_the_input_side_left_and_the_output_side_right():
    fig = norm_by_layer({"A": vanishing_row(), "B": {k: np.ones(6) for k in ("grad_W_rms", "delta_rms")}})
    assert fig.layout.yaxis.type == "log"
    sides = {a.text: (a.x, a.xanchor) for a in fig.layout.annotations}
    assert sides["◀ input side"] == (0.0, "left")
    assert sides["output side ▶"] == (1.0, "right")
    assert len(fig.data) == 4
    dW, dz = fig.data[0], fig.data[1]
    assert list(dW.x) == [1, 2, 3, 4, 5, 6]  # layer 1 (reads the input) is leftmost
    np.testing.assert_allclose(dW.y, 10.0 ** np.arange(-6, 0))
    assert dW.line.dash == "solid" and dz.line.dash == "dot"
    assert dW.line.color == SERIES_STYLES[0]["color"] == theme.POSITIVE
    assert fig.data[2].line.color == SERIES_STYLES[1]["color"]
    assert fig.data[2].marker.symbol != dW.marker.symbol
    assert dW.name == "A: dL/dW" and dz.name == "A: dL/dz"


def test_norm_chart_leaves_out_zero_and_non_finite_values_and_says_so():
    row = {
        "grad_W_rms": np.array([0.0, 1e-3, np.inf, 1e-1]),
        "delta_rms": np.array([1e-4, 1e-3, 1e-2, np.nan]),
    }
    fig = norm_by_layer({"A": row})
    y = np.asarray(fig.data[0].y, dtype=np.float64)
    assert np.isnan(y[0]) and np.isnan(y[2]) and y[1] == 1e-3
    notes = " ".join(a.text for a in fig.layout.annotations)
    assert "A: dL/dW zero in 1 layer and not finite in 1 layer" in notes
    assert "A: dL/dz not finite in 1 layer" in notes
    assert drawable([0.0, -1.0, 2.0, np.nan])[1:] == (2, 1)


# ---------------------------------------------------------------------------- heatmap
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


# ---------------------------------------------------------------------------- ridgelines
def test_ridge_layers_are_evenly_spread_with_both_ends():
    assert ridge_layers(5, 12) == [0, 1, 2, 3, 4]
    rows = ridge_layers(101, 12)
    assert len(rows) == 12 and rows[0] == 0 and rows[-1] == 100


def test_ridgeline_splits_activations_by_sign_and_scales_each_ridge():
    edges = np.linspace(-1, 1, 9)  # 8 bins, 0 is an edge
    act = np.array([[0, 0, 0, 0, 10, 0, 0, 40], [5, 5, 5, 5, 5, 5, 5, 5], [0, 0, 0, 0, 0, 0, 0, 0]])
    grad_edges = np.linspace(-10, 2, 13)
    grad = np.zeros((3, 12), dtype=int)
    grad[:, 3] = 7
    fig = histogram_ridges(act, edges, grad, grad_edges, labels=["in", "mid", "out"])
    negative, positive, gradient = fig.data
    assert negative.fillcolor == theme.NEGATIVE and positive.fillcolor == theme.POSITIVE
    assert np.nanmax(negative.x) <= 0 and np.nanmin(positive.x) >= 0
    assert list(fig.layout.yaxis.ticktext) == ["in", "mid", "out"]
    # ridge r sits on y = r; its tallest bin reaches r + RIDGE_HEIGHT, others sqrt(count / max) of that
    y = np.asarray(positive.y, dtype=np.float64)
    first = np.unique(y[y < 1])
    assert first == pytest.approx([0.0, RIDGE_HEIGHT * np.sqrt(10 / 40), RIDGE_HEIGHT], rel=1e-6)
    second = np.unique(y[(y >= 1) & (y < 2)])
    assert second == pytest.approx([1.0, 1.0 + RIDGE_HEIGHT], rel=1e-6)  # flat: every bin at full height
    assert np.unique(y[y >= 2]).tolist() == [2.0]  # an empty layer: nothing above its baseline
    assert np.isnan(y).sum() == 3  # three polygons, each closed by a gap
    assert gradient.fillcolor != theme.NEGATIVE
    assert fig.layout.xaxis.range == (-1, 1) and fig.layout.xaxis2.range == (-10, 2)


def test_ridgelines_read_in_a_narrow_column():
    act = np.ones((21, 40), dtype=int)
    fig = histogram_ridges(
        act, np.linspace(-1.05, 1.05, 41), act, np.linspace(-16, 4, 41), title="A at step 5"
    )
    titles = [a.text for a in fig.layout.annotations]
    assert titles == ["activations", "log10 |dL/dW|"]  # short panel titles, side by side
    assert all(a.font.size <= 13 for a in fig.layout.annotations)
    assert fig.layout.xaxis.title.text is None and fig.layout.xaxis2.title.text is None
    assert list(fig.layout.xaxis.tickvals) == [-1.0, 0.0, 1.0]
    assert list(fig.layout.xaxis2.tickvals) == [-15.0, -10.0, -5.0, 0.0]
    assert list(fig.layout.xaxis2.ticktext) == ["", "−10", "", "0"]  # a label every 10 decades
    assert fig.layout.yaxis.ticktext[0] == "1" and fig.layout.yaxis.title.text == "layer"
    assert fig.layout.title.text == "A at step 5" and fig.layout.title.subtitle.text is None
    wide = histogram_ridges(act, np.linspace(-3, 3, 41), act, np.linspace(-16, 4, 41))
    assert list(wide.layout.xaxis.tickvals) == [-3.0, 0.0, 3.0]


def test_ridgeline_of_a_deep_network_draws_at_most_max_ridges():
    act = np.ones((101, 40), dtype=int)
    fig = histogram_ridges(act, np.linspace(-3, 3, 41), act, np.linspace(-16, 4, 41), max_ridges=12)
    assert len(fig.layout.yaxis.tickvals) == 12
    assert fig.layout.yaxis.ticktext[0] == "1" and fig.layout.yaxis.ticktext[-1] == "101"
    assert np.isnan(np.asarray(fig.data[2].x, dtype=np.float64)).sum() == 12  # one polygon per ridge
    assert json.loads(fig.to_json())["data"][2]["x"]["dtype"] == "f4"


# ---------------------------------------------------------------------------- theory and ratio
def test_theory_chart_draws_theory_as_dashed_lines_and_measurements_as_markers():
    row = {
        "theory_variance": np.full(4, 0.5),
        "measured_variance": np.array([0.4, 0.5, 0.6, 0.0]),
        "theory_delta": np.array([1e-4, 1e-3, 1e-2, 1e-1]),
        "measured_delta": np.array([2e-4, 1e-3, 1e-2, 1e-1]),
    }
    fig = theory_chart({"A": row, "B": {**row, "theory_delta": None}})
    theory = [t for t in fig.data if t.mode == "lines"]
    measured = [t for t in fig.data if t.mode == "markers"]
    assert len(theory) == 3 and len(measured) == 4  # B has no backward prediction
    assert all(t.line.dash == "dash" for t in theory)
    assert fig.layout.yaxis.type == "log" and fig.layout.yaxis2.type == "log"
    assert "A: Var(a) zero in 1 layer" in fig.layout.annotations[-1].text


def test_update_ratio_chart_marks_the_rule_of_thumb():
    fig = update_ratio_chart({"A": np.array([1e-6, 1e-4, 1e-3]), "B": np.array([1e-3, 1e-3, 0.0])})
    assert fig.layout.yaxis.type == "log"
    rule = next(t for t in fig.data if t.name.startswith("rule of thumb"))
    assert set(rule.y) == {RULE_OF_THUMB} == {1e-3}
    # labelled on the line, not in the legend: a half-width column fits two legend entries a row
    assert [t.name for t in fig.data if t.showlegend is not False] == ["A", "B"]
    label = next(a for a in fig.layout.annotations if a.text == "rule of thumb 1e-3")
    assert label.y == pytest.approx(-3.0)  # log10 of 1e-3: annotations on a log axis use log units
    band = fig.data[0]
    assert band.fill == "toself" and min(band.y) == 1e-4 and max(band.y) == 1e-2
    a = next(t for t in fig.data if t.name == "A")
    np.testing.assert_allclose(a.y, [1e-6, 1e-4, 1e-3])
    assert any("B: the ratio zero in 1 layer" in (ann.text or "") for ann in fig.layout.annotations)


def test_loss_chart_keeps_huge_losses_and_drops_non_finite_ones():
    fig = loss_by_step({"A": (np.arange(4), np.array([1.0, 1e300, np.inf, 0.25]))}, marker_step=2)
    values = decode(json.loads(fig.to_json())["data"][0]["y"])
    assert values[1] == 1e300  # a diverging loss is far beyond float32
    assert np.isnan(values[2]) and values[3] == 0.25
    assert fig.layout.yaxis.type == "log"


def test_log_axes_label_every_decade_only_when_the_values_span_two_decades():
    wide = log_axis([np.array([1e-6, 1e-2]), [np.nan, 0.0]], title="t")
    assert wide == dict(type="log", gridcolor=theme.NEUTRAL, exponentformat="power", title="t", dtick=1)
    assert "dtick" not in log_axis([np.array([0.2, 0.5])])
    assert log_axis([np.array([1e-30, 1.0])])["dtick"] == 5  # 30 decades: a label every 5
    assert "dtick" not in log_axis([]) and "tickvals" not in log_axis([])


def test_log_axes_below_two_decades_label_round_values_of_one_kind():
    # A batch loss from 3 down to 0.5: Plotly's own ticks write 3, 2.5, 2, 1.5, 1, 0.5 unevenly spaced
    axis = log_axis([np.array([2.7, 1.7, 0.7, 0.5])])
    assert axis["tickvals"] == [0.5, 1.0, 2.0] and axis["ticktext"] == ["0.5", "1", "2"]
    assert log_ticks(0.0954, 7.25) == [0.1, 0.2, 0.5, 1.0, 2.0, 5.0]
    assert log_ticks(0.65, 0.69) == [0.66, 0.68]  # no 1-2-5 value inside: round values
    assert log_ticks(0.3, 0.55) == [0.3, 0.4, 0.5]  # one 1-2-5 value only: every digit
    assert len(log_ticks(1.0, 1.0)) >= 1
    for lo, hi in ((0.0954, 7.25), (0.65, 0.69), (3e-7, 2e-6), (1.0, 1.0)):
        ticks = log_ticks(lo, hi)
        assert ticks == sorted(ticks) and len(ticks) <= 6
    small = log_axis([np.array([1e-5, 4e-5])])
    assert small["ticktext"] == ["10<sup>−5</sup>", "2×10<sup>−5</sup>"]
    assert tick_labels([5e-4, 1e-3, 2e-3]) == ["5×10<sup>−4</sup>", "10<sup>−3</sup>", "2×10<sup>−3</sup>"]


def test_step_axes_count_whole_steps():
    assert step_axis(np.array([0]))["dtick"] == 1 and step_axis(np.array([0]))["range"] == [-0.5, 0.5]
    assert step_axis(np.array([0, 1, 2]))["range"] == [-0.5, 2.5]
    assert "dtick" not in step_axis(np.arange(100))


def test_a_short_loss_curve_marks_its_points():
    one = loss_by_step({"A": (np.array([0]), np.array([0.7])), "B": (np.array([0]), np.array([0.5]))})
    assert [t.mode for t in one.data] == ["lines+markers", "lines+markers"]  # a lone point is drawn
    assert one.data[1].marker.symbol != one.data[0].marker.symbol
    long = loss_by_step({"A": (np.arange(FEW_POINTS + 1), np.ones(FEW_POINTS + 1))})
    assert long.data[0].mode == "lines"


def test_per_layer_legends_sit_under_the_axis_title():
    for fig in (
        norm_by_layer({"A": vanishing_row(), "B": vanishing_row()}),
        update_ratio_chart({"A": np.ones(6) * 1e-3}),
        theory_chart(
            {
                "A": {
                    "theory_variance": np.ones(3),
                    "measured_variance": np.ones(3),
                    "theory_delta": None,
                    "measured_delta": np.ones(3),
                }
            }
        ),  # fmt: skip
    ):
        legend = fig.layout.legend
        assert (legend.orientation, legend.yref, legend.y, legend.yanchor) == ("h", "container", 0, "bottom")
        assert fig.layout.margin.b == LEGEND_ROOM
