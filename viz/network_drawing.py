"""What both network diagrams draw alike (Step by step's ``viz.diagram``, the Playground's
``viz.playground_diagram``): where the units sit, how wide an edge is, and the edges as a few
line traces.

Edge colour is the sign of its value (``theme.NEGATIVE`` < 0 <= ``theme.POSITIVE``), edge
width its magnitude relative to a scale (linear, or log over four decades). To keep the
browser fast, edges are drawn as one trace per sign and width bucket (``WIDTH_BUCKETS``),
segments separated by NaN gaps, rather than one trace per edge.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from viz import theme

MIN_EDGE_WIDTH, MAX_EDGE_WIDTH = 0.6, 9.0  # pixels: an edge of value 0 and one of the largest |value|
WIDTH_BUCKETS = 8


def neuron_positions(sizes: Sequence[int]) -> list[np.ndarray]:
    """(x, y) per neuron: x is the layer index, neurons centred vertically, top to bottom."""
    return [np.column_stack([np.full(n, float(l)), (n - 1) / 2 - np.arange(n)]) for l, n in enumerate(sizes)]


def edge_widths(values: np.ndarray, scale: float, log_scale: bool) -> np.ndarray:
    """Line widths for |values| relative to ``scale`` (the largest magnitude shown)."""
    magnitude = np.abs(values) / scale if scale > 0 else np.zeros_like(values)
    if log_scale:
        # four decades below the largest value map onto the width range
        magnitude = np.clip((np.log10(np.maximum(magnitude, 1e-300)) + 4) / 4, 0, 1)
    return MIN_EDGE_WIDTH + (MAX_EDGE_WIDTH - MIN_EDGE_WIDTH) * magnitude


def edge_ends(positions: Sequence[np.ndarray], shapes: Sequence[tuple[int, int]]) -> tuple[np.ndarray, ...]:
    """``(x0, y0, x1, y1)`` of every edge, each ``(E,)`` float64 in ``(layer, i, j)`` order:
    layer ``l``'s edges are ``shapes[l] = (n_in, n_out)`` (like ``W[l]``), from unit ``i`` of
    layer ``l`` to unit ``j`` of layer ``l + 1``."""
    parts: list[list[np.ndarray]] = [[], [], [], []]
    for l, (n_in, n_out) in enumerate(shapes):
        parts[0].append(np.repeat(positions[l][:, 0], n_out))
        parts[1].append(np.repeat(positions[l][:, 1], n_out))
        parts[2].append(np.tile(positions[l + 1][:, 0], n_in))
        parts[3].append(np.tile(positions[l + 1][:, 1], n_in))
    return tuple(np.concatenate(p) if p else np.empty(0) for p in parts)


def bucket_width(bucket: int) -> float:
    """The line width a trace of width bucket ``bucket`` is drawn with: the middle of its range."""
    return MIN_EDGE_WIDTH + (MAX_EDGE_WIDTH - MIN_EDGE_WIDTH) * (bucket + 0.5) / WIDTH_BUCKETS


def edge_traces(
    ends: tuple[np.ndarray, ...],
    values: np.ndarray,
    widths: np.ndarray,
    *,
    opacity: float,
    dtype=np.float64,
) -> list[dict]:
    """The edges as Plotly line traces, one per sign and width bucket that has any, negative
    first, then by bucket: ``ends`` from ``edge_ends``, ``values (E,)`` (the sign: ``>= 0``
    positive, so NaN is negative), ``widths (E,)`` from ``edge_widths``. A trace's ``x``/``y``
    are ``x0, x1, NaN`` per edge (``dtype``), its width ``bucket_width``."""
    x0, y0, x1, y1 = ends
    bucket_of = np.minimum(
        ((widths - MIN_EDGE_WIDTH) / (MAX_EDGE_WIDTH - MIN_EDGE_WIDTH) * WIDTH_BUCKETS).astype(int),
        WIDTH_BUCKETS - 1,
    )
    positive = values >= 0
    gap = np.full(len(values), np.nan)
    traces = []
    for sign in (False, True):
        for bucket in range(WIDTH_BUCKETS):
            members = (positive == sign) & (bucket_of == bucket)
            if not members.any():
                continue
            traces.append(
                dict(
                    type="scatter",
                    x=np.column_stack([x0[members], x1[members], gap[members]]).ravel().astype(dtype),
                    y=np.column_stack([y0[members], y1[members], gap[members]]).ravel().astype(dtype),
                    mode="lines",
                    line=dict(color=theme.POSITIVE if sign else theme.NEGATIVE, width=bucket_width(bucket)),
                    opacity=opacity,
                    hoverinfo="skip",
                    showlegend=False,
                    name=f"{'positive' if sign else 'negative'} edges, width bucket {bucket}",
                )
            )
    return traces
