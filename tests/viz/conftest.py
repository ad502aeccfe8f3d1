"""Helpers the viz tests share: reading the PNGs and the edge traces the figures send."""

import base64
import struct
import zlib

import numpy as np


def hex_rgb(colour):
    return tuple(int(colour[k : k + 2], 16) for k in (1, 3, 5))


def decode_png(uri):
    """(indices (h, w), palette (k, 3)) of an indexed PNG data URI made by map_image."""
    assert uri.startswith("data:image/png;base64,")
    png = base64.b64decode(uri.split(",", 1)[1])
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    chunks, pos = {}, 8
    while pos < len(png):
        (length,) = struct.unpack(">I", png[pos : pos + 4])
        tag, data = png[pos + 4 : pos + 8], png[pos + 8 : pos + 8 + length]
        (crc,) = struct.unpack(">I", png[pos + 8 + length : pos + 12 + length])
        assert crc == zlib.crc32(tag + data)
        chunks[tag] = data
        pos += 12 + length
    w, h, depth, colour_type = struct.unpack(">IIBB", chunks[b"IHDR"][:10])
    assert (depth, colour_type) == (8, 3)
    rows = np.frombuffer(zlib.decompress(chunks[b"IDAT"]), dtype=np.uint8).reshape(h, w + 1)
    assert (rows[:, 0] == 0).all()  # no filter
    return rows[:, 1:], np.frombuffer(chunks[b"PLTE"], dtype=np.uint8).reshape(-1, 3)


def edge_segments(fig):
    """{(x0, y0, x1, y1): (colour, width)} over the edge traces."""
    found = {}
    for trace in fig.data:
        if trace.mode == "lines" and "edges" in (trace.name or ""):
            xs, ys = np.asarray(trace.x), np.asarray(trace.y)
            assert np.isnan(xs[2::3]).all()  # segments separated by gaps
            for k in range(0, len(xs), 3):
                found[(xs[k], ys[k], xs[k + 1], ys[k + 1])] = (trace.line.color, trace.line.width)
    return found
