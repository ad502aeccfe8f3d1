"""The frame toolkit every chart shares: thinning, log axes (1-2-5 ticks), step and layer axes,
legends, side-by-side panels, the notes box. No Streamlit, no figure of its own.

- **Thinning**: ``thin_indices(n, limit)``: at most ``limit`` of ``n`` row indices, evenly
  spread, first and last included (one rule for every curve or heatmap sent to the browser);
  ``stride(n, limit)``: the step of a plain ``[::step]`` subsample.
- **Log axes**: ``log_axis`` (Plotly ``type="log"``: powers of ten every few decades over 2
  decades or more, else ``log_ticks`` at 1, 2, 5 times a power of ten written in full with
  ``tick_labels``); ``plain_log_axis`` (Plotly's own log ticks, as ``10^k``); ``decade_axis``
  (a linear axis over ``log10`` values labelled as powers of ten: a log scale that holds any
  float64); ``drawable`` (what a log axis can draw, and how many values it cannot).
- **Frames**: ``step_axis``, ``layer_axis``, ``ticks_within``, ``panels`` (``n`` side-by-side
  panels without ``make_subplots``' 20 ms), ``legend_below``, ``legend_inside``,
  ``legend_rows``, ``notes_annotation``, ``side_labels`` (input side / output side).
- **Series**: ``SERIES_STYLES``: configuration A in blue circles, B in dark grey diamonds.
- **Values sent to the browser**: ``float32`` (NaN where not finite: Plotly leaves a gap),
  ``scaled_float32`` (divided by a power of ten past ``FLOAT32_SAFE``, with ``times_power``
  for its label), ``log10_float32``.
- **Layouts**: ``compact_layout`` (no Plotly template), ``wrapped_title`` / ``title_margin``
  (a long title in two lines), ``step_marker`` (the dotted line at the step shown).
"""

from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go

from viz import theme

MAX_LOG_LABELS = 7  # decade labels on a log axis, at most about
LEGEND_ROOM = 100  # px under a per-layer chart's plot: tick labels, the axis title, two legend rows
SERIES_STYLES = (
    dict(color=theme.POSITIVE, symbol="circle"),
    dict(color=theme.TEXT, symbol="diamond"),
)


def series_style(i: int) -> dict:
    """``SERIES_STYLES[i]`` (cycling): colour and marker symbol of the ``i``-th configuration."""
    return SERIES_STYLES[i % len(SERIES_STYLES)]


# --------------------------------------------------------------------------- thinning
def thin_indices(n: int, limit: int) -> np.ndarray:
    """At most ``limit`` row indices of ``0 .. n-1`` (int64), evenly spread, first and last included."""
    if n <= limit:
        return np.arange(n)
    return np.unique(np.linspace(0, n - 1, limit).round().astype(np.int64))


def stride(n: int, limit: int) -> int:
    """The step ``s >= 1`` of ``values[::s]`` that keeps about ``limit`` of ``n`` values at most."""
    return max(1, n // limit)


# --------------------------------------------------------------------------- log axes
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


def plain_log_axis(**settings) -> dict:
    """A log axis with Plotly's own ticks, written as powers of ten (``10^k``)."""
    return dict(type="log", exponentformat="power", gridcolor=theme.NEUTRAL, **settings)


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
    axis = plain_log_axis(**settings)
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


def decade_axis(log_values: list[np.ndarray], **settings) -> dict:
    """A linear axis over ``log10`` values whose ticks read as powers of ten (1, 10, 10², ...),
    a tick every 1, 2, 5, 10, ... decades (at most about 7): a log scale that holds any
    float64, as the gradients of a diverging run need. ``(-2, 1)`` without finite values."""
    finite = np.concatenate([v[np.isfinite(v)] for v in log_values]) if log_values else np.empty(0)
    lo, hi = (int(np.floor(finite.min())), int(np.ceil(finite.max()))) if finite.size else (-2, 1)
    hi = max(hi, lo + 1)
    step = next(n for n in (1, 2, 5, 10, 20, 50, 100, 200, 500) if (hi - lo) / n <= 7)
    ticks = list(range(lo - lo % step, hi + 1, step))
    text = ["1" if k == 0 else "10" if k == 1 else f"10<sup>{k}</sup>" for k in ticks]
    return dict(tickvals=ticks, ticktext=text, gridcolor=theme.NEUTRAL, zeroline=False, **settings)


# --------------------------------------------------------------------------- frames
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


def layer_axis(n_layers: int, max_ticks: int = 12) -> dict:
    """An x axis of layers ``1 .. n_layers`` (half a layer of room at each end), at most
    ``max_ticks`` labels."""
    return dict(
        title="layer",
        range=[0.5, n_layers + 0.5],
        gridcolor=theme.NEUTRAL,
        tickmode="auto",
        nticks=min(n_layers, max_ticks),
        zeroline=False,
    )


def ticks_within(lo: float, hi: float, step: float) -> list[float]:
    """Multiples of ``step`` in ``[lo, hi]``: a panel's few tick values."""
    first = math.ceil(lo / step - 1e-9)
    return [float(k * step) for k in range(first, math.floor(hi / step + 1e-9) + 1)]


def legend_below(room: int = LEGEND_ROOM) -> tuple[dict, dict]:
    """``(legend, margin)`` of a chart whose horizontal legend sits at the bottom of the figure,
    under the x axis's tick labels and title: the legend is anchored to the figure's bottom
    edge (``yref="container"``) and the bottom margin reserves ``room`` pixels, so that a
    legend wrapped to two rows on a narrow column never runs into the axis title."""
    legend = dict(orientation="h", yref="container", y=0.0, yanchor="bottom", x=0.0, font=dict(size=11))
    return legend, dict(l=10, r=10, t=60, b=room)


def legend_inside(corner: str = "bottom left") -> dict:
    """A legend drawn inside the plot in one corner (``"bottom left"`` or ``"top right"``), on
    a translucent white background, font size 11."""
    if corner == "bottom left":
        return dict(font=dict(size=11), x=0.0, y=0.02, yanchor="bottom", bgcolor=theme.LEGEND_BOX)
    if corner == "top right":
        return dict(font=dict(size=11), x=1.0, xanchor="right", y=1.0, bgcolor=theme.LEGEND_BOX)
    raise ValueError(f"unknown corner {corner!r}; choose 'bottom left' or 'top right'")


def legend_rows(labels, width: float = 500.0, char: float = 6.0, symbol: float = 50.0) -> int:
    """How many rows Plotly's horizontal legend needs for ``labels`` in about ``width`` px
    (entries packed left to right, ``char`` px per character at font size 11)."""
    rows, used = 1, 0.0
    for label in labels:
        entry = symbol + char * len(label)
        if used and used + entry > width:
            rows, used = rows + 1, 0.0
        used += entry
    return rows


def panel_suffix(col: int) -> str:
    """Plotly's axis suffix of panel ``col`` (1-based): ``""`` for the first, then ``"2"``, ``"3"``..."""
    return "" if col == 1 else str(col)


def panels(n: int, spacing: float, titles=None, shared_y: bool = False) -> go.Figure:
    """An empty figure of ``n`` side-by-side panels (x axes ``x``, ``x2``, ... over equal
    widths separated by ``spacing``, each with its own y axis, or the first one's with
    ``shared_y``), titled by ``titles`` above each panel. (``plotly.subplots.make_subplots``
    does the same in about 20 ms; this takes 2, and the live page draws four such figures a tick.)"""
    width = (1.0 - spacing * (n - 1)) / n
    layout: dict = {}
    annotations = []
    for i in range(n):
        s = panel_suffix(i + 1)
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


def notes_annotation(fig: go.Figure, notes: list[str]) -> None:
    """``notes`` (one a line) in the plot's bottom-left corner, in the highlight colour; nothing
    without notes."""
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
            bgcolor=theme.LABEL_BOX,
        )


def side_labels(fig: go.Figure) -> None:
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


# --------------------------------------------------------------------------- values sent to the browser
FLOAT32_SAFE = 1e30  # larger magnitudes are sent divided by a power of ten (float32 ends at 3.4e38)


def float32(values) -> np.ndarray:
    """float32 for the browser, with NaN where a value is not finite (Plotly leaves a gap)."""
    array = np.asarray(values, dtype=np.float64)
    with np.errstate(over="ignore", invalid="ignore"):
        out = array.astype(np.float32)
    out[~np.isfinite(out)] = np.nan
    return out


def scaled_float32(values) -> tuple[np.ndarray, int]:
    """``(values / 10^k as float32, k)``: ``k = 0`` unless the largest finite magnitude passes
    ``FLOAT32_SAFE`` (a diverging network), so that no finite value overflows float32."""
    array = np.asarray(values, dtype=np.float64)
    finite = np.abs(array[np.isfinite(array)])
    peak = float(finite.max()) if finite.size else 0.0
    k = int(np.floor(np.log10(peak))) if peak > FLOAT32_SAFE else 0
    return float32(array / 10.0**k if k else array), k


def times_power(k: int) -> str:
    """The label's suffix of values sent divided by ``10^k`` (``scaled_float32``): `` ×10^k``, or nothing."""
    return f" ×10<sup>{k}</sup>" if k else ""


def log10_float32(values) -> np.ndarray:
    """``log10(values)`` as float32; NaN where a value is not finite or not positive."""
    array = np.asarray(values, dtype=np.float64)
    out = np.full(array.shape, np.nan, dtype=np.float32)
    ok = np.isfinite(array) & (array > 0)
    out[ok] = np.log10(array[ok])
    return out


# --------------------------------------------------------------------------- layouts
TITLE_CHARS = 36  # characters of a title that fit a half-width chart on a 1024-pixel screen


def compact_layout(**settings) -> dict:
    """``theme.base_layout`` without Plotly's default template (3.7 KB a chart, every redraw;
    Streamlit's theme fills in its own), axes with automatic margins for their titles."""
    for axis in ("xaxis", "yaxis", "yaxis2"):
        if axis in settings:
            settings[axis] = {"automargin": True, **settings[axis]}
    return theme.base_layout(template="none", **settings)


def title_lines(title: str | None) -> list[str]:
    """A title in lines of at most ``TITLE_CHARS`` where it can (broken at spaces), at most two."""
    if not title or len(title) <= TITLE_CHARS:
        return [title or ""]
    cut = title.rfind(" ", 0, TITLE_CHARS + 1)
    return [title] if cut <= 0 else [title[:cut], title[cut + 1 :]]


def wrapped_title(title: str | None) -> dict:
    """A chart title that is not cut in a narrow column: a long one takes two lines."""
    return dict(text="<br>".join(title_lines(title)), x=0.01)


def title_margin(title: str | None) -> int:
    """The top margin for ``wrapped_title(title)``: pixels for its lines (10 without a title)."""
    return 10 if not title else 20 + 20 * len(title_lines(title))


def step_marker(step: int | None) -> list[dict]:
    """The layout shape of a dotted vertical line at ``step`` in the highlight colour (none for None)."""
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
