"""The network diagram: neurons as circles, connections as lines.

Edge colour is the sign of the value shown (orange < 0 <= blue) and edge width its
magnitude, relative to the largest magnitude in the figure (linear, or log-scaled over four
decades), stated under the diagram (``edge_scale_note``). Neuron fill is the value shown at
that neuron on the same diverging scale, named by the colour bar's title.
Hovering a neuron or the middle of an edge gives the exact numbers.

To keep the browser fast, edges are drawn as a few traces (one per sign and width bucket,
segments separated by None) rather than one trace per edge.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go

from engine.network import Step
from viz import theme

WIDTH_BUCKETS = 8
MIN_WIDTH, MAX_WIDTH = 0.6, 9.0
PHASES = ("forward", "loss", "backward", "update")


def layer_names(sizes: list[int]) -> list[list[str]]:
    """Neuron names: x1.. for inputs, h{l}_{j} for hidden layers, y1.. for outputs."""
    names = [[f"x{j + 1}" for j in range(sizes[0])]]
    for l, width in enumerate(sizes[1:-1], start=1):
        names.append([f"h{l}{j + 1}" if width < 10 else f"h{l}_{j + 1}" for j in range(width)])
    names.append([f"y{j + 1}" for j in range(sizes[-1])])
    return names


def neuron_positions(sizes: list[int]) -> list[np.ndarray]:
    """(x, y) per neuron: x is the layer index, neurons centred vertically, top to bottom."""
    return [np.column_stack([np.full(n, float(l)), (n - 1) / 2 - np.arange(n)]) for l, n in enumerate(sizes)]


def edge_widths(values: np.ndarray, scale: float, log_scale: bool) -> np.ndarray:
    """Line widths for |values| relative to ``scale`` (the largest magnitude shown)."""
    magnitude = np.abs(values) / scale if scale > 0 else np.zeros_like(values)
    if log_scale:
        # four decades below the largest value map onto the width range
        magnitude = np.clip((np.log10(np.maximum(magnitude, 1e-300)) + 4) / 4, 0, 1)
    return MIN_WIDTH + (MAX_WIDTH - MIN_WIDTH) * magnitude


@dataclass
class Selection:
    """A highlighted neuron ``("neuron", layer, j)`` or weight ``("weight", l, i, j)``."""

    kind: str
    index: tuple[int, ...]


def edge_scale_note(edge_label: str, scale: float, log_scale: bool) -> str:
    """The edge legend: ``edges: w (blue ≥ 0, orange < 0), width ∝ |w|, widest 0.55``."""
    if not np.isfinite(scale) or scale == 0:
        return f"edges: {edge_label}, all 0"
    width = "width ∝ log |" if log_scale else "width ∝ |"
    return f"edges: {edge_label} (blue ≥ 0, orange < 0), {width}{edge_label}|, widest {scale:.3g}"


def network_diagram(
    sizes: list[int],
    edge_values: list[np.ndarray],
    node_values: list[np.ndarray | None],
    *,
    edge_label: str = "w",
    node_label: str = "a",
    log_scale: bool = False,
    selection: Selection | None = None,
    title: str | None = None,
    height: int | None = None,
) -> go.Figure:
    """Draw a network of layer widths ``sizes``.

    ``edge_values[l]`` is ``(sizes[l], sizes[l+1])`` (like ``W[l]``); ``node_values[k]`` is
    ``(sizes[k],)`` or None (drawn neutral).
    """
    positions = neuron_positions(sizes)
    names = layer_names(sizes)
    scale = max((float(np.abs(v).max()) for v in edge_values if v.size), default=0.0)
    fig = go.Figure()

    buckets: dict[tuple[bool, int], tuple[list, list]] = {}
    mid_x, mid_y, mid_text = [], [], []
    for l, values in enumerate(edge_values):
        widths = edge_widths(values, scale, log_scale)
        bucket_of = np.minimum(
            ((widths - MIN_WIDTH) / (MAX_WIDTH - MIN_WIDTH) * WIDTH_BUCKETS).astype(int),
            WIDTH_BUCKETS - 1,
        )
        for i in range(values.shape[0]):
            for j in range(values.shape[1]):
                (x0, y0), (x1, y1) = positions[l][i], positions[l + 1][j]
                xs, ys = buckets.setdefault((values[i, j] >= 0, int(bucket_of[i, j])), ([], []))
                xs += [x0, x1, None]
                ys += [y0, y1, None]
                mid_x.append(x0 + 0.5 * (x1 - x0))
                mid_y.append(y0 + 0.5 * (y1 - y0))
                mid_text.append(f"{edge_label}[{names[l][i]}→{names[l + 1][j]}] = {values[i, j]:.6g}")
    for (positive, bucket), (xs, ys) in sorted(buckets.items()):
        width = MIN_WIDTH + (MAX_WIDTH - MIN_WIDTH) * (bucket + 0.5) / WIDTH_BUCKETS
        fig.add_trace(
            go.Scatter(
                x=xs,
                y=ys,
                mode="lines",
                line=dict(color=theme.POSITIVE if positive else theme.NEGATIVE, width=width),
                opacity=0.75,
                hoverinfo="skip",
                showlegend=False,
                name=f"{'positive' if positive else 'negative'} edges, width bucket {bucket}",
            )
        )
    fig.add_trace(
        go.Scatter(
            x=mid_x,
            y=mid_y,
            mode="markers",
            marker=dict(size=10, color="rgba(0,0,0,0)"),
            hovertext=mid_text,
            hoverinfo="text",
            showlegend=False,
            name="edge values",
        )
    )

    xs = np.concatenate([p[:, 0] for p in positions])
    ys = np.concatenate([p[:, 1] for p in positions])
    values = np.concatenate(
        [np.full(n, np.nan) if v is None else np.asarray(v, float) for n, v in zip(sizes, node_values)]
    )
    finite = values[np.isfinite(values)]
    node_scale = float(np.abs(finite).max()) if finite.size else 1.0
    labels = [name for layer in names for name in layer]
    hover = [f"{name}: {node_label} = {v:.6g}" if np.isfinite(v) else name for name, v in zip(labels, values)]
    fig.add_trace(
        go.Scatter(
            x=xs,
            y=ys,
            mode="markers+text",
            text=labels,
            textposition="top center",
            textfont=dict(size=12, color=theme.TEXT),
            marker=dict(
                size=38,
                color=np.where(np.isfinite(values), values, 0.0),
                colorscale=theme.DIVERGING,
                cmin=-node_scale or -1,
                cmax=node_scale or 1,
                line=dict(color=theme.MUTED, width=1.5),
                showscale=True,
                colorbar=dict(title=dict(text=node_label), thickness=12, len=0.7),
            ),
            hovertext=hover,
            hoverinfo="text",
            showlegend=False,
            name="neurons",
        )
    )
    if selection is not None:
        _highlight(fig, selection, positions)
    fig.add_annotation(
        text=edge_scale_note(edge_label, scale, log_scale),
        xref="paper",
        yref="paper",
        x=0,
        y=0,
        xanchor="left",
        yanchor="top",
        showarrow=False,
        font=dict(size=11, color=theme.MUTED),
        name="edge scale",
    )
    fig.update_layout(
        **theme.base_layout(
            title=dict(text=title or "", x=0.01),
            height=height or max(280, 80 * max(sizes) + 80),
            margin=dict(l=10, r=10, t=40, b=30),
            xaxis=dict(visible=False, range=[-0.5, len(sizes) - 0.5]),
            yaxis=dict(visible=False, range=[-(max(sizes) - 1) / 2 - 0.6, (max(sizes) - 1) / 2 + 0.8]),
            hovermode="closest",
        )
    )
    return fig


def _highlight(fig: go.Figure, selection: Selection, positions: list[np.ndarray]) -> None:
    if selection.kind == "neuron":
        layer, j = selection.index
        x, y = positions[layer][j]
        fig.add_trace(
            go.Scatter(
                x=[x],
                y=[y],
                mode="markers",
                marker=dict(size=48, color="rgba(0,0,0,0)", line=dict(color=theme.HIGHLIGHT, width=3)),
                hoverinfo="skip",
                showlegend=False,
                name="selected",
            )
        )
    else:
        l, i, j = selection.index
        (x0, y0), (x1, y1) = positions[l][i], positions[l + 1][j]
        fig.add_trace(
            go.Scatter(
                x=[x0, x1],
                y=[y0, y1],
                mode="lines",
                line=dict(color=theme.HIGHLIGHT, width=3, dash="dot"),
                hoverinfo="skip",
                showlegend=False,
                name="selected",
            )
        )


def phase_values(step: Step, phase: str, sample: int | None = 0):
    """What each phase shows: (edge values, edge label, node values, node label).

    forward: weights and activations ``a``; loss: weights and, at the output, dL/dy;
    backward: dL/dW and deltas dL/dz; update: the change added to each weight and to each
    neuron's bias (``Δb``; inputs have none). ``sample`` picks one row of the batch (None:
    mean over the batch; the update is the batch's either way).
    """
    if phase not in PHASES:
        raise ValueError(f"unknown phase {phase!r}; choose one of: {', '.join(PHASES)}")

    def row(array: np.ndarray) -> np.ndarray:
        return array[sample] if sample is not None else array.mean(axis=0)

    n_layers = len(step.weights)
    if phase == "forward":
        return step.weights, "w", [row(a) for a in step.a], "a"
    if phase == "loss":
        nodes = [None] * n_layers + [row(step.da[-1])]
        return step.weights, "w", nodes, "dL/dy"
    if phase == "backward":
        return step.grad_W, "dL/dw", [None] + [row(d) for d in step.delta], "δ = dL/dz"
    return step.update_W, "Δw", [None, *step.update_b], "Δb"


def step_diagram(
    step: Step,
    phase: str,
    *,
    sample: int | None = 0,
    selection: Selection | None = None,
    log_scale: bool = False,
    title: str | None = None,
) -> go.Figure:
    """The diagram of one training step in one of the four phases (see ``phase_values``)."""
    sizes = [step.a[0].shape[1]] + [w.shape[1] for w in step.weights]
    edges, edge_label, nodes, node_label = phase_values(step, phase, sample)
    return network_diagram(
        sizes,
        edges,
        nodes,
        edge_label=edge_label,
        node_label=node_label,
        log_scale=log_scale,
        selection=selection,
        title=title,
    )
