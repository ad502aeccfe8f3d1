"""Rasters (viz/raster.py): maps are coloured on the stated scale, flipped so that x2 grows
upwards, and sent as small indexed PNGs."""

import numpy as np

from tests.viz.conftest import decode_png, hex_rgb
from viz import theme
from viz.raster import MAP_LEVELS, diverging_rgb, map_image, map_scale


def test_map_image_colours_and_orientation():
    values = np.zeros((4, 4))
    values[:, 2:] = 1.0  # x1 > 0: positive (blue)
    values[0, :2] = -1.0  # bottom row (smallest x2), left: negative (orange)
    indices, palette = decode_png(map_image(values, 0.0, 1.0, pixels=4))
    assert tuple(palette[indices[0, 3]]) == hex_rgb(theme.POSITIVE)
    assert tuple(palette[indices[-1, 0]]) == hex_rgb(
        theme.NEGATIVE
    )  # row 0 of the map is drawn at the bottom
    assert indices[0, 0] == (MAP_LEVELS - 1) // 2  # zero is the middle grey


def test_diverging_rgb_and_map_scale():
    rgb = diverging_rgb(np.array([-3.0, 1.0, 5.0, 99.0, np.nan]), centre=1.0, scale=4.0)
    assert tuple(rgb[0]) == hex_rgb(theme.NEGATIVE)
    assert tuple(rgb[1]) == (0xF7, 0xF7, 0xF7)
    assert tuple(rgb[2]) == tuple(rgb[3]) == hex_rgb(theme.POSITIVE)
    assert tuple(rgb[4]) == (0xF7, 0xF7, 0xF7)
    assert map_scale(np.array([0.2, 0.9]), output_of_classifier=True) == (0.5, 0.5)
    assert map_scale(np.array([-0.3, 0.5])) == (0.0, 1.0)  # bounded units keep [-1, 1]
    assert map_scale(np.array([-7.0, 2.0, np.inf])) == (0.0, 7.0)


def test_png_data_uri_writes_rgb_and_indexed_images():
    """One encoder for every image of viz/: RGB (the loss surface) and indexed (unit maps)."""
    import base64
    import zlib

    from viz.raster import png_data_uri

    rgb = np.arange(2 * 3 * 3, dtype=np.uint8).reshape(2, 3, 3)
    png = base64.b64decode(png_data_uri(rgb).split(",", 1)[1])
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and png[25] == 2  # colour type 2: RGB, no palette
    assert b"PLTE" not in png
    start = png.index(b"IDAT") + 4
    raw = zlib.decompress(png[start : start + int.from_bytes(png[start - 8 : start - 4], "big")])
    rows = np.frombuffer(raw, dtype=np.uint8).reshape(2, 1 + 9)
    assert (rows[:, 0] == 0).all()
    np.testing.assert_array_equal(rows[:, 1:].reshape(2, 3, 3), rgb)
    indexed = png_data_uri(np.array([[0, 1]], dtype=np.uint8), np.array([[9, 8, 7], [1, 2, 3]]))
    indices, palette = decode_png(indexed)
    np.testing.assert_array_equal(indices, [[0, 1]])
    np.testing.assert_array_equal(palette, [[9, 8, 7], [1, 2, 3]])
