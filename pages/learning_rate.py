"""Learning rate: gradient descent on a loss surface you can see, at several rates on one clock.

Storyboard: the surface of a model small enough to draw exactly (one neuron's (w, b), or two
weights of a 2-3-1 network), paths for several learning rates animated in the figure (Play,
Pause, step slider: every step is precomputed, nothing reruns on the server while it plays),
each labelled by what it did; the Hessian's lambda_max and the 2/lambda_max limit; the 1-D cut
with its tangent; the learning-rate range test; the optimizers on a valley and a saddle.
Settings are in the sidebar (keys ``lr.*``); ``learning_rate_state`` asks the engine.
"""

from __future__ import annotations

import streamlit as st

from engine import OPTIMIZERS
from pages import learning_rate_state as ls
from pages import presenter, widgets
from viz.curves import loss_per_step
from viz.surface import cut_figure, descent_figure, range_test_figure, surface_3d

state = st.session_state

scene = st.cache_data(max_entries=32, show_spinner=False)(ls.scene)
cut_view = st.cache_data(max_entries=32, show_spinner=False)(ls.cut_view)
range_test = st.cache_data(max_entries=16, show_spinner="Running the sweep…")(ls.range_test)
optimizer_scene = st.cache_data(max_entries=16, show_spinner=False)(ls.optimizer_scene)


def weight_pair() -> tuple[int, int]:
    """Two different weights of the network; the same one twice keeps the last valid pair."""
    names = range(len(ls.NETWORK_WEIGHTS))
    first = st.selectbox("First weight (x axis)", names, index=0, key="lr.w0", format_func=ls.weight_name)
    second = st.selectbox("Second weight (y axis)", names, index=6, key="lr.w1", format_func=ls.weight_name)
    if first == second:
        st.error("Pick two different weights; kept the last valid pair.")
        return state.get("lr.weights.last_valid", ls.LRSettings().weights)
    state["lr.weights.last_valid"] = (first, second)
    return first, second


def sidebar() -> ls.LRSettings:
    with st.sidebar:
        mode = st.radio("Model", tuple(ls.MODES), format_func=ls.MODES.get, key="lr.mode")
        activation, weights = "linear", ls.LRSettings().weights
        if mode == "neuron":
            activation = st.selectbox("Activation", tuple(ls.NEURON_ACTIVATIONS), key="lr.activation",
                                      help="linear + MSE is exactly quadratic in (w, b)")  # fmt: skip
            st.caption(f"y = {activation}(w·x + b) on 20 points, loss {ls.NEURON_ACTIVATIONS[activation]}")
        else:
            weights = weight_pair()
            st.caption("tanh hidden layer, sigmoid output, bce; the other weights stay as initialised")
        state.setdefault("lr.lr", ls.LRSettings().lr)
        lr = widgets.number_choice(
            "Learning rate η",
            ls.LEARNING_RATES,
            "lr.lr",
            minimum=ls.LR_BOUNDS[0],
            maximum=ls.LR_BOUNDS[1],
            help="Drawn with η/10 and the two rates around 2/λmax.",
        )
        n_steps = st.slider("Steps", *ls.STEPS_RANGE, 40, key="lr.steps")
        optimizer = st.selectbox("Optimizer", tuple(OPTIMIZERS), key="lr.optimizer",
                                 help="2/λmax is the limit of plain SGD")  # fmt: skip
        names = ("w", "b") if mode == "neuron" else (ls.weight_name(weights[0]), ls.weight_name(weights[1]))
        start = tuple(
            st.slider(f"Start {name}", *ls.START_RANGE, default, 0.1, key=f"lr.start{i}")
            for i, (name, default) in enumerate(zip(names, ls.LRSettings().start))
        )
    return ls.LRSettings(mode, activation, tuple(weights), float(lr), start, int(n_steps), optimizer)


def main_chart(settings: ls.LRSettings) -> ls.Scene:
    view = scene(settings)
    c = view.curvature
    left, right = st.columns([5, 2], vertical_alignment="top")
    with left:
        fig = descent_figure(view.grid, view.paths, view.legends, view.names, height=470)
        presenter.plotly_chart(fig, key="lr.surface")
        if st.toggle("Also in 3-D (drag to turn; not animated)", key="lr.3d"):
            fig3 = surface_3d(view.grid, view.paths, view.legends, view.names)
            presenter.plotly_chart(fig3, key="lr.surface3d")
    with right:
        st.metric("λmax of the Hessian at the start", f"{c.lambda_max:.4g}")
        st.metric("Largest stable SGD step 2/λmax", f"{c.stable_lr:.4g}" if c.lambda_max > 0 else "none")
        for path, label, source in zip(view.paths, view.labels, view.sources):
            st.markdown(f"**η = {path.lr:.3g}** ({source}) **{label.label}**: {label.reason}")
    return view


def cut_section(settings: ls.LRSettings, view: ls.Scene) -> None:
    st.subheader("The gradient is the slope")
    a, b = st.columns([1, 3])
    with a:
        mine = view.paths[view.sources.index("your η")]
        step = st.slider("At step of your η", 0, mine.n_steps, 0, key="lr.cut_step")
        axis = st.radio(
            "Along", (0, 1), format_func=lambda i: view.names[i], key="lr.cut_axis", horizontal=True
        )
        st.caption("Hold the other parameter fixed and look along one: the tangent's slope is the "
                   "gradient's entry, and the step moves η times that slope, downhill.")  # fmt: skip
    with b:
        cut = cut_view(settings, int(step), int(axis))
        presenter.plotly_chart(cut_figure(cut, view.names[axis]), key="lr.cut")


def limit_section(view: ls.Scene) -> None:
    c = view.curvature
    st.subheader("Why there is a limit: 2/λmax")
    a, b = st.columns([2, 3])
    with a:
        st.markdown(
            f"Near a point the loss is about a quadratic, $\\tfrac12 d^T H d$, with the Hessian "
            f"$H = \\begin{{pmatrix}}{c.H[0, 0]:.3g} & {c.H[0, 1]:.3g}\\\\ {c.H[1, 0]:.3g} & {c.H[1, 1]:.3g}"
            f"\\end{{pmatrix}}$ (eigenvalues {c.eigenvalues[0]:.3g} and {c.eigenvalues[1]:.3g}). "
            "One SGD step multiplies the distance to the minimum along the top eigenvector "
            "by $1 - \\eta\\lambda_{max}$: "
            "it shrinks only while $\\eta < 2/\\lambda_{max}$"
            + (f" = **{c.stable_lr:.3g}**. Just below it the path zig-zags and settles, just above "
               "it every zig-zag is longer than the last." if c.lambda_max > 0 else
               ". Here λmax ≤ 0: the surface curves down, there is no such limit at this point.")
        )  # fmt: skip
        st.caption("For a loss that is not quadratic, H changes as you move: the limit holds near the start.")
    with b:
        presenter.plotly_chart(loss_per_step(view.paths, view.legends), key="lr.losses")


def range_section() -> None:
    st.subheader("The learning-rate range test")
    a, b = st.columns([1, 3])
    with a:
        dataset = st.selectbox("Data set", ls.RANGE_DATASETS, key="lr.range.dataset")
        k = st.slider("Steps per rate (k)", 10, 200, 50, 10, key="lr.range.k")
        st.caption("A fresh 2-8-1 tanh network per rate, the same seed and batches, 25 rates from "
                   "1e-4 to 10, plain SGD. Pick from where the loss falls fastest to just before "
                   "its minimum: past it, training is on the edge of diverging.")  # fmt: skip
    with b:
        test = range_test(dataset, int(k))
        presenter.plotly_chart(range_test_figure(test), key="lr.range")


def optimizer_section() -> None:
    st.subheader("Optimizers on the same surface")
    a, b = st.columns([1, 3])
    with a:
        surface = st.radio("Surface", tuple(ls.OPTIMIZER_SURFACES), format_func=ls.OPTIMIZER_SURFACES.get,
                           key="lr.opt.surface")  # fmt: skip
        state.setdefault("lr.opt.lr", 0.03)
        lr = widgets.number_choice("Learning rate (all five)", ls.LEARNING_RATES, "lr.opt.lr",
                                   minimum=ls.LR_BOUNDS[0], maximum=ls.LR_BOUNDS[1])  # fmt: skip
        momentum = st.slider("Momentum μ", 0.0, 0.99, 0.9, 0.01, key="lr.opt.momentum")
        n_steps = st.slider("Steps", *ls.STEPS_RANGE, 80, key="lr.opt.steps")
        st.caption(
            f"Momentum and Nesterov μ = {momentum:g}, RMSprop α = 0.99, Adam β = (0.9, 0.999), as PyTorch. "
            "In the valley momentum builds speed along the floor; at the saddle plain SGD stalls where "
            "the gradient is ~0; Adam's step is about η in every direction."
        )
    with b:
        grid, names, paths, legends = optimizer_scene(surface, float(lr), int(n_steps), float(momentum))
        fig = descent_figure(grid, paths, legends, names)
        presenter.plotly_chart(fig, key="lr.optimizers")


QUESTIONS = (
    ("Before you press Play: which learning rate will overshoot the minimum?",
     "The ones at or above 2/λmax: 1.05·2/λmax jumps past the minimum further every step and "
     "diverges; 0.95·2/λmax overshoots too, but each jump is a little shorter, so it settles."),
    ("Halve λmax (a flatter surface): what happens to the largest stable step?",
     "It doubles: 2/λmax. Flat directions allow big steps, sharp ones force small ones; one η must "
     "suit the sharpest direction, which is why a badly conditioned valley makes plain SGD crawl."),
    ("At the saddle, which optimizer stays stuck the longest?",
     "Plain SGD: the gradient near the saddle point is almost zero, so its steps are too. Adam and "
     "RMSprop divide by the gradient's size and escape at once; momentum builds up speed."),
)  # fmt: skip


st.title("Learning rate")
st.caption("Too small crawls, too large overshoots: four learning rates descend one loss surface on one "
           "clock (press ▶ Play under the chart), each labelled by what it did.")  # fmt: skip
settings = sidebar()
view = main_chart(settings)
widgets.what_to_notice(QUESTIONS)
cut_section(settings, view)
limit_section(view)
range_section()
optimizer_section()
