"""Step by step's tabs under the step: the values per layer (only what the phase has computed),
the network as editable tables (sample, target, every weight and bias; the cells are parsed by
``step_by_step_session.edited_values``), and the gradient check (finite differences, run only
when its tab is open)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from engine.gradcheck import gradcheck
from pages.step_by_step_session import Current, Settings
from pages.step_by_step_text import EDIT_TEXT, gradcheck_text
from viz.tables import gradcheck_table, neuron_table, weight_table

# Five significant digits in every table (small gradients would otherwise show as 0.0000).
NUMBERS = {
    name: st.column_config.NumberColumn(format="%.5g")
    for name in ("z", "a = f(z)", "dL/da", "δ = dL/dz", "b", "dL/db", "Δb", "b'", "w", "dL/dw", "Δw", "w'")
} | {
    "backprop": st.column_config.NumberColumn(format="%.8g"),
    "finite differences": st.column_config.NumberColumn(format="%.8g"),
    "|difference|": st.column_config.NumberColumn(format="%.2e"),
}


ROW_PIXELS, MAX_ROWS_SHOWN = 35, 30


def table_height(n_rows: int) -> int:
    """Pixels for a dataframe showing up to ``MAX_ROWS_SHOWN`` rows and its header unscrolled."""
    return (min(n_rows, MAX_ROWS_SHOWN) + 1) * ROW_PIXELS + 3


def editor(values: np.ndarray, row_names: list[str], column_names: list[str], key: str) -> None:
    """An editable table of ``values`` shown as text, so any typing reaches our own checks."""
    frame = pd.DataFrame([[f"{v:.6g}" for v in row] for row in values], index=row_names, columns=column_names)
    st.data_editor(frame, key=key, width="stretch")


def values_tab(step, phase: str, mazur: bool) -> None:
    """Per layer: the neurons' and the weights' tables, limited to what ``phase`` has computed."""
    for l in range(len(step.weights)):
        st.markdown(f"**Layer {l + 1}** ({'output' if l == len(step.weights) - 1 else 'hidden'})")
        for table in (neuron_table(step, l, phase=phase, mazur=mazur), weight_table(step, l, phase, mazur)):
            st.dataframe(table, hide_index=True, width="stretch", column_config=NUMBERS)


def edit_tab(current: Current) -> None:
    """The sample, the target and every weight and bias as editable tables."""
    names, version = current.names, current.version
    st.caption(EDIT_TEXT)
    for message in current.errors:
        st.error(message)
    sample_col, target_col = st.columns(2)
    with sample_col:
        editor(current.x[None, :], ["input"], names[0], f"sbs.x.v{version}")
    with target_col:
        editor(current.t[None, :], ["target"], names[-1], f"sbs.t.v{version}")
    for l, (W, b) in enumerate(zip(current.weights, current.biases)):
        sources, targets = ", ".join(names[l]), ", ".join(names[l + 1])
        st.markdown(f"**W{l + 1}** (from {sources} to {targets}) and **b{l + 1}**")
        editor(W, names[l], names[l + 1], f"sbs.W{l}.v{version}")
        editor(b[None, :], ["bias"], names[l + 1], f"sbs.b{l}.v{version}")


def check_tab(current: Current, sizes: list[int]) -> None:
    """Backprop's gradient against finite differences, parameter by parameter."""
    report = gradcheck(current.net, current.x[None, :], current.t[None, :])
    st.markdown(gradcheck_text(report.max_relative_error, not report.failures(1e-6)))
    table = gradcheck_table(report, sizes)
    height = table_height(len(table))
    st.dataframe(table, hide_index=True, width="stretch", height=height, column_config=NUMBERS)


def tables(current: Current, settings: Settings, phase: str) -> None:
    """The tabs: values per layer, the editors, and the gradient check (run only when it is open)."""
    values, edit, check = st.tabs(
        ["Values per layer", "Edit the network", "Gradient check"], key="sbs.tab", on_change="rerun"
    )  # keyed: the open tab survives the rerun that every edit causes
    with values:
        values_tab(current.step, phase, settings.fixed_biases)
    with edit:
        edit_tab(current)
    if check.open:  # finite differences run only when the tab is looked at
        with check:
            check_tab(current, settings.sizes)
