"""The histogram ridgelines (viz/ridges.py): activations split by sign, each ridge scaled, narrow columns."""

import json

import numpy as np
import pytest

from viz import theme
from viz.ridges import RIDGE_HEIGHT, histogram_ridges, ridge_layers


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
