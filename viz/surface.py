"""Figures of the "Learning rate" page: loss surfaces with descent paths, the 1-D cut with its
tangent, and the learning-rate range test (each path's loss per step: ``viz.curves.loss_per_step``).

Paths come from ``engine.surface.descend`` (``Path``: ``points`` ``(k + 1, 2)``, ``steps``
``(k, 2)``); each is drawn in its own colour of ``theme.PATHS`` with the step it is about to
take as an arrow (the optimizer's update; ``-lr * gradient`` for SGD). The paths animate in
the browser (``viz.animation``): every step is a frame of the figure. The surface is an image
(Plotly drops heatmaps from animated figures), white (low) to grey (high) in bands of equal
``log(L - min L)``.
"""

from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go

from viz import theme
from viz.animation import add_player, frame_steps
from viz.axes import legend_inside, legend_rows
from viz.raster import png_data_uri


def _log_display(Z: np.ndarray) -> tuple[np.ndarray, list[float], list[str]]:
    """``log10(Z - min Z + delta)`` and colour-bar ticks labelled with the loss itself."""
    finite = Z[np.isfinite(Z)]
    lo, hi = float(finite.min()), float(finite.max())
    delta = max(1e-3 * (hi - lo), 1e-12)
    shown = np.log10(np.clip(np.where(np.isfinite(Z), Z, hi), lo, hi) - lo + delta)
    ticks = np.linspace(shown.min(), shown.max(), 5)
    return shown.astype(np.float32), [float(t) for t in ticks], [f"{10**t + lo - delta:.3g}" for t in ticks]


BANDS = 14  # grey levels of the surface image: bands of equal log-loss read as contour lines


def surface_image(shown: np.ndarray, bands: int = BANDS) -> str:
    """A PNG (as a ``data:`` URI) of ``shown`` ``(m, n)`` (row 0 at the bottom), ``theme.SURFACE``
    white to grey in ``bands`` flat bands. The surface is a layout image, not a trace: Plotly
    drops heatmap and contour traces when a figure animates (plotly.js #4491, plotly.py #2151)."""
    lo, hi = float(shown.min()), float(shown.max())
    level = np.floor((shown - lo) / ((hi - lo) or 1.0) * (bands - 1e-9)) / (bands - 1)
    white, grey = (theme.hex_rgb(c[1]) for c in theme.SURFACE)
    rgb = (white + level[..., None] * (grey - white)).round().astype(np.uint8)[::-1]
    return png_data_uri(rgb)


def _path_at(path, k: int) -> tuple[dict, dict]:
    """The path's points up to step ``k`` and the arrow of the step it takes next."""
    k = min(k, path.n_steps)
    done = path.points[: k + 1].astype(np.float32)
    arrow = path.points[k : k + 2].astype(np.float32)  # empty after the last step
    return dict(x=done[:, 0], y=done[:, 1]), dict(x=arrow[:, 0], y=arrow[:, 1])


def _path_traces(fig: go.Figure, paths, labels, names, n: int) -> None:
    """Per path, two traces: its points up to step ``n`` and the arrow of its next step."""
    for i, (path, label) in enumerate(zip(paths, labels)):
        colour = theme.path_colour(i)
        done, arrow = _path_at(path, n)
        fig.add_trace(
            go.Scatter(
                **done, mode="lines+markers", name=label, line=dict(color=colour, width=2),
                marker=dict(size=4, color=colour), legendgroup=str(i),
                hovertemplate=f"{names[0]} %{{x:.3g}}<br>{names[1]} %{{y:.3g}}<extra>{label}</extra>",
            )
        )  # fmt: skip
        fig.add_trace(
            go.Scatter(
                **arrow, mode="lines+markers", showlegend=False, legendgroup=str(i), hoverinfo="skip",
                line=dict(color=colour, width=3),
                marker=dict(symbol="arrow", angleref="previous", size=[0, 13], color=colour),
            )
        )  # fmt: skip


def descent_figure(grid, paths, labels, names=("p₀", "p₁"), title: str = "", height: int = 470) -> go.Figure:
    """The surface ``grid = (xs (n,), ys (m,), Z (m, n))`` with ``paths`` (legend entries
    ``labels``, two per row above the plot) animated step by step, Play / Pause and the step
    slider under the plot; the figure shows the last step until Play is pressed."""
    xs, ys, Z = grid
    xs, ys = np.asarray(xs, dtype=float).tolist(), np.asarray(ys, dtype=float).tolist()
    shown, tickvals, ticktext = _log_display(np.asarray(Z, dtype=np.float64))
    fig = go.Figure()
    fig.add_layout_image(
        source=surface_image(shown), xref="x", yref="y", x=xs[0], y=ys[-1],
        sizex=xs[-1] - xs[0], sizey=ys[-1] - ys[0], sizing="stretch", layer="below",
    )  # fmt: skip
    fig.add_trace(  # carries the colour bar only (an image has none)
        go.Scatter(
            x=[xs[0]], y=[ys[0]], mode="markers", hoverinfo="skip", showlegend=False,
            marker=dict(size=1, opacity=0, color=[tickvals[0]], colorscale=theme.SURFACE,
                        cmin=tickvals[0], cmax=tickvals[-1], showscale=True,
                        colorbar=dict(title=dict(text="loss", side="right"), tickvals=tickvals,
                                      ticktext=ticktext, thickness=12, len=0.9)),
        )
    )  # fmt: skip
    start = paths[0].points[0]
    fig.add_trace(
        go.Scatter(
            x=[start[0]], y=[start[1]], mode="markers", name="start", showlegend=False,
            marker=dict(symbol="x-thin", size=12, line=dict(width=2, color=theme.TEXT)),
        )
    )  # fmt: skip
    n = max(p.n_steps for p in paths)
    _path_traces(fig, paths, labels, names, n)
    n_rows = legend_rows(labels)
    bare = dict(showgrid=False, zeroline=False)  # the image is the background
    steps = frame_steps(n)
    frames = [[part for path in paths for part in _path_at(path, s)] for s in steps]
    top = (30 if title else 0) + 20 * n_rows
    add_player(fig, frames, list(range(2, 2 + 2 * len(paths))), steps, y=-48 / (height - top - 110))
    fig.update_layout(
        **theme.base_layout(
            title=dict(text=title, x=0.01, y=0.99, yanchor="top", yref="container") if title else None,
            height=height, margin=dict(l=10, r=10, t=top, b=110),
            xaxis=dict(title=dict(text=names[0], standoff=4), range=[xs[0], xs[-1]], **bare),
            yaxis=dict(title=dict(text=names[1], standoff=4), range=[ys[0], ys[-1]], **bare),
            legend=dict(orientation="h", y=1.0, yanchor="bottom", x=0, font=dict(size=11)),
        )
    )  # fmt: skip
    return fig


def cut_figure(cut, name: str = "w", height: int = 300) -> go.Figure:
    """``engine.surface.Cut``: the loss along one parameter (grey), the tangent at the point
    (its slope is the gradient), and where one step of ``-lr * slope`` lands."""
    v, p0 = cut.values, float(cut.point[cut.axis])
    finite = cut.losses[np.isfinite(cut.losses)]
    lo, hi = float(finite.min()), float(finite.max())
    pad = 0.1 * (hi - lo or 1.0)
    tangent = cut.loss + cut.slope * (v - p0)
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(x=v, y=cut.losses, mode="lines", name="loss", line=dict(color=theme.TEXT, width=2))
    )
    fig.add_trace(
        go.Scatter(
            x=v, y=tangent, mode="lines", name=f"tangent: slope dL/d{name} = {cut.slope:.3g}",
            line=dict(color=theme.path_colour(1), width=2, dash="dash"),
        )
    )  # fmt: skip
    fig.add_trace(
        go.Scatter(
            x=[p0], y=[cut.loss], mode="markers", name=f"now: {name} = {p0:.3g}",
            marker=dict(size=10, color=theme.path_colour(0)),
        )
    )  # fmt: skip
    fig.add_trace(
        go.Scatter(
            x=[cut.landing], y=[cut.landing_loss], mode="markers",
            name=f"after the step: {name} = {p0:.3g} − {cut.lr:g}·({cut.slope:.3g}) = {cut.landing:.3g}",
            marker=dict(size=10, symbol="diamond", color=theme.path_colour(2)),
        )
    )  # fmt: skip
    fig.add_annotation(
        x=cut.landing, y=lo - 0.5 * pad, ax=p0, ay=lo - 0.5 * pad, xref="x", yref="y", axref="x", ayref="y",
        showarrow=True, arrowhead=3, arrowwidth=2, arrowcolor=theme.path_colour(2), text="",
    )  # fmt: skip
    fig.update_layout(
        **theme.base_layout(
            title=dict(text=f"The gradient is the slope: one step along {name}", x=0.01), height=height,
            xaxis=dict(title=name, range=[float(v[0]), float(v[-1])], gridcolor=theme.NEUTRAL),
            yaxis=dict(title="loss", range=[lo - pad, hi + pad], gridcolor=theme.NEUTRAL),
            legend=legend_inside("top right"),
        )
    )  # fmt: skip
    return fig


def range_test_figure(test, height: int = 320) -> go.Figure:
    """``engine.lr_range.RangeTest``: the loss after ``k`` steps against the learning rate (log
    axis); the region to pick shaded, its two ends marked; diverged rates as crosses on top."""
    lrs, losses = test.lrs, test.losses
    finite = np.isfinite(losses)
    top = float(max(losses[finite].max(), test.initial_loss)) * 1.1
    fig = go.Figure()
    lo, hi = test.region
    fig.add_vrect(x0=lo, x1=hi, fillcolor=theme.path_colour(2), opacity=0.15, line_width=0)
    fig.add_hline(y=test.initial_loss, line=dict(color=theme.MUTED, dash="dot"),
                  annotation_text="loss before training", annotation_position="top left")  # fmt: skip
    fig.add_trace(
        go.Scatter(
            x=lrs[finite], y=losses[finite], mode="lines+markers", name=f"loss after {test.k_steps} steps",
            line=dict(color=theme.TEXT, width=2), marker=dict(size=5),
            hovertemplate="lr %{x:.3g}<br>loss %{y:.4g}<extra></extra>",
        )
    )  # fmt: skip
    if (~finite).any():
        fig.add_trace(
            go.Scatter(
                x=lrs[~finite], y=np.full((~finite).sum(), top), mode="markers", name="diverged",
                marker=dict(symbol="x", size=9, color=theme.HIGHLIGHT),
            )
        )  # fmt: skip
    for index, text, colour in ((test.steepest, "steepest descent", 2), (test.best, "minimum", 1)):
        fig.add_trace(
            go.Scatter(
                x=[lrs[index]], y=[losses[index]], mode="markers", name=f"{text}: lr {lrs[index]:.3g}",
                marker=dict(size=12, symbol="diamond", color=theme.path_colour(colour)),
            )
        )  # fmt: skip
    fig.update_layout(
        **theme.base_layout(
            title=dict(text=f"Pick the learning rate: shaded {lo:.2g} to {hi:.2g}", x=0.01), height=height,
            xaxis=dict(title="learning rate (log scale)", type="log", gridcolor=theme.NEUTRAL,
                       range=[math.log10(lrs[0]) - 0.1, math.log10(lrs[-1]) + 0.1]),
            yaxis=dict(title="training loss", range=[0, top * 1.05], gridcolor=theme.NEUTRAL),
            legend=legend_inside("bottom left"),
        )
    )  # fmt: skip
    return fig


def surface_3d(grid, paths, labels, names=("p₀", "p₁"), height: int = 440) -> go.Figure:
    """The same surface as a 3-D height field (log of ``L - min L`` as in ``descent_figure``)
    with each path lifted onto it at its final step; drag to turn. Not animated."""
    xs, ys, Z = grid
    Z = np.asarray(Z, dtype=np.float64)
    shown, tickvals, ticktext = _log_display(Z)
    lo, hi = float(np.nanmin(Z[np.isfinite(Z)])), float(np.nanmax(Z[np.isfinite(Z)]))
    delta = max(1e-3 * (hi - lo), 1e-12)
    fig = go.Figure(
        go.Surface(x=np.asarray(xs, dtype=np.float32), y=np.asarray(ys, dtype=np.float32), z=shown,
                   colorscale=theme.SURFACE, showscale=False, opacity=0.9, hoverinfo="skip")
    )  # fmt: skip
    for i, (path, label) in enumerate(zip(paths, labels)):
        inside = (
            (path.points[:, 0] >= xs[0]) & (path.points[:, 0] <= xs[-1])
            & (path.points[:, 1] >= ys[0]) & (path.points[:, 1] <= ys[-1])
        )  # fmt: skip
        p, loss = path.points[inside], path.losses[inside]
        height_of = np.log10(np.clip(loss, lo, hi) - lo + delta)
        colour = theme.path_colour(i)
        fig.add_trace(
            go.Scatter3d(x=p[:, 0], y=p[:, 1], z=height_of, mode="lines+markers", name=label,
                         line=dict(color=colour, width=5), marker=dict(size=2, color=colour))
        )  # fmt: skip
    fig.update_layout(
        **theme.base_layout(
            height=height, margin=dict(l=0, r=0, t=50, b=0),
            legend=dict(font=dict(size=11), orientation="h", y=1.0, yanchor="bottom"),
            scene=dict(xaxis_title=names[0], yaxis_title=names[1],
                       zaxis=dict(title="loss", tickvals=tickvals, ticktext=ticktext)),
        )
    )  # fmt: skip
    return fig
