"""The network diagram of Step by step: neurons as circles, connections as lines.

Edge colour is the sign of the value shown (``theme.NEGATIVE`` < 0 <= ``theme.POSITIVE``) and
edge width its magnitude, relative to the largest magnitude in the figure (linear, or
log-scaled over four decades), stated under the diagram (``edge_scale_note``); the edges are
``viz.network_drawing``'s traces, shared with the Playground's diagram. Neuron fill is the
value shown at that neuron on the same diverging scale, named by the colour bar's title.
Hovering a neuron or an edge's point gives the exact numbers. Each edge's point sits at a
fraction along it that depends on its source neuron (``edge_point_fraction``), so crossing
edges (x1 -> h12 and x2 -> h11 cross at their middles) each have their own point. Neurons and
edge points carry ``customdata`` naming the item (``"neuron:1:0"``, ``"weight:0:1:0"``): a page
selects what was clicked from it (``parse_item``). ``show_values`` writes the values on the
figure (presenter mode); ``names``/``edge_names`` override the neuron and weight names (Mazur's
article: i1, h1, o1, w1..w8).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go

from engine.network import Step
from viz import theme
from viz.network_drawing import edge_ends, edge_traces, edge_widths, neuron_positions

# A click selects a point (the page reads it); Plotly would then fade every other point.
NO_FADE = dict(
    selected=dict(marker=dict(opacity=1)),
    unselected=dict(marker=dict(opacity=1), textfont=dict(color=theme.TEXT)),
)
PHASES = ("forward", "loss", "backward", "update")


def mazur_names_fit(sizes: list[int]) -> bool:
    """Whether Matt Mazur's names (i1.., h1.., o1.., w1..) name a network uniquely: at most one
    hidden layer, fewer than ten units a layer."""
    return len(sizes) <= 3 and max(sizes) < 10


def layer_names(sizes: list[int], mazur: bool = False) -> list[list[str]]:
    """Neuron names: x1.. for inputs, h{l}_{j} for hidden layers, y1.. for outputs; with
    ``mazur`` (and ``mazur_names_fit``) his article's i1.., h1.., o1.."""
    if mazur and mazur_names_fit(sizes):
        middle = [[f"h{j + 1}" for j in range(n)] for n in sizes[1:-1]]
        return [[f"i{j + 1}" for j in range(sizes[0])], *middle, [f"o{j + 1}" for j in range(sizes[-1])]]
    names = [[f"x{j + 1}" for j in range(sizes[0])]]
    for l, width in enumerate(sizes[1:-1], start=1):
        names.append([f"h{l}{j + 1}" if width < 10 else f"h{l}_{j + 1}" for j in range(width)])
    names.append([f"y{j + 1}" for j in range(sizes[-1])])
    return names


def weight_name(sizes: list[int], l: int, i: int, j: int, mazur: bool = False) -> str:
    """The name of ``W[l][i, j]``: ``x1 → h11``; with ``mazur`` (and ``mazur_names_fit``) his
    number ``w1``.., counted layer by layer, all weights into a unit together
    (w1 = i1→h1, w2 = i2→h1, w3 = i1→h2, ..., w5 = h1→o1)."""
    if mazur and mazur_names_fit(sizes):
        before = sum(sizes[k] * sizes[k + 1] for k in range(l))
        return f"w{before + j * sizes[l] + i + 1}"
    names = layer_names(sizes)
    return f"{names[l][i]} → {names[l + 1][j]}"


def edge_names(sizes: list[int], mazur: bool = False) -> list[list[list[str]]]:
    """``edge_names(sizes)[l][i][j]``: how a page calls ``W[l][i, j]`` (``weight_name``)."""
    return [
        [[weight_name(sizes, l, i, j, mazur) for j in range(sizes[l + 1])] for i in range(sizes[l])]
        for l in range(len(sizes) - 1)
    ]


def parse_item(customdata) -> tuple | None:
    """The item a diagram point names (``"weight:0:1:0"`` -> ``("weight", 0, 1, 0)``), from a
    selection event's ``customdata`` (a string or a one-element list); None if it names none."""
    if isinstance(customdata, (list, tuple)):
        customdata = customdata[0] if customdata else None
    if not isinstance(customdata, str):
        return None
    kind, *numbers = customdata.split(":")
    if kind not in ("neuron", "weight") or not all(n.isdigit() for n in numbers):
        return None
    return (kind, *map(int, numbers))


def edge_point_fraction(i: int, n_sources: int) -> float:
    """Where along an edge from source ``i`` (of ``n_sources``) its hover point sits: 0.35 for
    the first source to 0.65 for the last (clear of the neurons). Two edges from one source
    differ in height there; edges from different sources differ in x; so no two coincide."""
    return 0.5 if n_sources == 1 else 0.35 + 0.3 * i / (n_sources - 1)


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
    signs = f"{theme.POSITIVE_WORD} ≥ 0, {theme.NEGATIVE_WORD} < 0"
    return f"edges: {edge_label} ({signs}), {width}{edge_label}|, widest {scale:.3g}"


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
    names: list[list[str]] | None = None,
    weight_names: list[list[list[str]]] | None = None,
    show_values: bool = False,
) -> go.Figure:
    """Draw a network of layer widths ``sizes``.

    ``edge_values[l]`` is ``(sizes[l], sizes[l+1])`` (like ``W[l]``); ``node_values[k]`` is
    ``(sizes[k],)`` or None (drawn neutral). ``names[k][j]`` names neuron j of layer k
    (``layer_names``); ``weight_names[l][i][j]`` a weight in the hover (``edge_names``; by
    default the hover says ``w[x1→h11]``). Traces: the edges (``network_drawing.edge_traces``),
    the edge points, the neurons, the selection; annotations: the edge scale, then the values.
    """
    positions = neuron_positions(sizes)
    names = names or layer_names(sizes)
    scale = max((float(np.abs(v).max()) for v in edge_values if v.size), default=0.0)
    flat = np.concatenate([np.ravel(v) for v in edge_values]) if edge_values else np.empty(0)
    ends = edge_ends(positions, [v.shape for v in edge_values])
    fig = go.Figure()
    for trace in edge_traces(ends, flat, edge_widths(flat, scale, log_scale), opacity=0.75):
        fig.add_trace(trace)
    points = _edge_points(sizes, edge_values, positions, names, edge_label, weight_names)
    fig.add_trace(
        go.Scatter(
            x=points["x"],
            y=points["y"],
            mode="markers",
            marker=dict(size=9, color=theme.WHITE, line=dict(color=theme.MUTED, width=1)),
            hovertext=points["hover"],
            hoverinfo="text",
            customdata=points["ids"],
            showlegend=False,
            name="edge values",
            **NO_FADE,
        )
    )
    xs, ys, values = _add_neurons(fig, sizes, positions, names, node_values, node_label, show_values)
    if selection is not None:
        _highlight(fig, selection, positions)
    fig.add_annotation(
        text=edge_scale_note(edge_label, scale, log_scale), xref="paper", yref="paper", x=0, y=0,
        xanchor="left", yanchor="top", showarrow=False, font=dict(size=11, color=theme.MUTED),
        name="edge scale",
    )  # fmt: skip
    if show_values:  # after the note: the edge scale stays the first annotation
        _write_values(fig, points["x"], points["y"], points["values"], points["rises"], xs, ys, values)
    fig.update_layout(**_diagram_layout(sizes, title, height, show_values))
    return fig


def _edge_points(sizes, edge_values, positions, names, edge_label, weight_names) -> dict[str, list]:
    """Per edge in ``(layer, i, j)`` order, its hover point (``edge_point_fraction`` along it):
    ``x``, ``y``, ``ids`` (``"weight:l:i:j"``), ``hover`` (the exact value), ``values`` (3
    digits, for ``show_values``) and ``rises`` (a rising edge: its written value goes below)."""
    points: dict[str, list] = {key: [] for key in ("x", "y", "ids", "hover", "values", "rises")}
    for l, values in enumerate(edge_values):
        for i in range(values.shape[0]):
            for j in range(values.shape[1]):
                (x0, y0), (x1, y1) = positions[l][i], positions[l + 1][j]
                f = edge_point_fraction(i, values.shape[0])
                points["x"].append(x0 + f * (x1 - x0))
                points["y"].append(y0 + f * (y1 - y0))
                points["ids"].append(f"weight:{l}:{i}:{j}")
                points["values"].append(f"{values[i, j]:.3g}")
                points["rises"].append(y1 >= y0)
                edge = f"[{names[l][i]}→{names[l + 1][j]}]"
                if weight_names is not None:
                    edge = f" of {weight_names[l][i][j]} ({names[l][i]}→{names[l + 1][j]})"
                points["hover"].append(f"{edge_label}{edge} = {values[i, j]:.6g}")
    return points


def _add_neurons(fig, sizes, positions, names, node_values, node_label, show_values):
    """The neurons' trace (filled by their value on ``theme.DIVERGING``, symmetric about the
    largest ``|value|``; named above; a colour bar titled ``node_label``). Returns the
    neurons' ``x, y, values`` (NaN where a layer has no value), flattened layer by layer."""
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
                size=64 if show_values else 38,
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
            customdata=[f"neuron:{k}:{j}" for k, n in enumerate(sizes) for j in range(n)],
            showlegend=False,
            name="neurons",
            **NO_FADE,
        )
    )
    return xs, ys, values


def _diagram_layout(sizes, title, height, show_values) -> dict:
    """The diagram's layout: hidden axes around the units, taller when values are written."""
    rows = max(sizes)
    return theme.base_layout(
        title=dict(text=title or "", x=0.01),
        height=height or (max(380, 130 * rows + 100) if show_values else max(280, 80 * rows + 80)),
        margin=dict(l=10, r=10, t=40, b=30),
        xaxis=dict(visible=False, range=[-0.5, len(sizes) - 0.5]),
        yaxis=dict(visible=False, range=[-(rows - 1) / 2 - 0.6, (rows - 1) / 2 + 0.8]),
        hovermode="closest",
    )


def _write_values(fig, edge_x, edge_y, edge_text, edge_rises, xs, ys, values) -> None:
    """Values written on the figure: each edge's just above its point, below it for a rising
    edge (so the labels of two crossing edges take different rows; a label on a white box, so
    crossing lines do not hide it, and the point stays free to hover and click), each
    neuron's inside it (trace "neuron values"; white on
    the darker half of the colour scale)."""
    for x, y, text, rises in zip(edge_x, edge_y, edge_text, edge_rises):
        fig.add_annotation(
            x=x, y=y, yshift=-13 if rises else 13, text=text, showarrow=False, borderpad=1,
            bgcolor=theme.LABEL_BOX, font=dict(size=12, color=theme.TEXT), name="edge value",
        )  # fmt: skip
    shown = np.isfinite(values)
    scale = float(np.abs(values[shown]).max(initial=0.0)) or 1.0
    fig.add_trace(
        go.Scatter(
            x=xs[shown],
            y=ys[shown],
            mode="text",
            text=[f"{v:.3g}" for v in values[shown]],
            textfont=dict(
                size=12, color=[theme.WHITE if abs(v) > 0.55 * scale else theme.TEXT for v in values[shown]]
            ),
            hoverinfo="skip",
            showlegend=False,
            name="neuron values",
        )
    )


def _highlight(fig: go.Figure, selection: Selection, positions: list[np.ndarray]) -> None:
    if selection.kind == "neuron":
        layer, j = selection.index
        x, y = positions[layer][j]
        fig.add_trace(
            go.Scatter(
                x=[x],
                y=[y],
                mode="markers",
                marker=dict(size=48, color=theme.TRANSPARENT, line=dict(color=theme.HIGHLIGHT, width=3)),
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
    mazur: bool = False,
    show_values: bool = False,
) -> go.Figure:
    """The diagram of one training step in one of the four phases (see ``phase_values``),
    with Mazur's names if ``mazur``, the values written on it if ``show_values``."""
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
        names=layer_names(sizes, mazur),
        weight_names=edge_names(sizes, mazur) if mazur and mazur_names_fit(sizes) else None,
        show_values=show_values,
    )
