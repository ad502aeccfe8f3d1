"""Line charts over training steps: loss curves and per-layer norms."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from viz import theme


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
