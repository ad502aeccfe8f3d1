"""The Image recognition page's Plotly figures (static, shown while paused): one image's forward
pass (its class probabilities), its backward pass to the input (``dL/dx`` as an 8 x 8 image), its
first-layer weight gradient as images (``outer(x, delta)``: unit ``j``'s is the image times
``delta_j``), and the gallery of test images the network gets wrong. No Streamlit; unit-tested.

Images are 64 values row by row, drawn as 8 x 8 heatmaps with row 0 at the top. Ink is shown
in greys (0 white, 1 black); signed quantities on the theme's diverging ramp (orange negative,
blue positive) with 0 at its centre.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from viz import theme

INK = theme.INK  # white (no ink) to black
SIDE = 8


def _image(values) -> np.ndarray:
    return np.asarray(values, dtype=np.float64).reshape(SIDE, SIDE)


def _square_axes(fig: go.Figure, rows: int = 1, cols: int = 1) -> None:
    fig.update_xaxes(showticklabels=False, showgrid=False, zeroline=False, ticks="", constrain="domain")
    fig.update_yaxes(showticklabels=False, showgrid=False, zeroline=False, ticks="", autorange="reversed")
    for k in range(1, rows * cols + 1):
        suffix = "" if k == 1 else str(k)
        fig.layout[f"yaxis{suffix}"].scaleanchor = f"x{suffix}"


def _layout(fig: go.Figure, title: str, height: int) -> go.Figure:
    fig.update_layout(
        title=dict(text=title, x=0.0, font=dict(size=14)),
        height=height,
        margin=dict(l=10, r=10, t=50, b=10),
        font=theme.FONT,
        plot_bgcolor=theme.WHITE,
        paper_bgcolor=theme.WHITE,
    )
    return fig


def image_figure(x, title: str, height: int = 260) -> go.Figure:
    """One image's ink, ``x (64,)`` in ``[0, 1]``, greys."""
    fig = go.Figure(
        go.Heatmap(
            z=_image(x),
            zmin=0,
            zmax=1,
            colorscale=INK,
            showscale=False,
            hovertemplate="ink %{z:.2f}<extra></extra>",
        )
    )
    _square_axes(fig)
    return _layout(fig, title, height)


def signed_range(values) -> float:
    """The half-range of a diverging colour scale for ``values``: ``max |v|`` (1 if all zero)."""
    peak = float(np.max(np.abs(values))) if np.size(values) else 0.0
    return peak if peak > 0 and math.isfinite(peak) else 1.0


def input_gradient_figure(grad, title: str = "Backward to the input: dL/dx", height: int = 260) -> go.Figure:
    """``dL/dx (64,)`` as an image: orange where more ink would lower the loss (help the target),
    blue where it would raise it; gradient descent on the image moves against ``dL/dx``."""
    half = signed_range(grad)
    fig = go.Figure(
        go.Heatmap(
            z=_image(grad),
            zmin=-half,
            zmax=half,
            zmid=0,
            colorscale=theme.DIVERGING,
            colorbar=dict(thickness=10, len=0.8),
            hovertemplate="dL/dx %{z:.3g}<extra></extra>",
        )  # fmt: skip
    )
    _square_axes(fig)
    return _layout(fig, title, height)


def probabilities_figure(probabilities, target: int | None, height: int = 260) -> go.Figure:
    """The softmax output as bars, the target digit's bar in the positive colour, the rest grey,
    the prediction labelled."""
    p = np.asarray(probabilities, dtype=np.float64)
    colours = [theme.POSITIVE if k == target else theme.MUTED for k in range(len(p))]
    predicted = int(np.argmax(p))
    fig = go.Figure(
        go.Bar(
            x=[str(k) for k in range(len(p))],
            y=p,
            marker_color=colours,
            text=[f"{v:.0%}" if v >= 0.05 else "" for v in p],
            textposition="outside",
            hovertemplate="digit %{x}: %{y:.3f}<extra></extra>",
        )  # fmt: skip
    )
    fig.update_yaxes(range=[0, 1.12], tickformat=".0%", title="probability")
    fig.update_xaxes(title="digit", type="category")
    return _layout(fig, f"Forward: the network says {predicted} ({p[predicted]:.0%})", height)


def top_units(delta0, k: int) -> np.ndarray:
    """The ``k`` hidden units with the largest ``|delta|`` (first by size, then by index)."""
    d = np.abs(np.asarray(delta0, dtype=np.float64))
    return np.argsort(-d, kind="stable")[: min(k, d.size)]


def weight_gradient_figure(x, delta0, units: Sequence[int], cols: int = 4) -> go.Figure:
    """This image's gradient on the incoming weights of ``units``: ``dL/dW[0][:, j] = x * delta_j``
    (a column of ``outer(x, delta)``), one 8 x 8 image per unit on one shared diverging scale."""
    x, delta0 = np.asarray(x, dtype=np.float64), np.asarray(delta0, dtype=np.float64)
    units = [int(j) for j in units]
    rows = max(1, math.ceil(len(units) / cols))
    titles = [f"unit {j + 1}: δ = {delta0[j]:+.3g}" for j in units]
    fig = make_subplots(
        rows=rows, cols=cols, subplot_titles=titles, horizontal_spacing=0.03, vertical_spacing=0.12
    )
    half = signed_range(np.outer(x, delta0[units])) if units else 1.0
    for i, j in enumerate(units):
        fig.add_trace(
            go.Heatmap(
                z=_image(x * delta0[j]),
                zmin=-half,
                zmax=half,
                zmid=0,
                colorscale=theme.DIVERGING,
                showscale=i == 0,
                colorbar=dict(thickness=10, len=0.8),
                hovertemplate=f"unit {j + 1}: " + "%{z:.3g}<extra></extra>",
            ),  # fmt: skip
            row=i // cols + 1,
            col=i % cols + 1,
        )
    _square_axes(fig, rows, cols)
    for annotation in fig.layout.annotations:
        annotation.font.size = 12
    title = "Backward to the first layer's weights: each unit's gradient is the image × its δ"
    return _layout(fig, title, 70 + 150 * rows)


def mistakes_figure(images, true_labels, guesses, cols: int = 6) -> go.Figure:
    """The gallery: test ``images (n, 64)`` it gets wrong, each titled with the true digit and
    the network's top guesses ``guesses[i] = [(digit, probability), ...]``."""
    n = len(images)
    if n == 0:
        fig = go.Figure()
        fig.add_annotation(text="No mistakes on the test images.", showarrow=False, x=0.5, y=0.5)
        fig.update_xaxes(visible=False)
        fig.update_yaxes(visible=False)
        return _layout(fig, "Test images it gets wrong", 160)
    rows = math.ceil(n / cols)
    titles = [
        f"{int(t)} → " + ", ".join(f"{d} {p:.0%}" for d, p in guess[:2])
        for t, guess in zip(true_labels, guesses)
    ]
    fig = make_subplots(
        rows=rows, cols=cols, subplot_titles=titles, horizontal_spacing=0.02, vertical_spacing=0.1
    )
    for i in range(n):
        fig.add_trace(
            go.Heatmap(
                z=_image(images[i]), zmin=0, zmax=1, colorscale=INK, showscale=False, hoverinfo="skip"
            ),
            row=i // cols + 1,
            col=i % cols + 1,
        )
    _square_axes(fig, rows, cols)
    for annotation in fig.layout.annotations:
        annotation.font.size = 12
    return _layout(fig, "Test images it gets wrong (true digit → its top guesses)", 60 + 140 * rows)
