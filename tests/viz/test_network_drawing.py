"""What both network diagrams share (viz/network_drawing.py): edge widths, and one bucketing of
edges into line traces by sign and width, the same in Step by step's diagram and the Playground's."""

import numpy as np
import pytest

from tests.viz.conftest import edge_segments
from viz import theme
from viz.diagram import network_diagram
from viz.network_drawing import (
    MAX_EDGE_WIDTH,
    MIN_EDGE_WIDTH,
    WIDTH_BUCKETS,
    bucket_width,
    edge_ends,
    edge_traces,
    edge_widths,
    neuron_positions,
)
from viz.playground_diagram import playground_diagram


def test_log_scale_widths_spread_small_values():
    values = np.array([1.0, 1e-2, 1e-4, 1e-6])
    linear = edge_widths(values, 1.0, log_scale=False)
    log = edge_widths(values, 1.0, log_scale=True)
    assert linear[0] == MAX_EDGE_WIDTH and linear[2] == pytest.approx(MIN_EDGE_WIDTH, abs=1e-3)
    np.testing.assert_allclose(
        log,
        [
            MAX_EDGE_WIDTH,
            MIN_EDGE_WIDTH + 0.5 * (MAX_EDGE_WIDTH - MIN_EDGE_WIDTH),
            MIN_EDGE_WIDTH,
            MIN_EDGE_WIDTH,
        ],
    )


def test_edges_are_bucketed_by_sign_and_width_in_layer_order():
    sizes = [2, 3]
    values = np.array([1.0, -1.0, 0.0, 0.5, -0.5, np.nan])  # W[0] (2, 3), flattened (i, j)
    ends = edge_ends(neuron_positions(sizes), [(2, 3)])
    assert [len(e) for e in ends] == [6] * 4
    np.testing.assert_array_equal(ends[0], [0, 0, 0, 0, 0, 0])  # from layer 0 ...
    np.testing.assert_array_equal(ends[3], [1, 0, -1, 1, 0, -1])  # ... to units j = 0, 1, 2 of layer 1
    widths = edge_widths(np.nan_to_num(values), 1.0, log_scale=False)
    traces = edge_traces(ends, values, widths, opacity=0.5)
    names = [t["name"] for t in traces]
    assert names == [  # negative first (NaN: ">= 0" is False), then by bucket
        "negative edges, width bucket 0",  # NaN
        "negative edges, width bucket 4",  # -0.5
        "negative edges, width bucket 7",  # -1.0
        "positive edges, width bucket 0",  # 0.0
        "positive edges, width bucket 4",  # 0.5
        "positive edges, width bucket 7",  # 1.0
    ]
    np.testing.assert_array_equal(traces[4]["y"][:2], [-0.5, 1.0])  # 0.5 = W[0][1, 0]: x2 -> unit 0
    for trace in traces:
        assert trace["line"]["color"] == (
            theme.POSITIVE if trace["name"].startswith("positive") else theme.NEGATIVE
        )
        assert trace["line"]["width"] == bucket_width(int(trace["name"].rsplit(" ", 1)[1]))
        assert trace["opacity"] == 0.5 and np.isnan(trace["x"][2::3]).all()
    assert sum(len(t["x"]) for t in traces) == 3 * len(values)  # every edge once
    assert bucket_width(0) > MIN_EDGE_WIDTH and bucket_width(WIDTH_BUCKETS - 1) < MAX_EDGE_WIDTH


@pytest.mark.parametrize("log_scale", [False, True])
def test_both_diagrams_draw_the_same_edges_with_the_same_widths(log_scale):
    rng = np.random.default_rng(0)
    sizes = [3, 4, 2]
    weights = [
        rng.normal(size=(a, b)) * 10.0 ** rng.integers(-3, 1, size=(a, b)) for a, b in zip(sizes, sizes[1:])
    ]
    names = [["x1", "x2", "x3"], ["h11", "h12", "h13", "h14"], ["y1", "y2"]]
    step = network_diagram(sizes, weights, [None] * 3, log_scale=log_scale)
    playground = playground_diagram(sizes, names, weights, [None] * 3, log_scale=log_scale)
    ours = edge_segments(playground)
    theirs = {tuple(np.float32(c) for c in k): v for k, v in edge_segments(step).items()}
    assert len(ours) == sum(a * b for a, b in zip(sizes, sizes[1:]))
    assert ours == theirs
