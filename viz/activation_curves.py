"""Figures of the "Activations & losses" page.

- ``activation_grid``: each activation ``f`` (black) and its derivative ``f'`` (vermillion,
  dashed) in a small panel, flat zones shaded grey (``f' <`` a tenth of its maximum; "dead"
  where ``f' = 0``), the maximum of ``f'`` marked and labelled.
- ``layer_histograms`` / ``derivative_product``: what a fresh layer sees (``LayerView``).
- ``dead_units_figure``: every hidden unit as a dot (filled by the fraction of inputs it is
  active on, a cross when dead) and the dead count over steps, animated in the figure.
- ``loss_gradients``: loss and ``dL/dz`` against the logit, MSE against cross-entropy.
- ``side_by_side``: the same network trained with each loss, on one clock (animated).

Colours come from ``viz.theme``; runs and curves use ``theme.PATHS`` in order.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from viz import theme
from viz.animation import add_player, frame_steps
from viz.axes import legend_inside, plain_log_axis, stride

F_COLOUR, D_COLOUR = theme.path_colour(0), theme.path_colour(1)
FLAT, DEAD = theme.FLAT_ZONE, theme.DEAD_ZONE
GRID_COLUMNS = 5  # panels a row in the activation grid (ten activations: two rows)
MAX_VALUES = 6000  # values per histogram sent to the browser


def peak_label(c) -> tuple[str, float | None]:
    """The text of a panel's derivative label and where its peak marker goes (None: no marker).
    A derivative with at most two values is listed (relu: ``f′ ∈ {0, 1}``); else its maximum,
    marked where it is reached when that is a single point inside the range (not a plateau)."""
    values = np.unique(np.round(c.d, 12))
    if len(values) <= 2:
        shown = ", ".join(f"{v:g}" for v in values)
        return (f"f′ ∈ {{{shown}}}" if len(values) == 2 else f"f′ = {shown}"), None
    peak, where = c.peak
    if c.z[0] < where < c.z[-1] and np.sum(c.d >= peak - 1e-12) < 5:
        return f"max f′ = {peak:.3g}", where
    return f"f′ < {peak:.2g} (→ {peak:.2g} as z → ∞)" if where >= c.z[-1] else f"max f′ = {peak:.3g}", None


def _panel(c, k: int) -> tuple[list, list[dict], dict, dict]:
    """Panel ``k`` (0-based, row-major; its axes ``x{k+1}``, ``y{k+1}``) as parts of the grid
    figure: its traces (f, f', the peak), shapes (flat zones), its label and its axes' layout."""
    axis = k + 1 if k else ""
    on = dict(xaxis=f"x{axis}", yaxis=f"y{axis}")
    shapes = [
        dict(type="rect", x0=lo, x1=hi, xref=f"x{axis}", y0=0, y1=1, yref=f"y{axis} domain",
             fillcolor=DEAD if dead else FLAT, line=dict(width=0))
        for lo, hi, dead in c.zones
    ]  # fmt: skip
    traces = [
        go.Scatter(x=c.z, y=y, mode="lines", name=name, legendgroup=group, showlegend=k == 0,
                   line=dict(color=colour, width=2, dash=dash), **on)
        for y, name, group, dash, colour in (
            (c.a, "f(z)", "f", "solid", F_COLOUR),
            (c.d, "f′(z)", "d", "dash", D_COLOUR),
        )
    ]  # fmt: skip
    text, where = peak_label(c)
    if where is not None:
        traces.append(
            go.Scatter(x=[where], y=[c.peak[0]], mode="markers", showlegend=False, hoverinfo="skip",
                       marker=dict(color=D_COLOUR, size=7), **on)
        )  # fmt: skip
    label = dict(x=0.02, y=0.98, xref=f"x{axis} domain", yref=f"y{axis} domain", text=text, showarrow=False,
                 xanchor="left", yanchor="top", font=dict(size=11, color=D_COLOUR))  # fmt: skip
    axes = {
        f"xaxis{axis}": dict(range=[c.z[0], c.z[-1]], gridcolor=theme.NEUTRAL),
        f"yaxis{axis}": dict(range=[-1.3, 2.3], gridcolor=theme.NEUTRAL, zerolinecolor=theme.MUTED),
    }
    return traces, shapes, label, axes


def activation_grid(table, height: int = 430) -> go.Figure:
    """``table``: ``engine.activation_stats.activation_table()`` (one ``ActivationCurve`` per
    activation of the engine's table), in rows of ``GRID_COLUMNS`` panels (``_panel``); ``height``
    is for two rows. The panels' parts are added in one update each (Plotly checks a layout on
    every update: a call per panel and part took 1.7 times as long)."""
    rows = max(1, -(-len(table) // GRID_COLUMNS))
    fig = make_subplots(
        rows=rows,
        cols=GRID_COLUMNS,
        subplot_titles=[c.name for c in table],
        horizontal_spacing=0.04,
        vertical_spacing=0.32 / rows,
    )
    height = int(height * rows / 2)
    traces, shapes, labels, axes = zip(*(_panel(c, k) for k, c in enumerate(table)))
    fig.add_traces([trace for panel in traces for trace in panel])
    fig.update_layout(
        shapes=[shape for panel in shapes for shape in panel],
        annotations=[*fig.layout.annotations, *labels],  # the subplot titles, then the labels
        **{name: axis for panel in axes for name, axis in panel.items()},
        **theme.base_layout(
            height=height,
            margin=dict(l=10, r=10, t=56, b=10),
            legend=dict(orientation="h", x=1.0, xanchor="right", y=1.06, yanchor="bottom"),
        ),
    )
    return fig


def layer_histograms(view, layer: int, height: int = 300) -> go.Figure:
    """Layer ``layer`` (0-based) of a ``LayerView``: the distribution of ``z`` (flat zone of the
    activation shaded) and of ``f'(z)``."""
    z, d = view.z[layer].ravel(), view.d[layer].ravel()
    step = stride(z.size, MAX_VALUES)
    fig = make_subplots(
        rows=1,
        cols=2,
        subplot_titles=[
            f"z in layer {layer + 1}",
            "f′(z) there",
        ],
        horizontal_spacing=0.12,
    )
    fig.add_trace(
        go.Histogram(
            x=z[::step].astype(np.float32), nbinsx=60, marker_color=theme.POSITIVE, showlegend=False
        ),
        row=1,
        col=1,
    )
    fig.add_trace(
        go.Histogram(x=d[::step].astype(np.float32), nbinsx=60, marker_color=D_COLOUR, showlegend=False),
        row=1,
        col=2,
    )
    fig.update_layout(**theme.base_layout(height=height, bargap=0.02, margin=dict(l=10, r=10, t=40, b=10)))
    fig.update_yaxes(title_text="count", row=1, col=1)
    return fig


def derivative_product(view, height: int = 300) -> go.Figure:
    """``prod_{k <= l} E|f'(z_k)|`` against the layer (log axis): the factor the activations
    alone put on a gradient on its way back from layer ``l`` to the input."""
    layers = np.arange(1, len(view.derivative_product) + 1)
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=layers,
            y=view.derivative_product,
            mode="lines+markers",
            name="product of E|f′|",
            line=dict(color=D_COLOUR, width=2),
        )
    )
    fig.add_trace(
        go.Scatter(
            x=layers,
            y=0.25**layers,
            mode="lines",
            name="0.25ˡ (sigmoid's best)",
            line=dict(color=theme.MUTED, dash="dot"),
        )
    )
    fig.update_layout(
        **theme.base_layout(
            title=dict(text="Product of derivatives over depth", x=0.01),
            height=height,
            xaxis=dict(title="layer", dtick=1 if len(layers) <= 20 else None, gridcolor=theme.NEUTRAL),
            yaxis=plain_log_axis(title="factor (log)"),
            legend=legend_inside("bottom left"),
        )
    )
    return fig


def _units_at(run, k: int) -> tuple[dict, dict]:
    """Alive units (coloured by active fraction) and dead ones (crosses) after ``k`` steps."""
    fractions = run.active_fraction[min(k, len(run.active_fraction) - 1)]
    xs, ys, fs = [], [], []
    for layer, f in enumerate(fractions):
        xs += list(range(1, len(f) + 1))
        ys += [layer + 1] * len(f)
        fs += list(f)
    xs, ys, fs = np.array(xs), np.array(ys), np.array(fs)
    alive, dead = fs > 0, fs == 0
    return (
        dict(x=xs[alive], y=ys[alive], marker=dict(color=fs[alive].astype(np.float32))),
        dict(x=xs[dead], y=ys[dead]),
    )


def _unit_traces(fig: go.Figure, run, n: int) -> None:
    """Traces 0-3: alive units (filled by the fraction of inputs they are active on), dead units
    (crosses), the dead count over all steps, and the current step's marker on it."""
    alive, dead = _units_at(run, n)
    marker = dict(
        size=13,
        cmin=0,
        cmax=1,
        colorscale=theme.SEQUENTIAL,
        line=dict(width=1, color=theme.TEXT),
        colorbar=dict(title="active", tickformat=".0%", thickness=10, len=0.8, x=0.43),
    )
    fig.add_trace(
        go.Scatter(
            mode="markers",
            name="alive",
            showlegend=False,
            x=alive["x"],
            y=alive["y"],
            marker={**marker, **alive["marker"]},
            hovertemplate="unit %{x}, layer %{y}<br>active on %{marker.color:.0%}<extra></extra>",
        ),
        row=1,
        col=1,
    )
    fig.add_trace(
        go.Scatter(
            mode="markers",
            name="dead",
            showlegend=False,
            **dead,
            hoverinfo="skip",
            marker=dict(symbol="x", size=12, color=theme.HIGHLIGHT),
        ),
        row=1,
        col=1,
    )
    fig.add_trace(
        go.Scatter(
            x=np.arange(n + 1),
            y=run.dead_count,
            mode="lines",
            showlegend=False,
            name="dead",
            line=dict(color=theme.HIGHLIGHT, width=2),
        ),
        row=1,
        col=2,
    )
    fig.add_trace(
        go.Scatter(
            x=[n],
            y=[run.dead_count[n]],
            mode="markers",
            showlegend=False,
            marker=dict(size=10, color=theme.HIGHLIGHT),
        ),
        row=1,
        col=2,
    )


def dead_units_figure(run, height: int = 360) -> go.Figure:
    """``engine.activation_stats.DeadUnitsRun``: left, every hidden unit (column: unit, row:
    layer), filled by the fraction of training inputs it is active on, a cross once dead;
    right, the number of dead units against the step. Play / the slider move both."""
    fig = make_subplots(
        rows=1,
        cols=2,
        column_widths=[0.5, 0.5],
        horizontal_spacing=0.16,
        subplot_titles=["hidden units (× = dead: 0 on every input)", "dead units"],
    )
    n = len(run.dead_count) - 1
    _unit_traces(fig, run, n)
    shown = frame_steps(n)
    frames = []
    for s in shown:
        a, d = _units_at(run, s)
        frames.append([a, d, dict(x=[s], y=[run.dead_count[s]])])
    add_player(fig, frames, [0, 1, 3], shown, y=-0.3)
    width, layers = max(len(f) for f in run.active_fraction[0]), len(run.active_fraction[0])
    fig.update_xaxes(title_text="unit", range=[0.3, width + 0.7], dtick=5, tick0=1, row=1, col=1)
    fig.update_yaxes(title_text="layer", range=[0.4, layers + 0.6], dtick=1, row=1, col=1)
    fig.update_xaxes(title_text="step", row=1, col=2, gridcolor=theme.NEUTRAL)
    fig.update_yaxes(range=[0, run.n_units + 0.5], row=1, col=2, gridcolor=theme.NEUTRAL)
    fig.update_layout(**theme.base_layout(height=height, margin=dict(l=10, r=10, t=40, b=110)))
    return fig


def loss_gradients(z, sigmoid: dict, softmax: dict, target: float, height: int = 340) -> go.Figure:
    """``engine.loss_compare.output_gradients`` at the logits ``z`` for a sigmoid output
    (solid, target ``target``) and a softmax output (dotted, target class 0): the loss (left)
    and ``dL/dz`` (right). With target 1, the confidently wrong side (z < 0) is shaded."""
    fig = make_subplots(
        rows=1,
        cols=2,
        subplot_titles=["loss for one sample", "dL/dz: the gradient sent back"],
        horizontal_spacing=0.08,
    )
    series = [(f"sigmoid + {name}", v, "solid") for name, v in sigmoid.items()]
    series += [(f"softmax + {name}", v, "dot") for name, v in softmax.items()]
    x = np.asarray(z, dtype=np.float64)
    for label, (values, grads), dash in series:
        colour = theme.path_colour(2 if "mse" in label else 4)
        for col, y in ((1, values), (2, grads)):
            fig.add_trace(
                go.Scatter(
                    x=x,
                    y=y,
                    mode="lines",
                    name=label,
                    legendgroup=label,
                    showlegend=col == 1,
                    line=dict(color=colour, width=2, dash=dash),
                ),
                row=1,
                col=col,
            )
    if target == 1:
        fig.add_vrect(x0=x[0], x1=0, fillcolor=FLAT, line_width=0, row=1, col=2)
        fig.add_annotation(
            x=x[0],
            y=-0.95,
            text="confidently wrong",
            showarrow=False,
            xanchor="left",
            row=1,
            col=2,
            font=dict(size=11, color=theme.MUTED),
        )
    fig.update_xaxes(title_text="logit z (of the target class for softmax)", gridcolor=theme.NEUTRAL)
    fig.update_yaxes(gridcolor=theme.NEUTRAL)
    fig.update_yaxes(range=[0, 4], row=1, col=1)
    fig.update_layout(
        **theme.base_layout(
            height=height, legend=dict(orientation="h", y=-0.25, x=0), margin=dict(l=10, r=10, t=40, b=10)
        )
    )
    return fig


def _curves_at(runs, k: int) -> list[dict]:
    parts = []
    for run in runs:
        m = min(k, len(run.accuracy) - 1)
        parts.append(dict(x=np.arange(m + 1), y=run.accuracy[: m + 1].astype(np.float32)))
        parts.append(dict(x=np.arange(m + 1), y=run.output_grad[: m + 1].astype(np.float32)))
    return parts


def side_by_side(runs, height: int = 360) -> go.Figure:
    """``engine.loss_compare.train_side_by_side``: accuracy (left) and the mean ``|dL/dz|`` at
    the output (right, log) against the step, one colour per loss, animated on one clock."""
    fig = make_subplots(
        rows=1,
        cols=2,
        subplot_titles=["training accuracy", "mean |dL/dz| at the output"],
        horizontal_spacing=0.1,
    )
    n = max(len(r.accuracy) for r in runs) - 1
    for i, (run, part) in enumerate(zip(runs, _curves_at(runs, n)[::2])):
        colour = theme.path_colour(2 if run.loss == "mse" else 4)
        grad = _curves_at(runs, n)[2 * i + 1]
        fig.add_trace(
            go.Scatter(
                **part,
                mode="lines",
                name=f"sigmoid + {run.loss}",
                legendgroup=run.loss,
                line=dict(color=colour, width=2),
            ),
            row=1,
            col=1,
        )
        fig.add_trace(
            go.Scatter(
                **grad, mode="lines", showlegend=False, legendgroup=run.loss, line=dict(color=colour, width=2)
            ),
            row=1,
            col=2,
        )
    shown = frame_steps(n)
    add_player(
        fig,
        [_curves_at(runs, s) for s in shown],
        list(range(2 * len(runs))),
        shown,
        y=-0.3,
    )
    fig.update_xaxes(title_text="step", range=[0, n], gridcolor=theme.NEUTRAL)
    fig.update_yaxes(range=[0, 1.02], tickformat=".0%", row=1, col=1, gridcolor=theme.NEUTRAL)
    fig.update_yaxes(plain_log_axis(), row=1, col=2)
    fig.update_layout(
        **theme.base_layout(
            height=height,
            margin=dict(l=10, r=10, t=70, b=110),
            legend=dict(orientation="h", x=0.0, y=1.12, yanchor="bottom"),
        )
    )
    return fig
