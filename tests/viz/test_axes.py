"""The frame toolkit (viz/axes.py): log axes at 1-2-5, step axes, thinning, legends, decade axes."""

import numpy as np
import pytest

from viz import theme
from viz.axes import log_axis, log_ticks, step_axis, tick_labels


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


def test_thin_indices_keep_both_ends_and_at_most_the_limit():
    from viz.axes import thin_indices

    assert thin_indices(5, 10).tolist() == [0, 1, 2, 3, 4]
    keep = thin_indices(1001, 7)
    assert keep[0] == 0 and keep[-1] == 1000 and len(keep) <= 7
    assert np.all(np.diff(keep) > 0)
    assert np.ptp(np.diff(keep)) <= 1  # evenly spread


def test_stride_keeps_about_the_limit():
    from viz.axes import stride

    assert stride(10, 100) == 1 and stride(0, 5) == 1
    assert len(np.arange(12_000)[:: stride(12_000, 6000)]) == 6000


def test_decade_axis_labels_powers_of_ten_every_few_decades():
    from viz.axes import decade_axis

    axis = decade_axis([np.array([-3.2, 0.4, np.nan]), np.array([2.1])])
    assert axis["tickvals"] == [-4, -3, -2, -1, 0, 1, 2, 3]
    assert axis["ticktext"][4:6] == ["1", "10"] and axis["ticktext"][0] == "10<sup>-4</sup>"
    wide = decade_axis([np.array([-300.0, 300.0])])
    assert len(wide["tickvals"]) <= 8 and wide["tickvals"][1] - wide["tickvals"][0] == 100
    assert decade_axis([])["tickvals"] == [-2, -1, 0, 1]


def test_legends_inside_and_the_rows_a_horizontal_legend_needs():
    from viz.axes import legend_inside, legend_rows

    assert legend_inside("bottom left")["yanchor"] == "bottom"
    assert legend_inside("top right")["xanchor"] == "right"
    with pytest.raises(ValueError, match="corner"):
        legend_inside("middle")
    assert legend_rows(["a"]) == 1
    assert legend_rows(["x" * 60] * 4) == 4  # 410 px each: one a row in 500 px


def test_panels_lay_out_side_by_side_axes_sharing_y():
    from viz.axes import panels

    fig = panels(3, 0.05, ("a", "b", "c"), shared_y=True)
    domains = [fig.layout[f"xaxis{s}"].domain for s in ("", "2", "3")]
    assert domains[0][0] == 0 and abs(domains[-1][1] - 1) < 1e-12
    assert all(d0[1] < d1[0] for d0, d1 in zip(domains, domains[1:]))
    assert fig.layout.yaxis2.matches == "y" and [a.text for a in fig.layout.annotations] == ["a", "b", "c"]


def test_viz_gradients_reexports_the_owning_modules_objects():
    import viz.gradients as g
    from viz import axes, curves, layer_charts, layer_heatmap, ridges

    assert g.log_axis is axes.log_axis and g.loss_by_step is curves.loss_by_step
    assert g.norm_by_layer is layer_charts.norm_by_layer and g.log_values is layer_heatmap.log_values
    assert g.histogram_ridges is ridges.histogram_ridges
    assert g.column_indices(500).tolist() == axes.thin_indices(500, g.MAX_COLUMNS).tolist()
