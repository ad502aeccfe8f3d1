"""The Vanishing page's details of the shown step while paused, as Plotly charts (hover for exact
values, zoom, PNG export): gradient per layer, update ratio, the layer x step heatmap, the
histograms per layer, theory against measurement and the batch loss. Called by
``pages/vanishing.py`` inside the session's lock; every number comes from ``vanishing_state``.
"""

from __future__ import annotations

import streamlit as st

from pages import vanishing_state as vs
from viz.gradients import (
    histogram_ridges,
    layer_step_heatmap,
    loss_by_step,
    norm_by_layer,
    theory_chart,
    update_ratio_chart,
)
from viz.theme import NEGATIVE_WORD, POSITIVE_WORD

CHART_CONFIG = {"displayModeBar": False}


def paused_charts(runs: list[vs.Run], shown: dict, step: int, last: int, quantity: str, mode: str) -> None:
    """Paused: the shown step as Plotly charts (hover for exact values, zoom, PNG export)."""
    rows = {run.name: vs.view_row(run, shown[run.name]) for run in runs}
    marker = step if last > 0 else None
    left, right = st.columns(2)
    with left:
        st.plotly_chart(
            norm_by_layer(
                {run.name: rows[run.name] for run in runs},
                title=f"Gradient per layer at step {step}"
                + "".join(f" ({n}: step {k})" for n, k in shown.items() if k != step),
            ),
            key="vg.norm_chart",
            width="stretch",
            config=CHART_CONFIG,
        )
    with right:
        st.plotly_chart(
            update_ratio_chart({run.name: rows[run.name]["update_ratio"] for run in runs}),
            key="vg.ratio_chart",
            width="stretch",
            config=CHART_CONFIG,
        )

    st.plotly_chart(
        layer_step_heatmap(
            {run.name: vs.layer_history(run, quantity) for run in runs},
            quantity=quantity,
            mode=mode,
            marker_step=marker,
        ),
        key="vg.heatmap",
        width="stretch",
        config=CHART_CONFIG,
    )

    paused_more(runs, rows, shown, marker)


def paused_more(runs: list[vs.Run], rows: dict, shown: dict, marker: int | None) -> None:
    """Paused: histograms per layer, theory against measurement, the loss curve (Plotly)."""
    ranges = sorted({f"{vs.activation_range(run.config):g}" for run in runs})
    st.caption(
        "**Histograms per layer**, input side at the bottom. Left, the activations: negative "
        f"{NEGATIVE_WORD}, positive {POSITIVE_WORD}; the end bins also count every value beyond "
        f"±{' or ±'.join(ranges)}, so "
        "saturation and explosion show as mass at the edges. Right, log10 |dL/dW| of every weight: a "
        "ridge sliding left is a vanishing gradient, one sliding right an exploding one."
    )
    hists = vs.histograms_at(runs, shown)
    ridge_cols = st.columns(len(runs))
    for col, run in zip(ridge_cols, runs):
        hist = hists[run.name]
        with col:
            if hist is None:
                st.caption(f"{run.name}: no histogram recorded yet.")
                continue
            st.caption(run.label)
            hist_note = vs.histogram_note(shown[run.name], hist["step"])
            st.plotly_chart(
                histogram_ridges(
                    hist["activation"],
                    hist["activation_edges"],
                    hist["gradient"],
                    hist["gradient_log10_edges"],
                    labels=vs.layer_labels(run, rows[run.name]),
                    title=f"{run.name}: histograms at step {hist['step']}",
                ),
                key=f"vg.ridge.{run.name}",
                width="stretch",
                config=CHART_CONFIG,
            )
            if hist_note:
                st.caption(hist_note)

    st.plotly_chart(
        theory_chart({run.name: vs.theory_lines(run, rows[run.name]) for run in runs}),
        key="vg.theory_chart",
        width="stretch",
        config=CHART_CONFIG,
    )
    for caveat in vs.theory_caveats(runs):
        st.caption(caveat)
    st.plotly_chart(
        loss_by_step(
            {run.name: (run.history.steps, run.history.column("loss")) for run in runs},
            marker_step=marker,
        ),
        key="vg.loss_chart",
        width="stretch",
        config=CHART_CONFIG,
    )
