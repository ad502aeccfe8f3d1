"""Activations & losses: what f and f' do to a gradient, and why the loss at the output matters.

Storyboard: every activation of the engine with their derivatives (flat zones shaded, maxima labelled);
what a fresh layer sees for an init and a width (pre-activations, f', saturation, dead units,
the product of derivatives over depth); ReLUs dying live under a high learning rate; MSE
against cross-entropy at a sigmoid / softmax output, then the same network trained with each
on one clock. Everything is computed by ``engine.activation_stats`` / ``engine.loss_compare``;
the runs are precomputed and animate in the figure (Play / Pause / step slider). Keys ``act.*``.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from engine import activation_stats as A
from engine import loss_compare as C
from pages import presenter, widgets
from viz.activation_curves import (
    activation_grid,
    dead_units_figure,
    derivative_product,
    layer_histograms,
    loss_gradients,
    side_by_side,
)

LEARNING_RATES = (0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
LR_BOUNDS = (1e-6, 100.0)
LOGITS = np.linspace(-10.0, 10.0, 201)
state = st.session_state

table = st.cache_data(max_entries=1, show_spinner=False)(A.activation_table)
layer_view = st.cache_data(max_entries=32, show_spinner=False)(A.layer_at_init)
dead_run = st.cache_data(max_entries=16, show_spinner="Training…")(A.dead_units_run)
loss_runs = st.cache_data(max_entries=16, show_spinner="Training both…")(C.train_side_by_side)
output_gradients = st.cache_data(max_entries=8, show_spinner=False)(C.output_gradients)


def learning_rate(key: str, default: float, label: str = "Learning rate η") -> float:
    state.setdefault(key, default)
    return widgets.number_choice(label, LEARNING_RATES, key, minimum=LR_BOUNDS[0], maximum=LR_BOUNDS[1])


def layer_section() -> None:
    st.subheader("What a layer sees at initialization")
    a, b = st.columns([1, 3])
    with a:
        activation = widgets.activation_select("act.layer.activation", default="sigmoid")
        init, scale = widgets.init_select("act.layer.init", "xavier_uniform")
        width = st.slider("Width", 2, 256, 64, key="act.layer.width")
        depth = st.slider("Depth", 1, 30, 10, key="act.layer.depth")
        layer = st.slider("Layer shown", 1, int(depth), 1, key="act.layer.shown") if depth > 1 else 1
    view = layer_view(activation, init, int(width), int(depth), float(scale))
    with b:
        k = int(layer) - 1
        cols = st.columns(4)
        cols[0].metric("flat (saturated)", f"{view.saturated[k]:.0%}", help="f′ below a tenth of its maximum")
        cols[1].metric("f′ = 0 (inactive)", f"{view.dead[k]:.0%}")
        cols[2].metric("dead units", f"{view.dead_units[k]:.0%}", help="f′ = 0 for every one of 256 inputs")
        cols[3].metric(f"∏ E|f′| to layer {depth}", f"{view.derivative_product[-1]:.2g}")
        left, right = st.columns([3, 2])
        presenter.plotly_chart(layer_histograms(view, k), left, key="act.layer.hist")
        presenter.plotly_chart(derivative_product(view), right, key="act.layer.product")
        st.markdown(
            "Why a deep sigmoid stack stops learning, and what fixes it: "
            "[Vanishing & exploding](vanishing) trains one."
        )


def dead_section() -> None:
    st.subheader("Dead ReLUs, live")
    a, b = st.columns([1, 3])
    with a:
        lr = learning_rate("act.dead.lr", 1.0)
        n_steps = st.slider("Steps", 10, 200, 100, 10, key="act.dead.steps")
        activation = st.selectbox(
            "Activation", ("relu", "leaky_relu", "elu", "gelu"), key="act.dead.activation"
        )
        st.caption(
            "A 2-16-16-1 network (He init, SGD, batch 10) on the circle data. A unit that outputs 0 for "
            "every input gets no gradient: nothing brings it back. Leaky ReLU and ELU cannot die."
        )
    with b:
        run = dead_run(float(lr), int(n_steps), activation=activation)
        if run.diverged_at is not None:
            st.warning(f"Training diverged at step {run.diverged_at + 1}; shown up to there.")
        presenter.plotly_chart(dead_units_figure(run), key="act.dead")


def loss_section() -> None:
    st.subheader("Losses: MSE against cross-entropy")
    a, b = st.columns([1, 3])
    with a:
        target = st.radio("Target of the sigmoid output", (1.0, 0.0), key="act.loss.target", horizontal=True)
        st.caption(
            "With MSE, dL/dz = 2(y − t)·σ′(z): σ′ vanishes when the output is confidently wrong, so "
            "the gradient does too. Cross-entropy's dL/dz = y − t stays near ±1 there."
        )
    with b:
        sig, soft = output_gradients("sigmoid", LOGITS, float(target)), output_gradients("softmax", LOGITS)
        presenter.plotly_chart(loss_gradients(LOGITS, sig, soft, float(target)), key="act.loss")
    a, b = st.columns([1, 3])
    with a:
        gain = st.slider(
            "Init gain",
            0.5,
            8.0,
            5.0,
            0.5,
            key="act.train.gain",
            help="Large weights saturate the output from the start: confidently wrong",
        )
        lr = learning_rate("act.train.lr", 0.3)
        n_steps = st.slider("Steps", 20, 300, 200, 20, key="act.train.steps")
        st.caption(
            "2-4-1 tanh network, sigmoid output, gaussian data; the same init, seed and batches "
            "for both losses."
        )
    with b:
        runs = loss_runs(("mse", "bce"), lr=float(lr), n_steps=int(n_steps), init_scale=float(gain))
        presenter.plotly_chart(side_by_side(runs), key="act.train")


QUESTIONS = (
    (
        "Stack ten sigmoid layers: by how much at least do the activations alone shrink the gradient?",
        "By 0.25¹⁰ ≈ 10⁻⁶ at least: sigmoid′ is never above 0.25, and at initialization its mean is "
        "nearer 0.2. tanh′ reaches 1 and ReLU′ is exactly 1 where active, which is why they train deeper.",
    ),
    (
        "Raise the dead-ReLU learning rate from 0.1 to 3: what happens to the count?",
        "It jumps. One big step can push a unit's bias so far negative that it outputs 0 for every "
        "input; then its gradient is 0 and no later step can revive it. Leaky ReLU keeps a 0.01 slope.",
    ),
    (
        "At z = −10 with target 1, which loss sends back the larger gradient?",
        "Cross-entropy: dL/dz = σ(−10) − 1 ≈ −1. MSE's is 2(y − 1)·y(1 − y) ≈ −9·10⁻⁵: the network is "
        "confidently wrong and MSE barely notices.",
    ),
)


st.title("Activations & losses")
st.caption(
    "Each activation f (black) with its derivative f′ (dashed): where f′ is small (shaded) the chain "
    "rule passes little gradient back; where it is 0 (dark), none."
)
presenter.plotly_chart(activation_grid(table()), key="act.grid")
widgets.what_to_notice(QUESTIONS)
layer_section()
dead_section()
loss_section()
