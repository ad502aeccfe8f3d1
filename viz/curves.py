"""Curves over training steps: a run's loss curve (train and test), the batch loss of configurations.

``loss_curve``: training loss (blue) and test loss (orange) against the step (Step by step).
``loss_by_step``: each configuration's batch loss, log y, in its ``viz.axes.SERIES_STYLES``
(Vanishing page), with a dotted marker at the step the other charts show.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import plotly.graph_objects as go

from viz import theme
from viz.axes import drawable, log_axis, series_style, step_axis

FEW_POINTS = 40  # a loss curve with at most this many points also marks each one


def loss_curve(
    steps: np.ndarray,
    losses: np.ndarray,
    *,
    test_steps: np.ndarray | None = None,
    test_losses: np.ndarray | None = None,
    title: str = "Loss",
    log_y: bool = False,
    height: int = 260,
) -> go.Figure:
    """Training loss (blue) and, if given, test loss (orange) against the step number."""
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=np.asarray(steps),
            y=np.asarray(losses, dtype=np.float32),
            mode="lines+markers" if len(losses) < 30 else "lines",
            name="train",
            line=dict(color=theme.TRAIN, width=2),
            hovertemplate="step %{x}<br>loss %{y:.5g}<extra>train</extra>",
        )
    )
    if test_losses is not None and len(test_losses):
        fig.add_trace(
            go.Scatter(
                x=np.asarray(test_steps),
                y=np.asarray(test_losses, dtype=np.float32),
                mode="lines",
                name="test",
                line=dict(color=theme.TEST, width=2, dash="dash"),
                hovertemplate="step %{x}<br>loss %{y:.5g}<extra>test</extra>",
            )
        )
    fig.update_layout(
        **theme.base_layout(
            title=dict(text=title, x=0.01),
            height=height,
            xaxis=dict(
                title="step",
                gridcolor=theme.NEUTRAL,
                dtick=1 if len(losses) <= 10 else None,
                range=[-0.3, 10.3] if len(losses) <= 10 else None,  # room for the steps to come
            ),
            yaxis=dict(
                title="loss",
                type="log" if log_y else "linear",
                gridcolor=theme.NEUTRAL,
                rangemode="normal" if log_y else "tozero",
            ),
            legend=dict(orientation="h", y=1.12, x=1, xanchor="right"),
        )
    )
    return fig


def loss_by_step(
    series: Mapping[str, tuple[np.ndarray, np.ndarray]],
    *,
    marker_step: int | None = None,
    title: str = "Batch loss",
    height: int = 260,
) -> go.Figure:
    """The batch loss of each configuration against the step, log y.

    ``series[label] = (steps (n,), loss (n,))``, e.g. ``history.steps`` and
    ``history.column("loss")``; sent as float64 (a loss on its way to diverging passes float32's
    3.4e38). ``marker_step``: a dotted vertical line. A curve of at most ``FEW_POINTS`` points
    also marks each point (a line needs two, so step 0 alone would draw nothing).
    """
    fig = go.Figure()
    for i, (label, (steps, loss)) in enumerate(series.items()):
        style = series_style(i)
        y, _, _ = drawable(loss)
        fig.add_trace(
            go.Scatter(
                x=np.asarray(steps, dtype=np.int64),
                y=y,
                mode="lines+markers" if len(y) <= FEW_POINTS else "lines",
                name=label,
                line=dict(color=style["color"], width=1.5),
                marker=dict(color=style["color"], symbol=style["symbol"], size=5),
                hovertemplate="step %{x}<br>loss %{y:.4g}<extra>" + label + "</extra>",
            )
        )
    if marker_step is not None:
        fig.add_vline(x=marker_step, line=dict(color=theme.HIGHLIGHT, width=1.5, dash="dot"))
    fig.update_layout(
        **theme.base_layout(
            title=dict(text=title, x=0.01),
            height=height,
            xaxis=step_axis(np.concatenate([np.asarray(t.x) for t in fig.data] or [np.zeros(0)])),
            yaxis=log_axis([t.y for t in fig.data], title="loss (log scale)"),
            legend=dict(orientation="h", y=1.15, x=1, xanchor="right"),
        )
    )
    return fig
