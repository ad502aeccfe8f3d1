"""Confusion matrices: the counts of true against predicted class, and their heatmaps side by
side (one per data set). Pure functions, no Streamlit."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from viz import theme
from viz.axes import compact_layout, float32, title_margin, wrapped_title

PANEL_GAP = 0.08  # of the figure's width, between two sets' matrices


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
    (right) is read off the text, the colour is the share (``theme.SHARE``: 0 white .. 1 positive)."""
    names = list(counts)
    data, layout_axes = [], {}
    width = (1 - PANEL_GAP * (len(names) - 1)) / len(names)
    for k, name in enumerate(names):
        c = np.asarray(counts[name], dtype=np.int64)
        total = max(int(c.sum()), 1)
        suffix = "" if k == 0 else str(k + 1)
        data.append(_matrix(name, c, total, labels, suffix))
        domain = [k * (width + PANEL_GAP), k * (width + PANEL_GAP) + width]
        layout_axes[f"xaxis{suffix}"] = dict(
            domain=domain, side="bottom", title=f"{name} ({total})", fixedrange=True
        )
        layout_axes[f"yaxis{suffix}"] = dict(autorange="reversed", fixedrange=True, anchor=f"x{suffix}")
    layout = compact_layout(
        title=wrapped_title(title),
        height=200 + 30 * len(labels),
        margin=dict(l=10, r=10, t=title_margin(title), b=10),
        **layout_axes,
    )
    return go.Figure(data=data, layout=layout)


def _matrix(name: str, c: np.ndarray, total: int, labels: Sequence[str], suffix: str) -> dict:
    """One set's heatmap ``(K, K)`` on axes ``x<suffix>``/``y<suffix>``: each cell's text its
    count and share, its colour the share."""
    share = c / total
    k_classes = c.shape[0]
    text = [[f"{c[i, j]}<br>{100 * share[i, j]:.0f} %" for j in range(k_classes)] for i in range(k_classes)]
    return dict(
        type="heatmap", z=float32(share), x=[f"pred. {l}" for l in labels],
        y=[f"true {l}" for l in labels], text=text, texttemplate="%{text}",
        colorscale=theme.SHARE, zmin=0, zmax=1, showscale=False,
        xaxis=f"x{suffix}", yaxis=f"y{suffix}",
        hovertemplate=f"{name}: %{{y}}, %{{x}}: %{{text}}<extra></extra>",
    )  # fmt: skip
