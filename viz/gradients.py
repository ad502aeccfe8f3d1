"""Figures of the "Vanishing and exploding gradients" page: the gradient layer by layer.

Every function takes per-layer arrays as ``History`` records them (``engine.history``: a
summary row has ``grad_W_norm``, ``delta_norm``, ``update_ratio``, ``act_std`` ... each
``(L,)`` for an ``L``-layer network; a histogram row has ``activation``/``gradient`` counts
``(L, bins)``), or per-entry sizes made from them (``grad_W_rms = ||dL/dW[l]|| /
sqrt(n_in n_out)``, the root mean square gradient of one weight; ``delta_rms = ||delta[l]||
/ sqrt(B n_out)``, of one unit's ``dL/dz`` for one sample: layers of different shapes then
compare), and returns a ``plotly.graph_objects.Figure``; no Streamlit here.

Layers are numbered ``1 .. L`` from the input side (layer 1 reads the input) to the output
side (layer ``L`` is the output layer). Up to two configurations (A, B) share a chart: the
first is drawn in blue with circles, the second in dark grey with diamonds
(``SERIES_STYLES``); signed values keep the theme's orange (negative) / blue (positive).
Magnitudes (norms, variances, ratios) are drawn on log axes; a zero or non-finite value
cannot be drawn there, so it is left out and the figure says how many were left out.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import plotly.graph_objects as go

from viz import theme

SERIES_STYLES = (
    dict(color=theme.POSITIVE, symbol="circle"),
    dict(color=theme.TEXT, symbol="diamond"),
)
RIDGE_HEIGHT = 0.92  # of the spacing between ridges
GRADIENT_FILL = "#4292c6"  # a mid blue of the sequential "Blues" scale: magnitudes have no sign
RULE_OF_THUMB = 1e-3  # |update| / |W| per step that usually trains well (Karpathy's CS231n notes)
RULE_BAND = (1e-4, 1e-2)
QUANTITIES = {
    "grad_W_rms": "rms dL/dW",
    "delta_rms": "rms dL/dz",
    "update_ratio": "‖update‖/‖W‖",
}
HEATMAP_MODES = ("relative", "absolute")
MAX_COLUMNS = 200  # heatmap columns (steps) sent to the browser at most
MIN_HALF_RANGE = 0.5  # decades: a relative heatmap's colour range is at least +-0.5
MAX_LOG_LABELS = 7  # decade labels on a log axis, at most about
LEGEND_ROOM = 100  # px under a per-layer chart's plot: tick labels, the axis title, two legend rows
FEW_POINTS = 40  # a loss curve with at most this many points also marks each one


def _legend_below(room: int = LEGEND_ROOM) -> tuple[dict, dict]:
    """``(legend, margin)`` of a chart whose horizontal legend sits at the bottom of the figure,
    under the x axis's tick labels and title: the legend is anchored to the figure's bottom
    edge (``yref="container"``) and the bottom margin reserves ``room`` pixels, so that a
    legend wrapped to two rows on a narrow column never runs into the axis title."""
    legend = dict(orientation="h", yref="container", y=0.0, yanchor="bottom", x=0.0, font=dict(size=11))
    return legend, dict(l=10, r=10, t=60, b=room)


def _suffix(col: int) -> str:
    """Plotly's axis suffix of panel ``col`` (1-based): ``""`` for the first, then ``"2"``, ``"3"``..."""
    return "" if col == 1 else str(col)


def _panels(n: int, spacing: float, titles=None, shared_y: bool = False) -> go.Figure:
    """An empty figure of ``n`` side-by-side panels (x axes ``x``, ``x2``, ... over equal
    widths separated by ``spacing``, each with its own y axis, or the first one's with
    ``shared_y``), titled by ``titles`` above each panel. (``plotly.subplots.make_subplots``
    does the same in about 20 ms; this takes 2, and the live page draws four such figures a tick.)"""
    width = (1.0 - spacing * (n - 1)) / n
    layout: dict = {}
    annotations = []
    for i in range(n):
        s = _suffix(i + 1)
        x0 = i * (width + spacing)
        layout[f"xaxis{s}"] = dict(domain=[x0, x0 + width], anchor=f"y{s}")
        layout[f"yaxis{s}"] = dict(anchor=f"x{s}")
        if shared_y and i:
            layout[f"yaxis{s}"].update(matches="y", showticklabels=False)
        if titles:
            annotations.append(
                dict(text=titles[i], x=x0 + width / 2, y=1.0, xref="paper", yref="paper", xanchor="center",
                     yanchor="bottom", showarrow=False, font=dict(size=15))
            )  # fmt: skip
    return go.Figure(layout=dict(layout, annotations=annotations))


def _style(i: int) -> dict:
    return SERIES_STYLES[i % len(SERIES_STYLES)]


def drawable(values) -> tuple[np.ndarray, int, int]:
    """``values`` as float64 with every value a log axis cannot draw replaced by NaN.

    Returns ``(y, n_zero, n_nonfinite)``: ``y[i] = values[i]`` where it is finite and ``> 0``,
    else NaN; ``n_zero`` counts the values ``<= 0``, ``n_nonfinite`` the NaN/infinite ones.
    """
    v = np.asarray(values, dtype=np.float64)
    finite = np.isfinite(v)
    positive = finite & (v > 0)
    return (
        np.where(positive, v, np.nan),
        int(np.count_nonzero(finite & ~positive)),
        int(np.count_nonzero(~finite)),
    )


def _left_out_note(label: str, what: str, n_zero: int, n_nonfinite: int) -> str | None:
    parts = []
    if n_zero:
        parts.append(f"zero in {n_zero} layer{'s' if n_zero > 1 else ''}")
    if n_nonfinite:
        parts.append(f"not finite in {n_nonfinite} layer{'s' if n_nonfinite > 1 else ''}")
    return f"{label}: {what} {' and '.join(parts)} (not drawn on the log scale)" if parts else None


def _notes_annotation(fig: go.Figure, notes: list[str]) -> None:
    if notes:
        fig.add_annotation(
            text="<br>".join(notes),
            xref="paper",
            yref="paper",
            x=0.0,
            y=0.0,
            xanchor="left",
            yanchor="bottom",
            showarrow=False,
            align="left",
            font=dict(size=11, color=theme.HIGHLIGHT),
            bgcolor="rgba(255,255,255,0.85)",
        )


def _side_labels(fig: go.Figure) -> None:
    """'input side' under the left end of the x axis, 'output side' under the right end."""
    for text, x, anchor in (("◀ input side", 0.0, "left"), ("output side ▶", 1.0, "right")):
        fig.add_annotation(
            text=text,
            xref="paper",
            yref="paper",
            x=x,
            y=1.0,
            xanchor=anchor,
            yanchor="bottom",
            showarrow=False,
            font=dict(size=12, color=theme.MUTED),
            name="side",
        )


def log_axis(arrays, **settings) -> dict:
    """A log axis whose labels are all of one kind (``type="log"``, powers of ten as ``10^k``).

    When the drawn values span 2 decades or more: labels only at powers of ten, every
    ``ceil(span / MAX_LOG_LABELS)`` decades (``dtick``), so that neither the 2s and 5s Plotly
    writes between decades (small digits that read like values of their own) nor a label for
    each of 30 decades crowds a small chart. Below 2 decades, where powers of ten may be
    missing altogether: labels at ``log_ticks`` (1, 2, 5 times a power of ten, or finer),
    written in full (``0.5``, ``1``, ``2``)."""
    values = np.concatenate([np.ravel(np.asarray(a, dtype=np.float64)) for a in arrays] or [np.zeros(0)])
    values = values[np.isfinite(values) & (values > 0)]
    axis = dict(type="log", gridcolor=theme.NEUTRAL, exponentformat="power", **settings)
    if values.size:
        span = float(np.log10(values.max() / values.min()))
        if span >= 2:
            axis["dtick"] = max(1, math.ceil(span / MAX_LOG_LABELS))
        else:
            ticks = log_ticks(float(values.min()), float(values.max()))
            axis.update(tickmode="array", tickvals=ticks, ticktext=tick_labels(ticks))
    return axis


def log_ticks(lo: float, hi: float, max_ticks: int = 6) -> list[float]:
    """At least two and at most about ``max_ticks`` tick values for a log axis over ``[lo, hi]``
    (``0 < lo <= hi``, less than 2 decades apart): ``{1, 2, 5} x 10^k`` inside the range;
    if fewer than two fit, every ``{1..9} x 10^k``; if still fewer (a range narrower than
    one such step), evenly spaced round values (a step of 1, 2 or 5 times a power of ten)."""
    pad = 10 ** (0.02 * max(math.log10(hi / lo), 0.05))  # the ends of the drawn range
    a, b = lo / pad, hi * pad
    decades = range(math.floor(math.log10(a)), math.ceil(math.log10(b)) + 1)
    for mantissas in ((1, 2, 5), tuple(range(1, 10))):
        ticks = [m * 10.0**k for k in decades for m in mantissas]
        ticks = [float(f"{t:.12g}") for t in ticks if a <= t <= b]
        if len(ticks) >= 2:
            return ticks if len(ticks) <= max_ticks else ticks[:: math.ceil(len(ticks) / max_ticks)]
    if b == a:
        return [float(f"{lo:.3g}")]
    raw = (b - a) / 4
    base = 10.0 ** math.floor(math.log10(raw))
    step = next(m * base for m in (1, 2, 5, 10) if m * base >= raw)
    first = math.ceil(a / step) * step
    return [float(f"{first + i * step:.12g}") for i in range(int((b - first) / step + 1e-9) + 1)]


def tick_labels(ticks: list[float]) -> list[str]:
    """Labels of one kind for positive tick values: written in full when every one is short
    that way (all in ``[0.001, 100000)``: ``0.002``, ``0.5``, ``20``), else each as ``m×10^k``
    (``10^k`` for a power of ten), as Plotly's ``exponentformat="power"`` writes them."""
    if all(1e-3 <= t < 1e5 for t in ticks):
        return [f"{t:.6g}" for t in ticks]
    labels = []
    for t in ticks:
        exponent = math.floor(math.log10(t) + 1e-12)
        mantissa = float(f"{t / 10.0**exponent:.6g}")
        power = f"10<sup>{exponent}</sup>".replace("-", "−")
        labels.append(power if mantissa == 1 else f"{mantissa:g}×{power}")
    return labels


def _finish_by_layer(
    fig: go.Figure, notes: list[str], title: str, height: int, n_layers: int, y_title: str
) -> go.Figure:
    """The common frame of a chart of one value per layer: layers ``1 .. n_layers`` on x with
    the input and output sides labelled, a log y axis fitted to every trace, the notes."""
    _side_labels(fig)
    _notes_annotation(fig, notes)
    legend, margin = _legend_below()
    fig.update_layout(
        **theme.base_layout(
            title=dict(text=title, x=0.01, y=0.98),
            height=height,
            margin=margin,
            xaxis=_layer_axis(n_layers),
            yaxis=log_axis([t.y for t in fig.data], title=y_title),
            legend=legend,
        )
    )
    return fig


def step_axis(steps, **settings) -> dict:
    """An x axis of training steps: whole steps only (a label every step while there are
    fewer than 5, where Plotly would write 0.5 steps), else Plotly's own ticks, at most
    ``nticks``."""
    steps = np.asarray(steps)
    axis = dict(title="step", gridcolor=theme.NEUTRAL, **settings)
    if not steps.size or float(np.nanmax(steps)) < 5:
        last = float(np.nanmax(steps)) if steps.size else 0.0
        axis.update(tick0=0, dtick=1, range=[-0.5, last + 0.5])
    return axis


def _layer_axis(n_layers: int, max_ticks: int = 12) -> dict:
    return dict(
        title="layer",
        range=[0.5, n_layers + 0.5],
        gridcolor=theme.NEUTRAL,
        tickmode="auto",
        nticks=min(n_layers, max_ticks),
        zeroline=False,
    )


# --------------------------------------------------------------------------- norm vs layer
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
        style = _style(i)
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
            note = _left_out_note(label, name, n_zero, n_bad)
            if note:
                notes.append(note)
    return _finish_by_layer(fig, notes, title, height, n_layers, "rms per weight / per unit (log)")


# --------------------------------------------------------------------------- heatmap
def column_indices(n: int, max_columns: int = MAX_COLUMNS) -> np.ndarray:
    """At most ``max_columns`` row indices of ``0 .. n-1``, evenly spread, first and last included."""
    if n <= max_columns:
        return np.arange(n)
    return np.unique(np.linspace(0, n - 1, max_columns).round().astype(np.int64))


def log_values(values, mode: str) -> np.ndarray:
    """``log10(values)`` ``(n_steps, L)``, minus each step's median over layers when
    ``mode == "relative"``; zeros stay ``-inf``, NaN/``+inf`` become NaN."""
    if mode not in HEATMAP_MODES:
        raise ValueError(f"unknown heatmap mode {mode!r}; choose one of: {', '.join(HEATMAP_MODES)}")
    v = np.asarray(values, dtype=np.float64)
    if v.ndim != 2:
        raise ValueError(f"values must be (n_steps, n_layers), got shape {v.shape}")
    with np.errstate(all="ignore"):
        z = np.log10(v)
    zero = z == -np.inf
    z[~np.isfinite(z)] = np.nan
    if mode == "relative" and z.size:
        median = np.zeros(z.shape[0])
        some = ~np.isnan(z).all(axis=1)
        if some.any():
            median[some] = np.nanmedian(z[some], axis=1)
        z = z - median[:, None]
    z[zero] = -np.inf
    return z


def colour_range(z: np.ndarray, mode: str) -> tuple[float, float]:
    """The colour range of a view from its (log) values ``z``, any shape; non-finite ignored.

    ``absolute``: the 2nd and 98th percentiles (widened to at least 1 decade);
    ``relative``: ``+-max(98th percentile of |z|, MIN_HALF_RANGE)``, centred on 0.
    """
    z = np.asarray(z, dtype=np.float64)
    finite = z[np.isfinite(z)]
    if mode == "relative":
        half = max(float(np.percentile(np.abs(finite), 98)) if finite.size else 0.0, MIN_HALF_RANGE)
        return -half, half
    if not finite.size:
        return -1.0, 1.0
    lo, hi = (float(p) for p in np.percentile(finite, [2, 98]))
    if hi - lo < 1.0:
        mid = (hi + lo) / 2
        lo, hi = mid - 0.5, mid + 0.5
    return lo, hi


def log_norm_matrix(values: np.ndarray, mode: str = "relative") -> tuple[np.ndarray, tuple[float, float]]:
    """One panel's colour values and colour range.

    ``values`` is ``(n_steps, L)`` of non-negative norms. Returns ``z`` as float32 ``(L,
    n_steps)`` (rows are layers, so the heatmap's y is the layer) and ``(zmin, zmax)``
    (``colour_range``):

    - ``absolute``: ``z = log10(values)``; the range spans the 2nd to 98th percentile of the
      view, so the colours spread over what is on screen.
    - ``relative``: ``z[l, t] = log10(values[t, l]) - median over layers of log10(values[t])``
      (decades above or below that step's typical layer): when every layer's gradient
      shrinks together, as in healthy late training, the picture stays neutral; only layers
      left behind (vanishing) or running ahead (exploding) are coloured.

    A zero norm (``log10 0 = -inf``) is drawn in the lowest colour of the range; NaN and
    ``+inf`` (a diverged step) stay NaN, drawn as a gap.
    """
    z = log_values(values, mode)
    lo, hi = colour_range(z, mode)
    z[z == -np.inf] = lo
    return np.ascontiguousarray(z.T, dtype=np.float32), (lo, hi)


def layer_step_heatmap(
    panels: Mapping[str, tuple[np.ndarray, np.ndarray]],
    *,
    quantity: str = "grad_W_rms",
    mode: str = "relative",
    marker_step: int | None = None,
    max_columns: int = MAX_COLUMNS,
    height: int = 360,
) -> go.Figure:
    """Layer x step heatmap of ``log10`` of a per-layer norm over training, one panel per configuration.

    ``panels[label] = (steps (n,), values (n, L))``, e.g. ``history.steps`` and
    ``history.column("update_ratio")``; ``quantity`` (a ``QUANTITIES`` key) names them. y is
    the layer (1 = input side, at the bottom), x the step; at most ``max_columns`` steps are
    sent (evenly spread), as float32. Colours as ``log_norm_matrix``, with one colour range
    for the whole view (``colour_range`` over every panel, so A and B compare): ``relative``
    uses the theme's diverging scale (orange = weaker than that step's median layer, blue =
    stronger), ``absolute`` the sequential blues (light = small). ``marker_step`` draws a
    dotted line at the step the other charts show.
    """
    if quantity not in QUANTITIES:
        raise ValueError(f"unknown quantity {quantity!r}; choose one of: {', '.join(QUANTITIES)}")
    labels = list(panels)
    views = []
    for label in labels:
        steps, values = panels[label]
        steps = np.asarray(steps)
        keep = column_indices(len(steps), max_columns)
        views.append((label, steps[keep], log_values(np.asarray(values)[keep], mode)))
    lo, hi = colour_range(np.concatenate([z.ravel() for _, _, z in views]) if views else np.zeros(0), mode)
    same_depth = len({z.shape[1] for _, _, z in views}) <= 1
    # room between the panels for the last step label of one and the first of the next
    fig = _panels(max(1, len(labels)), 0.08 if same_depth else 0.14, labels, shared_y=same_depth)
    name = QUANTITIES[quantity]
    unit = "decades vs the step's median layer" if mode == "relative" else f"log10 {name}"
    for i, (label, steps, z) in enumerate(views):
        z = np.where(z == -np.inf, lo, z)
        fig.add_trace(
            go.Heatmap(
                x=steps.astype(np.int64),
                y=np.arange(1, z.shape[1] + 1),
                z=np.ascontiguousarray(z.T, dtype=np.float32),
                coloraxis="coloraxis",
                name=label,
                hovertemplate=f"step %{{x}}<br>layer %{{y}}<br>%{{z:.2f}} ({unit})<extra>{label}</extra>",
                xaxis=f"x{_suffix(i + 1)}",
                yaxis=f"y{_suffix(i + 1)}",
            )
        )
        fig.layout[f"yaxis{_suffix(i + 1)}"].update(
            title="layer (1 = input side)" if i == 0 else None, zeroline=False
        )
        fig.layout[f"xaxis{_suffix(i + 1)}"].update(step_axis(steps, nticks=5))
        if marker_step is not None and len(steps):
            fig.add_shape(
                type="line",
                x0=marker_step,
                x1=marker_step,
                y0=0,
                y1=1,
                xref=f"x{_suffix(i + 1)}",
                yref=f"y{_suffix(i + 1)} domain",
                line=dict(color=theme.HIGHLIGHT, width=1.5, dash="dot"),
            )
    title = (
        f"log10 {name} relative to each step's median layer"
        if mode == "relative"
        else f"log10 {name} over training"
    )
    fig.update_layout(
        **theme.base_layout(
            title=dict(text=title, x=0.01, y=0.98),
            height=height,
            margin=dict(l=10, r=10, t=60, b=10),
            coloraxis=dict(
                colorscale=theme.DIVERGING if mode == "relative" else theme.SEQUENTIAL,
                cmin=lo,
                cmax=hi,
                colorbar=dict(title=dict(text="decades" if mode == "relative" else "log10", side="right")),
            ),
        )
    )
    return fig


# --------------------------------------------------------------------------- ridgelines
def ridge_layers(n_layers: int, max_ridges: int = 12) -> list[int]:
    """0-based indices of at most ``max_ridges`` layers, evenly spread, first and last included."""
    if n_layers <= max_ridges:
        return list(range(n_layers))
    return sorted({int(round(x)) for x in np.linspace(0, n_layers - 1, max_ridges)})


def _ridge_polygons(
    counts: np.ndarray, edges: np.ndarray, rows: list[int], lo: float, hi: float
) -> tuple[np.ndarray, np.ndarray]:
    """Step-outline polygons of ``counts[rows]`` restricted to bins within ``[lo, hi]``,
    ridge ``r`` on baseline ``y = r``, height ``RIDGE_HEIGHT * sqrt(count / max count of that
    layer)``: float32 ``x``, ``y`` with the polygons separated by NaN (a gap, so one Scatter
    trace with ``fill='toself'`` fills each on its own)."""
    inside = (edges[:-1] >= lo) & (edges[1:] <= hi)
    if not inside.any():
        return np.zeros(0, np.float32), np.zeros(0, np.float32)
    left, right = edges[:-1][inside], edges[1:][inside]
    n = 2 * len(left) + 4  # baseline start, the step outline, baseline end, closing point, gap
    xs = np.full((len(rows), n), np.nan)
    ys = np.full((len(rows), n), np.nan)
    for r, l in enumerate(rows):
        c = np.asarray(counts[l], dtype=np.float64)
        top = c.max()
        h = RIDGE_HEIGHT * np.sqrt(c[inside] / top) if top > 0 else np.zeros(len(left))
        xs[r, 1:-3:2], xs[r, 2:-3:2] = left, right
        xs[r, [0, -3, -2]] = left[0], right[-1], left[0]
        ys[r, 1:-3] = np.repeat(h, 2) + r
        ys[r, [0, -3, -2]] = r
    return xs.ravel().astype(np.float32), ys.ravel().astype(np.float32)


def _ticks_within(lo: float, hi: float, step: float) -> list[float]:
    """Multiples of ``step`` in ``[lo, hi]``: a panel's few tick values."""
    first = math.ceil(lo / step - 1e-9)
    return [float(k * step) for k in range(first, math.floor(hi / step + 1e-9) + 1)]


def histogram_ridges(
    activation_counts: np.ndarray,
    activation_edges: np.ndarray,
    gradient_counts: np.ndarray,
    gradient_log10_edges: np.ndarray,
    *,
    labels: list[str] | None = None,
    max_ridges: int = 12,
    title: str = "Histograms per layer",
    subtitle: str | None = None,
    height: int = 400,
) -> go.Figure:
    """Ridgelines of one step's histograms, one ridge per layer (input side at the bottom).

    Left panel, "activations": ``a[l+1]`` (counts ``(L, bins)`` on ``activation_edges``, as
    ``History.histogram``), negative part orange, positive blue; values beyond the range are
    counted in the end bins, so saturation (sigmoid piled at 0 and 1, tanh at +-1) and
    explosion both show as mass at the edges; a dead ReLU layer is a spike at 0. Right panel:
    ``log10 |dL/dW[l]|`` (counts on ``gradient_log10_edges``; a zero gradient falls in the
    first bin): a vanishing gradient is a ridge sliding left toward the input side. Each
    ridge is scaled to its own tallest bin, height ``∝ sqrt(count)`` (so a ReLU layer's spike
    of zeros does not flatten the rest); at most ``max_ridges`` layers are drawn
    (``ridge_layers``); ``labels[l]`` names layer ``l`` on the y axis (default ``l+1``; keep
    them short: two panels share a half-width column). Few ticks per panel, short panel
    titles and no x-axis titles, so that the figure reads at 300 pixels wide; what the end
    bins and the sides mean belongs in the page's caption.
    """
    act = np.asarray(activation_counts)
    grad = np.asarray(gradient_counts)
    n_layers = act.shape[0]
    rows = ridge_layers(n_layers, max_ridges)
    names = labels or [f"{l + 1}" for l in range(n_layers)]
    a_edges = np.asarray(activation_edges, dtype=np.float64)
    g_edges = np.asarray(gradient_log10_edges, dtype=np.float64)
    fig = _panels(2, 0.08, ("activations", "log10 |dL/dW|"), shared_y=True)
    fig.update_annotations(font_size=13)
    for lo, hi, colour, name in (
        (-np.inf, 0.0, theme.NEGATIVE, "a < 0"),
        (0.0, np.inf, theme.POSITIVE, "a ≥ 0"),
    ):
        xs, ys = _ridge_polygons(act, a_edges, rows, lo, hi)
        fig.add_trace(
            go.Scatter(
                x=xs,
                y=ys,
                fill="toself",
                mode="none",
                fillcolor=colour,
                opacity=0.75,
                name=name,
                hoverinfo="skip",
            )
        )
    xs, ys = _ridge_polygons(grad, g_edges, rows, -np.inf, np.inf)
    fig.add_trace(
        go.Scatter(
            x=xs,
            y=ys,
            fill="toself",
            mode="none",
            fillcolor=GRADIENT_FILL,
            opacity=0.75,
            name="log10 |dL/dW|",
            hoverinfo="skip",
            xaxis="x2",
            yaxis="y2",
        )
    )
    yaxis = dict(
        title=dict(text="layer", standoff=4),
        tickvals=list(range(len(rows))),
        ticktext=[names[l] for l in rows],
        range=[-0.2, len(rows) + 0.1],
        gridcolor=theme.NEUTRAL,
        zeroline=False,
        tickfont=dict(size=11),
    )
    fig.layout.yaxis.update(yaxis)
    fig.layout.yaxis2.update(showgrid=True, gridcolor=theme.NEUTRAL)
    a_lo, a_hi = float(a_edges[0]), float(a_edges[-1])
    a_step = 1.0 if a_hi < 2 else float(math.floor(a_hi))
    g_lo, g_hi = float(g_edges[0]), float(g_edges[-1])
    fig.layout.xaxis.update(
        range=[a_lo, a_hi], gridcolor=theme.NEUTRAL, tickvals=_ticks_within(a_lo, a_hi, a_step),
        tickfont=dict(size=11),
    )  # fmt: skip
    g_ticks = _ticks_within(g_lo, g_hi, 5.0)  # a grid line every 5 decades, a label every 10
    fig.layout.xaxis2.update(
        range=[g_lo, g_hi], gridcolor=theme.NEUTRAL, tickvals=g_ticks,
        ticktext=[f"{t:g}".replace("-", "−") if t % 10 == 0 else "" for t in g_ticks], tickfont=dict(size=11),
    )  # fmt: skip
    title_spec = dict(text=title, x=0.01, y=0.97, yanchor="top")
    if subtitle:
        title_spec["subtitle"] = dict(text=subtitle)
    fig.update_layout(
        **theme.base_layout(
            title=title_spec,
            height=height,
            margin=dict(l=10, r=10, t=85 if subtitle else 60, b=10),
            showlegend=False,
        )
    )
    return fig


# --------------------------------------------------------------------------- theory
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
    fig = _panels(2, 0.1, ("forward: Var(a)", "backward: rms dL/dz"))
    notes = []
    n_layers = 1
    for i, (label, row) in enumerate(series.items()):
        style = _style(i)
        for col, theory_key, measured_key, what in (
            (1, "theory_variance", "measured_variance", "Var(a)"),
            (2, "theory_delta", "measured_delta", "rms dL/dz"),
        ):
            measured, n_zero, n_bad = drawable(row[measured_key])
            n_layers = max(n_layers, len(measured))
            x = np.arange(1, len(measured) + 1)
            if row.get(theory_key) is not None:
                theory, _, _ = drawable(row[theory_key])
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
                        xaxis=f"x{_suffix(col)}",
                        yaxis=f"y{_suffix(col)}",
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
                    xaxis=f"x{_suffix(col)}",
                    yaxis=f"y{_suffix(col)}",
                )
            )
            note = _left_out_note(label, what, n_zero, n_bad)
            if note:
                notes.append(note)
    for col in (1, 2):
        s = _suffix(col)
        fig.layout[f"xaxis{s}"].update(_layer_axis(n_layers, max_ticks=6))
        fig.layout[f"yaxis{s}"].update(log_axis([t.y for t in fig.data if t.xaxis == f"x{s}"]))
    _notes_annotation(fig, notes)
    legend, margin = _legend_below()
    fig.update_layout(
        **theme.base_layout(
            title=dict(text=title, x=0.01, y=0.98),
            height=height,
            margin=margin,
            legend=legend,
        )
    )
    return fig


# --------------------------------------------------------------------------- update ratio
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
    lo, hi = RULE_BAND
    fig.add_trace(
        go.Scatter(
            x=[0.5, n_layers + 0.5, n_layers + 0.5, 0.5, 0.5],
            y=[lo, lo, hi, hi, lo],
            fill="toself",
            mode="none",
            fillcolor="rgba(154,160,166,0.18)",
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
    # labelled on the chart, not in the legend: a narrow column has room for two entries a row
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
    notes = []
    for i, (label, ratio) in enumerate(series.items()):
        style = _style(i)
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
        note = _left_out_note(label, "the ratio", n_zero, n_bad)
        if note:
            notes.append(note)
    return _finish_by_layer(fig, notes, title, height, n_layers, "ratio (log scale)")


# --------------------------------------------------------------------------- loss
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
        style = _style(i)
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
