"""The per-layer curves at one step (viz/layer_charts.py): log scales, input/output sides, theory,
the 1e-3 rule of thumb, legends under the axis title."""

import numpy as np
import pytest

from viz import theme
from viz.axes import LEGEND_ROOM, SERIES_STYLES, drawable
from viz.layer_charts import RULE_OF_THUMB, norm_by_layer, theory_chart, update_ratio_chart


def vanishing_row(L=6):
    """A summary-like row whose gradient falls by 10x per layer toward the input."""
    return {"grad_W_rms": 10.0 ** np.arange(-L, 0), "delta_rms": 10.0 ** np.arange(-L - 1, -1)}


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
