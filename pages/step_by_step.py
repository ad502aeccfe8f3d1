"""Step by step: one gradient-descent step of a tiny network, number by number.

Forward, loss, backward, update: the class steps through the four phases on a diagram,
with the chain rule for any neuron or weight written out with its numbers, then applies
the update and watches the loss fall.
"""

from __future__ import annotations

import functools
import json

import numpy as np
import pandas as pd
import streamlit as st

from engine import LOSSES, Network
from engine.gradcheck import gradcheck
from engine.parse import parse_number
from pages import presenter, widgets
from viz import theme
from viz.curves import loss_curve
from viz.diagram import PHASES, Selection, layer_names, parse_item, step_diagram
from viz.equations import (
    all_selectable,
    describe,
    exact_values,
    neuron_equations,
    stalled_layers,
    weight_equations,
)
from viz.predictions import phase_prompts
from viz.tables import gradcheck_table, neuron_table, run_record, run_table, weight_table

# Matt Mazur's worked example: the default network, sample and target.
EXAMPLE = dict(
    sizes=[2, 2, 2],
    weights=[np.array([[0.15, 0.25], [0.20, 0.30]]), np.array([[0.40, 0.50], [0.45, 0.55]])],
    biases=[np.array([0.35, 0.35]), np.array([0.60, 0.60])],
    x=np.array([0.05, 0.10]),
    t=np.array([0.01, 0.99]),
)
PHASE_TEXT = {
    "forward": "**Forward.** Each neuron sums its weighted inputs plus its bias, z = Σ w·a + b, "
    "and applies its activation, a = f(z). Neurons are coloured by a, edges by w.",
    "loss": "**Loss.** The output is compared with the target. The output neurons show "
    "dL/dy: how the loss changes when that output grows.",
    "backward": "**Backward.** The chain rule runs from the output to the input: "
    "δ = dL/dz = dL/da · f'(z), and dL/dw = δ · (the input on that edge). "
    "Neurons show δ, edges dL/dw.",
    "update": "**Update.** Every weight and bias moves against its gradient: w' = w − η · dL/dw, "
    "b' = b − η · dL/db. Edges show the change Δw, neurons the change Δb of their bias.",
}

RUN_STEPS = 10_000
MAZUR_TEXT = (
    "**As in Mazur's article:** the biases stay fixed and only the weights learn, with his names "
    "(i1, i2, h1, h2, o1, o2, w1..w8, b1, b2). After one step the loss is 0.291027774 (the article: "
    "0.291027924), after 10,000 steps 3.5102e-05 (the article: 0.0000351085); the article rounds "
    "its values along the way, so its last digits differ."
)
FULL_UPDATE_TEXT = (
    "**Full update:** the biases learn too, so from the second step the numbers leave Mazur's "
    "article (after one step 0.280471 here, 0.291027924 there). Tick *Keep biases fixed* in the "
    "sidebar to follow the article."
)

state = st.session_state
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


# ----------------------------------------------------------------------------- state changes
def reset_network(sizes, init, init_scale, seed, example=False) -> None:
    """New parameters (the worked example, or seeded random ones) and a fresh history."""
    if example:
        state["sbs.params"] = (list(EXAMPLE["weights"]), list(EXAMPLE["biases"]))
        state["sbs.sample"] = (EXAMPLE["x"].copy(), EXAMPLE["t"].copy())
    else:
        net = Network(sizes, activation="sigmoid", init=init, init_scale=init_scale, bias_init=0.1, seed=seed)
        state["sbs.params"] = (net.weights, net.biases)
        rng = np.random.default_rng(seed)
        t = np.eye(sizes[-1])[0] if sizes[-1] > 1 else np.array([1.0])
        state["sbs.sample"] = (np.round(rng.uniform(-1, 1, sizes[0]), 2), t)
    state["sbs.losses"] = []
    state["sbs.version"] = state.get("sbs.version", 0) + 1
    state["sbs.sizes"] = list(sizes)


def load_example() -> None:
    for key, value in (("sbs.n_in", 2), ("sbs.n_hidden", 1), ("sbs.width1", 2), ("sbs.n_out", 2)):
        state[key] = value
    reset_network(EXAMPLE["sizes"], None, None, None, example=True)


def move_phase(delta: int) -> None:
    index = PHASES.index(state.get("sbs.phase", "forward"))
    state["sbs.phase"] = PHASES[(index + delta) % len(PHASES)]


def apply_update(new_weights, new_biases, loss: float) -> None:
    state["sbs.params"] = (new_weights, new_biases)
    state["sbs.losses"] = [*state["sbs.losses"], loss]
    state["sbs.version"] += 1
    state["sbs.phase"] = "forward"


def run_steps(n: int, settings: dict, fixed_biases: bool) -> None:
    """``n`` more training steps on the sample (stopping at a divergence: the last finite
    network stays); every step's loss joins the history."""
    weights, biases = state["sbs.params"]
    x, t = state["sbs.sample"]
    settings = dict(settings)
    lr = settings.pop("lr")
    net = Network.from_parameters(weights, biases, **settings)
    losses = []
    for _ in range(n):
        step = net.train_step(x[None, :], t[None, :], lr=lr, fixed_biases=fixed_biases)
        if step.diverged:
            break
        losses.append(step.loss)
    state["sbs.params"] = (net.weights, net.biases)
    state["sbs.losses"] = [*state["sbs.losses"], *losses]
    state["sbs.version"] += 1
    state["sbs.phase"] = "forward"
    state["sbs.ran"] = (len(losses), n)


def select_clicked(chart_key: str, item_key: str, items: list[tuple]) -> None:
    """The diagram's click (a selection event): explain the neuron or weight clicked. Every
    click also changes the figure (``sbs.clicks``), so the chart is drawn afresh, without
    Plotly's fading of the points not clicked."""
    state["sbs.clicks"] = state.get("sbs.clicks", 0) + 1
    event = state.get(chart_key)
    points = event["selection"]["points"] if event else []
    for point in points:
        item = parse_item(point.get("customdata"))
        if item in items:
            state[item_key] = item
            return


def edited_values(
    base: np.ndarray, key: str, where: str, columns: list[str], errors: list[str]
) -> np.ndarray:
    """``base`` with the cells the user edited in editor ``key`` parsed in (errors collected).

    Only edited cells are parsed, so unedited values keep their full precision.
    """
    edits = state.get(key, {}).get("edited_rows", {})
    values = base.copy()
    for row, changes in edits.items():
        for column, text in changes.items():
            try:
                value = parse_number(text, f"{where}, row {int(row) + 1}, column {column}")
                values[int(row), columns.index(column)] = value
            except ValueError as error:
                errors.append(str(error))
    return values


def editor(values: np.ndarray, row_names: list[str], column_names: list[str], key: str) -> None:
    """An editable table of ``values`` shown as text, so any typing reaches our own checks."""
    frame = pd.DataFrame([[f"{v:.6g}" for v in row] for row in values], index=row_names, columns=column_names)
    st.data_editor(frame, key=key, width="stretch")


# ----------------------------------------------------------------------------- page
st.title("Step by step")
if not presenter.is_on():  # presenter mode: the room needs the diagram more than the subtitle
    st.caption("One training step of a tiny network, every number shown, with the chain rule written out.")

if "sbs.params" not in state:
    load_example()
state.setdefault("sbs.width2", 2)

with st.sidebar:
    st.subheader("Network")
    n_in = st.number_input("Inputs", 1, 4, key="sbs.n_in")
    n_hidden = st.number_input("Hidden layers", 0, 2, key="sbs.n_hidden")
    widths = [st.number_input(f"Neurons in hidden layer {k + 1}", 1, 4, key=f"sbs.width{k + 1}")
              for k in range(n_hidden)]  # fmt: skip
    n_out = st.number_input("Outputs", 1, 4, key="sbs.n_out")
    sizes = [int(n_in), *map(int, widths), int(n_out)]
    activation = widgets.activation_select("sbs.activation", default="sigmoid", label="Hidden activation")
    loss = widgets.loss_select("sbs.loss", default="sse")
    output_activation = st.selectbox("Output activation", LOSSES[loss].outputs, key=f"sbs.out.{loss}")
    lr = widgets.learning_rate_input("sbs.lr", default=0.5)
    init, init_scale = widgets.init_select("sbs.init", default="xavier_uniform")
    seed = widgets.seed_input("sbs.seed")
    st.button("New random weights", on_click=reset_network, args=(sizes, init, init_scale, seed))
    st.button("Load the worked example", on_click=load_example, help="Matt Mazur's 2-2-2 network")
    fixed_biases = st.checkbox(
        "Keep biases fixed (as in Mazur's article)",
        key="sbs.fixed_biases",
        help="Mazur's worked example updates the weights only. Off: the full update, biases too.",
    )

if sizes != state["sbs.sizes"]:
    reset_network(sizes, init, init_scale, seed)
    st.toast("The architecture changed: new weights, history cleared.")

# The last valid network, with the user's edits parsed in (if they all parse).
weights, biases = state["sbs.params"]
x, t = state["sbs.sample"]
names = layer_names(sizes)
version = state["sbs.version"]
errors: list[str] = []
edited_W = [
    edited_values(W, f"sbs.W{l}.v{version}", f"W{l + 1}", names[l + 1], errors) for l, W in enumerate(weights)
]
edited_b = [
    edited_values(b[None, :], f"sbs.b{l}.v{version}", f"b{l + 1}", names[l + 1], errors)[0]
    for l, b in enumerate(biases)
]
edited_x = edited_values(x[None, :], f"sbs.x.v{version}", "input", names[0], errors)[0]
edited_t = edited_values(t[None, :], f"sbs.t.v{version}", "target", names[-1], errors)[0]
if not errors:
    state["sbs.params"] = weights, biases = edited_W, edited_b
    state["sbs.sample"] = x, t = edited_x, edited_t

try:
    net = Network.from_parameters(
        weights, biases, activation=activation, output_activation=output_activation, loss=loss
    )
    trained = net.copy()  # after the step: the network with the update applied
    step = trained.train_step(x[None, :], t[None, :], lr=lr, fixed_biases=fixed_biases)
    next_loss = trained.loss_value(x[None, :], t[None, :])
except ValueError as error:
    st.error(f"This network cannot be trained as set: {error}")
    st.stop()

if errors:
    st.warning(
        "Some edited cells are not valid (see **Edit the network** below); showing the last valid network."
    )
if step.diverged:
    widgets.divergence_banner(len(state["sbs.losses"]), step.divergence.message)
elif stalled := stalled_layers(step):
    which = (
        f"Layer {stalled[0]} no longer learns"
        if len(stalled) == 1
        else (f"Layers {', '.join(map(str, stalled))} no longer learn")
    )
    st.warning(
        f"**{which}:** the gradient dL/dw is 0 (to double precision) although the loss is not, "
        "because the units are saturated (f'(z) ≈ 0) or dead, so the update leaves those weights "
        "where they are. A smaller learning rate, or gentler weights (New random weights, or the "
        "worked example), brings the gradient back.",
        icon=":material/block:",
    )

# ---- phase controls: the four phases, one at a time; Next after "update" applies it
present = presenter.is_on()
mazur = fixed_biases  # Mazur's mode: his update and his names
apply_args = (trained.weights, trained.biases, step.loss)
cannot_apply = (
    "Training diverged: lower the learning rate or load other weights."
    if step.diverged
    else "Some edited cells are not valid: fix them first (see Edit the network)."
    if errors
    else None
)
back_col, slider_col, next_col = st.columns([1.2, 5, 1.2], vertical_alignment="center")
back_col.button("◀ Back", on_click=move_phase, args=(-1,), width="stretch", help="The previous phase")
phase = slider_col.select_slider("Phase", PHASES, key="sbs.phase", label_visibility="collapsed")
if phase == PHASES[-1]:
    next_col.button(
        "Next ▶",
        on_click=apply_update,
        args=apply_args,
        disabled=cannot_apply is not None,
        width="stretch",
        help=cannot_apply or "Apply the update and start the next step's forward pass",
    )
else:
    next_col.button("Next ▶", on_click=move_phase, args=(1,), width="stretch", help="The next phase")
st.caption(
    " → ".join(f"**{k + 1} {name}**" if name == phase else f"{k + 1} {name}" for k, name in enumerate(PHASES))
)
st.markdown(PHASE_TEXT[phase])

# ---- the diagram (click a unit or an edge) beside the arithmetic of what is selected
diagram_col, explain_col = st.columns([3, 2] if present else [1, 1])  # presenter: room for the values
items = all_selectable(sizes)
item_key = f"sbs.item.{'-'.join(map(str, sizes))}"  # one selection per architecture
if item_key not in state:
    state[item_key] = ("neuron", len(sizes) - 1, 0)
with explain_col:
    item = st.selectbox(
        "Explain the arithmetic of (or click the diagram)",
        items,
        format_func=lambda i: describe(i, sizes, mazur),
        key=item_key,
    )
    if item[0] == "weight":
        layer_activation = output_activation if item[1] == len(sizes) - 2 else activation
        lines = weight_equations(step, item[1], item[2], item[3], phase, layer_activation, lr, mazur=mazur)
    else:
        layer_activation = output_activation if item[1] == len(sizes) - 1 else activation
        lines = neuron_equations(
            step, item[1], item[2], phase, layer_activation, loss, lr, mazur=mazur, fixed_biases=fixed_biases
        )
    exact = exact_values(step, item, phase, mazur=mazur)
    for line in lines:
        st.latex(line, help=exact)
    widgets.what_to_notice(phase_prompts(step, phase, t, next_loss, mazur=mazur, fixed_biases=fixed_biases))
with diagram_col:
    selection = Selection(item[0], tuple(item[1:]))
    diagram = step_diagram(step, phase, selection=selection, mazur=mazur, show_values=present)
    diagram.layout.meta = {"clicks": state.get("sbs.clicks", 0)}  # a new figure after each click
    presenter.plotly_chart(
        diagram,
        key="sbs.diagram",
        width="stretch",
        on_select=functools.partial(select_clicked, "sbs.diagram", item_key, items),
        selection_mode="points",
        config=theme.plotly_config(select=True),
    )

# ---- the loss: this step's, the history, and the buttons that move on
metric_col, apply_col, run_col = st.columns([2, 2, 2], vertical_alignment="center")
metric_col.metric("Loss before this step", f"{step.loss:.9g}" if mazur else f"{step.loss:.6g}")
apply_col.button(
    "Apply the update",
    type="primary",
    on_click=apply_update,
    args=apply_args,
    disabled=cannot_apply is not None,
    width="stretch",
    icon=":material/skip_next:",
    help=cannot_apply or "Add Δw and Δb to the weights and biases; start the next forward pass.",
)
settings = dict(activation=activation, output_activation=output_activation, loss=loss, lr=lr)
run_col.button(
    f"Run {RUN_STEPS:,} steps",
    on_click=run_steps,
    args=(RUN_STEPS, settings, fixed_biases),
    disabled=cannot_apply is not None,
    width="stretch",
    icon=":material/fast_forward:",
    help=cannot_apply or f"Train {RUN_STEPS:,} more steps on this sample and show where the loss gets to.",
)
if ran := state.pop("sbs.ran", None):
    done, asked = ran
    st.success(
        f"Ran {done:,} steps: the loss is now **{step.loss:.6g}**"
        + ("" if done == asked else f" (stopped: step {done + 1} diverged)")
        + "."
    )
st.caption(MAZUR_TEXT if fixed_biases else FULL_UPDATE_TEXT)
losses = [*state["sbs.losses"], step.loss]
presenter.plotly_chart(
    loss_curve(np.arange(len(losses)), np.array(losses), title="Loss at each step", height=220,
               log_y=len(losses) > 50),
    key="sbs.losses_chart",
    width="stretch",
)  # fmt: skip
csv_col, json_col, _ = st.columns([1, 1, 2])
run_settings = {**settings, "sizes": sizes, "fixed_biases": fixed_biases}
csv_col.download_button(
    "Download the run (CSV)",
    run_table(losses).to_csv(index=False),
    file_name="step_by_step_run.csv",
    mime="text/csv",
    icon=":material/download:",
    help="The loss at every step.",
)
json_col.download_button(
    "Download the run (JSON)",
    json.dumps(run_record(losses, step, (x, t), run_settings), indent=1),
    file_name="step_by_step_run.json",
    mime="application/json",
    icon=":material/download:",
    help="The settings, the sample, the loss at every step and this step's numbers, layer by layer.",
)

values_tab, edit_tab, check_tab = st.tabs(
    ["Values per layer", "Edit the network", "Gradient check"], key="sbs.tab", on_change="rerun"
)  # keyed: the open tab survives the rerun that every edit causes
with values_tab:
    for l in range(len(step.weights)):
        st.markdown(f"**Layer {l + 1}** ({'output' if l == len(step.weights) - 1 else 'hidden'})")
        for table in (neuron_table(step, l, phase=phase, mazur=mazur), weight_table(step, l, phase, mazur)):
            st.dataframe(table, hide_index=True, width="stretch", column_config=NUMBERS)
with edit_tab:
    st.caption(
        "Type over any number. Rows are the neurons a weight comes from; columns the neurons it goes to."
    )
    for message in errors:
        st.error(message)
    sample_col, target_col = st.columns(2)
    with sample_col:
        editor(x[None, :], ["input"], names[0], f"sbs.x.v{version}")
    with target_col:
        editor(t[None, :], ["target"], names[-1], f"sbs.t.v{version}")
    for l, (W, b) in enumerate(zip(weights, biases)):
        st.markdown(
            f"**W{l + 1}** (from {', '.join(names[l])} to {', '.join(names[l + 1])}) and **b{l + 1}**"
        )
        editor(W, names[l], names[l + 1], f"sbs.W{l}.v{version}")
        editor(b[None, :], ["bias"], names[l + 1], f"sbs.b{l}.v{version}")
if check_tab.open:  # finite differences run only when the tab is looked at
    with check_tab:
        report = gradcheck(net, x[None, :], t[None, :])
        agree = not report.failures(1e-6)
        st.markdown(
            "Backprop's gradient of every weight and bias against finite differences "
            "(nudge the parameter up and down, watch the loss). Largest relative difference: "
            f"**{report.max_relative_error:.1e}**"
            + (" — they agree." if agree else " — they differ: is an input sitting on a ReLU kink?")
        )
        table = gradcheck_table(report, sizes)
        st.dataframe(
            table,
            hide_index=True,
            width="stretch",
            height=table_height(len(table)),
            column_config=NUMBERS,
        )
