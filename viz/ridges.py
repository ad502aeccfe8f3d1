"""Ridgelines of one step's histograms, one ridge per layer: activations and ``log10 |dL/dW|``.

Counts come from ``History.histogram`` (``(L, bins)`` on fixed edges); each ridge is scaled
to its own tallest bin, height ``∝ sqrt(count)``; at most ``max_ridges`` layers are drawn.
"""

from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go

from viz import theme
from viz.axes import panels, ticks_within

RIDGE_HEIGHT = 0.92  # of the spacing between ridges
GRADIENT_FILL = theme.MAGNITUDE  # magnitudes have no sign


def ridge_layers(n_layers: int, max_ridges: int = 12) -> list[int]:
    """0-based indices of at most ``max_ridges`` layers, evenly spread, first and last included."""
    if n_layers <= max_ridges:
        return list(range(n_layers))
    return sorted({int(round(x)) for x in np.linspace(0, n_layers - 1, max_ridges)})


def _ridge_polygons(
    counts: np.ndarray, edges: np.ndarray, rows: list[int], lo: float, hi: float
) -> tuple[np.ndarray, np.ndarray]:
    """Step-outline polygons of ``counts[rows]`` restricted to bins within ``[lo, hi]``,
    ridge ``r`` on baseline ``y = r``, height ``RIDGE_HEIGHT * sqrt(count / max count of that
    layer)``: float32 ``x``, ``y`` with the polygons separated by NaN (a gap, so one Scatter
    trace with ``fill='toself'`` fills each on its own)."""
    inside = (edges[:-1] >= lo) & (edges[1:] <= hi)
    if not inside.any():
        return np.zeros(0, np.float32), np.zeros(0, np.float32)
    left, right = edges[:-1][inside], edges[1:][inside]
    n = 2 * len(left) + 4  # baseline start, the step outline, baseline end, closing point, gap
    xs = np.full((len(rows), n), np.nan)
    ys = np.full((len(rows), n), np.nan)
    for r, l in enumerate(rows):
        c = np.asarray(counts[l], dtype=np.float64)
        top = c.max()
        h = RIDGE_HEIGHT * np.sqrt(c[inside] / top) if top > 0 else np.zeros(len(left))
        xs[r, 1:-3:2], xs[r, 2:-3:2] = left, right
        xs[r, [0, -3, -2]] = left[0], right[-1], left[0]
        ys[r, 1:-3] = np.repeat(h, 2) + r
        ys[r, [0, -3, -2]] = r
    return xs.ravel().astype(np.float32), ys.ravel().astype(np.float32)


def histogram_ridges(
    activation_counts: np.ndarray,
    activation_edges: np.ndarray,
    gradient_counts: np.ndarray,
    gradient_log10_edges: np.ndarray,
    *,
    labels: list[str] | None = None,
    max_ridges: int = 12,
    title: str = "Histograms per layer",
    subtitle: str | None = None,
    height: int = 400,
) -> go.Figure:
    """Ridgelines of one step's histograms, one ridge per layer (input side at the bottom).

    Left panel, "activations": ``a[l+1]`` (counts ``(L, bins)`` on ``activation_edges``, as
    ``History.histogram``), negative part orange, positive blue; values beyond the range are
    counted in the end bins, so saturation (sigmoid piled at 0 and 1, tanh at +-1) and
    explosion both show as mass at the edges; a dead ReLU layer is a spike at 0. Right panel:
    ``log10 |dL/dW[l]|`` (counts on ``gradient_log10_edges``; a zero gradient falls in the
    first bin): a vanishing gradient is a ridge sliding left toward the input side. Each
    ridge is scaled to its own tallest bin, height ``∝ sqrt(count)`` (so a ReLU layer's spike
    of zeros does not flatten the rest); at most ``max_ridges`` layers are drawn
    (``ridge_layers``); ``labels[l]`` names layer ``l`` on the y axis (default ``l+1``; keep
    them short: two panels share a half-width column). Few ticks per panel, short panel
    titles and no x-axis titles, so that the figure reads at 300 pixels wide; what the end
    bins and the sides mean belongs in the page's caption.
    """
    act = np.asarray(activation_counts)
    grad = np.asarray(gradient_counts)
    n_layers = act.shape[0]
    rows = ridge_layers(n_layers, max_ridges)
    names = labels or [f"{l + 1}" for l in range(n_layers)]
    a_edges = np.asarray(activation_edges, dtype=np.float64)
    g_edges = np.asarray(gradient_log10_edges, dtype=np.float64)
    fig = panels(2, 0.08, ("activations", "log10 |dL/dW|"), shared_y=True)
    fig.update_annotations(font_size=13)
    _ridge_traces(fig, act, a_edges, grad, g_edges, rows)
    _ridge_axes(fig, [names[l] for l in rows], a_edges, g_edges)
    title_spec = dict(text=title, x=0.01, y=0.97, yanchor="top")
    if subtitle:
        title_spec["subtitle"] = dict(text=subtitle)
    fig.update_layout(
        **theme.base_layout(
            title=title_spec,
            height=height,
            margin=dict(l=10, r=10, t=85 if subtitle else 60, b=10),
            showlegend=False,
        )
    )
    return fig


def _ridge_traces(
    fig: go.Figure,
    act: np.ndarray,
    a_edges: np.ndarray,
    grad: np.ndarray,
    g_edges: np.ndarray,
    rows: list[int],
) -> None:
    """The filled ridges of ``histogram_ridges``: activations below 0 (orange) and from 0 (blue)
    on the left panel, ``log10 |dL/dW|`` (one blue) on the right."""
    for lo, hi, colour, name in (
        (-np.inf, 0.0, theme.NEGATIVE, "a < 0"),
        (0.0, np.inf, theme.POSITIVE, "a ≥ 0"),
    ):
        xs, ys = _ridge_polygons(act, a_edges, rows, lo, hi)
        fig.add_trace(
            go.Scatter(
                x=xs,
                y=ys,
                fill="toself",
                mode="none",
                fillcolor=colour,
                opacity=0.75,
                name=name,
                hoverinfo="skip",
            )
        )
    xs, ys = _ridge_polygons(grad, g_edges, rows, -np.inf, np.inf)
    fig.add_trace(
        go.Scatter(
            x=xs,
            y=ys,
            fill="toself",
            mode="none",
            fillcolor=GRADIENT_FILL,
            opacity=0.75,
            name="log10 |dL/dW|",
            hoverinfo="skip",
            xaxis="x2",
            yaxis="y2",
        )
    )


def _ridge_axes(fig: go.Figure, ticktext: list[str], a_edges: np.ndarray, g_edges: np.ndarray) -> None:
    """The axes of ``histogram_ridges``: one label per drawn layer on the shared y axis; a few
    ticks per panel (whole activations; a grid line every 5 decades, a label every 10)."""
    yaxis = dict(
        title=dict(text="layer", standoff=4),
        tickvals=list(range(len(ticktext))),
        ticktext=ticktext,
        range=[-0.2, len(ticktext) + 0.1],
        gridcolor=theme.NEUTRAL,
        zeroline=False,
        tickfont=dict(size=11),
    )
    fig.layout.yaxis.update(yaxis)
    fig.layout.yaxis2.update(showgrid=True, gridcolor=theme.NEUTRAL)
    a_lo, a_hi = float(a_edges[0]), float(a_edges[-1])
    a_step = 1.0 if a_hi < 2 else float(math.floor(a_hi))
    g_lo, g_hi = float(g_edges[0]), float(g_edges[-1])
    fig.layout.xaxis.update(
        range=[a_lo, a_hi], gridcolor=theme.NEUTRAL, tickvals=ticks_within(a_lo, a_hi, a_step),
        tickfont=dict(size=11),
    )  # fmt: skip
    g_ticks = ticks_within(g_lo, g_hi, 5.0)  # a grid line every 5 decades, a label every 10
    fig.layout.xaxis2.update(
        range=[g_lo, g_hi], gridcolor=theme.NEUTRAL, tickvals=g_ticks,
        ticktext=[f"{t:g}".replace("-", "−") if t % 10 == 0 else "" for t in g_ticks], tickfont=dict(size=11),
    )  # fmt: skip
