"""The Playground's sidebar: the settings widgets in three sections (Data, Network, Training),
the TF Playground switch and link, the CSV upload, the model file and the share links, and the
controls a lesson link hides. ``sidebar_settings`` draws them and returns the
``PlaygroundConfig`` they describe (not yet validated: ``playground_validate.validate``).

Each widget's key is its setting's (``playground_settings.SETTINGS``); its value in
``st.session_state`` is set from a config by ``playground_session.widget_values``.
"""

from __future__ import annotations

from functools import partial
from urllib.parse import urlencode

import streamlit as st

from engine import HIDDEN_ACTIVATIONS, INITS, OPTIMIZERS
from engine.data import (
    CLASSES_RANGE,
    CLASSIFICATION_SETS,
    FEATURES,
    MULTICLASS_SETS,
    REGRESSION_SETS,
)
from pages import playground_text as text
from pages import widgets
from pages.playground_session import (
    csv_uploaded,
    live_run,
    load_model_file,
    model_file_bytes,
    open_tf_link,
    problem_changed,
    regenerate_data,
    show_hidden_controls,
)
from pages.playground_settings import (
    BATCH_RANGE,
    CLIP_RANGE,
    DEFAULTS,
    DROPOUT_RANGE,
    HIDABLE,
    INIT_SCALE_RANGE,
    MAX_HIDDEN_LAYERS,
    MAX_UNITS_PER_LAYER,
    N_POINTS_RANGE,
    NOISE_PERCENT_RANGE,
    PROBLEMS,
    RATIO_RANGE,
    REG_RATE_RANGE,
    REGRESSION_LOSSES,
    REGULARIZATION_RATES,
    REGULARIZATIONS,
    SCHEDULE_STEPS_RANGE,
    SCHEDULE_TEXT,
    SEED_RANGE,
    SPEEDS,
    STOP_LOSS_RANGE,
    STOP_STEPS_RANGE,
    UPLOAD,
    PlaygroundConfig,
)
from pages.playground_tf import tf_gaps, to_tf_hash
from pages.playground_url import to_query
from pages.widgets import plain

state = st.session_state


def tf_controls() -> bool:
    """The TF Playground compatible switch and Open a TF Playground link; returns the switch."""
    tf = st.toggle("TF Playground compatible", key="pg.tf", help=text.TF_HELP)
    with st.expander("Open a TF Playground link", icon=":material/open_in_new:", key="pg.tflink"):
        st.text_input(
            "TF Playground address", key="pg.tflink_text", placeholder="playground.tensorflow.org/#…",
            help=text.TF_LINK_HELP,
        )  # fmt: skip
        st.button("Open", on_click=open_tf_link, key="pg.tflink_button", icon=":material/link:")
    return bool(tf)


def csv_box() -> None:
    with st.expander("Upload a CSV", icon=":material/upload_file:", key="pg.csv_box"):
        st.file_uploader(
            "Two feature columns and a label or target", type=["csv", "txt"], key="pg.csv_upload",
            on_change=csv_uploaded, help=text.CSV_HELP,
        )  # fmt: skip
        if "pg.csv_name" in state:
            st.caption(f"Uploaded: {plain(state['pg.csv_name'])} (data set 'csv (uploaded)').")
        if "pg.csv_error" in state:
            st.error(state.pop("pg.csv_error"))


def data_settings() -> dict:
    """The Data section: problem, data set (a multi-class set's classes, an uploaded CSV), features,
    noise, ratio, points and seed, as ``PlaygroundConfig`` fields (``features`` may be empty)."""
    st.subheader("Data")
    problem = st.radio("Problem type", PROBLEMS, key="pg.problem", horizontal=True, on_change=problem_changed)
    sets = (*CLASSIFICATION_SETS, *MULTICLASS_SETS) if problem == "classification" else REGRESSION_SETS
    table = state.get("pg.csv")
    if table is not None and table.task == problem:
        sets = (*sets, UPLOAD)
    dataset = st.selectbox(
        "Data set",
        sets,
        key=f"pg.data.{problem}",
        format_func=lambda d: "csv (uploaded)" if d == UPLOAD else d,
    )
    n_classes = DEFAULTS.n_classes
    if dataset in MULTICLASS_SETS:
        n_classes = st.number_input(
            "Number of classes", *CLASSES_RANGE, key="pg.classes", help=text.CLASSES_HELP
        )  # fmt: skip
    csv_box()
    features = st.pills("Input features", FEATURES, selection_mode="multi", key="pg.features")
    noise = st.slider("Noise (%)", *NOISE_PERCENT_RANGE, key="pg.noise", disabled=dataset == UPLOAD)
    ratio = st.slider("Training data (%)", *RATIO_RANGE, key="pg.ratio")
    n_points = st.number_input(
        "Number of points", *N_POINTS_RANGE, step=50, key="pg.points", disabled=dataset == UPLOAD
    )
    data_seed = st.number_input("Data seed", *SEED_RANGE, key="pg.dseed")
    st.button(
        "Regenerate data", icon=":material/refresh:", on_click=regenerate_data,
        help="New points: the next data seed", key="pg.regenerate_button",
    )  # fmt: skip
    csv_task = problem if dataset == UPLOAD else DEFAULTS.csv_task
    return dict(
        dataset=dataset, n_classes=int(n_classes), csv_task=csv_task, features=tuple(features),
        noise=int(noise), train_ratio=int(ratio), n_points=int(n_points), data_seed=int(data_seed),
    )  # fmt: skip


def network_settings(tf: bool) -> dict:
    """The Network section: hidden layers, activations, initialization and seed."""
    st.subheader("Network")
    n_layers = st.number_input("Hidden layers", 0, MAX_HIDDEN_LAYERS, key="pg.layers")
    width_cols = st.container(key="pg.widths").columns(4)
    hidden = tuple(
        int(width_cols[l % 4].number_input(f"Layer {l + 1}", 1, MAX_UNITS_PER_LAYER, key=f"pg.width{l + 1}"))
        for l in range(int(n_layers))
    )
    activation = st.selectbox("Activation", HIDDEN_ACTIVATIONS, key="pg.act", help=widgets.ACTIVATION_HELP)
    per_layer = st.toggle("Activation per layer", key="pg.per_layer", disabled=not hidden)
    layer_activations: tuple[str, ...] = ()
    if per_layer and hidden:
        acts = st.container(key="pg.acts")
        layer_activations = tuple(
            acts.selectbox(f"Activation of layer {l + 1}", HIDDEN_ACTIVATIONS, key=f"pg.act{l + 1}")
            for l in range(len(hidden))
        )
    tf_note = text.TF_INIT_NOTE if tf else ""
    init = st.selectbox("Initialization", INITS, key="pg.init", help=widgets.INIT_HELP + tf_note)
    init_scale = st.number_input(
        "Init scale" if init in ("normal", "uniform") else "Init gain", *INIT_SCALE_RANGE, step=0.1,
        format="%g", key="pg.iscale", disabled=init == "zeros" or tf,
    )  # fmt: skip
    seed = st.number_input("Seed (weights and batches)", *SEED_RANGE, key="pg.seed")
    return dict(
        hidden=hidden, activation=activation, layer_activations=layer_activations, init=init,
        init_scale=float(init_scale), seed=int(seed),
    )  # fmt: skip


def training_settings(tf: bool, problem: str):
    """The Training section's usual settings, and the batch note's slot."""
    st.subheader("Training")
    lr = widgets.playground_learning_rate("pg.lr")
    optimizer = st.selectbox(
        "Optimizer (TF compatible: sgd)" if tf else "Optimizer", tuple(OPTIMIZERS), key="pg.opt", disabled=tf,
        help=text.TF_OPTIMIZER_HELP if tf else None,
    )  # fmt: skip
    batch_size = st.number_input("Batch size", *BATCH_RANGE, key="pg.batch", help=text.BATCH_HELP)
    batch_note = st.container(key="pg.batch_note").empty()
    reg_col, rate_col = st.columns(2)
    regularization = reg_col.selectbox(
        "Regularization", REGULARIZATIONS, key="pg.reg", format_func=text.REG_TEXT.get
    )
    with rate_col:
        reg_rate = widgets.number_choice(
            "Regularization rate", REGULARIZATION_RATES, "pg.rrate", minimum=REG_RATE_RANGE[0],
            maximum=REG_RATE_RANGE[1],
        )  # fmt: skip
    values = dict(lr=lr, optimizer=optimizer, batch_size=int(batch_size), regularization=regularization,
                  reg_rate=reg_rate, **extra_training_settings())  # fmt: skip
    speed_control()
    clip_norm = st.number_input(
        "Clip gradient norm (0 = off)", *CLIP_RANGE, step=0.5, format="%g", key="pg.clip"
    )
    regression_loss = st.selectbox(
        "Loss (TF compatible: ½(o − t)²)" if tf else "Loss", REGRESSION_LOSSES, key="pg.loss",
        disabled=problem == "classification" or tf, help=text.LOSS_HELP,
    )  # fmt: skip
    return {**values, "clip_norm": float(clip_norm), "regression_loss": regression_loss}, batch_note


def extra_training_settings() -> dict:
    """What TF Playground's users asked for: dropout, a learning-rate schedule, a stop condition."""
    dropout = st.number_input(
        "Dropout rate (hidden layers)", *DROPOUT_RANGE, step=0.05, format="%g", key="pg.drop",
        help=text.DROPOUT_HELP,
    )  # fmt: skip
    sched_col, steps_col = st.columns([3, 2])
    schedule = sched_col.selectbox(
        "η schedule", tuple(SCHEDULE_TEXT), key="pg.sched", format_func=SCHEDULE_TEXT.get,
        help=text.SCHEDULE_HELP,
    )  # fmt: skip
    schedule_steps = steps_col.number_input(
        "N steps", *SCHEDULE_STEPS_RANGE, key="pg.ssteps", disabled=schedule == "constant"
    )
    stop_col, at_col = st.columns(2)
    stop_loss = stop_col.number_input(
        "Stop at test loss", *STOP_LOSS_RANGE, step=0.01, format="%g", key="pg.stoploss",
        help=text.STOP_LOSS_HELP,
    )  # fmt: skip
    stop_steps = at_col.number_input(
        "Stop at step", *STOP_STEPS_RANGE, step=100, key="pg.stopat", help="0 = off. Exact."
    )
    return dict(
        dropout=float(dropout), schedule=schedule, schedule_steps=int(schedule_steps),
        stop_loss=float(stop_loss), stop_steps=int(stop_steps),
    )  # fmt: skip


def sidebar_settings(applied: PlaygroundConfig):
    """The sidebar's widgets; returns the settings they describe, whether any input feature is
    chosen, and the batch note's slot."""
    with st.sidebar:
        tf = tf_controls()
        data = data_settings()
        network = network_settings(tf)
        training, batch_note = training_settings(tf, state["pg.problem"])
    chosen = bool(data["features"])
    data["features"] = data["features"] or applied.features
    config = PlaygroundConfig(
        **data, **network, **training, tf_compatible=tf,
        speed=int(state["pg.speed"]), show_test=bool(state["pg.test"]), discretize=bool(state["pg.disc"]),
        view=state["pg.view"], node_colour=state["pg.nodes"], log_widths=bool(state["pg.logw"]),
        hidden_controls=tuple(state.get("pg.hidden_controls", applied.hidden_controls)),
    )  # fmt: skip
    return config, chosen, batch_note


def speed_control() -> None:
    st.select_slider(
        "Speed (epochs/s)",
        SPEEDS,
        key="pg.speed",
        format_func=lambda v: "max" if v == 0 else str(v),
        help=text.SPEED_HELP,
    )


def hide_controls(hidden: tuple[str, ...]) -> None:
    """A lesson link's hidden controls: display:none on their widgets (as TF's ``*_hide``)."""
    keys = [key for name in hidden for key in HIDABLE[name].widgets]
    if keys:
        selectors = ", ".join(".st-key-" + key.replace(".", "-") for key in keys)
        st.html(f"<style>{selectors} {{ display: none !important; }}</style>")


def model_file_expander() -> None:
    """Download the trained network with its settings, or upload one to continue from it."""
    with st.sidebar, st.expander("Save or load the trained network", icon=":material/save:", key="pg.model"):
        st.download_button(
            "Download the trained network", data=partial(model_file_bytes, live_run()),
            file_name="playground-network.json", mime="application/json", on_click="ignore",
            icon=":material/download:", key="pg.model_download", help=text.MODEL_DOWNLOAD_HELP,
        )  # fmt: skip
        st.file_uploader(
            "Upload a trained network", type=["json"], key="pg.model_upload", on_change=load_model_file,
            help=text.MODEL_UPLOAD_HELP,
        )  # fmt: skip
        if "pg.model_error" in state:
            st.error(state.pop("pg.model_error"))


def share_expander(config: PlaygroundConfig) -> None:
    """The sidebar's links: ours, TF Playground's, and the controls a lesson link hides."""
    with st.sidebar, st.expander("Share these settings", icon=":material/link:", key="pg.share"):
        st.caption(
            "This link rebuilds the same data and initial weights. Copy it with the button on its right."
        )
        st.code(f"{st.context.url or ''}?{urlencode(to_query(config))}", language=None, wrap_lines=True)
        st.caption("The same settings as a TF Playground link:")
        st.code(f"https://playground.tensorflow.org/#{to_tf_hash(config)}", language=None, wrap_lines=True)
        gaps = tf_gaps(config)
        if gaps:
            st.caption("TF Playground cannot show: " + ", ".join(gaps) + ".")
        st.caption(
            "A lesson link hides controls with hide=…, a comma-separated list of: " + ", ".join(HIDABLE) + "."
        )
        if config.hidden_controls:
            st.caption("Hidden now: " + ", ".join(HIDABLE[c].words for c in config.hidden_controls) + ".")
            st.button("Show every control", on_click=show_hidden_controls, key="pg.unhide_button")
