"""Playground: train a small network on 2-D data live, as in TensorFlow Playground, and see
what Playground never shows: the gradient and the update on every edge, the gradient norm
of every layer over time, and a replay of any recorded step.

Settings live in the sidebar (and in the URL, so a link reproduces data and initial
weights). Training runs in the live view (``pages.live``): a component mounted once, fed
frames over the app's own websocket, with Play, Pause and Step; this script only changes the
tab's live run when a widget changes, and shows replay and the detailed (Plotly) charts while
paused.
"""

from __future__ import annotations

import secrets
from functools import partial
from urllib.parse import urlencode

import streamlit as st

from engine import HIDDEN_ACTIVATIONS, INITS, OPTIMIZERS
from engine.boundary import boundary_grid, evaluate_boundary
from engine.data import (
    CLASSES_RANGE,
    CLASSIFICATION_SETS,
    FEATURES,
    MULTICLASS_SETS,
    REGRESSION_SETS,
    DataError,
    plane_from_csv,
    read_csv_table,
)
from pages import widgets
from pages.live.component import live_view
from pages.live.runs import LiveRun
from pages.playground_build import (
    build_trainer,
    live_steps,
    replay_options,
    view_of,
)
from pages.playground_file import ModelFileError, export_model, import_model
from pages.playground_live import PlaygroundLive
from pages.playground_settings import (
    BATCH_RANGE,
    CLIP_RANGE,
    DEFAULTS,
    DROPOUT_RANGE,
    HIDABLE,
    INIT_SCALE_RANGE,
    MAX_HIDDEN_LAYERS,
    MAX_WIDTH,
    N_POINTS_RANGE,
    NOISE_RANGE,
    POINTS_BY_PROBLEM,
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
    VIEWS,
    VISIT_SEEDS,
    PlaygroundConfig,
)
from pages.playground_tf import from_tf_link, tf_gaps, to_tf_hash
from pages.playground_url import (
    APP_WIDE_KEYS,
    from_query,
    to_query,
)
from pages.playground_validate import (
    reset_note,
    validate,
)
from pages.widgets import plain
from viz.boundary_figures import boundary_figure, class_boundary_figure
from viz.confusion import confusion_counts, confusion_figure
from viz.curves import gradient_norm_figure, layer_colours, metric_figure
from viz.frames import point_values
from viz.playground_diagram import (
    NODE_LABELS,
    VIEW_LABELS,
    WEIGHT_SCALE,
    diagram_values,
    playground_diagram,
    unit_names,
)

VIEW_TEXT = {"weights": "weights", "gradients": "gradients", "update": "update"}  # short: narrow columns
NODE_TEXT = {"activation": "activation", "delta": "delta δ"}
NODE_SYMBOL = {"activation": "a", "delta": "δ"}
REG_TEXT = {"none": "none", "l1": "L1", "l2": "L2"}
# The widgets (keys; Streamlit gives each element the CSS class st-key-<key, '.' -> '-'>) a lesson
# link's hide=... hides, per HIDABLE name; play and step are the live view's (its options).
HIDE_KEYS = {
    "problem": ("pg.problem",),
    "data": ("pg.data.classification", "pg.data.regression", "pg.csv_box", "pg.classes"),
    "features": ("pg.features",),
    "noise": ("pg.noise",),
    "ratio": ("pg.ratio",),
    "points": ("pg.points",),
    "dseed": ("pg.dseed", "pg.regenerate_button"),
    "hidden": ("pg.layers", "pg.widths"),
    "act": ("pg.act", "pg.per_layer", "pg.acts"),
    "init": ("pg.init", "pg.iscale"),
    "seed": ("pg.seed",),
    "lr": ("pg.lr",),
    "opt": ("pg.opt",),
    "batch": ("pg.batch", "pg.batch_note"),
    "reg": ("pg.reg",),
    "rrate": ("pg.rrate",),
    "speed": ("pg.speed",),
    "clip": ("pg.clip",),
    "loss": ("pg.loss",),
    "tf": ("pg.tf",),
    "sched": ("pg.sched", "pg.ssteps"),
    "stop": ("pg.stoploss", "pg.stopat"),
    "drop": ("pg.drop",),
    "tflink": ("pg.tflink",),
    "play": (),
    "step": (),
    "reset": ("pg.reset_button",),
    "view": ("pg.view",),
    "nodes": ("pg.nodes",),
    "logw": ("pg.logw",),
    "test": ("pg.test",),
    "disc": ("pg.disc",),
    "replay": ("pg.replay", "pg.resume_button"),
    "details": ("pg.details",),
    "text": ("pg.text",),
    "share": ("pg.share",),
    "model": ("pg.model",),
}
TF_HELP = (
    "Behave as TensorFlow Playground where the two differ: a tanh output with targets −1/+1 and TF's "
    "loss ½(o − t)² (ours: sigmoid + cross-entropy, 0/1); weights from uniform(−0.5, 0.5) (ours: the "
    "chosen init); SGD with TF's L1 rule (a weight the penalty pushes across 0 is set to 0 and frozen); "
    "TF's plane data (x1 + x2)/10 unclipped; Step = one epoch; Reset draws new weights. "
    "See 'TF Playground and this page' below the view for every difference."
)
TF_DIFFERENCES = (  # (what, TF Playground, this page by default, the TF compatible switch)
    (
        "what TF's users asked for",
        "not there",
        "upload a CSV; 3 to 6 classes; save and load the trained network; learning-rate schedules; "
        "dropout; swish, mish, GELU and more activations; a stop condition; a confusion matrix",
        "all of them (TF has none)",
    ),
    (
        "output, loss (classification)",
        "tanh, ½(o − t)², targets −1/+1 (0.5 at the start, 0.00x solved)",
        "sigmoid, cross-entropy, targets 0/1 (0.693 at chance)",
        "as TF",
    ),
    (
        "loss (regression)",
        "½(o − t)² (our `sse`)",
        "`mse` = (o − t)²: twice TF's value and gradient",
        "`sse`, as TF",
    ),
    ("plane data", "(x1 + x2)/10, not clipped", "(x1 + x2)/12, clipped to ±1", "as TF"),
    ("multi-gaussian data", "yes", "yes (`multi_gaussian`)", "yes"),
    ("points", "500 (classification), 1,200 (regression)", "the same by default, 20 to 2,000", "the same"),
    (
        "data seed",
        "random per visit, in the URL",
        "random per visit, in the URL (`dseed`)",
        "the same; our generator is NumPy's, so the same seed gives other points than TF's",
    ),
    (
        "initial weights",
        "uniform(−0.5, 0.5), biases 0.1",
        "the chosen init (Xavier by default), biases 0.1",
        "uniform(−0.5, 0.5)",
    ),
    (
        "Reset",
        "new random weights",
        "the same initial weights (a run can be repeated)",
        "new weights (the next seed)",
    ),
    ("Step button", "one epoch", "one mini-batch step", "the rest of the current epoch"),
    (
        "batches",
        "the points in one fixed order; a partial batch carries over to the next epoch",
        "reshuffled every epoch (seeded); the last batch of an epoch is partial",
        "as ours",
    ),
    (
        "L1",
        "a weight the penalty carries across 0 is set to 0 and frozen",
        "the weight jitters around 0 by lr·rate",
        "as TF",
    ),
    ("optimizer", "SGD", "SGD, momentum, Nesterov, RMSprop, Adam, clipping", "SGD"),
    (
        "batch size, regularization changed",
        "the network is reset",
        "applied from the next step, no reset (compare before and after)",
        "as ours",
    ),
    (
        "edges",
        "colour = sign, width by |w| (0 to 5)",
        "weights: width by |w| on TF's 0-to-5 scale (or log); gradients, updates: relative to the largest; "
        "biases as squares on the units; click an edge or a bias to edit it",
        "as ours",
    ),
    (
        "heat maps",
        "100 × 100 output, a unit's map on hover",
        "100 × 100 selected unit (click a unit), 20 × 20 in the diagram",
        "as ours",
    ),
    (
        "links",
        "`#key=value` keys of TF",
        "`?key=value` keys of ours; *Open a TF Playground link* reads TF's",
        "",
    ),
    ("hiding controls", "`learningRate_hide=true`", "`hide=lr,batch` (or TF's `*_hide` keys)", ""),
)


def differences_table() -> str:
    """``TF_DIFFERENCES`` as a Markdown table."""
    cell = lambda text: text.replace("|", "\\|")  # noqa: E731
    head = "| | TF Playground | this page (default) | TF compatible switch |\n| --- | --- | --- | --- |\n"
    return head + "\n".join("| " + " | ".join(cell(c) for c in row) + " |" for row in TF_DIFFERENCES)


state = st.session_state


# ----------------------------------------------------------------------------- widget state
def widget_values(config: PlaygroundConfig) -> dict[str, object]:
    """The session-state value of every settings widget for ``config``."""
    values: dict[str, object] = {
        "pg.problem": config.problem,
        f"pg.data.{config.problem}": config.dataset,
        "pg.noise": config.noise,
        "pg.ratio": config.train_ratio,
        "pg.points": config.n_points,
        "pg.dseed": config.data_seed,
        "pg.features": list(config.features),
        "pg.layers": len(config.hidden),
        "pg.act": config.activation,
        "pg.per_layer": bool(config.layer_activations),
        "pg.init": config.init,
        "pg.iscale": config.init_scale,
        "pg.seed": config.seed,
        "pg.reg": config.regularization,
        "pg.rrate": config.reg_rate,
        "pg.lr": config.lr,
        "pg.batch": config.batch_size,
        "pg.opt": config.optimizer,
        "pg.clip": config.clip_norm,
        "pg.loss": config.regression_loss,
        "pg.speed": config.speed,
        "pg.test": config.show_test,
        "pg.disc": config.discretize,
        "pg.view": config.view,
        "pg.nodes": config.node_colour,
        "pg.logw": config.log_widths,
        "pg.tf": config.tf_compatible,
        "pg.sched": config.schedule,
        "pg.ssteps": config.schedule_steps,
        "pg.stoploss": config.stop_loss,
        "pg.stopat": config.stop_steps,
        "pg.drop": config.dropout,
        "pg.classes": config.n_classes,
    }
    other = "regression" if config.problem == "classification" else "classification"
    values[f"pg.data.{other}"] = (REGRESSION_SETS if other == "regression" else CLASSIFICATION_SETS)[0]
    widths = list(config.hidden) or [DEFAULTS.hidden[0]]
    for l in range(MAX_HIDDEN_LAYERS):
        values[f"pg.width{l + 1}"] = widths[l] if l < len(widths) else widths[-1]
        values[f"pg.act{l + 1}"] = config.activations[l] if l < len(config.hidden) else config.activation
    return values


def session_id() -> str | None:
    ctx = st.runtime.scriptrunner.get_script_run_ctx()
    return ctx.session_id if ctx is not None else None


def start_session() -> None:
    """First visit of this tab: settings from the link (or the defaults), a live run at step 0.
    Without a data seed in the link the visit draws one, as TF Playground does (the URL shows it)."""
    params = st.query_params.to_dict()
    config, notices = from_query(params)
    if "dseed" not in params:
        config = config.replace(data_seed=secrets.randbelow(VISIT_SEEDS))
    for key, value in widget_values(config).items():
        state[key] = value
    state["pg.notices"] = notices
    state["pg.config"] = config
    state["pg.hidden_controls"] = config.hidden_controls
    state["pg.live"] = LiveRun(PlaygroundLive(config, build_trainer(config)), session_id())


def restore_widgets(config: PlaygroundConfig) -> None:
    """Give every settings widget without a value (another page, a hidden layer) the one of ``config``."""
    for key, value in widget_values(config).items():
        if state.get(key) is None:
            state[key] = value


def sync_url(config: PlaygroundConfig) -> None:
    """The address shows ``config`` (``to_query``), keeping presenter mode and the theme's keys."""
    current = st.query_params.to_dict()
    query = {**to_query(config), **{k: v for k, v in current.items() if k in APP_WIDE_KEYS}}
    if current != query:
        st.query_params.from_dict(query)


def live_run() -> LiveRun:
    return state["pg.live"]


def model() -> PlaygroundLive:
    return live_run().model


# ----------------------------------------------------------------------------- actions
def csv_uploaded() -> None:
    """An uploaded CSV: read by the engine's validated loader; two feature columns and a label (two
    classes) or a target become the Playground's data (the rerun rebuilds). A bad file: a message,
    and the data stay as they were."""
    upload = state.get("pg.csv_upload")
    if upload is None:
        return
    try:
        table = read_csv_table(upload.getvalue())
        plane_from_csv(table)  # the Playground's shape: two features, one label or target
    except DataError as error:
        state["pg.csv_error"] = f"{plain(upload.name)} cannot be used: {plain(str(error))}."
        return
    state["pg.csv"], state["pg.csv_name"] = table, upload.name
    state["pg.problem"] = table.task
    state[f"pg.data.{table.task}"] = UPLOAD


def problem_changed() -> None:
    """A new problem type: TF Playground's number of points for it, unless the learner chose another."""
    problem = state["pg.problem"]
    other = "regression" if problem == "classification" else "classification"
    if state.get("pg.points") == POINTS_BY_PROBLEM[other]:
        state["pg.points"] = POINTS_BY_PROBLEM[problem]


def regenerate_data() -> None:
    state["pg.dseed"] = (int(state["pg.dseed"]) + 1) % (SEED_RANGE[1] + 1)


def open_tf_link() -> None:
    """The pasted TF Playground address: its settings into the widgets (the rerun rebuilds)."""
    config, notices = from_tf_link(str(state.get("pg.tflink_text") or ""), state["pg.config"])
    if config is not state["pg.config"]:
        for key, value in widget_values(config).items():
            state[key] = value
        state["pg.hidden_controls"] = config.hidden_controls
        notices.insert(0, "Opened the TF Playground link in TF Playground compatible mode.")
    state["pg.notices"] = notices


def load_model_file() -> None:
    """An uploaded network file: its settings into the widgets and its trained state into the live
    run (the same step, parameters and training state); a bad file leaves everything as it was."""
    upload = state.get("pg.model_upload")
    if upload is None:
        return
    try:
        config, trainer, _ = import_model(upload.getvalue())
    except ModelFileError as error:
        state["pg.model_error"] = f"{plain(upload.name)} cannot be restored: {error}."
        return
    run = live_run()
    run.playing = False
    with run.lock:
        run.model.rebuild(config, trainer)
    for key, value in widget_values(config).items():
        state[key] = value
    state["pg.hidden_controls"] = config.hidden_controls
    state["pg.config"] = config
    state.pop("pg.replay", None)
    state.pop("pg.reset_note", None)
    state["pg.model_note"] = f"Restored the network of {plain(upload.name)} at step {trainer.step:,}."
    run.changed()


def model_file_bytes(run: LiveRun) -> bytes:
    """The live run's settings and trained state as a file (made when the download is clicked)."""
    with run.lock:
        return export_model(run.model.config, run.model.trainer)


def show_hidden_controls() -> None:
    state["pg.hidden_controls"] = ()


def reset_training() -> None:
    if state["pg.config"].tf_compatible:  # as TF: new random weights (the next seed, shown in the URL)
        state["pg.seed"] = (int(state["pg.seed"]) + 1) % (SEED_RANGE[1] + 1)
        state.pop("pg.replay", None)
        return
    run = live_run()
    run.playing = False
    with run.lock:
        trainer = run.model.trainer
        trainer.reset()
        trainer.evaluate()
        run.model.show(None)
        run.model.touch()
    state.pop("pg.reset_note", None)
    state.pop("pg.replay", None)
    run.changed()


def replay_changed() -> None:
    run = live_run()
    with run.lock:
        k = state.get("pg.replay")
        run.model.show(None if k is None or k >= live_steps(run.model.trainer) else int(k))
    run.changed()


def resume_from_replay() -> None:
    """Continue from the replayed step; show its recorded Step until training moves on (the
    history forgets it, and the trainer's ``last_step`` is the step before)."""
    run = live_run()
    k = state.get("pg.replay")
    with run.lock:
        trainer = run.model.trainer
        if k is None or k >= live_steps(trainer):
            return
        step = trainer.history.detail(int(k))
        try:
            trainer.resume_from(int(k))
        except ValueError as error:
            st.toast(f"Cannot resume from step {k}: {error}.", icon=":material/error:")
            return
        if trainer.history.last_metrics_step != trainer.step:
            trainer.evaluate()
        run.model.show(None, step)
        run.model.touch()
    state.pop("pg.replay", None)
    st.toast(f"Resumed from step {k}: later steps are forgotten.")
    run.changed()


# ----------------------------------------------------------------------------- the page's parts
def tf_controls() -> bool:
    """The TF Playground compatible switch and Open a TF Playground link; returns the switch."""
    tf = st.toggle("TF Playground compatible", key="pg.tf", help=TF_HELP)
    with st.expander("Open a TF Playground link", icon=":material/open_in_new:", key="pg.tflink"):
        st.text_input(
            "TF Playground address", key="pg.tflink_text", placeholder="playground.tensorflow.org/#…",
            help="Paste a playground.tensorflow.org address (or its #… part): its data, features, "
            "network, activation, rates, batch size, noise, ratio, seed and hidden controls.",
        )  # fmt: skip
        st.button("Open", on_click=open_tf_link, key="pg.tflink_button", icon=":material/link:")
    return bool(tf)


def csv_box() -> None:
    with st.expander("Upload a CSV", icon=":material/upload_file:", key="pg.csv_box"):
        st.file_uploader(
            "Two feature columns and a label or target", type=["csv", "txt"], key="pg.csv_upload",
            on_change=csv_uploaded,
            help="A header row, then one row per point: two number columns (x1, x2; each is mapped "
            "onto −6..6) and a last column with the label (two classes, numbers or words) or a "
            "number to fit (regression). Checked cell by cell; the points are split by the ratio "
            "and the data seed.",
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
            "Number of classes", *CLASSES_RANGE, key="pg.classes",
            help="A softmax output with one unit per class and cross-entropy (log K at chance); "
            "the map is coloured by the most likely class, paler where it is less sure.",
        )  # fmt: skip
    csv_box()
    features = st.pills("Input features", FEATURES, selection_mode="multi", key="pg.features")
    noise = st.slider("Noise (%)", *NOISE_RANGE, key="pg.noise", disabled=dataset == UPLOAD)
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
        int(width_cols[l % 4].number_input(f"Layer {l + 1}", 1, MAX_WIDTH, key=f"pg.width{l + 1}"))
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
    tf_note = " TF Playground compatible: uniform(−0.5, 0.5), as TF (zeros: TF's initZero)." if tf else ""
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
        help="TF Playground compatible: SGD, TF's only optimizer." if tf else None,
    )  # fmt: skip
    batch_size = st.number_input(
        "Batch size",
        *BATCH_RANGE,
        key="pg.batch",
        help="As many as the training points (or more): full batch",
    )
    batch_note = st.container(key="pg.batch_note").empty()
    reg_col, rate_col = st.columns(2)
    regularization = reg_col.selectbox(
        "Regularization", REGULARIZATIONS, key="pg.reg", format_func=REG_TEXT.get
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
        disabled=problem == "classification" or tf,
        help="Classification uses a sigmoid output with binary cross-entropy (TF Playground "
        "compatible: tanh with ½(o − t)², TF's, which is sse for regression).",
    )  # fmt: skip
    return {**values, "clip_norm": float(clip_norm), "regression_loss": regression_loss}, batch_note


def extra_training_settings() -> dict:
    """What TF Playground's users asked for: dropout, a learning-rate schedule, a stop condition."""
    dropout = st.number_input(
        "Dropout rate (hidden layers)", *DROPOUT_RANGE, step=0.05, format="%g", key="pg.drop",
        help="While training, each hidden unit is dropped (set to 0) with this probability and the "
        "others scaled by 1/(1 − p); evaluation and the maps use every unit. The masks are recorded "
        "in each step, so replay and the gradients shown are exact. Applies from the next step.",
    )  # fmt: skip
    sched_col, steps_col = st.columns([3, 2])
    schedule = sched_col.selectbox(
        "η schedule", tuple(SCHEDULE_TEXT), key="pg.sched", format_func=SCHEDULE_TEXT.get,
        help="The rate each step uses: η times the schedule's factor at the optimizer's step count. "
        "Applies from the next step; the Learning rate column of the history records it.",
    )  # fmt: skip
    schedule_steps = steps_col.number_input(
        "N steps", *SCHEDULE_STEPS_RANGE, key="pg.ssteps", disabled=schedule == "constant"
    )
    stop_col, at_col = st.columns(2)
    stop_loss = stop_col.number_input(
        "Stop at test loss", *STOP_LOSS_RANGE, step=0.01, format="%g", key="pg.stoploss",
        help="Stop when the test loss is at or below this (0 = off). Checked whenever the test loss is "
        "evaluated (after each slice of training while playing), so training may pass the target by a "
        "few steps.",
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


def apply_settings(applied: PlaygroundConfig, config: PlaygroundConfig, notices) -> PlaygroundConfig:
    """Data or architecture changed: rebuild from step 0 and say what is new. Live settings
    (learning rate, optimizer, ...): the next step uses them, while playing too. Returns the
    settings now in force (the previous ones if the new ones cannot be built)."""
    run = live_run()
    note = reset_note(applied, config)
    if note:
        try:
            trainer = build_trainer(config, state.get("pg.csv"))
        except ValueError as error:
            notices.error(f"These settings cannot be trained: {error}. Showing the previous network.")
            return applied
        run.playing = False
        with run.lock:
            run.model.rebuild(config, trainer)
        state.pop("pg.replay", None)
        state["pg.reset_note"] = note  # said once, above the view (no toast as well)
    elif config != applied:
        with run.lock:
            words = run.model.apply(applied, config)
        if words:
            st.toast(f"Changed the {', '.join(words)}: applies from the next step, no reset.")
    run.changed()
    return config


def display_controls() -> None:
    """What the edges and units show, and Reset (Play, Pause and Step are in the view)."""
    cols = st.columns([3.2, 2.6, 1.3], vertical_alignment="bottom")
    cols[0].segmented_control("Edges show", VIEWS, key="pg.view", format_func=VIEW_TEXT.get, required=True)
    cols[1].segmented_control(
        "Units coloured by", tuple(NODE_LABELS), key="pg.nodes", format_func=NODE_TEXT.get, required=True
    )
    cols[2].button(
        "Reset",
        icon=":material/restart_alt:",
        on_click=reset_training,
        width="stretch",
        key="pg.reset_button",
        help="TF Playground compatible: new random weights (the next seed), as TF's Reset"
        if state["pg.config"].tf_compatible
        else "Back to step 0: the same data and initial weights",
    )


def speed_control() -> None:
    st.select_slider(
        "Speed (epochs/s)",
        SPEEDS,
        key="pg.speed",
        format_func=lambda v: "max" if v == 0 else str(v),
        help="Training speed while playing; 'max': as fast as this server's share allows. "
        "Drawing is independent: the view always shows the latest state.",
    )


def display_toggles() -> None:
    """Below the view: edge widths, test points, and the output's decision only."""
    cols = st.columns(3)
    cols[0].toggle("Log edge widths", key="pg.logw")
    cols[1].toggle("Show test points", key="pg.test")
    cols[2].toggle("Discretize output", key="pg.disc")


def live_area() -> None:
    """The live view (mounted once; the stream redraws it), after every settings widget: a rerun
    it asks for (``sync``) may interrupt the script run, and must not find widgets undrawn. Its
    display options are read from their widgets' state."""
    run = live_run()
    options = dict(
        view=state["pg.view"],
        nodes=state["pg.nodes"],
        logw=bool(state["pg.logw"]),
        test=bool(state["pg.test"]),
        disc=bool(state["pg.disc"]),
        layerColours=layer_colours(len(run.model.trainer.network.sizes) - 1),
        hide=[c for c in ("play", "step") if c in state["pg.config"].hidden_controls],
    )
    live_view(run, options, key="pg.live_view")


def hide_controls(hidden: tuple[str, ...]) -> None:
    """A lesson link's hidden controls: display:none on their widgets (as TF's ``*_hide``)."""
    keys = [key for name in hidden for key in HIDE_KEYS[name]]
    if keys:
        selectors = ", ".join(".st-key-" + key.replace(".", "-") for key in keys)
        st.html(f"<style>{selectors} {{ display: none !important; }}</style>")


def model_file_expander() -> None:
    """Download the trained network with its settings, or upload one to continue from it."""
    with st.sidebar, st.expander("Save or load the trained network", icon=":material/save:", key="pg.model"):
        st.download_button(
            "Download the trained network", data=partial(model_file_bytes, live_run()),
            file_name="playground-network.json", mime="application/json", on_click="ignore",
            icon=":material/download:", key="pg.model_download",
            help="A JSON file: the settings, every weight and bias, the step and the training state "
            "(shuffler, optimizer moments). Uploading it restores the network bit for bit at its step.",
        )  # fmt: skip
        st.file_uploader(
            "Upload a trained network", type=["json"], key="pg.model_upload", on_change=load_model_file,
            help="A file downloaded from this page: training continues exactly where it was. "
            "The loss curves start at its step.",
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
            st.caption("Hidden now: " + ", ".join(HIDABLE[c] for c in config.hidden_controls) + ".")
            st.button("Show every control", on_click=show_hidden_controls, key="pg.unhide_button")


def replay_controls() -> None:
    """Paused: replay any recorded step, and resume from it."""
    trainer = model().trainer
    now = live_steps(trainer)
    if now == 0:
        return
    options = replay_options(trainer.history, now)
    if model().replay is None or state.get("pg.replay") not in options:
        state["pg.replay"] = now  # the view shows the live state
    slider_col, resume_col = st.columns([3, 1], vertical_alignment="bottom")
    slider_col.select_slider(
        "Replay a recorded step",
        options,
        key="pg.replay",
        on_change=replay_changed,
        format_func=lambda k: f"now (step {k})" if k == now else f"step {k}",
        help="The last 50 steps and every 10th step are kept in full.",
    )
    resume_col.button(
        "Resume here",
        icon=":material/history:",
        on_click=resume_from_replay,
        disabled=state["pg.replay"] == now,
        width="stretch",
        key="pg.resume_button",
        help="Continue training from the replayed step; later steps are forgotten.",
    )


def paused_detail(config: PlaygroundConfig) -> None:
    """Paused: the shown state as Plotly charts (hover for exact values, zoom, PNG export)."""
    run = live_run()
    with run.lock:
        trainer, shown = run.model.trainer, run.model
        view = view_of(trainer, shown.replay, shown.resumed)
        grid = boundary_grid(config.features)
        boundary = evaluate_boundary(trainer.network, grid, view.weights, view.biases)
        shown_net = trainer.network.copy()
        shown_net.set_parameters(list(view.weights), list(view.biases))
        data = trainer.dataset
        outputs = {"train": shown_net.predict(data.X_train), "test": shown_net.predict(data.X_test)}
        sizes, history, dataset = trainer.network.sizes, trainer.history, trainer.dataset
        metrics, norms = history.metrics(), (history.steps, history.column("grad_W_norm"))
    classification = config.problem == "classification"
    names = unit_names(grid.features, sizes)
    marker = view.steps if view.replaying else None
    left, right = st.columns(2)
    with left:
        if config.multiclass:
            figure = class_boundary_figure(
                boundary, dataset.raw_train, point_values(dataset.Y_train),
                dataset.raw_test if config.show_test else None,
                point_values(dataset.Y_test) if config.show_test else None, title=f"Classes {view.caption}",
            )  # fmt: skip
        else:
            figure = boundary_figure(
                boundary, dataset.raw_train, dataset.Y_train[:, 0],
                dataset.raw_test if config.show_test else None,
                dataset.Y_test[:, 0] if config.show_test else None,
                classification=classification, discretize=config.discretize, title=f"Output {view.caption}",
                probability_output=config.probability_output,
            )  # fmt: skip
        st.plotly_chart(figure, key="pg.boundary_chart", width="stretch")
        st.plotly_chart(metric_figure(metrics, classification=classification, marker_step=marker),
                        key="pg.metric_chart", width="stretch")  # fmt: skip
        if classification:
            confusion_chart(dataset, outputs, view.caption)
    with right:
        edges, nodes = diagram_values(view.step, view.weights, config.view, config.node_colour)
        where = f"step {view.step.index}" if view.step is not None else "no step yet"
        title = f"Edges {VIEW_LABELS[config.view]}, units {NODE_SYMBOL[config.node_colour]} ({where})"
        diagram = playground_diagram(
            sizes, names, edges, nodes, edge_label=VIEW_LABELS[config.view],
            node_label=NODE_LABELS[config.node_colour], maps=boundary.maps, classification=classification,
            log_scale=config.log_widths, width_hint=540, title=title,
            probability_output=config.probability_output,
            fixed_scale=WEIGHT_SCALE if config.view == "weights" else None,
        )  # fmt: skip
        st.plotly_chart(diagram, key="pg.diagram_chart", width="stretch")
        st.plotly_chart(gradient_norm_figure(*norms, marker_step=marker), key="pg.gradnorm_chart",
                        width="stretch")  # fmt: skip


def confusion_chart(dataset, outputs: dict, caption: str) -> None:
    """The confusion matrices of the shown state's ``outputs`` (``train``/``test``) on ``dataset``."""
    threshold, labels = dataset.label_threshold, [str(c) for c in dataset.class_labels]
    counts = {
        "train": confusion_counts(outputs["train"], dataset.Y_train, threshold),
        "test": confusion_counts(outputs["test"], dataset.Y_test, threshold),
    }
    figure = confusion_figure(counts, labels, f"Confusion matrix {caption}")
    st.plotly_chart(figure, key="pg.confusion_chart", width="stretch")


WHAT_TO_LOOK_FOR = (
    "**What to look for.** On the edges and the units' badges, orange is a negative value and blue "
    "a positive one (weights, gradients, updates, activations). In the maps orange is the low side "
    "(class 0), and in the curves orange is the test set. *Edges show gradients*: the thick edges "
    "are where the loss is most sensitive, and they change as the boundary moves. The gradient-norm "
    "chart shows each layer's ‖dL/dW‖ on a log scale: a layer whose line sinks decades below the "
    "others has stopped learning (try sigmoid with 6 layers). Raise the learning rate while it "
    "runs: it applies at the next step. Try 3 or 10 on *plane* to see divergence."
)


# ----------------------------------------------------------------------------- page
def main() -> None:
    st.title("Playground")
    st.caption(
        "Train a small network on 2-D data and watch it learn, as in TensorFlow Playground, plus what "
        "Playground hides: the gradient and the update on every edge, per-layer gradient norms, and replay."
    )
    if "pg.live" not in state:
        start_session()
    if "pg.model_note" in state:
        st.toast(state.pop("pg.model_note"), icon=":material/save:")
    restore_widgets(state["pg.config"])
    notices = st.container()  # the link's notices and the settings' problems, above the controls
    for notice in state.pop("pg.notices", []):
        notices.warning(f"Link: {notice}", icon=":material/link_off:")
    note_box = st.container()
    view_box = st.container()  # the live view goes here, under the title, once the sidebar is drawn
    applied: PlaygroundConfig = state["pg.config"]
    raw, has_features, batch_note = sidebar_settings(applied)
    config, problems = validate(raw)
    if not has_features:
        notices.warning(f"Choose at least one input feature; still using {', '.join(applied.features)}.")
    for problem_text in problems:
        notices.warning(problem_text)
    config = apply_settings(applied, config, notices)
    state["pg.config"] = config
    trainer = model().trainer
    batch_note.caption(
        (
            f"Full batch: all {config.n_train} training points at every step."
            if config.full_batch
            else f"{config.batch_size} of {config.n_train} training points per step."
        )
        + (" Step: one epoch (TF compatible)." if config.tf_compatible else "")
    )
    if trainer.step > 0:
        state.pop("pg.reset_note", None)  # it described step 0 of the rebuilt network
    if "pg.reset_note" in state:
        note_box.caption(state["pg.reset_note"])
    with view_box:
        live_area()
    display_controls()
    display_toggles()
    if not live_run().playing:
        replay_controls()
        if st.toggle("Details of the shown step (hover for exact values, zoom, PNG)", key="pg.details"):
            paused_detail(config)
    with st.container(key="pg.text"):
        st.markdown(WHAT_TO_LOOK_FOR)
        with st.expander("TF Playground and this page: the differences", icon=":material/compare:"):
            st.markdown(differences_table())
    model_file_expander()
    share_expander(config)
    hide_controls(config.hidden_controls)
    sync_url(config)


main()
