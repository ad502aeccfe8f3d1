"""Image recognition: backpropagation on scikit-learn's 8x8 handwritten digits, live, and on one
image (a test image or one drawn here), all the way back to the pixels.

Training runs in the live view (``pages.live``, ``digits_view.js``, fed by ``digits_live.py``);
this script only changes the tab's live run when a widget changes, and, while paused, shows one
image's forward and backward pass and the gallery of mistakes (``viz.digits``). scikit-learn's
``MLPClassifier`` on the same split and sizes is the reference (``digits_state``, cached here).
"""

from __future__ import annotations

import streamlit as st

from engine import HIDDEN_ACTIVATIONS, INITS, OPTIMIZERS
from engine.saliency import explain, one_hot
from pages import digits_state as ds
from pages import widgets
from pages.digits_live import DigitsLive
from pages.drawing import drawing, pixels_of
from pages.live.component import digits_view
from pages.live.runs import LiveRun
from viz import digits as figs
from viz.theme import NEGATIVE_WORD, POSITIVE_WORD

state = st.session_state
WIDTHS = (4, 8, 16, 32, 64, 128)
BATCHES = (1, 8, 16, 32, 64, 128, 256, 1258)
RATES = (0.0001, 0.0003, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0)
QUESTIONS = (
    ("Before training the 32 weight images are noise (random init). Which pixels will keep that noise "
     "however long it trains?",
     "The ones that are blank in (nearly) every digit: the first and last columns. A weight's gradient "
     "is x · δ, and with x = 0 it is zero, so those weights never move from where they started, "
     "while the middle of each image gathers smooth strokes and blobs."),
    ("For one image, what does a unit's weight gradient look like next to the image itself?",
     "The same picture, scaled by one number, that unit's δ (and flipped in colour if δ < 0): "
     "dL/dW[0][:, j] = x · δ_j. Pixels with no ink get no gradient at all: an empty drawing "
     "changes no weight."),
    ("Which pixels does dL/dx light up for a misread digit?",
     "The strokes that would separate it from the wrong answer: ink added where dL/dx is "
     f"{NEGATIVE_WORD} (or removed where {POSITIVE_WORD}) lowers the loss. It is the same backward "
     "pass, one step further than the weights."),
    ("Which digits does it confuse most, and does scikit-learn's MLP do better?",
     "Usually 8 with 1, 3 with 8 or 9 with 5 (the confusion matrix's off-diagonal cells). With the "
     "same sizes both networks end within a point or two of each other: the math is the same."),
)  # fmt: skip


def session_id() -> str | None:
    ctx = st.runtime.scriptrunner.get_script_run_ctx()
    return ctx.session_id if ctx is not None else None


def run() -> LiveRun:
    if "dg.live" not in state:
        state["dg.config"] = ds.DEFAULTS
        state["dg.live"] = LiveRun(DigitsLive(ds.DEFAULTS, ds.build_trainer(ds.DEFAULTS)), session_id())
    return state["dg.live"]


@st.cache_data(show_spinner="scikit-learn's MLPClassifier is training on the same split…", max_entries=32)
def reference(config: ds.DigitsConfig) -> tuple[float, int, list[str]]:
    return ds.reference_accuracy(config)


def sidebar_settings(applied: ds.DigitsConfig) -> ds.DigitsConfig:
    """The settings widgets (their state starts from ``applied``), read into a config."""
    starts = {
        "dg.layers": len(applied.hidden),
        "dg.w1": applied.hidden[0],
        "dg.w2": applied.hidden[-1],
        "dg.act": applied.activation,
        "dg.init": applied.init,
        "dg.opt": applied.optimizer,
        "dg.lr": applied.lr,
        "dg.batch": applied.batch_size,
        "dg.seed": applied.seed,
    }
    for key, value in starts.items():
        state.setdefault(key, value)
    with st.sidebar:
        st.subheader("Network 64 → hidden → 10")
        layers = st.radio("Hidden layers", (1, 2), key="dg.layers", horizontal=True)
        widths = [st.select_slider("Hidden units, layer 1", WIDTHS, key="dg.w1")]
        if layers == 2:
            widths.append(st.select_slider("Hidden units, layer 2", WIDTHS, key="dg.w2"))
        activation = st.selectbox(
            "Activation", HIDDEN_ACTIVATIONS, key="dg.act", help=widgets.ACTIVATION_HELP
        )
        init = st.selectbox("Initialization", INITS, key="dg.init", help=widgets.INIT_HELP)
        seed = widgets.seed_input("dg.seed")
        st.subheader("Training (applies at the next step)")
        optimizer = st.selectbox("Optimizer", tuple(OPTIMIZERS), key="dg.opt")
        lr = widgets.number_choice(
            "Learning rate η", RATES, "dg.lr", minimum=ds.LR_RANGE[0], maximum=ds.LR_RANGE[1]
        )
        batch = st.select_slider("Batch size", BATCHES, key="dg.batch", help="1258: all training images")
    return ds.DigitsConfig(tuple(widths), activation, init, optimizer, float(lr), int(batch), int(seed))


def apply_settings(applied: ds.DigitsConfig, config: ds.DigitsConfig) -> ds.DigitsConfig:
    """A new architecture, activation, init or seed rebuilds from step 0; the rest is live."""
    config, problems = ds.validate(config)
    for problem in problems:
        st.warning(problem)
    live = run()
    if ds.needs_rebuild(applied, config):
        try:
            trainer = ds.build_trainer(config)
        except ValueError as error:
            st.error(f"These settings cannot be trained: {error}. Keeping the previous network.")
            return applied
        live.playing = False
        with live.lock:
            live.model.rebuild(config, trainer)
        st.toast("New network: back to step 0.")
    elif config != applied:
        with live.lock:
            words = live.model.apply(applied, config)
        if words:
            st.toast(f"Changed the {', '.join(words)}: applies from the next step.")
    live.changed()
    return config


def reset() -> None:
    live = run()
    live.playing = False
    with live.lock:
        live.model.reset()
    live.changed()


def scores(config: ds.DigitsConfig) -> None:
    """Our test accuracy next to scikit-learn's on the same split and sizes."""
    live = run()
    with live.lock:
        ours, step = (live.model.trainer.last_metrics or {}).get("test_accuracy"), live.model.trainer.step
    accuracy, epochs, notes = reference(config)
    cols = st.columns([1, 1, 0.6], vertical_alignment="bottom")
    cols[0].metric("Test accuracy", "–" if ours is None else f"{ours:.1%}", help=f"Ours, at step {step}")
    cols[1].metric(
        "scikit-learn MLPClassifier", f"{accuracy:.1%}", help=f"Same split and sizes, {epochs} epochs"
    )
    cols[2].button("Reset", icon=":material/restart_alt:", on_click=reset, key="dg.reset", width="stretch")
    if notes:
        st.caption("Reference: " + "; ".join(notes) + ".")


def drawn_image():
    """The drawing as ``(x (64,), note)``, or ``(None, message)``."""
    value = state.get("dg.pixels")
    if value is None:
        return None, "Draw a digit in the pad (press, drag, release)."
    x, problem = ds.check_drawing(value)
    return (None, problem) if x is None else (x, ds.drawing_note(x))


def keep_drawing() -> None:
    state["dg.pixels"] = pixels_of("dg.draw")


def pick_image(network):
    """A test image or the learner's drawing, with the digit the loss compares against (for a
    first drawing, the network's answer until the learner says otherwise)."""
    state.setdefault("dg.source", "A test image")
    source = st.segmented_control("Image", ("A test image", "Draw your own"), key="dg.source", required=True)
    if source == "A test image":
        index = widgets.int_input("Test image number", 0, ds.dataset().n_test - 1, "dg.index", 0)
        x, label = ds.test_image(index)
        return x, label, None
    drawing("dg.draw", keep_drawing)
    x, note = drawn_image()
    if x is not None and "dg.target" not in state:
        state["dg.target"] = int(network.predict(x[None, :])[0].argmax())
    label = st.selectbox("The digit you meant (the target of the loss)", range(10), key="dg.target")
    return x, int(label), note


def one_image() -> None:
    """Forward and backward for one image through the network as it is now."""
    st.subheader("Backprop on one image")
    live = run()
    with live.lock:
        network = live.model.trainer.network.copy()
    x, label, note = pick_image(network)
    if note:
        (st.info if x is not None else st.warning)(note)
    if x is None:
        return
    result = explain(network, x, one_hot(label, 10))
    cols = st.columns([0.8, 1.2, 0.9])
    cols[0].plotly_chart(figs.image_figure(x, f"Input (target {label})"), key="dg.input_fig")
    cols[1].plotly_chart(figs.probabilities_figure(result.probabilities, label), key="dg.prob_fig")
    cols[2].plotly_chart(figs.input_gradient_figure(result.input_grad), key="dg.dx_fig")
    st.caption(
        f"Loss −log p({label}) = {result.loss:.3f}. {NEGATIVE_WORD.capitalize()} in dL/dx: more ink "
        "there would lower the loss."
    )
    units = figs.top_units(result.delta0, 8)
    st.plotly_chart(figs.weight_gradient_figure(x, result.delta0, units), key="dg.gradw_fig")
    st.caption("The 8 hidden units with the largest |δ| for this image. Under gradient descent each unit's "
               "weights move by −η × this picture (averaged over the batch).")  # fmt: skip


def mistakes() -> None:
    live = run()
    with live.lock:
        network = live.model.trainer.network.copy()
    images, truth, guesses = ds.gallery(network)
    st.plotly_chart(figs.mistakes_figure(images, truth, guesses), key="dg.mistakes_fig")


def main() -> None:
    st.title("Image recognition")
    st.caption(
        "Backpropagation doing the job it is famous for: 1,797 handwritten digits of 8×8 pixels, 1,258 "
        "to train on and 539 to test; then one image (yours, if you like) traced back to its pixels."
    )
    live = run()
    applied = state["dg.config"]
    view_box = st.container()
    config = apply_settings(applied, sidebar_settings(applied))
    state["dg.config"] = config
    with view_box:
        digits_view(live, {}, key="dg.view")
    scores(config)
    if live.playing:
        st.info("Pause to trace one image through the network as it is now, and to see its mistakes.")
    else:
        one_image()
        mistakes()
    widgets.what_to_notice(QUESTIONS)


main()
