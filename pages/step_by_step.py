"""Step by step: one gradient-descent step of a tiny network, number by number.

Forward, loss, backward, update: the class steps through the four phases on a diagram,
with the chain rule for any neuron or weight written out with its numbers, then applies
the update and watches the loss fall.

The page body: ``main`` (sidebar, the network with the user's edits, the step, the phase
controls, the diagram beside the arithmetic, the loss, the tables). The session and its
changes are in ``step_by_step_session``, the tabs under the step in ``step_by_step_tables``,
the words in ``step_by_step_text``.
"""

from __future__ import annotations

import functools
import json

import numpy as np
import streamlit as st

from engine import LOSSES, Network
from pages import presenter, widgets
from pages.step_by_step_session import (
    RUN_STEPS,
    Current,
    Settings,
    apply_update,
    edited_values,
    load_example,
    move_phase,
    reset_network,
    run_steps,
    select_clicked,
)
from pages.step_by_step_tables import tables
from pages.step_by_step_text import (
    FULL_UPDATE_TEXT,
    INVALID_EDITS_TEXT,
    MAZUR_TEXT,
    PHASE_TEXT,
    SUBTITLE,
    stalled_text,
)
from viz import theme
from viz.curves import loss_curve
from viz.diagram import PHASES, Selection, layer_names, step_diagram
from viz.equations import (
    all_selectable,
    describe,
    exact_values,
    neuron_equations,
    stalled_layers,
    weight_equations,
)
from viz.predictions import phase_prompts
from viz.tables import run_record, run_table

state = st.session_state


# ----------------------------------------------------------------------------- the page's parts
def sidebar() -> Settings:
    """The network's shape, activations, loss, learning rate and initialization; New random
    weights, the worked example, and Mazur's fixed biases."""
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
    return Settings(sizes, activation, output_activation, loss, lr, bool(fixed_biases))


def current_network(sizes: list[int]) -> Current:
    """The last valid network, with the user's edits parsed in (if they all parse)."""
    weights, biases = state["sbs.params"]
    x, t = state["sbs.sample"]
    names = layer_names(sizes)
    version = state["sbs.version"]
    errors: list[str] = []
    edited_W = [
        edited_values(W, f"sbs.W{l}.v{version}", f"W{l + 1}", names[l + 1], errors)
        for l, W in enumerate(weights)
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
    return Current(weights, biases, x, t, names, version, errors)


def take_step(current: Current, settings: Settings) -> None:
    """One training step of the current network (on a copy); a network that cannot be trained
    as set: a message, and the page stops."""
    x, t = current.x[None, :], current.t[None, :]
    try:
        kwargs = settings.network
        lr = kwargs.pop("lr")
        current.net = Network.from_parameters(current.weights, current.biases, **kwargs)
        current.trained = current.net.copy()  # after the step: the network with the update applied
        current.step = current.trained.train_step(x, t, lr=lr, fixed_biases=settings.fixed_biases)
        current.next_loss = current.trained.loss_value(x, t)
    except ValueError as error:
        st.error(f"This network cannot be trained as set: {error}")
        st.stop()


def banners(current: Current) -> None:
    """Invalid edits, a divergence, or layers whose gradient is exactly 0."""
    step = current.step
    if current.errors:
        st.warning(INVALID_EDITS_TEXT)
    if step.diverged:
        widgets.divergence_banner(len(state["sbs.losses"]), step.divergence.message)
    elif stalled := stalled_layers(step):
        st.warning(stalled_text(stalled), icon=":material/block:")


def cannot_apply(current: Current) -> str | None:
    """Why the update cannot be applied (None: it can)."""
    if current.step.diverged:
        return "Training diverged: lower the learning rate or load other weights."
    if current.errors:
        return "Some edited cells are not valid: fix them first (see Edit the network)."
    return None


def phase_controls(current: Current) -> str:
    """The four phases, one at a time; Next after "update" applies it. Returns the phase shown."""
    apply_args = (current.trained.weights, current.trained.biases, current.step.loss)
    blocked = cannot_apply(current)
    back_col, slider_col, next_col = st.columns([1.2, 5, 1.2], vertical_alignment="center")
    back_col.button("◀ Back", on_click=move_phase, args=(-1,), width="stretch", help="The previous phase")
    phase = slider_col.select_slider("Phase", PHASES, key="sbs.phase", label_visibility="collapsed")
    if phase == PHASES[-1]:
        next_col.button(
            "Next ▶",
            on_click=apply_update,
            args=apply_args,
            disabled=blocked is not None,
            width="stretch",
            help=blocked or "Apply the update and start the next step's forward pass",
        )
    else:
        next_col.button("Next ▶", on_click=move_phase, args=(1,), width="stretch", help="The next phase")
    marked = (f"**{k + 1} {name}**" if name == phase else f"{k + 1} {name}" for k, name in enumerate(PHASES))
    st.caption(" → ".join(marked))
    st.markdown(PHASE_TEXT[phase])
    return phase


def explanation(current: Current, settings: Settings, phase: str, item_key: str, items: list) -> tuple:
    """The arithmetic of the selected neuron or weight at ``phase``, and what to notice; returns the item."""
    sizes, step, mazur = settings.sizes, current.step, settings.fixed_biases
    item = st.selectbox(
        "Explain the arithmetic of (or click the diagram)",
        items,
        format_func=lambda i: describe(i, sizes, mazur),
        key=item_key,
    )
    if item[0] == "weight":
        act = settings.output_activation if item[1] == len(sizes) - 2 else settings.activation
        lines = weight_equations(step, item[1], item[2], item[3], phase, act, settings.lr, mazur=mazur)
    else:
        act = settings.output_activation if item[1] == len(sizes) - 1 else settings.activation
        lines = neuron_equations(
            step, item[1], item[2], phase, act, settings.loss, settings.lr, mazur=mazur,
            fixed_biases=settings.fixed_biases,
        )  # fmt: skip
    exact = exact_values(step, item, phase, mazur=mazur)
    for line in lines:
        st.latex(line, help=exact)
    prompts = phase_prompts(step, phase, current.t, current.next_loss, mazur=mazur, fixed_biases=mazur)
    widgets.what_to_notice(prompts)
    return item


def diagram_and_arithmetic(current: Current, settings: Settings, phase: str) -> None:
    """The diagram (click a unit or an edge) beside the arithmetic of what is selected."""
    present = presenter.is_on()
    diagram_col, explain_col = st.columns([3, 2] if present else [1, 1])  # presenter: room for the values
    items = all_selectable(settings.sizes)
    item_key = f"sbs.item.{'-'.join(map(str, settings.sizes))}"  # one selection per architecture
    if item_key not in state:
        state[item_key] = ("neuron", len(settings.sizes) - 1, 0)
    with explain_col:
        item = explanation(current, settings, phase, item_key, items)
    with diagram_col:
        selection = Selection(item[0], tuple(item[1:]))
        mazur = settings.fixed_biases
        diagram = step_diagram(current.step, phase, selection=selection, mazur=mazur, show_values=present)
        diagram.layout.meta = {"clicks": state.get("sbs.clicks", 0)}  # a new figure after each click
        presenter.plotly_chart(
            diagram,
            key="sbs.diagram",
            width="stretch",
            on_select=functools.partial(select_clicked, "sbs.diagram", item_key, items),
            selection_mode="points",
            config=theme.plotly_config(select=True),
        )


def loss_buttons(current: Current, settings: Settings) -> None:
    """This step's loss, Apply the update, Run 10,000 steps, and what the last run reached."""
    step, blocked = current.step, cannot_apply(current)
    metric_col, apply_col, run_col = st.columns([2, 2, 2], vertical_alignment="center")
    digits = 9 if settings.fixed_biases else 6  # Mazur's mode: as many digits as his article
    metric_col.metric("Loss before this step", f"{step.loss:.{digits}g}")
    apply_col.button(
        "Apply the update", type="primary", on_click=apply_update,
        args=(current.trained.weights, current.trained.biases, step.loss), disabled=blocked is not None,
        width="stretch", icon=":material/skip_next:",
        help=blocked or "Add Δw and Δb to the weights and biases; start the next forward pass.",
    )  # fmt: skip
    run_col.button(
        f"Run {RUN_STEPS:,} steps", on_click=run_steps,
        args=(RUN_STEPS, settings.network, settings.fixed_biases),
        disabled=blocked is not None, width="stretch", icon=":material/fast_forward:",
        help=blocked or f"Train {RUN_STEPS:,} more steps on this sample and show where the loss gets to.",
    )  # fmt: skip
    if ran := state.pop("sbs.ran", None):
        done, asked = ran
        st.success(
            f"Ran {done:,} steps: the loss is now **{step.loss:.6g}**"
            + ("" if done == asked else f" (stopped: step {done + 1} diverged)")
            + "."
        )
    st.caption(MAZUR_TEXT if settings.fixed_biases else FULL_UPDATE_TEXT)


def loss_history(current: Current, settings: Settings) -> None:
    """The loss at every step so far (log scale past 50 steps) and the run's downloads."""
    losses = [*state["sbs.losses"], current.step.loss]
    presenter.plotly_chart(
        loss_curve(np.arange(len(losses)), np.array(losses), title="Loss at each step", height=220,
                   log_y=len(losses) > 50),
        key="sbs.losses_chart",
        width="stretch",
    )  # fmt: skip
    csv_col, json_col, _ = st.columns([1, 1, 2])
    run_settings = {**settings.network, "sizes": settings.sizes, "fixed_biases": settings.fixed_biases}
    csv_col.download_button(
        "Download the run (CSV)", run_table(losses).to_csv(index=False), file_name="step_by_step_run.csv",
        mime="text/csv", icon=":material/download:", help="The loss at every step.",
    )  # fmt: skip
    json_col.download_button(
        "Download the run (JSON)",
        json.dumps(run_record(losses, current.step, (current.x, current.t), run_settings), indent=1),
        file_name="step_by_step_run.json", mime="application/json", icon=":material/download:",
        help="The settings, the sample, the loss at every step and this step's numbers, layer by layer.",
    )  # fmt: skip


def main() -> None:
    st.title("Step by step")
    if not presenter.is_on():  # presenter mode: the room needs the diagram more than the subtitle
        st.caption(SUBTITLE)
    if "sbs.params" not in state:
        load_example()
    state.setdefault("sbs.width2", 2)
    settings = sidebar()
    current = current_network(settings.sizes)
    take_step(current, settings)
    banners(current)
    phase = phase_controls(current)
    diagram_and_arithmetic(current, settings, phase)
    loss_buttons(current, settings)
    loss_history(current, settings)
    tables(current, settings, phase)


main()
