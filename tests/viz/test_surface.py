"""Figures of the Learning rate page (viz/surface.py, viz/animation.py)."""

import numpy as np

from engine import lr_range as R
from engine import surface as S
from viz import theme
from viz.animation import frame_steps
from viz.curves import loss_per_step
from viz.surface import cut_figure, descent_figure, range_test_figure


def paths():
    surface = S.valley()
    return surface, [S.descend(surface, (-3.0, 1.0), "sgd", lr, 20) for lr in (0.01, 0.05, 0.2)]


def test_frame_steps_keep_the_first_and_last():
    assert frame_steps(5) == [0, 1, 2, 3, 4, 5]
    steps = frame_steps(500, max_frames=80)
    assert steps[0] == 0 and steps[-1] == 500 and len(steps) <= 80


def test_descent_figure_animates_every_path_in_its_own_colour():
    surface, ps = paths()
    fig = descent_figure(S.grid_loss(surface, (-4, 4), (-3, 3), 11), ps, ["a", "b", "c"], surface.names)
    assert len(fig.frames) == 21
    path_traces = fig.data[2::2]
    assert [t.line.color for t in path_traces] == list(theme.PATHS[:3])
    assert [t.name for t in path_traces] == ["a", "b", "c"]
    # frame k shows the points up to step k and the arrow of step k
    frame = fig.frames[5]
    assert list(frame.traces) == [2, 3, 4, 5, 6, 7]
    assert np.allclose(frame.data[0].x, ps[0].points[:6, 0])
    assert np.allclose(frame.data[1].x, ps[0].points[5:7, 0])
    # the third path diverged (0.2 > 2/25): it stops, and so does its arrow
    assert ps[2].diverged_at is not None or ps[2].losses[-1] > ps[2].losses[0]
    assert fig.layout.sliders[0].active == 20


def test_cut_figure_lands_where_the_step_goes():
    c = S.cut(S.valley(), (1.0, 0.5), axis=0, lr=0.05)
    fig = cut_figure(c, "x")
    landing = fig.data[3]
    assert np.isclose(landing.x[0], 1.0 - 0.05 * c.slope) and np.isclose(landing.y[0], c.landing_loss)
    assert np.allclose(np.diff(fig.data[1].y) / np.diff(fig.data[1].x), c.slope)


def test_range_test_figure_shades_the_region():
    lrs = np.logspace(-4, 1, 11)
    losses = np.array([1.0, 1.0, 0.99, 0.95, 0.7, 0.4, 0.3, 0.28, 0.5, np.inf, np.inf])
    test = R.RangeTest(lrs, losses, 1.0, 10, *R.pick_region(lrs, losses))
    fig = range_test_figure(test)
    (shade,) = fig.layout.shapes[:1]
    assert (shade.x0, shade.x1) == test.region
    diverged = next(t for t in fig.data if t.name == "diverged")
    assert len(diverged.x) == 2


def test_loss_per_step_uses_a_log_axis_for_positive_losses():
    _, ps = paths()
    assert loss_per_step(ps, ["a", "b", "c"]).layout.yaxis.type == "log"
    saddle = S.descend(S.SaddleSurface(), (2.0, 0.5), "sgd", 0.1, 30)
    assert loss_per_step([saddle], ["s"]).layout.yaxis.type == "linear"


def test_the_surface_is_an_image_of_bands_that_survives_animation():
    import base64
    import zlib

    shown = np.add.outer(np.arange(4.0), np.arange(5.0))  # (m=4, n=5), row 0 at the bottom
    uri = __import__("viz.surface", fromlist=["surface_image"]).surface_image(shown, bands=3)
    png = base64.b64decode(uri.split(",", 1)[1])
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    assert (width, height) == (5, 4)
    start = png.index(b"IDAT") + 4
    raw = zlib.decompress(png[start : start + int.from_bytes(png[start - 8 : start - 4], "big")])
    rows = np.frombuffer(raw, np.uint8).reshape(4, 1 + 5 * 3)[:, 1:].reshape(4, 5, 3)
    assert tuple(rows[-1, 0]) == (255, 255, 255)  # the lowest value (bottom-left) is white
    assert tuple(rows[0, -1]) == (0xA8, 0xA8, 0xA8)  # the highest (top-right) is the darkest grey
    assert len({tuple(p) for p in rows.reshape(-1, 3)}) == 3  # three bands


def test_the_3d_view_lifts_each_path_onto_the_surface():
    from viz.surface import surface_3d

    surface, ps = paths()
    grid = S.grid_loss(surface, (-4, 4), (-3, 3), 11)
    fig = surface_3d(grid, ps, ["a", "b", "c"], surface.names)
    assert fig.data[0].type == "surface" and [t.name for t in fig.data[1:]] == ["a", "b", "c"]
    first = fig.data[1]
    assert len(first.x) == len(ps[0].points)  # the slow path stays on the drawn square
    assert first.z[0] > first.z[-1]  # and goes downhill
