"""The Playground's network diagram: every unit drawn as its map over the input square, edges
coloured by sign and sized by magnitude, the units' values as badges. Pure functions, no Streamlit.

Colours follow ``viz.theme``: negative ``theme.NEGATIVE``, positive ``theme.POSITIVE``, zero
``theme.MID``. Edges are ``viz.network_drawing``'s traces (shared with Step by step's
diagram); unit maps are ``viz.raster`` images; every array sent to the browser is float32.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go

from engine.network import Step
from viz import theme
from viz.axes import compact_layout, float32, scaled_float32, times_power, title_margin, wrapped_title
from viz.diagram import layer_names
from viz.network_drawing import edge_ends, edge_traces, edge_widths, neuron_positions
from viz.raster import MAP_PIXELS, map_image, map_scale

VIEW_LABELS = {"weights": "w", "gradients": "dL/dw", "update": "Δw"}
NODE_LABELS = {"activation": "a", "delta": "δ = dL/dz"}
WEIGHT_SCALE = 5.0  # the weights' fixed edge-width scale: |w| >= 5 is drawn widest (TF Playground's)
LABEL_BACKGROUND = theme.LABEL_BOX  # behind a unit's name in the diagram


def unit_names(features: Sequence[str], sizes: Sequence[int]) -> list[list[str]]:
    """Names of every unit: the input features, then ``viz.diagram.layer_names`` (``h11``...,
    ``y1``) for the hidden and output layers."""
    names = layer_names(list(sizes))
    return [list(features), *names[1:]]


def diagram_values(
    step: Step | None, weights: Sequence[np.ndarray], view: str, node_colour: str
) -> tuple[list[np.ndarray], list[np.ndarray | None]]:
    """The numbers a diagram shows: edge values per layer ``(n_in, n_out)`` and node values
    per layer ``(n,)`` (None: no value there).

    Edges: ``view`` ``weights`` -> ``weights`` (as given: the step's, or the current ones);
    ``gradients`` -> ``step.grad_W`` (dL/dW of the data loss); ``update`` -> ``step.update_W``
    (what was added to W). Nodes: ``activation`` -> ``a[k]`` averaged over the batch rows;
    ``delta`` -> ``delta[l] = dL/dz[l]`` averaged over the batch (none at the inputs).
    Without a step (nothing trained yet) gradients and updates are zero and nodes have no value.
    """
    if view not in VIEW_LABELS:
        raise ValueError(f"unknown view {view!r}; choose one of: {', '.join(VIEW_LABELS)}")
    if node_colour not in NODE_LABELS:
        raise ValueError(f"unknown node colouring {node_colour!r}; choose one of: {', '.join(NODE_LABELS)}")
    if step is None:
        edges = list(weights) if view == "weights" else [np.zeros_like(w) for w in weights]
        return edges, [None] * (len(weights) + 1)
    edges = {"weights": list(weights), "gradients": step.grad_W, "update": step.update_W}[view]
    if node_colour == "activation":
        nodes: list[np.ndarray | None] = [a.mean(axis=0) for a in step.a]
    else:
        nodes = [None, *(d.mean(axis=0) for d in step.delta)]
    return list(edges), nodes


@dataclass(frozen=True)
class _Frame:
    """The diagram's size: ``height`` pixels, ``px_x``/``px_y`` pixels per unit of x and y,
    ``side`` a map's side in pixels, ``box_x``/``box_y`` the same in data units."""

    height: int
    rows: int
    px_x: float
    px_y: float
    side: float
    box_x: float
    box_y: float


def _frame(sizes: list[int], title: str | None, height: int | None, width_hint: int) -> _Frame:
    rows = max(sizes)
    height = height or int(min(700, max(300, 90 * rows + 70)))
    px_y = (height - title_margin(title) - 10) / (rows + 0.4)  # pixels per unit of y
    px_x = width_hint / (len(sizes) + 0.3)  # pixels per unit of x
    side = float(min(54.0, 0.6 * px_y, 0.45 * px_x))  # a map's side, pixels
    return _Frame(height, rows, px_x, px_y, side, side / px_x, side / px_y)


def playground_diagram(
    sizes: Sequence[int],
    names: Sequence[Sequence[str]],
    edge_values: Sequence[np.ndarray],
    node_values: Sequence[np.ndarray | None],
    *,
    edge_label: str = "w",
    node_label: str = "a",
    maps: Sequence[np.ndarray] | None = None,
    classification: bool = True,
    log_scale: bool = False,
    selected: tuple[int, int] | None = None,
    title: str | None = None,
    height: int | None = None,
    width_hint: int = 760,
    probability_output: bool = True,
    fixed_scale: float | None = None,
) -> go.Figure:
    """The network: unit ``u`` of layer ``k`` at ``(k, viz.network_drawing.neuron_positions)``.

    - Edge ``(i -> j)`` of layer ``l`` shows ``edge_values[l][i, j]`` (``(sizes[l],
      sizes[l+1])``): colour = sign (negative < 0 <= positive), width = ``|value|`` relative to the
      largest ``|value|`` in the figure, or with ``fixed_scale`` to that fixed value (wider ones
      clamped: the weights view uses ``WEIGHT_SCALE``, TF Playground's 5), linear or log-scaled
      over four decades (``edge_widths``), drawn as one trace per sign and width bucket.
    - With ``maps`` (``maps[k]: (sizes[k], res, res)``) each unit is drawn as its map, a small
      heatmap of its value over the input square (colours: ``map_scale``), and its node value
      ``node_values[k][u]`` as a round badge at the map's lower right corner (diverging scale
      centred on 0, symmetric about the largest ``|value|``). Without maps the badge is the
      unit itself.
    - Hover: every unit (its name, its value) and the middle of every edge (the exact value).
      Names are also written above the units when there is room, as annotations on a pale
      background (above every edge, so crossing edges never hide them).
    - ``selected = (k, u)`` gets a frame in the highlight colour (the unit whose map is shown large).

    Traces: the units' hover trace first (a click on it picks a unit), the edges, the edge
    values' hover points, the badges, the selection's frame.
    """
    sizes = list(sizes)
    positions = neuron_positions(sizes)
    frame = _frame(sizes, title, height, width_hint)
    ends = edge_ends(positions, [v.shape for v in edge_values])
    vals = np.concatenate([np.asarray(v, dtype=np.float64).ravel() for v in edge_values] or [np.empty(0)])
    finite = np.where(np.isfinite(vals), vals, 0.0)
    xs = np.concatenate([p[:, 0] for p in positions])
    ys = np.concatenate([p[:, 1] for p in positions])
    labels = [name for layer in names for name in layer]
    values = np.concatenate(
        [np.full(n, np.nan) if v is None else np.asarray(v, float) for n, v in zip(sizes, node_values)]
    )
    with_maps = maps is not None
    data = [_unit_hover(xs, ys, labels, values, node_label, frame, with_maps)]
    data += edge_traces(ends, finite, _widths(finite, log_scale, fixed_scale), opacity=0.8, dtype=np.float32)
    data.append(_edge_hover(ends, vals, edge_label, names))
    data.append(_badges(xs, ys, values, node_label, frame, with_maps))
    if selected is not None:
        data.append(_selection_frame(positions[selected[0]][selected[1]], frame))
    half_rows = (frame.rows - 1) / 2
    images = [] if maps is None else _map_images(maps, positions, frame, classification, probability_output)
    layout = compact_layout(
        title=wrapped_title(title),
        height=frame.height,
        margin=dict(l=10, r=10, t=title_margin(title), b=10),
        xaxis=dict(visible=False, range=[-0.45, len(sizes) - 0.55], fixedrange=True),
        yaxis=dict(visible=False, range=[-half_rows - 0.6, half_rows + 0.8], fixedrange=True),
        hovermode="closest",
        images=images,
        annotations=_name_annotations(xs, ys, labels, frame, with_maps),
        dragmode=False,
        uirevision="diagram",
    )
    return go.Figure(data=data, layout=layout)


def _widths(finite: np.ndarray, log_scale: bool, fixed_scale: float | None) -> np.ndarray:
    """The edges' widths: relative to the largest ``|value|``, or to ``fixed_scale`` (wider clamped)."""
    if fixed_scale is not None:
        return edge_widths(np.clip(finite, -fixed_scale, fixed_scale), fixed_scale, log_scale)
    return edge_widths(finite, float(np.abs(finite).max()) if finite.size else 0.0, log_scale)


def _edge_hover(ends: tuple[np.ndarray, ...], vals: np.ndarray, edge_label: str, names) -> dict:
    """Invisible markers at the middle of every edge whose hover names it (``w[x1→h11]``) and
    gives its exact value (sent divided by a power of ten past float32's range, said in the hover)."""
    x0, y0, x1, y1 = ends
    text = [f"{edge_label}[{a}→{b}]" for l in range(len(names) - 1) for a in names[l] for b in names[l + 1]]
    edge_data, edge_power = scaled_float32(vals)
    return dict(
        type="scatter",
        x=float32(0.5 * (x0 + x1)),
        y=float32(0.5 * (y0 + y1)),
        mode="markers",
        marker=dict(size=10, color=theme.TRANSPARENT),
        text=text,
        customdata=edge_data,
        hovertemplate="%{text} = %{customdata:.4g}" + times_power(edge_power) + "<extra></extra>",
        showlegend=False,
        name="edge values",
    )


def _unit_hover(xs, ys, labels, values, node_label: str, frame: _Frame, with_maps: bool) -> dict:
    """Invisible squares over the units: the hover names each unit and its value (a click picks it)."""
    hover = [
        f"{name}: {node_label} = {v:.4g} (mean over the batch)" if np.isfinite(v) else name
        for name, v in zip(labels, values)
    ]
    return dict(
        type="scatter",
        x=xs,
        y=ys,
        mode="markers",
        marker=dict(size=frame.side if with_maps else 30, color=theme.TRANSPARENT, symbol="square"),
        hovertext=hover,
        hoverinfo="text",
        showlegend=False,
        name="neurons",
    )


def _badges(xs, ys, values, node_label: str, frame: _Frame, with_maps: bool) -> dict:
    """The units' values as round badges on ``theme.DIVERGING`` (symmetric about the largest
    ``|value|``, 1 if none), at a map's lower right corner, or the unit itself without maps."""
    finite = np.abs(values[np.isfinite(values)])
    node_scale = float(finite.max()) if finite.size and finite.max() > 0 else 1.0
    has_value = np.isfinite(values)
    badge = 0.5 if with_maps else 0.0
    return dict(
        type="scatter",
        x=xs[has_value] + badge * frame.box_x,
        y=ys[has_value] - badge * frame.box_y,
        mode="markers",
        marker=dict(
            size=14 if with_maps else 30,
            color=values[has_value],
            colorscale=theme.DIVERGING,
            cmin=-node_scale,
            cmax=node_scale,
            line=dict(color=theme.MUTED, width=1),
            showscale=True,
            colorbar=dict(title=dict(text=node_label), thickness=10, len=0.6),
        ),
        hoverinfo="skip",
        showlegend=False,
        name="node values",
    )


def _name_annotations(xs, ys, labels, frame: _Frame, with_maps: bool) -> list[dict]:
    """The units' names above them when there is room (always in the hover). Annotations, not a
    text trace: they are drawn above every trace and image, on a pale background, so edges
    crossing a name do not hide it (a deep, wide net has many)."""
    if frame.px_y < 44:
        return []
    label_y = ys + (0.5 * frame.box_y + 3 / frame.px_y if with_maps else 0.25)
    return [
        dict(
            x=float(x),
            y=float(y),
            xref="x",
            yref="y",
            text=name,
            showarrow=False,
            yanchor="bottom",
            font=dict(size=11, color=theme.TEXT),
            bgcolor=LABEL_BACKGROUND,
            borderpad=1,
        )  # fmt: skip
        for x, y, name in zip(xs, label_y, labels)
    ]


def _selection_frame(position: np.ndarray, frame: _Frame) -> dict:
    """A square frame in the highlight colour around the selected unit."""
    return dict(
        type="scatter",
        x=[position[0]],
        y=[position[1]],
        mode="markers",
        marker=dict(size=frame.side + 8, symbol="square-open", color=theme.HIGHLIGHT, line=dict(width=3)),
        hoverinfo="skip",
        showlegend=False,
        name="selected",
    )


def _map_images(maps, positions, frame: _Frame, classification: bool, probability_output: bool) -> list[dict]:
    """Every unit's map as a layout image centred on the unit (``raster.map_image``, on its own
    ``map_scale``; a classifier's output on 0.5 +- 0.5), at most as detailed as the screen shows."""
    pixels = int(np.clip(round(frame.side / 2), 8, MAP_PIXELS))
    last = len(positions) - 1
    images = []
    for k, layer_maps in enumerate(maps):
        for u in range(layer_maps.shape[0]):
            probability = classification and probability_output and k == last
            centre, spread = map_scale(layer_maps[u], output_of_classifier=probability)
            x, y = positions[k][u]
            images.append(
                dict(
                    source=map_image(layer_maps[u], centre, spread, pixels),
                    xref="x",
                    yref="y",
                    x=x,
                    y=y,
                    sizex=frame.box_x,
                    sizey=frame.box_y,
                    xanchor="center",
                    yanchor="middle",
                    sizing="contain",
                    layer="above",
                )  # fmt: skip
            )
    return images
