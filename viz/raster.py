"""Colour-mapped rasters: a unit's map over the input square as a small PNG, the diverging RGB
bytes of any values, and the PNG encoder every image of ``viz/`` uses. Pure NumPy and stdlib.

A *map* is a unit's value over the input square, ``(res, res)`` with ``map[i, j]`` at
``(xs[j], ys[i])`` (``engine.boundary``). It is coloured on a symmetric scale
``centre +- scale`` (see ``map_scale``): the output of a classifier is centred on 0.5 (the
decision threshold) with scale 0.5, every other unit on 0 with scale ``max(1, max |map|)``,
so bounded units (tanh) keep a fixed scale and saturation shows, while unbounded ones
(relu, the raw inputs) are fitted to their range. The colours are ``viz.theme.DIVERGING``.

(The PNG is written here with ``zlib``: no library in ``requirements.txt`` encodes one; an
indexed PNG of a small map is about a third of the size of an RGB one.)
"""

from __future__ import annotations

import base64
import struct
import zlib

import numpy as np

from viz import theme

MAP_PIXELS = 25  # neuron maps are downsampled to at most this many pixels a side
MAP_LEVELS = 33  # colours of a neuron map: 16 negative shades, the middle, 16 positive shades

# the diverging scale's RGB at t = 0, 0.5, 1
_STOPS = np.stack([theme.hex_rgb(theme.NEGATIVE), theme.hex_rgb(theme.MID), theme.hex_rgb(theme.POSITIVE)])


def map_scale(values: np.ndarray, output_of_classifier: bool = False) -> tuple[float, float]:
    """``(centre, scale)`` of a map's colours: ``(0.5, 0.5)`` for a classifier's output (a
    probability), else ``(0, max(1, max |values|))`` (NaN/inf ignored)."""
    if output_of_classifier:
        return 0.5, 0.5
    finite = np.abs(values[np.isfinite(values)])
    return 0.0, max(1.0, float(finite.max()) if finite.size else 1.0)


def diverging_rgb(values: np.ndarray, centre: float, scale: float) -> np.ndarray:
    """RGB bytes ``values.shape + (3,)`` on ``theme.DIVERGING``: ``centre - scale`` negative,
    ``centre`` the middle, ``centre + scale`` positive, linear in between (clipped; NaN the middle)."""
    t = np.clip((np.asarray(values, dtype=np.float64) - centre) / (2.0 * scale) + 0.5, 0.0, 1.0)
    t = np.where(np.isfinite(t), t, 0.5)
    low = t < 0.5
    w = np.where(low, t * 2.0, t * 2.0 - 1.0)[..., None]
    a = np.where(low[..., None], _STOPS[0], _STOPS[1])
    b = np.where(low[..., None], _STOPS[1], _STOPS[2])
    return np.rint(a + (b - a) * w).astype(np.uint8)


def _chunk(tag: bytes, data: bytes) -> bytes:
    """One PNG chunk: length, tag, data, CRC-32 of tag and data."""
    return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))


def png_data_uri(pixels: np.ndarray, palette: np.ndarray | None = None) -> str:
    """A PNG as a ``data:image/png;base64,...`` URI, row 0 at the top, 8 bits, no filter.

    ``pixels`` is ``(h, w, 3)`` uint8 RGB (colour type 2), or with ``palette`` ``(k, 3)`` uint8
    RGB (k <= 256) ``(h, w)`` uint8 indices into it (an indexed PNG, colour type 3).
    """
    pixels = np.ascontiguousarray(pixels, dtype=np.uint8)
    h, w = pixels.shape[:2]
    raw = np.concatenate([np.zeros((h, 1), dtype=np.uint8), pixels.reshape(h, -1)], axis=1).tobytes()
    header = _chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2 if palette is None else 3, 0, 0, 0))
    if palette is not None:
        header += _chunk(b"PLTE", np.ascontiguousarray(palette, dtype=np.uint8).tobytes())
    png = b"\x89PNG\r\n\x1a\n" + header + _chunk(b"IDAT", zlib.compress(raw, 9)) + _chunk(b"IEND", b"")
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


_MAP_PALETTE = diverging_rgb(np.linspace(-1.0, 1.0, MAP_LEVELS), 0.0, 1.0)
_STOPS.setflags(write=False)
_MAP_PALETTE.setflags(write=False)


def map_image(values: np.ndarray, centre: float, scale: float, pixels: int = MAP_PIXELS) -> str:
    """A map ``(res, res)`` as a small PNG data URI: every ``ceil(res / pixels)``-th point,
    flipped so that larger ``x2`` is higher up, coloured as ``diverging_rgb`` in
    ``MAP_LEVELS`` steps (NaN the middle)."""
    stride = max(1, -(-values.shape[0] // pixels))
    t = (values[::stride, ::stride][::-1] - centre) / scale  # in [-1, 1] on the colour scale
    t = np.where(np.isfinite(t), np.clip(t, -1.0, 1.0), 0.0)
    index = np.rint((t + 1.0) * 0.5 * (MAP_LEVELS - 1)).astype(np.uint8)
    return png_data_uri(index, _MAP_PALETTE)
