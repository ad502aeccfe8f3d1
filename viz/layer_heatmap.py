"""The layer x step heatmap: ``log10`` of a per-layer norm over training, one panel per configuration.

``log_values`` / ``colour_range`` / ``log_norm_matrix`` turn ``(n_steps, L)`` norms into colour
values (``relative``: decades above or below the step's median layer; ``absolute``: log10 of
the norm) and one colour range for the view; ``viz.deep_frames`` sends the same values live.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import plotly.graph_objects as go

from viz import theme
from viz.axes import panel_suffix, step_axis, thin_indices
from viz.axes import panels as make_panels

QUANTITIES = {
    "grad_W_rms": "rms dL/dW",
    "delta_rms": "rms dL/dz",
    "update_ratio": "‖update‖/‖W‖",
}
HEATMAP_MODES = ("relative", "absolute")
MAX_COLUMNS = 200  # heatmap columns (steps) sent to the browser at most
MIN_HALF_RANGE = 0.5  # decades: a relative heatmap's colour range is at least +-0.5


def column_indices(n: int, max_columns: int = MAX_COLUMNS) -> np.ndarray:
    """At most ``max_columns`` row indices of ``0 .. n-1``, evenly spread, first and last included
    (``viz.axes.thin_indices``)."""
    return thin_indices(n, max_columns)


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
    fig = make_panels(max(1, len(labels)), 0.08 if same_depth else 0.14, labels, shared_y=same_depth)
    name = QUANTITIES[quantity]
    unit = "decades vs the step's median layer" if mode == "relative" else f"log10 {name}"
    for i, (label, steps, z) in enumerate(views):
        _add_panel(fig, i + 1, label, steps, np.where(z == -np.inf, lo, z), unit, marker_step)
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


def _add_panel(
    fig: go.Figure, col: int, label: str, steps: np.ndarray, z: np.ndarray, unit: str, marker_step: int | None
) -> None:
    """Panel ``col`` (1-based) of ``layer_step_heatmap``: the heatmap of ``z (n_steps, L)`` on the
    shared colour axis, its axes, and the dotted marker line at ``marker_step``."""
    s = panel_suffix(col)
    fig.add_trace(
        go.Heatmap(
            x=steps.astype(np.int64),
            y=np.arange(1, z.shape[1] + 1),
            z=np.ascontiguousarray(z.T, dtype=np.float32),
            coloraxis="coloraxis",
            name=label,
            hovertemplate=f"step %{{x}}<br>layer %{{y}}<br>%{{z:.2f}} ({unit})<extra>{label}</extra>",
            xaxis=f"x{s}",
            yaxis=f"y{s}",
        )
    )
    fig.layout[f"yaxis{s}"].update(title="layer (1 = input side)" if col == 1 else None, zeroline=False)
    fig.layout[f"xaxis{s}"].update(step_axis(steps, nticks=5))
    if marker_step is not None and len(steps):
        fig.add_shape(
            type="line",
            x0=marker_step,
            x1=marker_step,
            y0=0,
            y1=1,
            xref=f"x{s}",
            yref=f"y{s} domain",
            line=dict(color=theme.HIGHLIGHT, width=1.5, dash="dot"),
        )
