"""Figures of the "Vanishing and exploding gradients" page: the gradient layer by layer (one import).

Every function takes per-layer arrays as ``History`` records them (``engine.history``: a
summary row has ``grad_W_norm``, ``delta_norm``, ``update_ratio``, ``act_std`` ... each
``(L,)`` for an ``L``-layer network; a histogram row has ``activation``/``gradient`` counts
``(L, bins)``), or per-entry sizes made from them (``engine.layer_stats``: ``grad_W_rms``,
``delta_rms``), and returns a ``plotly.graph_objects.Figure``; no Streamlit here.

Layers are numbered ``1 .. L`` from the input side to the output side. Up to two
configurations (A, B) share a chart (``viz.axes.SERIES_STYLES``); signed values keep the
theme's orange (negative) / blue (positive). Magnitudes are drawn on log axes.

This module re-exports the figures from the modules that own them, by kind of figure:

- ``viz.layer_charts``: per-layer curves at one step (``norm_by_layer``, ``theory_chart``,
  ``update_ratio_chart``)
- ``viz.layer_heatmap``: the layer x step heatmap (``layer_step_heatmap``, ``log_values``)
- ``viz.ridges``: the histograms per layer (``histogram_ridges``)
- ``viz.curves``: curves over steps (``loss_by_step``)
- ``viz.axes``: the shared frame toolkit (log axes at 1-2-5, step/layer axes, legends, thinning)
"""

from __future__ import annotations

from viz.axes import (  # noqa: F401
    LEGEND_ROOM,
    MAX_LOG_LABELS,
    SERIES_STYLES,
    drawable,
    log_axis,
    log_ticks,
    step_axis,
    tick_labels,
)
from viz.curves import FEW_POINTS, loss_by_step  # noqa: F401
from viz.layer_charts import RULE_BAND, RULE_OF_THUMB, norm_by_layer, theory_chart, update_ratio_chart  # noqa: F401
from viz.layer_heatmap import (  # noqa: F401
    HEATMAP_MODES,
    MAX_COLUMNS,
    MIN_HALF_RANGE,
    QUANTITIES,
    colour_range,
    column_indices,
    layer_step_heatmap,
    log_norm_matrix,
    log_values,
)
from viz.ridges import GRADIENT_FILL, RIDGE_HEIGHT, histogram_ridges, ridge_layers  # noqa: F401
