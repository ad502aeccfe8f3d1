"""The Playground page's figures: decision boundary, network diagram with neuron maps,
per-layer gradient norms over time, and the train/test curves. Pure functions, no Streamlit.

Colours follow ``viz.theme`` everywhere: negative orange, positive blue, zero light grey.
Every array sent to the browser is float32 (or a small integer type), and long histories
are thinned to at most ``MAX_CURVE_POINTS`` points per line, so one redraw stays small.

A *map* is a unit's value over the input square, ``(res, res)`` with ``map[i, j]`` at
``(xs[j], ys[i])`` (``engine.boundary``). It is coloured on a symmetric scale
``centre +- scale`` (see ``map_scale``): the output of a classifier is centred on 0.5 (the
decision threshold) with scale 0.5, every other unit on 0 with scale ``max(1, max |map|)``,
so bounded units (tanh) keep a fixed scale and saturation shows, while unbounded ones
(relu, the raw inputs) are fitted to their range.
"""

from __future__ import annotations

import base64
import struct
import zlib
from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from engine.boundary import Boundary
from engine.network import Step
from viz import theme
from viz.diagram import MAX_WIDTH, MIN_WIDTH, WIDTH_BUCKETS, edge_widths, layer_names, neuron_positions

MAX_CURVE_POINTS = 300
MAP_PIXELS = 25  # neuron maps are downsampled to at most this many pixels a side
VIEW_LABELS = {"weights": "w", "gradients": "dL/dw", "update": "Δw"}
NODE_LABELS = {"activation": "a", "delta": "δ = dL/dz"}
_MID = "#f7f7f7"
LABEL_BACKGROUND = "rgba(255,255,255,0.85)"  # behind a unit's name in the diagram


# ---------------------------------------------------------------------------- colours and maps
def _hex_rgb(colour: str) -> np.ndarray:
    return np.array([int(colour[k : k + 2], 16) for k in (1, 3, 5)], dtype=np.float64)


_STOPS = np.stack([_hex_rgb(theme.NEGATIVE), _hex_rgb(_MID), _hex_rgb(theme.POSITIVE)])  # at t = 0, 0.5, 1


# the colours of classes 0..5 with three or more classes (Okabe & Ito's colour-blind-safe set)
CLASS_COLOURS = ("#e69f00", "#0072b2", "#009e73", "#cc79a7", "#56b4e9", "#d55e00")
WEIGHT_SCALE = 5.0  # the weights' fixed edge-width scale: |w| >= 5 is drawn widest (TF Playground's)


def map_scale(values: np.ndarray, output_of_classifier: bool = False) -> tuple[float, float]:
    """``(centre, scale)`` of a map's colours: ``(0.5, 0.5)`` for a classifier's output (a
    probability), else ``(0, max(1, max |values|))`` (NaN/inf ignored)."""
    if output_of_classifier:
        return 0.5, 0.5
    finite = np.abs(values[np.isfinite(values)])
    return 0.0, max(1.0, float(finite.max()) if finite.size else 1.0)


def diverging_rgb(values: np.ndarray, centre: float, scale: float) -> np.ndarray:
    """RGB bytes ``values.shape + (3,)`` on ``theme.DIVERGING``: ``centre - scale`` orange,
    ``centre`` light grey, ``centre + scale`` blue, linear in between (clipped; NaN grey)."""
    t = np.clip((np.asarray(values, dtype=np.float64) - centre) / (2.0 * scale) + 0.5, 0.0, 1.0)
    t = np.where(np.isfinite(t), t, 0.5)
    low = t < 0.5
    w = np.where(low, t * 2.0, t * 2.0 - 1.0)[..., None]
    a = np.where(low[..., None], _STOPS[0], _STOPS[1])
    b = np.where(low[..., None], _STOPS[1], _STOPS[2])
    return np.rint(a + (b - a) * w).astype(np.uint8)


def png_data_uri(indices: np.ndarray, palette: np.ndarray) -> str:
    """An indexed-colour PNG as a ``data:image/png;base64,...`` URI.

    ``indices`` is ``(h, w)`` uint8, row 0 at the top; ``palette`` ``(k, 3)`` uint8 RGB, k <= 256.
    (An indexed PNG of a small map is about a third of the size of an RGB one.)
    """
    h, w = indices.shape
    raw = np.concatenate([np.zeros((h, 1), dtype=np.uint8), indices.astype(np.uint8)], axis=1).tobytes()

    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))

    png = (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 3, 0, 0, 0))
        + chunk(b"PLTE", np.ascontiguousarray(palette, dtype=np.uint8).tobytes())
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


MAP_LEVELS = 33  # colours of a neuron map: 16 orange shades, grey, 16 blue shades
_MAP_PALETTE = diverging_rgb(np.linspace(-1.0, 1.0, MAP_LEVELS), 0.0, 1.0)
_STOPS.setflags(write=False)
_MAP_PALETTE.setflags(write=False)


def map_image(values: np.ndarray, centre: float, scale: float, pixels: int = MAP_PIXELS) -> str:
    """A map ``(res, res)`` as a small PNG data URI: every ``ceil(res / pixels)``-th point,
    flipped so that larger ``x2`` is higher up, coloured as ``diverging_rgb`` in
    ``MAP_LEVELS`` steps (NaN grey)."""
    stride = max(1, -(-values.shape[0] // pixels))
    t = (values[::stride, ::stride][::-1] - centre) / scale  # in [-1, 1] on the colour scale
    t = np.where(np.isfinite(t), np.clip(t, -1.0, 1.0), 0.0)
    index = np.rint((t + 1.0) * 0.5 * (MAP_LEVELS - 1)).astype(np.uint8)
    return png_data_uri(index, _MAP_PALETTE)


def downsample(n: int, limit: int = MAX_CURVE_POINTS) -> np.ndarray:
    """Indices of at most ``limit`` of ``n`` rows, evenly spread, the first and last included."""
    if n <= limit:
        return np.arange(n)
    return np.unique(np.linspace(0, n - 1, limit).round().astype(np.int64))


def _f32(values) -> np.ndarray:
    """float32 for the browser, with NaN where a value is not finite (Plotly leaves a gap)."""
    array = np.asarray(values, dtype=np.float64)
    with np.errstate(over="ignore", invalid="ignore"):
        out = array.astype(np.float32)
    out[~np.isfinite(out)] = np.nan
    return out


FLOAT32_SAFE = 1e30  # larger magnitudes are sent divided by a power of ten (float32 ends at 3.4e38)


def _scaled_f32(values) -> tuple[np.ndarray, int]:
    """``(values / 10^k as float32, k)``: ``k = 0`` unless the largest finite magnitude passes
    ``FLOAT32_SAFE`` (a diverging network), so that no finite value overflows float32."""
    array = np.asarray(values, dtype=np.float64)
    finite = np.abs(array[np.isfinite(array)])
    peak = float(finite.max()) if finite.size else 0.0
    k = int(np.floor(np.log10(peak))) if peak > FLOAT32_SAFE else 0
    return _f32(array / 10.0**k if k else array), k


def _times_power(k: int) -> str:
    return f" ×10<sup>{k}</sup>" if k else ""


def _log10_f32(values) -> np.ndarray:
    """``log10(values)`` as float32; NaN where a value is not finite or not positive."""
    array = np.asarray(values, dtype=np.float64)
    out = np.full(array.shape, np.nan, dtype=np.float32)
    ok = np.isfinite(array) & (array > 0)
    out[ok] = np.log10(array[ok])
    return out


def _decade_axis(log_values: list[np.ndarray], **settings) -> dict:
    """A linear axis over ``log10`` values whose ticks read as powers of ten (1, 10, 10², ...):
    a log scale that holds any float64, as the gradients of a diverging run need."""
    finite = np.concatenate([v[np.isfinite(v)] for v in log_values]) if log_values else np.empty(0)
    lo, hi = (int(np.floor(finite.min())), int(np.ceil(finite.max()))) if finite.size else (-2, 1)
    hi = max(hi, lo + 1)
    step = next(n for n in (1, 2, 5, 10, 20, 50, 100, 200, 500) if (hi - lo) / n <= 7)
    ticks = list(range(lo - lo % step, hi + 1, step))
    text = ["1" if k == 0 else "10" if k == 1 else f"10<sup>{k}</sup>" for k in ticks]
    return dict(tickvals=ticks, ticktext=text, gridcolor=theme.NEUTRAL, zeroline=False, **settings)


def _layout(**settings) -> dict:
    """``theme.base_layout`` without Plotly's default template (3.7 KB a chart, every redraw;
    Streamlit's theme fills in its own), axes with automatic margins for their titles."""
    for axis in ("xaxis", "yaxis", "yaxis2"):
        if axis in settings:
            settings[axis] = {"automargin": True, **settings[axis]}
    return theme.base_layout(template="none", **settings)


TITLE_CHARS = 36  # characters of a title that fit a half-width chart on a 1024-pixel screen


def _title_lines(title: str | None) -> list[str]:
    """A title in lines of at most ``TITLE_CHARS`` where it can (broken at spaces), at most two."""
    if not title or len(title) <= TITLE_CHARS:
        return [title or ""]
    cut = title.rfind(" ", 0, TITLE_CHARS + 1)
    return [title] if cut <= 0 else [title[:cut], title[cut + 1 :]]


def _title(title: str | None) -> dict:
    """A chart title that is not cut in a narrow column: a long one takes two lines."""
    return dict(text="<br>".join(_title_lines(title)), x=0.01)


def _title_margin(title: str | None) -> int:
    """The top margin for ``_title(title)``: pixels for its lines (10 without a title)."""
    return 10 if not title else 20 + 20 * len(_title_lines(title))


def _step_marker(step: int | None) -> list[dict]:
    if step is None:
        return []
    return [
        dict(
            type="line",
            x0=step,
            x1=step,
            y0=0,
            y1=1,
            yref="paper",
            line=dict(color=theme.HIGHLIGHT, width=1.5, dash="dot"),
        )
    ]


# ---------------------------------------------------------------------------- decision boundary
# Below the square plot: the x axis, a horizontal colour bar, then the legend at the bottom of the
# figure. Nothing to the side, so a narrow column (a 1024-pixel screen) still gets a large square.
BOUNDARY_BOTTOM = 120  # pixels
BOUNDARY_COLORBAR = dict(orientation="h", thickness=10, len=0.75, x=0, xanchor="left", yref="container")
COLORBAR_LIFT = 28  # pixels from the bottom of the figure to the colour bar (the legend is below)


def boundary_figure(
    boundary: Boundary,
    raw_train: np.ndarray,
    y_train: np.ndarray,
    raw_test: np.ndarray | None = None,
    y_test: np.ndarray | None = None,
    *,
    classification: bool = True,
    discretize: bool = False,
    unit: tuple[int, int] | None = None,
    unit_name: str = "output",
    title: str | None = None,
    height: int = 440,
    probability_output: bool = True,
) -> go.Figure:
    """The input square coloured by the network's output (or by one unit's map), with points.

    The heatmap is ``boundary.maps[k][u]`` for ``unit = (k, u)``, else the output; its colours
    are those of ``map_scale`` (a classifier's output: orange 0, grey 0.5, blue 1).
    ``discretize`` shows the output's decision only: ``output > 0.5`` (0 or 1) for a
    classifier, ``sign(output)`` for regression. Points ``raw_* (n, 2)`` are coloured by their
    target ``y_* (n,)`` on the same scale; training points have a white rim, test points
    (drawn when given) a dark one. The axes are ``x1`` and ``x2`` of the data square.
    ``probability_output=False``: a classifier with a tanh output and -1/+1 labels (TF
    Playground compatible), coloured and discretized about 0 as a regression output.
    """
    is_output = unit is None or unit[0] == len(boundary.maps) - 1
    values = boundary.output if unit is None else boundary.maps[unit[0]][unit[1]]
    probability = classification and probability_output
    centre, scale = map_scale(values, output_of_classifier=probability and is_output)
    if discretize and is_output:
        values = (values > 0.5).astype(np.float64) if probability else np.sign(values)
    z, k = _scaled_f32(values)
    centre, scale = centre / 10.0**k, scale / 10.0**k
    label = unit_name + _times_power(k)
    lo, hi = float(boundary.xs[0]), float(boundary.xs[-1])
    data: list[dict] = [
        dict(
            type="heatmap",
            x=_f32(boundary.xs),
            y=_f32(boundary.ys),
            z=z,
            zmin=centre - scale,
            zmax=centre + scale,
            colorscale=theme.DIVERGING,
            showscale=True,
            colorbar=BOUNDARY_COLORBAR
            | dict(y=COLORBAR_LIFT / height, yanchor="bottom", title=dict(text=label, side="right")),
            zsmooth=False,
            hovertemplate=f"x1 %{{x:.2f}}, x2 %{{y:.2f}}<br>{label} %{{z:.4g}}<extra></extra>",
            name=unit_name,
        )
    ]
    point_centre, point_scale = (0.5, 0.5) if probability else (0.0, 1.0)
    sets = [("train", raw_train, y_train, "white", 1.0)]
    if raw_test is not None and y_test is not None:
        sets.append(("test", raw_test, y_test, theme.TEXT, 1.5))
    for name, points, targets, rim, rim_width in sets:
        data.append(
            dict(
                type="scatter",
                x=_f32(points[:, 0]),
                y=_f32(points[:, 1]),
                mode="markers",
                marker=dict(
                    size=6,
                    color=_f32(np.ravel(targets)),
                    colorscale=theme.DIVERGING,
                    cmin=point_centre - point_scale,
                    cmax=point_centre + point_scale,
                    line=dict(color=rim, width=rim_width),
                ),
                name=f"{name} points",
                hovertemplate=f"{name} (%{{x:.2f}}, %{{y:.2f}})<br>target %{{marker.color:.3g}}"
                "<extra></extra>",
                showlegend=True,
            )
        )
    layout = _layout(
        title=_title(title),
        height=height,
        margin=dict(l=10, r=10, t=_title_margin(title), b=BOUNDARY_BOTTOM),
        xaxis=dict(title="x1", range=[lo, hi], constrain="domain", showgrid=False, zeroline=False),
        yaxis=dict(
            title="x2", range=[lo, hi], scaleanchor="x", constrain="domain", showgrid=False, zeroline=False
        ),
        legend=dict(orientation="h", yref="container", y=0.0, yanchor="bottom", x=0),
        uirevision="boundary",
    )
    return go.Figure(data=data, layout=layout)


# ---------------------------------------------------------------------------- diagram
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
    """The network: unit ``u`` of layer ``k`` at ``(k, viz.diagram.neuron_positions)``.

    - Edge ``(i -> j)`` of layer ``l`` shows ``edge_values[l][i, j]`` (``(sizes[l],
      sizes[l+1])``): colour = sign (orange < 0 <= blue), width = ``|value|`` relative to the
      largest ``|value|`` in the figure, or with ``fixed_scale`` to that fixed value (wider ones
      clamped: the weights view uses ``WEIGHT_SCALE``, TF Playground's 5), linear or log-scaled
      over four decades (``viz.diagram.edge_widths``), drawn as one trace per sign and width bucket.
    - With ``maps`` (``maps[k]: (sizes[k], res, res)``) each unit is drawn as its map, a small
      heatmap of its value over the input square (colours: ``map_scale``), and its node value
      ``node_values[k][u]`` as a round badge at the map's lower right corner (diverging scale
      centred on 0, symmetric about the largest ``|value|``). Without maps the badge is the
      unit itself.
    - Hover: every unit (its name, its value) and the middle of every edge (the exact value).
      Names are also written above the units when there is room, as annotations on a pale
      background (above every edge, so crossing edges never hide them).
    - ``selected = (k, u)`` gets a red frame (the unit whose map is shown large).
    """
    sizes = list(sizes)
    positions = neuron_positions(sizes)
    rows = max(sizes)
    height = height or int(min(700, max(300, 90 * rows + 70)))
    px_y = (height - _title_margin(title) - 10) / (rows + 0.4)  # pixels per unit of y
    px_x = width_hint / (len(sizes) + 0.3)  # pixels per unit of x
    side = float(min(54.0, 0.6 * px_y, 0.45 * px_x))  # a map's side, pixels
    box_x, box_y = side / px_x, side / px_y  # ... in data units

    # every edge of every layer, flattened in (layer, i, j) order
    x0, y0, x1, y1, vals, text = [], [], [], [], [], []
    for l, values in enumerate(edge_values):
        n_in, n_out = values.shape
        x0.append(np.repeat(positions[l][:, 0], n_out))
        y0.append(np.repeat(positions[l][:, 1], n_out))
        x1.append(np.tile(positions[l + 1][:, 0], n_in))
        y1.append(np.tile(positions[l + 1][:, 1], n_in))
        vals.append(np.asarray(values, dtype=np.float64).ravel())
        text += [f"{edge_label}[{a}→{b}]" for a in names[l] for b in names[l + 1]]
    x0, y0, x1, y1, vals = (np.concatenate(v) if v else np.empty(0) for v in (x0, y0, x1, y1, vals))
    finite = np.where(np.isfinite(vals), vals, 0.0)
    scale = float(np.abs(finite).max()) if finite.size else 0.0
    if fixed_scale is not None:
        widths = edge_widths(np.clip(finite, -fixed_scale, fixed_scale), fixed_scale, log_scale)
    else:
        widths = edge_widths(finite, scale, log_scale)
    bucket_of = np.minimum(
        ((widths - MIN_WIDTH) / (MAX_WIDTH - MIN_WIDTH) * WIDTH_BUCKETS).astype(int), WIDTH_BUCKETS - 1
    )
    positive = finite >= 0
    data: list[dict] = [{}]  # slot 0: the units' hover trace (a click on it picks a unit)
    gap = np.full(len(vals), np.nan)
    for sign in (False, True):
        for bucket in range(WIDTH_BUCKETS):
            members = (positive == sign) & (bucket_of == bucket)
            if not members.any():
                continue
            data.append(
                dict(
                    type="scatter",
                    x=np.column_stack([x0[members], x1[members], gap[members]]).ravel().astype(np.float32),
                    y=np.column_stack([y0[members], y1[members], gap[members]]).ravel().astype(np.float32),
                    mode="lines",
                    line=dict(
                        color=theme.POSITIVE if sign else theme.NEGATIVE,
                        width=MIN_WIDTH + (MAX_WIDTH - MIN_WIDTH) * (bucket + 0.5) / WIDTH_BUCKETS,
                    ),
                    opacity=0.8,
                    hoverinfo="skip",
                    showlegend=False,
                    name=f"{'positive' if sign else 'negative'} edges, width bucket {bucket}",
                )
            )
    edge_data, edge_power = _scaled_f32(vals)
    data.append(
        dict(
            type="scatter",
            x=_f32(0.5 * (x0 + x1)),
            y=_f32(0.5 * (y0 + y1)),
            mode="markers",
            marker=dict(size=10, color="rgba(0,0,0,0)"),
            text=text,
            customdata=edge_data,
            hovertemplate="%{text} = %{customdata:.4g}" + _times_power(edge_power) + "<extra></extra>",
            showlegend=False,
            name="edge values",
        )
    )

    xs = np.concatenate([p[:, 0] for p in positions])
    ys = np.concatenate([p[:, 1] for p in positions])
    labels = [name for layer in names for name in layer]
    values = np.concatenate(
        [np.full(n, np.nan) if v is None else np.asarray(v, float) for n, v in zip(sizes, node_values)]
    )
    finite = np.abs(values[np.isfinite(values)])
    node_scale = float(finite.max()) if finite.size and finite.max() > 0 else 1.0
    hover = [
        f"{name}: {node_label} = {v:.4g} (mean over the batch)" if np.isfinite(v) else name
        for name, v in zip(labels, values)
    ]
    data[0] = dict(
        type="scatter",
        x=xs,
        y=ys,
        mode="markers",
        marker=dict(size=side if maps is not None else 30, color="rgba(0,0,0,0)", symbol="square"),
        hovertext=hover,
        hoverinfo="text",
        showlegend=False,
        name="neurons",
    )
    has_value = np.isfinite(values)
    badge = 0.5 if maps is not None else 0.0
    data.append(
        dict(
            type="scatter",
            x=xs[has_value] + badge * box_x,
            y=ys[has_value] - badge * box_y,
            mode="markers",
            marker=dict(
                size=14 if maps is not None else 30,
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
    )
    annotations = []
    if px_y >= 44:  # names above the units when there is room; always in the hover
        # Annotations, not a text trace: they are drawn above every trace and image, on a pale
        # background, so edges crossing a name do not hide it (a deep, wide net has many).
        label_y = ys + (0.5 * box_y + 3 / px_y if maps is not None else 0.25)
        annotations = [
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
            )
            for x, y, name in zip(xs, label_y, labels)
        ]
    if selected is not None:
        k, u = selected
        data.append(
            dict(
                type="scatter",
                x=[positions[k][u][0]],
                y=[positions[k][u][1]],
                mode="markers",
                marker=dict(size=side + 8, symbol="square-open", color=theme.HIGHLIGHT, line=dict(width=3)),
                hoverinfo="skip",
                showlegend=False,
                name="selected",
            )
        )

    images = []
    pixels = int(np.clip(round(side / 2), 8, MAP_PIXELS))  # no more detail than the screen shows
    if maps is not None:
        last = len(sizes) - 1
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
                        sizex=box_x,
                        sizey=box_y,
                        xanchor="center",
                        yanchor="middle",
                        sizing="contain",
                        layer="above",
                    )
                )
    layout = _layout(
        title=_title(title),
        height=height,
        margin=dict(l=10, r=10, t=_title_margin(title), b=10),
        xaxis=dict(visible=False, range=[-0.45, len(sizes) - 0.55], fixedrange=True),
        yaxis=dict(visible=False, range=[-(rows - 1) / 2 - 0.6, (rows - 1) / 2 + 0.8], fixedrange=True),
        hovermode="closest",
        images=images,
        annotations=annotations,
        dragmode=False,
        uirevision="diagram",
    )
    return go.Figure(data=data, layout=layout)


# ---------------------------------------------------------------------------- curves
CURVE_HEIGHT = 320  # pixels, with one row of legend entries (more rows add to it)
LEGEND_ROW = 20  # pixels per row of legend entries
LEGEND_PER_ROW = 3  # entries a row in a narrow column (half of a 1024-pixel screen's main area)
CURVE_LEGEND = dict(orientation="h", yref="container", y=0.0, yanchor="bottom", x=0, font=dict(size=11))


def _curve_frame(n_entries: int, height: int | None) -> dict:
    """Height, margins and legend of a curve chart whose legend of ``n_entries`` sits at the bottom
    of the figure, below the x axis title, in a bottom margin with room for all its rows (so it
    never runs into the axis); the plot keeps its height however many rows there are."""
    rows = max(1, -(-n_entries // LEGEND_PER_ROW))
    extra = (rows - 1) * LEGEND_ROW
    return dict(
        height=(height or CURVE_HEIGHT) + extra,
        margin=dict(l=10, r=10, t=40, b=48 + rows * LEGEND_ROW),
        legend=CURVE_LEGEND,
    )


GRADIENT_NORM_TITLE = "‖dL/dW‖ per layer (log scale)"
R2_FLOOR = -1.0  # R² below this is drawn at it (the hover tells the value): a bad fit has no bound
# (the R² axis labels its lowest tick "≤ −1")


def _lines_mode(n: int) -> str:
    """Markers while there are few points (one point alone is a marker, never nothing)."""
    return "lines+markers" if n < 30 else "lines"


def layer_colours(n: int) -> list[str]:
    """``n`` ordered colours, input side dark blue to output side orange (``theme`` hues)."""
    if n == 1:
        return [theme.POSITIVE]
    start, end = _hex_rgb("#08306b"), _hex_rgb(theme.NEGATIVE)
    mid = _hex_rgb("#41b6c4")
    colours = []
    for t in np.linspace(0.0, 1.0, n):
        a, b, w = (start, mid, t * 2) if t < 0.5 else (mid, end, t * 2 - 1)
        r, g, bl = np.rint(a + (b - a) * w).astype(int)
        colours.append(f"#{r:02x}{g:02x}{bl:02x}")
    return colours


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
    float32; zero or non-finite norms leave a gap. A dotted red line marks ``marker_step``.
    """
    keep = downsample(len(steps))
    steps = np.asarray(steps)[keep]
    norms = np.asarray(grad_norms, dtype=np.float64)[keep]
    n_layers = norms.shape[1] if norms.ndim == 2 else 0
    x = steps.astype(np.int32)
    data, lines = [], []
    for l, colour in zip(range(n_layers), layer_colours(n_layers)):
        y = _log10_f32(norms[:, l])
        lines.append(y)
        name = f"layer {l + 1}" + (" (out)" if l == n_layers - 1 else "")
        data.append(
            dict(
                type="scatter",
                x=x,
                y=y,
                mode=_lines_mode(len(x)),
                name=name,
                line=dict(color=colour, width=2),
                hovertemplate=f"‖dL/dW‖ 10<sup>%{{y:.2f}}</sup><extra>{name}</extra>",
            )
        )
    layout = _layout(
        title=dict(text=GRADIENT_NORM_TITLE, x=0.01),
        **_curve_frame(n_layers, height),
        xaxis=dict(title="step", gridcolor=theme.NEUTRAL),
        yaxis=_decade_axis(lines),
        shapes=_step_marker(marker_step),
        hovermode="x unified",
        uirevision="grad-norms",
        annotations=[]
        if len(steps)
        else [
            dict(
                text="No step yet: take one to see the gradients",
                showarrow=False,
                x=0.5,
                y=0.5,
                xref="paper",
                yref="paper",
                font=dict(color=theme.MUTED),
            )
        ],
    )
    return go.Figure(data=data, layout=layout)


def metric_figure(
    metrics: dict[str, np.ndarray],
    *,
    classification: bool = True,
    marker_step: int | None = None,
    height: int | None = None,
) -> go.Figure:
    """Train (blue) and test (orange, dashed) loss against the step, and on the right axis the
    accuracy (classification) or R^2 (regression), dotted, on ``[0, 1]`` / ``[-1, 1]``: an
    R^2 below ``R2_FLOOR`` (a poor or diverging fit, unbounded below) is drawn at the floor,
    with its value in the hover (``customdata``). While there are few points every line also
    has markers, so the single point of step 0 shows. The legend names the two loss lines
    (colour: train or test); the right axis's title says its lines are the dotted ones.

    ``metrics`` is ``History.metrics()``: ``step (m,)``, ``train_loss``, ``test_loss``,
    ``train_accuracy``... each ``(m,)``. When the losses span more than four decades (a
    diverging run) the loss axis shows ``log10`` of the loss with ticks read as powers of ten.
    A dotted red line marks ``marker_step``.
    """
    steps = np.asarray(metrics.get("step", np.empty(0)))
    keep = downsample(len(steps))
    x = steps[keep].astype(np.int32)
    score, score_name = ("accuracy", "accuracy") if classification else ("r2", "R²")
    losses = np.concatenate([metrics["train_loss"][keep], metrics["test_loss"][keep]]) if len(x) else []
    positive = np.asarray(losses)[np.isfinite(losses) & (np.asarray(losses) > 0)] if len(x) else []
    log_y = len(positive) > 1 and positive.max() / positive.min() > 1e4
    data, lines = [], []
    for part, colour, dash in (("train", theme.TRAIN, "solid"), ("test", theme.TEST, "dash")):
        y = (_log10_f32 if log_y else _f32)(metrics[f"{part}_loss"][keep])
        lines.append(y)
        data.append(
            dict(
                type="scatter",
                x=x,
                y=y,
                mode=_lines_mode(len(x)),
                name=f"{part} loss",
                line=dict(color=colour, width=2, dash=dash),
                hovertemplate=("10<sup>%{y:.2f}</sup>" if log_y else "%{y:.4g}")
                + f"<extra>{part} loss</extra>",
            )
        )
    for part, colour in (("train", theme.TRAIN), ("test", theme.TEST)):
        values = np.asarray(metrics[f"{part}_{score}"], dtype=np.float64)[keep] if len(x) else np.empty(0)
        shown = values
        if not classification:  # a finite R² below the floor is drawn at it; inf and NaN leave a gap
            shown = np.where(np.isfinite(values), np.maximum(values, R2_FLOOR), np.nan)
        data.append(
            dict(
                type="scatter",
                x=x,
                y=_f32(shown),
                customdata=_f32(values),
                mode=_lines_mode(len(x)),
                name=f"{part} {score_name}",
                line=dict(color=colour, width=1.5, dash="dot"),
                marker=dict(size=5),
                yaxis="y2",
                showlegend=False,  # the legend says train/test by colour; the axis title says dotted
                hovertemplate=f"%{{customdata:.3f}}<extra>{part} {score_name}</extra>",
            )
        )
    layout = _layout(
        title=dict(text=f"Loss and {score_name}", x=0.01),
        **_curve_frame(2, height),
        xaxis=dict(title="step", gridcolor=theme.NEUTRAL),
        yaxis=_decade_axis(lines, title="loss (log scale)")
        if log_y
        else dict(title="loss", gridcolor=theme.NEUTRAL, rangemode="tozero"),
        yaxis2=dict(
            title=f"{score_name} (dotted)",
            overlaying="y",
            side="right",
            range=[0, 1.02] if classification else [R2_FLOOR - 0.02, 1.02],
            tickvals=[0, 0.25, 0.5, 0.75, 1] if classification else [R2_FLOOR, -0.5, 0, 0.5, 1],
            ticktext=None if classification else ["≤ −1", "−0.5", "0", "0.5", "1"],
            showgrid=False,
        ),
        shapes=_step_marker(marker_step),
        hovermode="x unified",
        uirevision="metrics",
    )
    return go.Figure(data=data, layout=layout)


def confusion_counts(output: np.ndarray, target: np.ndarray, threshold: float = 0.5) -> np.ndarray:
    """``(K, K)`` int counts: row = true class, column = predicted class. One output column
    (``(n, 1)`` or ``(n,)``): ``K = 2``, class 1 where the value is above ``threshold`` (the data
    set's ``label_threshold``: 0.5 for 0/1 labels, 0 for TF Playground's -1/+1; NaN counts as
    class 0, as the trainer's accuracy does); ``K`` columns (one-hot targets): ``argmax`` of each row."""
    output, target = np.asarray(output), np.asarray(target)
    if output.ndim == 2 and output.shape[1] > 1:
        k = output.shape[1]
        truth, predicted = np.argmax(target, axis=1), np.argmax(output, axis=1)
    else:
        k = 2
        truth = (np.ravel(target) > threshold).astype(int)
        predicted = (np.ravel(output) > threshold).astype(int)
    counts = np.zeros((k, k), dtype=np.int64)
    np.add.at(counts, (truth, predicted), 1)
    return counts


def confusion_figure(
    counts: dict[str, np.ndarray], labels: Sequence[str] = ("0", "1"), title: str | None = None
) -> go.Figure:
    """One heatmap per set (``counts``: set name -> ``confusion_counts``) side by side: rows the true
    class, columns the predicted one, each cell its count and its share of the set; the diagonal
    (right) is read off the text, the colour is the share (0 white .. 1 blue)."""
    names = list(counts)
    data, layout_axes = [], {}
    for k, name in enumerate(names):
        c = np.asarray(counts[name], dtype=np.int64)
        total = max(int(c.sum()), 1)
        share = c / total
        k_classes = c.shape[0]
        text = [
            [f"{c[i, j]}<br>{100 * share[i, j]:.0f} %" for j in range(k_classes)] for i in range(k_classes)
        ]
        suffix = "" if k == 0 else str(k + 1)
        data.append(
            dict(
                type="heatmap", z=_f32(share), x=[f"pred. {l}" for l in labels],
                y=[f"true {l}" for l in labels], text=text, texttemplate="%{text}",
                colorscale=[[0, "#ffffff"], [1, theme.POSITIVE]], zmin=0, zmax=1, showscale=False,
                xaxis=f"x{suffix}", yaxis=f"y{suffix}",
                hovertemplate=f"{name}: %{{y}}, %{{x}}: %{{text}}<extra></extra>",
            )
        )  # fmt: skip
        gap = 0.08
        width = (1 - gap * (len(names) - 1)) / len(names)
        domain = [k * (width + gap), k * (width + gap) + width]
        layout_axes[f"xaxis{suffix}"] = dict(
            domain=domain, side="bottom", title=f"{name} ({total})", fixedrange=True
        )
        layout_axes[f"yaxis{suffix}"] = dict(autorange="reversed", fixedrange=True, anchor=f"x{suffix}")
    height = 200 + 30 * len(labels)
    layout = _layout(
        title=_title(title),
        height=height,
        margin=dict(l=10, r=10, t=_title_margin(title), b=10),
        **layout_axes,
    )
    return go.Figure(data=data, layout=layout)


def class_boundary_figure(
    boundary: Boundary,
    raw_train: np.ndarray,
    classes_train: np.ndarray,
    raw_test: np.ndarray | None = None,
    classes_test: np.ndarray | None = None,
    *,
    title: str | None = None,
    height: int = 440,
) -> go.Figure:
    """3+ classes: the input square coloured by the most likely class (``argmax`` of the output
    maps, ``CLASS_COLOURS``), with the points in their class's colour (training points with a
    white rim, test points when given a dark one); hover gives the class and its probability."""
    outputs = boundary.maps[-1]
    k = outputs.shape[0]
    winner = np.argmax(outputs, axis=0)
    colours = CLASS_COLOURS[:k]
    scale = [[c / k + e, colours[c]] for c in range(k) for e in (0.0, 1.0 / k)]
    lo, hi = float(boundary.xs[0]), float(boundary.xs[-1])
    data: list[dict] = [
        dict(
            type="heatmap", x=_f32(boundary.xs), y=_f32(boundary.ys), z=winner.astype(np.float32),
            zmin=-0.5, zmax=k - 0.5, colorscale=scale, opacity=0.45, showscale=False, zsmooth=False,
            customdata=_f32(outputs.max(axis=0)),
            hovertemplate="x1 %{x:.2f}, x2 %{y:.2f}<br>class %{z}, p %{customdata:.3f}<extra></extra>",
            name="class",
        )
    ]  # fmt: skip
    sets = [("train", raw_train, classes_train, "white", 1.0)]
    if raw_test is not None and classes_test is not None:
        sets.append(("test", raw_test, classes_test, theme.TEXT, 1.5))
    for name, points, classes, rim, rim_width in sets:
        data.append(
            dict(
                type="scatter", x=_f32(points[:, 0]), y=_f32(points[:, 1]), mode="markers",
                marker=dict(size=6, color=[colours[int(c)] for c in classes],
                            line=dict(color=rim, width=rim_width)),
                name=f"{name} points", showlegend=True,
                hovertemplate=f"{name} (%{{x:.2f}}, %{{y:.2f}})<extra></extra>",
            )
        )  # fmt: skip
    axis = dict(range=[lo, hi], constrain="domain", showgrid=False, zeroline=False)
    layout = _layout(
        title=_title(title), height=height,
        margin=dict(l=10, r=10, t=_title_margin(title), b=BOUNDARY_BOTTOM),
        xaxis=dict(title="x1", **axis), yaxis=dict(title="x2", scaleanchor="x", **axis),
        legend=dict(orientation="h", yref="container", y=0.0, yanchor="bottom", x=0), uirevision="boundary",
    )  # fmt: skip
    return go.Figure(data=data, layout=layout)
