"""Per-layer curves at one step: the gradient per layer, theory against measurement, the update ratio.

Each takes per-layer arrays ``(L,)`` as ``History`` records them or per-entry sizes made from
them (``engine.layer_stats``), one series per configuration (A, B: ``viz.axes.SERIES_STYLES``),
layers ``1 .. L`` on x from the input side to the output side, a log y axis
(``viz.axes.log_axis``). A zero or non-finite value cannot be drawn there: it is left out
and the figure says how many were left out (``left_out_note``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import plotly.graph_objects as go

from viz import theme
from viz.axes import (
    drawable,
    layer_axis,
    legend_below,
    log_axis,
    notes_annotation,
    panel_suffix,
    panels,
    series_style,
    side_labels,
)

RULE_OF_THUMB = 1e-3  # |update| / |W| per step that usually trains well (Karpathy's CS231n notes)
RULE_BAND = (1e-4, 1e-2)


def left_out_note(label: str, what: str, n_zero: int, n_nonfinite: int) -> str | None:
    parts = []
    if n_zero:
        parts.append(f"zero in {n_zero} layer{'s' if n_zero > 1 else ''}")
    if n_nonfinite:
        parts.append(f"not finite in {n_nonfinite} layer{'s' if n_nonfinite > 1 else ''}")
    return f"{label}: {what} {' and '.join(parts)} (not drawn on the log scale)" if parts else None


def finish_by_layer(
    fig: go.Figure, notes: list[str], title: str, height: int, n_layers: int, y_title: str
) -> go.Figure:
    """The common frame of a chart of one value per layer: layers ``1 .. n_layers`` on x with
    the input and output sides labelled, a log y axis fitted to every trace, the notes."""
    side_labels(fig)
    notes_annotation(fig, notes)
    legend, margin = legend_below()
    fig.update_layout(
        **theme.base_layout(
            title=dict(text=title, x=0.01, y=0.98),
            height=height,
            margin=margin,
            xaxis=layer_axis(n_layers),
            yaxis=log_axis([t.y for t in fig.data], title=y_title),
            legend=legend,
        )
    )
    return fig


def norm_by_layer(
    series: Mapping[str, Mapping[str, np.ndarray]],
    *,
    title: str = "Gradient per layer",
    height: int = 360,
) -> go.Figure:
    """Per-layer gradient size at one step, log y against the layer number ``1 .. L``.

    ``series[label]`` maps ``grad_W_rms`` and ``delta_rms`` (each ``(L,)``, see the module
    docstring) for one configuration: the weight gradient ``dL/dW[l]`` (solid line) and the
    back-propagated signal ``dL/dz[l]`` (dotted line). The two differ because ``dL/dW[l] =
    a[l].T @ delta[l]``: a small forward signal ``a[l]`` times a large backward one can look
    like a healthy ``dL/dW``. The input side is on the left, the output side on the right;
    a vanishing gradient is a curve falling toward the left.
    """
    fig = go.Figure()
    notes = []
    n_layers = 1
    for i, (label, row) in enumerate(series.items()):
        style = series_style(i)
        for key, dash, name in (("grad_W_rms", "solid", "dL/dW"), ("delta_rms", "dot", "dL/dz")):
            y, n_zero, n_bad = drawable(row[key])
            n_layers = max(n_layers, len(y))
            fig.add_trace(
                go.Scatter(
                    x=np.arange(1, len(y) + 1),
                    y=y,
                    mode="lines+markers",
                    name=f"{label}: {name}",
                    line=dict(color=style["color"], width=2.5 if dash == "solid" else 2, dash=dash),
                    marker=dict(
                        symbol=style["symbol"], size=6 if dash == "solid" else 4, color=style["color"]
                    ),
                    hovertemplate=f"layer %{{x}}<br>{name} %{{y:.3g}}<extra>{label}</extra>",
                )
            )
            note = left_out_note(label, name, n_zero, n_bad)
            if note:
                notes.append(note)
    return finish_by_layer(fig, notes, title, height, n_layers, "rms per weight / per unit (log)")


def theory_chart(
    series: Mapping[str, Mapping[str, np.ndarray | None]],
    *,
    title: str = "Theory at initialization vs measured",
    height: int = 380,
) -> go.Figure:
    """Predicted (dashed line) and measured (markers) per-layer statistics, log y.

    ``series[label]`` has ``theory_variance`` and ``measured_variance`` (``Var a[l+1]``,
    ``(L,)``; left panel), ``theory_delta`` (``(L,)`` or None: no prediction) and
    ``measured_delta`` (root mean square of ``dL/dz[l]`` per unit; right panel). The prediction is
    ``engine.theory``'s recursion, e.g. ``Var z = n_in Var(W) E[a^2]`` per layer.
    """
    fig = panels(2, 0.1, ("forward: Var(a)", "backward: rms dL/dz"))
    notes = []
    n_layers = 1
    for i, (label, row) in enumerate(series.items()):
        for col, theory_key, measured_key, what in (
            (1, "theory_variance", "measured_variance", "Var(a)"),
            (2, "theory_delta", "measured_delta", "rms dL/dz"),
        ):
            measured, n_zero, n_bad = drawable(row[measured_key])
            n_layers = max(n_layers, len(measured))
            theory = None if row.get(theory_key) is None else drawable(row[theory_key])[0]
            _theory_traces(fig, col, label, series_style(i), what, theory, measured)
            note = left_out_note(label, what, n_zero, n_bad)
            if note:
                notes.append(note)
    for col in (1, 2):
        s = panel_suffix(col)
        fig.layout[f"xaxis{s}"].update(layer_axis(n_layers, max_ticks=6))
        fig.layout[f"yaxis{s}"].update(log_axis([t.y for t in fig.data if t.xaxis == f"x{s}"]))
    notes_annotation(fig, notes)
    legend, margin = legend_below()
    fig.update_layout(
        **theme.base_layout(
            title=dict(text=title, x=0.01, y=0.98),
            height=height,
            margin=margin,
            legend=legend,
        )
    )
    return fig


def _theory_traces(
    fig: go.Figure,
    col: int,
    label: str,
    style: dict,
    what: str,
    theory: np.ndarray | None,
    measured: np.ndarray,
) -> None:
    """One configuration's lines on panel ``col`` of ``theory_chart``: the prediction (dashed,
    when there is one) and the measurement (markers), each ``(L,)`` against the layer."""
    s = panel_suffix(col)
    x = np.arange(1, len(measured) + 1)
    if theory is not None:
        fig.add_trace(
            go.Scatter(
                x=x,
                y=theory,
                mode="lines",
                name=f"{label}: theory",
                legendgroup=f"{label} theory",
                showlegend=col == 1,
                line=dict(color=style["color"], dash="dash", width=2),
                hovertemplate=f"layer %{{x}}<br>theory {what} %{{y:.3g}}<extra>{label}</extra>",
                xaxis=f"x{s}",
                yaxis=f"y{s}",
            )
        )
    fig.add_trace(
        go.Scatter(
            x=x,
            y=measured,
            mode="markers",
            name=f"{label}: measured",
            legendgroup=f"{label} measured",
            showlegend=col == 1,
            marker=dict(color=style["color"], symbol=style["symbol"], size=6),
            hovertemplate=f"layer %{{x}}<br>measured {what} %{{y:.3g}}<extra>{label}</extra>",
            xaxis=f"x{s}",
            yaxis=f"y{s}",
        )
    )


def update_ratio_chart(
    series: Mapping[str, np.ndarray],
    *,
    title: str = "‖update‖ / ‖W‖ per layer",
    height: int = 360,
) -> go.Figure:
    """How far each layer's weights move in one step, relative to their size, log y.

    ``series[label]`` is ``update_ratio`` ``(L,)`` = ``||update_W[l]|| / ||W[l]||``. A grey
    band marks ``RULE_BAND`` around the dotted ``RULE_OF_THUMB`` line (1e-3), labelled on the
    line itself rather than in the legend: far below it
    a layer barely learns (vanishing gradient, or a learning rate too small); far above, the
    weights are rewritten every step (exploding, or a learning rate too large).
    """
    fig = go.Figure()
    n_layers = max([len(np.asarray(v)) for v in series.values()] or [1])
    _rule_band(fig, n_layers)
    notes = []
    for i, (label, ratio) in enumerate(series.items()):
        style = series_style(i)
        y, n_zero, n_bad = drawable(ratio)
        fig.add_trace(
            go.Scatter(
                x=np.arange(1, len(y) + 1),
                y=y,
                mode="lines+markers",
                name=label,
                line=dict(color=style["color"], width=2),
                marker=dict(symbol=style["symbol"], size=6, color=style["color"]),
                hovertemplate="layer %{x}<br>‖update‖/‖W‖ %{y:.3g}<extra>" + label + "</extra>",
            )
        )
        note = left_out_note(label, "the ratio", n_zero, n_bad)
        if note:
            notes.append(note)
    return finish_by_layer(fig, notes, title, height, n_layers, "ratio (log scale)")


def _rule_band(fig: go.Figure, n_layers: int) -> None:
    """The grey ``RULE_BAND`` over layers ``1 .. n_layers`` and the dotted ``RULE_OF_THUMB`` line,
    labelled on the chart (not in the legend: a narrow column has room for two entries a row)."""
    lo, hi = RULE_BAND
    fig.add_trace(
        go.Scatter(
            x=[0.5, n_layers + 0.5, n_layers + 0.5, 0.5, 0.5],
            y=[lo, lo, hi, hi, lo],
            fill="toself",
            mode="none",
            fillcolor=theme.SHADE,
            name=f"{lo:g} to {hi:g}",
            hoverinfo="skip",
            showlegend=False,
        )
    )
    fig.add_trace(
        go.Scatter(
            x=[0.5, n_layers + 0.5],
            y=[RULE_OF_THUMB, RULE_OF_THUMB],
            mode="lines",
            line=dict(color=theme.MUTED, dash="dot", width=2),
            name="rule of thumb 1e-3",
            hoverinfo="skip",
            showlegend=False,
        )
    )
    fig.add_annotation(
        text="rule of thumb 1e-3",
        xref="paper",
        x=1.0,
        y=math.log10(RULE_OF_THUMB),
        xanchor="right",
        yanchor="bottom",
        showarrow=False,
        font=dict(size=10, color=theme.MUTED),
        name="rule",
    )
