"""Every curve over training steps: a run's loss curve (train and test), the batch loss of
configurations, each descent path's loss, the Playground's gradient norms per layer and its
loss with accuracy or R².

``loss_curve``: training loss (``theme.TRAIN``) and test loss (``theme.TEST``) against the step
(Step by step). ``loss_by_step``: each configuration's batch loss, log y, in its
``viz.axes.SERIES_STYLES`` (Vanishing page), with a dotted marker at the step the other charts
show. ``loss_per_step``: each descent path's loss (Learning rate page). ``gradient_norm_figure``
and ``metric_figure`` (Playground): float32, long histories thinned to at most
``MAX_CURVE_POINTS`` points a line (``viz.axes.thin_indices``), so one redraw stays small; their
legend sits below the axis (``curve_frame``). (The Activations page's animated curves stay with
its other animated figures in ``viz.activation_curves``.)
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import plotly.graph_objects as go

from viz import theme
from viz.axes import (
    compact_layout,
    decade_axis,
    drawable,
    float32,
    legend_below,
    log10_float32,
    log_axis,
    series_style,
    step_axis,
    step_marker,
    thin_indices,
)

FEW_POINTS = 40  # a loss curve with at most this many points also marks each one
MAX_CURVE_POINTS = 300  # a Playground curve's points a line, at most
CURVE_HEIGHT = 320  # pixels, with one row of legend entries (more rows add to it)
LEGEND_ROW = 20  # pixels per row of legend entries
LEGEND_PER_ROW = 3  # entries a row in a narrow column (half of a 1024-pixel screen's main area)
GRADIENT_NORM_TITLE = "‖dL/dW‖ per layer (log scale)"
R2_FLOOR = -1.0  # R² below this is drawn at it (the hover tells the value): a bad fit has no bound
# (the R² axis labels its lowest tick "≤ −1")


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


def loss_per_step(paths, labels, height: int = 300) -> go.Figure:
    """Each path's loss against the step (log axis when every loss is positive), in the
    paths' colours: converging paths fall, a diverging one climbs."""
    fig = go.Figure()
    positive = all(np.all(p.losses > 0) for p in paths)
    for i, (path, label) in enumerate(zip(paths, labels)):
        fig.add_trace(
            go.Scatter(
                x=np.arange(len(path.losses)), y=path.losses.astype(np.float32), mode="lines", name=label,
                line=dict(color=theme.path_colour(i), width=2),
            )
        )  # fmt: skip
    fig.update_layout(
        **theme.base_layout(
            title=dict(text="Loss at every step", x=0.01), height=height,
            xaxis=dict(title="step", gridcolor=theme.NEUTRAL),
            yaxis=dict(title="loss", type="log" if positive else "linear", gridcolor=theme.NEUTRAL),
            legend=dict(font=dict(size=11)),
        )
    )  # fmt: skip
    return fig


# ---------------------------------------------------------------------------- Playground curves
def curve_frame(n_entries: int, height: int | None) -> dict:
    """Height, margins and legend of a curve chart whose legend of ``n_entries`` sits at the bottom
    of the figure, below the x axis title, in a bottom margin with room for all its rows (so it
    never runs into the axis); the plot keeps its height however many rows there are."""
    rows = max(1, -(-n_entries // LEGEND_PER_ROW))
    extra = (rows - 1) * LEGEND_ROW
    return dict(
        height=(height or CURVE_HEIGHT) + extra,
        margin=dict(l=10, r=10, t=40, b=48 + rows * LEGEND_ROW),
        legend=legend_below()[0],
    )


def _lines_mode(n: int) -> str:
    """Markers while there are few points (one point alone is a marker, never nothing)."""
    return "lines+markers" if n < 30 else "lines"


def _curve(x: np.ndarray, y: np.ndarray, name: str, hovertemplate: str, **style) -> dict:
    """One line over steps (``x``, ``y`` of shape ``(n,)``), with markers while there are few points;
    ``style``: the trace's other Plotly attributes (``line``, ``yaxis``, ...)."""
    return dict(
        type="scatter", x=x, y=y, mode=_lines_mode(len(x)), name=name, hovertemplate=hovertemplate, **style
    )


def layer_colours(n: int) -> list[str]:
    """``n`` ordered colours, input side to output side through ``theme.LAYER_STOPS`` (dark
    blue, teal, orange), linear in RGB; one layer alone is ``theme.POSITIVE``."""
    if n == 1:
        return [theme.POSITIVE]
    start, mid, end = (theme.hex_rgb(c) for c in theme.LAYER_STOPS)
    colours = []
    for t in np.linspace(0.0, 1.0, n):
        a, b, w = (start, mid, t * 2) if t < 0.5 else (mid, end, t * 2 - 1)
        colours.append(theme.hex_colour(a + (b - a) * w))
    return colours


def _no_step_note() -> dict:
    """The note an empty gradient chart shows in its middle."""
    return dict(
        text="No step yet: take one to see the gradients", showarrow=False, x=0.5, y=0.5,
        xref="paper", yref="paper", font=dict(color=theme.MUTED),
    )  # fmt: skip


def gradient_norm_figure(
    steps: np.ndarray,
    grad_norms: np.ndarray,
    *,
    marker_step: int | None = None,
    height: int | None = None,
) -> go.Figure:
    """``||dL/dW[l]||`` (Frobenius norm, data loss) per layer against the step, on a log scale.

    ``steps`` is ``(n,)``, ``grad_norms`` ``(n, L)`` (``History.column("grad_W_norm")``); one
    line per layer, ``layer 1`` the one next to the inputs. The y values sent are
    ``log10 ||dL/dW||`` (ticks read 1, 10, 10²...), so even a diverging run's 1e150 fits in
    float32; zero or non-finite norms leave a gap. A dotted line in the highlight colour marks
    ``marker_step``.
    """
    keep = thin_indices(len(steps), MAX_CURVE_POINTS)
    steps = np.asarray(steps)[keep]
    norms = np.asarray(grad_norms, dtype=np.float64)[keep]
    n_layers = norms.shape[1] if norms.ndim == 2 else 0
    x = steps.astype(np.int32)
    data, lines = [], []
    for l, colour in zip(range(n_layers), layer_colours(n_layers)):
        y = log10_float32(norms[:, l])
        lines.append(y)
        name = f"layer {l + 1}" + (" (out)" if l == n_layers - 1 else "")
        hover = f"‖dL/dW‖ 10<sup>%{{y:.2f}}</sup><extra>{name}</extra>"
        data.append(_curve(x, y, name, hover, line=dict(color=colour, width=2)))
    layout = compact_layout(
        title=dict(text=GRADIENT_NORM_TITLE, x=0.01),
        **curve_frame(n_layers, height),
        xaxis=dict(title="step", gridcolor=theme.NEUTRAL),
        yaxis=decade_axis(lines),
        shapes=step_marker(marker_step),
        hovermode="x unified",
        uirevision="grad-norms",
        annotations=[] if len(steps) else [_no_step_note()],
    )
    return go.Figure(data=data, layout=layout)


def metric_figure(
    metrics: dict[str, np.ndarray],
    *,
    classification: bool = True,
    marker_step: int | None = None,
    height: int | None = None,
) -> go.Figure:
    """Train (``theme.TRAIN``) and test (``theme.TEST``, dashed) loss against the step, and on the
    right axis the accuracy (classification) or R^2 (regression), dotted, on ``[0, 1]`` /
    ``[-1, 1]``: an R^2 below ``R2_FLOOR`` (a poor or diverging fit, unbounded below) is drawn
    at the floor, with its value in the hover (``customdata``). While there are few points every
    line also has markers, so the single point of step 0 shows. The legend names the two loss
    lines (colour: train or test); the right axis's title says its lines are the dotted ones.

    ``metrics`` is ``History.metrics()``: ``step (m,)``, ``train_loss``, ``test_loss``,
    ``train_accuracy``... each ``(m,)``. When the losses span more than four decades (a
    diverging run) the loss axis shows ``log10`` of the loss with ticks read as powers of ten.
    A dotted line in the highlight colour marks ``marker_step``.
    """
    steps = np.asarray(metrics.get("step", np.empty(0)))
    keep = thin_indices(len(steps), MAX_CURVE_POINTS)
    x = steps[keep].astype(np.int32)
    score, score_name = ("accuracy", "accuracy") if classification else ("r2", "R²")
    log_y = _losses_span_decades(metrics, keep) if len(x) else False
    data, lines = _loss_traces(metrics, keep, x, log_y)
    data += _score_traces(metrics, keep, x, score, score_name, classification)
    layout = compact_layout(
        title=dict(text=f"Loss and {score_name}", x=0.01),
        **curve_frame(2, height),
        xaxis=dict(title="step", gridcolor=theme.NEUTRAL),
        yaxis=decade_axis(lines, title="loss (log scale)")
        if log_y
        else dict(title="loss", gridcolor=theme.NEUTRAL, rangemode="tozero"),
        yaxis2=_score_axis(score_name, classification),
        shapes=step_marker(marker_step),
        hovermode="x unified",
        uirevision="metrics",
    )
    return go.Figure(data=data, layout=layout)


def _losses_span_decades(metrics: dict[str, np.ndarray], keep: np.ndarray) -> bool:
    """Whether the shown train and test losses' positive values span more than four decades."""
    losses = np.concatenate([metrics["train_loss"][keep], metrics["test_loss"][keep]])
    positive = losses[np.isfinite(losses) & (losses > 0)]
    return bool(len(positive) > 1 and positive.max() / positive.min() > 1e4)


def _loss_traces(metrics, keep, x, log_y: bool) -> tuple[list[dict], list[np.ndarray]]:
    """The train (solid) and test (dashed) loss lines, as ``log10`` with ``log_y``; and their y values."""
    data, lines = [], []
    value_format = "10<sup>%{y:.2f}</sup>" if log_y else "%{y:.4g}"
    for part, colour, dash in (("train", theme.TRAIN, "solid"), ("test", theme.TEST, "dash")):
        y = (log10_float32 if log_y else float32)(metrics[f"{part}_loss"][keep])
        lines.append(y)
        hover = value_format + f"<extra>{part} loss</extra>"
        data.append(_curve(x, y, f"{part} loss", hover, line=dict(color=colour, width=2, dash=dash)))
    return data, lines


def _score_traces(metrics, keep, x, score: str, score_name: str, classification: bool) -> list[dict]:
    """The train and test accuracy or R² lines (dotted, right axis, not in the legend); a finite
    R² below ``R2_FLOOR`` is drawn at it, inf and NaN leave a gap; the hover tells the value."""
    data = []
    for part, colour in (("train", theme.TRAIN), ("test", theme.TEST)):
        values = np.asarray(metrics[f"{part}_{score}"], dtype=np.float64)[keep] if len(x) else np.empty(0)
        shown = values
        if not classification:
            shown = np.where(np.isfinite(values), np.maximum(values, R2_FLOOR), np.nan)
        name = f"{part} {score_name}"
        data.append(
            _curve(
                x,
                float32(shown),
                name,
                f"%{{customdata:.3f}}<extra>{name}</extra>",
                customdata=float32(values),
                line=dict(color=colour, width=1.5, dash="dot"),
                marker=dict(size=5),
                yaxis="y2",
                showlegend=False,  # the legend says train/test by colour; the axis title says dotted
            )
        )
    return data


def _score_axis(score_name: str, classification: bool) -> dict:
    """The right axis: accuracy on ``[0, 1]``, or R² on ``[R2_FLOOR, 1]`` with its floor as "≤ −1"."""
    return dict(
        title=f"{score_name} (dotted)",
        overlaying="y",
        side="right",
        range=[0, 1.02] if classification else [R2_FLOOR - 0.02, 1.02],
        tickvals=[0, 0.25, 0.5, 0.75, 1] if classification else [R2_FLOOR, -0.5, 0, 0.5, 1],
        ticktext=None if classification else ["≤ −1", "−0.5", "0", "0.5", "1"],
        showgrid=False,
    )
