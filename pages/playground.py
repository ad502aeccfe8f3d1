"""Playground: train a small network on 2-D data live, as in TensorFlow Playground, and see
what Playground never shows: the gradient and the update on every edge, the gradient norm
of every layer over time, and a replay of any recorded step.

Settings live in the sidebar (and in the URL, so a link reproduces data and initial
weights); the training area is a fragment that reruns on its own while playing.
"""

from __future__ import annotations

import functools
import time
from urllib.parse import urlencode

import streamlit as st

from engine import HIDDEN_ACTIVATIONS, INITS, OPTIMIZERS
from engine.boundary import boundary_grid, evaluate_boundary
from engine.data import CLASSIFICATION_SETS, FEATURES, REGRESSION_SETS
from engine.diagnosis import divergence_report
from pages import widgets
from pages.playground_state import (
    BATCH_RANGE,
    CLIP_RANGE,
    DEFAULTS,
    INIT_SCALE_RANGE,
    MAX_HIDDEN_LAYERS,
    MAX_WIDTH,
    N_POINTS_RANGE,
    NOISE_RANGE,
    PROBLEMS,
    RATIO_RANGE,
    REG_RATE_RANGE,
    REGRESSION_LOSSES,
    REGULARIZATION_RATES,
    REGULARIZATIONS,
    SEED_RANGE,
    SPEEDS,
    VIEWS,
    PlaygroundConfig,
    advance,
    apply_live_settings,
    build_trainer,
    from_query,
    live_steps,
    replay_options,
    reset_note,
    to_query,
    validate,
    view_of,
)
from viz.playground import (
    NODE_LABELS,
    VIEW_LABELS,
    boundary_figure,
    diagram_values,
    gradient_norm_figure,
    metric_figure,
    playground_diagram,
    unit_names,
)

TICK_SECONDS = 0.2  # the fragment's rerun interval while playing
CURVE_SECONDS = 1.0  # while playing, the curves are redrawn at most this often (the browser's work)
VIEW_TEXT = {"weights": "weights", "gradients": "gradients", "update": "update"}  # short: narrow columns
NODE_TEXT = {"activation": "activation", "delta": "delta δ"}
NODE_SYMBOL = {"activation": "a", "delta": "δ"}
REG_TEXT = {"none": "none", "l1": "L1", "l2": "L2"}
DISPLAY_KEYS = ("pg.test", "pg.disc", "pg.view", "pg.nodes", "pg.logw")  # widgets in the fragment

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
    }
    other = "regression" if config.problem == "classification" else "classification"
    values[f"pg.data.{other}"] = (REGRESSION_SETS if other == "regression" else CLASSIFICATION_SETS)[0]
    widths = list(config.hidden) or [DEFAULTS.hidden[0]]
    for l in range(MAX_HIDDEN_LAYERS):
        values[f"pg.width{l + 1}"] = widths[l] if l < len(widths) else widths[-1]
        values[f"pg.act{l + 1}"] = config.activations[l] if l < len(config.hidden) else config.activation
    return values


def start_session() -> None:
    """First visit of this tab: settings from the link (or the defaults), a trainer at step 0."""
    config, notices = from_query(st.query_params.to_dict())
    for key, value in widget_values(config).items():
        state[key] = value
    state["pg.notices"] = notices
    state["pg.config"] = config
    state["pg.trainer"] = build_trainer(config)
    state["pg.grid"] = boundary_grid(config.features)
    state["pg.playing"] = False


def restore_widgets(config: PlaygroundConfig, keys=None) -> None:
    """Give every settings widget (or those in ``keys``) without a value the one of ``config``."""
    for key, value in widget_values(config).items():
        if (keys is None or key in keys) and state.get(key) is None:
            state[key] = value


def display_settings() -> dict[str, object]:
    """The display fields of the config, read from their widgets (which sit in the fragment)."""
    return dict(
        show_test=bool(state["pg.test"]),
        discretize=bool(state["pg.disc"]),
        view=state["pg.view"],
        node_colour=state["pg.nodes"],
        log_widths=bool(state["pg.logw"]),
    )


def sync_url(config: PlaygroundConfig) -> None:
    query = to_query(config)
    if st.query_params.to_dict() != query:
        st.query_params.from_dict(query)


# ----------------------------------------------------------------------------- actions
def go_live() -> None:
    state.pop("pg.replay", None)


def play() -> None:
    """Start the timer. Play and Pause are two buttons with a callback each (not one toggle
    whose argument is fixed when drawn), so a late or repeated click can only do what it says."""
    state["pg.playing"] = True
    state.pop("pg.reset_note", None)
    state.pop("pg.resumed", None)  # training moves on from the resumed step
    go_live()


def pause() -> None:
    state["pg.playing"] = False
    go_live()


def single_step() -> None:
    state["pg.playing"] = False
    advance(state["pg.trainer"], 1)
    state.pop("pg.reset_note", None)
    state.pop("pg.resumed", None)
    go_live()


def reset_training() -> None:
    state["pg.trainer"].reset()
    state["pg.trainer"].evaluate()
    state["pg.playing"] = False
    state.pop("pg.reset_note", None)
    state.pop("pg.resumed", None)
    go_live()


def regenerate_data() -> None:
    state["pg.dseed"] = (int(state["pg.dseed"]) + 1) % (SEED_RANGE[1] + 1)


def resume_from_replay() -> None:
    """Continue from the replayed step; keep its recorded Step to show until training moves on
    (the history forgets it, and the trainer's ``last_step`` is the step before)."""
    k = state.get("pg.replay")
    trainer = state["pg.trainer"]
    if k is not None and k < live_steps(trainer):
        step = trainer.history.detail(int(k))
        try:
            trainer.resume_from(int(k))
        except ValueError as error:
            st.toast(f"Cannot resume from step {k}: {error}.", icon=":material/error:")
        else:
            if trainer.history.last_metrics_step != trainer.step:
                trainer.evaluate()
            state["pg.resumed"] = step
            st.toast(f"Resumed from step {k}: later steps are forgotten.")
    go_live()


def pick_unit_from_click(chart_key: str) -> None:
    """A click on a unit of the diagram shows its map large (the 'neurons' trace is trace 0)."""
    event = state.get(chart_key)
    points = (event or {}).get("selection", {}).get("points", [])
    units = state.get("pg.units", [])
    for point in points:
        index = point.get("point_index", point.get("pointIndex"))
        if (
            point.get("curve_number", point.get("curveNumber")) == 0
            and index is not None
            and index < len(units)
        ):
            state["pg.map"] = units[index]


SLOTS = 3  # figures kept per live chart (see live_chart)
# The style of every live chart, the same text in every run (never re-sent): a chart's slots share
# one grid cell. Which one is on top is the small style sheet ``live_chart`` writes per chart.
STACK = 'div[class*="st-key-pg-stack-"]'
LIVE_CSS = (
    "<style>"
    f"{STACK} {{display: grid !important; grid-template-columns: minmax(0, 1fr);}} "
    f"{STACK} > div {{grid-area: 1 / 1; min-width: 0;}} "
    'div[class*="st-key-pg-slot-"] {position: relative;}'
    "</style>"
)


def _json_of(stack: dict, figure) -> str:
    """The JSON of ``figure``, the youngest of ``stack``, made once."""
    if stack["json"] is None:
        stack["json"] = figure.to_json()
    return stack["json"]


def live_chart(name: str, figure, *, new: bool = False, **chart_args) -> None:
    """``st.plotly_chart`` for a chart that changes while playing, without a blank frame.

    Streamlit gives a Plotly chart a new identity whenever its figure changes (the figure is part
    of the element's id, with or without a key), so the browser throws the old chart away and
    draws the new one from scratch: it paints at least one frame before Plotly has drawn (the
    chart is drawn after the browser paints, and stays hidden until its first draw reports its
    size). A lone chart therefore blinks at every redraw. So each chart keeps its last ``SLOTS``
    figures in slots stacked in one grid cell: a new figure replaces the oldest, the others are
    re-sent unchanged (same id: the browser keeps them as they are, and Streamlit does not
    resend their data), and a style sheet puts the youngest slot on top: until its chart is drawn
    it is transparent, and the next younger one shows through.
    The one showing is replaced only after two younger figures arrived, so a browser that takes
    up to two ticks to draw a chart never shows it blank. A figure equal to the youngest one
    (the same state drawn again, as on Pause) changes nothing; ``new`` says that ``figure`` is
    known to differ (a tick that trained), which spares comparing it.
    """
    stack = state.setdefault(
        f"pg.stack.{name}", {"figures": [None] * SLOTS, "json": None, "ages": list(range(SLOTS))}
    )
    youngest = stack["figures"][stack["ages"].index(0)]
    if figure is not youngest and (new or youngest is None or figure.to_json() != _json_of(stack, youngest)):
        oldest = stack["ages"].index(SLOTS - 1)
        stack["ages"] = [0 if i == oldest else age + 1 for i, age in enumerate(stack["ages"])]
        stack["figures"][oldest] = figure
        stack["json"] = None  # the youngest's JSON, made when first needed
    # youngest on top: until its chart is drawn it is transparent, and the next younger shows through
    st.html(
        "<style>"
        + " ".join(
            f".st-key-pg-slot-{name}-{i} {{z-index: {SLOTS - age};}}" for i, age in enumerate(stack["ages"])
        )
        + "</style>"
    )
    with st.container(key=f"pg.stack-{name}"):
        for slot, shown_figure in enumerate(stack["figures"]):
            with st.container(key=f"pg.slot-{name}-{slot}"):
                if shown_figure is not None:
                    key = f"pg.{name}_chart{slot}"
                    args = dict(chart_args)
                    if callable(args.get("on_select")):  # tell the callback which slot was clicked
                        args["on_select"] = functools.partial(args["on_select"], key)
                    st.plotly_chart(
                        shown_figure, key=key, width="stretch", config={"displayModeBar": False}, **args
                    )


# ----------------------------------------------------------------------------- page
st.title("Playground")
st.caption(
    "Train a small network on 2-D data and watch it learn, as in TensorFlow Playground, plus what "
    "Playground hides: the gradient and the update on every edge, per-layer gradient norms, and replay."
)

if "pg.config" not in state:
    start_session()
# Widgets not drawn in a run lose their state (another page, a hidden layer): put it back.
restore_widgets(state["pg.config"])
st.html(LIVE_CSS)
notices = st.container()  # the link's notices and the settings' problems, above the controls
for notice in state.pop("pg.notices", []):
    notices.warning(f"Link: {notice}", icon=":material/link_off:")

with st.sidebar:
    st.subheader("Data")
    problem = st.radio("Problem type", PROBLEMS, key="pg.problem", horizontal=True)
    sets = CLASSIFICATION_SETS if problem == "classification" else REGRESSION_SETS
    dataset = st.selectbox("Data set", sets, key=f"pg.data.{problem}")
    features = st.pills("Input features", FEATURES, selection_mode="multi", key="pg.features")
    noise = st.slider("Noise (%)", *NOISE_RANGE, key="pg.noise")
    ratio = st.slider("Training data (%)", *RATIO_RANGE, key="pg.ratio")
    n_points = st.number_input("Number of points", *N_POINTS_RANGE, step=50, key="pg.points")
    data_seed = st.number_input("Data seed", *SEED_RANGE, key="pg.dseed")
    st.button(
        "Regenerate data",
        icon=":material/refresh:",
        on_click=regenerate_data,
        help="New points: the next data seed",
        key="pg.regenerate_button",
    )

    st.subheader("Network")
    n_layers = st.number_input("Hidden layers", 0, MAX_HIDDEN_LAYERS, key="pg.layers")
    width_cols = st.columns(4)
    hidden = tuple(
        int(width_cols[l % 4].number_input(f"Layer {l + 1}", 1, MAX_WIDTH, key=f"pg.width{l + 1}"))
        for l in range(int(n_layers))
    )
    activation = st.selectbox("Activation", HIDDEN_ACTIVATIONS, key="pg.act", help=widgets.ACTIVATION_HELP)
    per_layer = st.toggle("Activation per layer", key="pg.per_layer", disabled=not hidden)
    layer_activations: tuple[str, ...] = ()
    if per_layer and hidden:
        layer_activations = tuple(
            st.selectbox(f"Activation of layer {l + 1}", HIDDEN_ACTIVATIONS, key=f"pg.act{l + 1}")
            for l in range(len(hidden))
        )
    init = st.selectbox("Initialization", INITS, key="pg.init", help=widgets.INIT_HELP)
    init_scale = st.number_input(
        "Init scale" if init in ("normal", "uniform") else "Init gain",
        *INIT_SCALE_RANGE,
        step=0.1,
        format="%g",
        key="pg.iscale",
        disabled=init == "zeros",
    )
    seed = st.number_input("Seed (weights and batches)", *SEED_RANGE, key="pg.seed")

    st.subheader("Training")
    lr = widgets.playground_learning_rate("pg.lr")
    optimizer = st.selectbox("Optimizer", tuple(OPTIMIZERS), key="pg.opt")
    batch_size = st.number_input(
        "Batch size",
        *BATCH_RANGE,
        key="pg.batch",
        help="As many as the training points (or more): full batch",
    )
    batch_note = st.empty()
    reg_col, rate_col = st.columns(2)
    regularization = reg_col.selectbox(
        "Regularization", REGULARIZATIONS, key="pg.reg", format_func=REG_TEXT.get
    )
    with rate_col:
        reg_rate = widgets.number_choice(
            "Regularization rate", REGULARIZATION_RATES, "pg.rrate", minimum=REG_RATE_RANGE[0],
            maximum=REG_RATE_RANGE[1],
        )  # fmt: skip
    clip_norm = st.number_input(
        "Clip gradient norm (0 = off)", *CLIP_RANGE, step=0.5, format="%g", key="pg.clip"
    )
    regression_loss = st.selectbox(
        "Loss", REGRESSION_LOSSES, key="pg.loss", disabled=problem == "classification",
        help="Classification always uses a sigmoid output with binary cross-entropy.",
    )  # fmt: skip

applied: PlaygroundConfig = state["pg.config"]
config, problems = validate(
    PlaygroundConfig(
        dataset=dataset,
        noise=int(noise),
        train_ratio=int(ratio),
        n_points=int(n_points),
        data_seed=int(data_seed),
        features=tuple(features) or applied.features,
        hidden=hidden,
        activation=activation,
        layer_activations=layer_activations,
        init=init,
        init_scale=float(init_scale),
        seed=int(seed),
        regularization=regularization,
        reg_rate=reg_rate,
        lr=lr,
        batch_size=int(batch_size),
        optimizer=optimizer,
        clip_norm=float(clip_norm),
        regression_loss=regression_loss,
        speed=int(state["pg.speed"]),
        **display_settings(),
    )
)
if not features:
    notices.warning(f"Choose at least one input feature; still using {', '.join(applied.features)}.")
for problem_text in problems:
    notices.warning(problem_text)

# Data or architecture changed: rebuild from step 0 and say what is new. Live settings: next step.
note = reset_note(applied, config)
if note:
    try:
        trainer = build_trainer(config)
    except ValueError as error:
        notices.error(f"These settings cannot be trained: {error}. Showing the previous network.")
        config = applied
    else:
        state["pg.trainer"] = trainer
        state["pg.grid"] = boundary_grid(config.features)
        state["pg.playing"] = False
        state.pop("pg.resumed", None)
        go_live()
        state["pg.reset_note"] = note
        st.toast(note)
else:
    live = apply_live_settings(state["pg.trainer"], applied, config)
    if live:
        st.toast(f"Changed the {', '.join(live)}: applies from the next step, no reset.")
state["pg.config"] = config
trainer = state["pg.trainer"]
batch_note.caption(
    f"Full batch: all {config.n_train} training points at every step."
    if config.full_batch
    else f"{config.batch_size} of {config.n_train} training points per step."
)

# ---- controls: the same elements, of the same size, playing or paused (no jump on Pause)
playing = bool(state["pg.playing"])
diverged = trainer.divergence is not None
if trainer.step > 0:
    state.pop("pg.reset_note", None)  # it described step 0 of the rebuilt network
play_col, step_col, reset_col, speed_col = st.columns([1, 1, 1, 2.4], vertical_alignment="bottom")
if playing:
    play_col.button(
        "Pause",
        icon=":material/pause:",
        on_click=pause,
        type="primary",
        width="stretch",
        key="pg.pause_button",
    )
else:
    play_col.button(
        "Play",
        icon=":material/play_arrow:",
        on_click=play,
        type="primary",
        width="stretch",
        disabled=diverged,
        key="pg.play_button",
        help="Training diverged: reset, or replay an earlier step and resume from it" if diverged else None,
    )
step_col.button(
    "Step",
    icon=":material/skip_next:",
    on_click=single_step,
    width="stretch",
    disabled=diverged,
    key="pg.step_button",
)
reset_col.button(
    "Reset",
    icon=":material/restart_alt:",
    on_click=reset_training,
    width="stretch",
    key="pg.reset_button",
    help="Back to step 0: the same data and initial weights",
)
speed_col.select_slider("Steps per redraw", SPEEDS, key="pg.speed")
note_box = st.container()
if "pg.reset_note" in state:
    note_box.caption(state["pg.reset_note"])

# ---- replay: any step held in full, and resume from it (a disabled placeholder while playing)
now = live_steps(trainer)
slider_col, resume_col = st.columns([3, 1], vertical_alignment="bottom")
replay_help = "The last 50 steps and every 10th step are kept in full."
if playing or now == 0:
    slider_col.select_slider(
        "Replay a recorded step",
        ["live"],
        format_func=lambda _: "pause to replay a step" if playing else "no step yet",
        disabled=True,
        help=replay_help,
    )
    replay_now = True
else:
    options = replay_options(trainer.history, now)
    if state.get("pg.replay") not in options:
        state["pg.replay"] = now
    slider_col.select_slider(
        "Replay a recorded step",
        options,
        key="pg.replay",
        format_func=lambda k: f"now (step {k})" if k == now else f"step {k}",
        help=replay_help,
    )
    replay_now = state["pg.replay"] == now
resume_col.button(
    "Resume here",
    icon=":material/history:",
    on_click=resume_from_replay,
    disabled=replay_now,
    width="stretch",
    key="pg.resume_button",
    help="Continue training from the replayed step; later steps are forgotten.",
)


@st.fragment(run_every=TICK_SECONDS if playing else None)
def training_area(base: PlaygroundConfig) -> None:
    """Advance while playing, then draw: counters, notices, boundary, diagram, curves. Every run
    draws the same elements in the same order (notices go in a container that is always there)."""
    trainer = state["pg.trainer"]
    restore_widgets(base, DISPLAY_KEYS)
    trained = state["pg.playing"]
    if trained:
        advance(trainer, base.speed)
        if trainer.divergence is not None:
            state["pg.playing"] = False
            st.rerun()  # the whole page: Play and Step turn disabled, the timer stops
    history = trainer.history
    view = view_of(trainer, None if state["pg.playing"] else state.get("pg.replay"), state.get("pg.resumed"))

    task_score = "accuracy" if base.problem == "classification" else "r2"
    cols = st.columns(5)
    cols[0].metric("Step", f"{view.steps}")
    cols[1].metric("Epoch", f"{view.epoch}")
    evaluated = (
        f"Train and test metrics: the whole sets, evaluated at step {int(view.metrics['step'])}"
        + (" (the last finite evaluation)" if view.diverged else "")
        if "step" in view.metrics
        else None
    )
    for col, name, label in (
        (cols[2], "train_loss", "Train loss"),
        (cols[3], "test_loss", "Test loss"),
        (cols[4], f"test_{task_score}", "Test accuracy" if task_score == "accuracy" else "Test R²"),
    ):
        value = view.metrics.get(name)
        text = "–" if value is None else f"{value:.4f}" if abs(value) < 1e4 else f"{value:.3g}"
        col.metric(label, text, help=evaluated if name == "train_loss" else None)

    with st.container():  # always present, so the charts below keep their place
        div = divergence_report(trainer)
        if div is not None:
            widgets.divergence_banner(div.step, div.message, div.loss_before)
            st.caption(
                "Why: each update overshot the minimum by more than it corrected, so the weights, and "
                "with them the gradients, grew geometrically until they overflowed. Lower the learning "
                "rate (or set gradient clipping), then **Reset**, or replay an earlier step and "
                "**Resume here**."
            )
        if view.replaying:
            st.info(
                f"Replaying step {view.steps} of {live_steps(trainer)}: its boundary, weights, gradients "
                "and update. **Resume here** continues training from this state.",
                icon=":material/history:",
            )

    grid = state["pg.grid"]
    network = trainer.network
    boundary = evaluate_boundary(network, grid, view.weights, view.biases)
    sizes = network.sizes
    names = unit_names(grid.features, sizes)
    units = [(k, u) for k in range(len(sizes)) for u in range(sizes[k])]
    state["pg.units"] = units
    output_unit = (len(sizes) - 1, 0)
    if state.get("pg.map") not in units:
        state["pg.map"] = output_unit
    dataset = trainer.dataset
    classification = base.problem == "classification"

    # Layout: boundary | diagram, then the two curves; a big network's diagram gets the full
    # width instead, below the boundary | the curves (stacked).
    wide = len(sizes) > 5 or max(sizes) > 8
    if wide:
        boundary_box, curve_box = st.columns([5, 6])
        diagram_box = st.container()
        curve_boxes = (curve_box, curve_box)
    else:
        boundary_box, diagram_box = st.columns(2)
        curve_boxes = st.columns(2)
    with boundary_box:
        unit = st.selectbox(
            "Large map",
            units,
            key="pg.map",
            format_func=lambda ku: "output (decision boundary)" if ku == output_unit else names[ku[0]][ku[1]],
            help="Or click a unit in the diagram.",
        )
        t1, t2 = st.columns(2)
        t1.toggle("Test points", key="pg.test")  # short labels: a narrow column must not cut them
        t2.toggle("Discretize", key="pg.disc")
        is_output = unit == output_unit
        name = "output" if is_output else names[unit[0]][unit[1]]
        live_chart(
            "boundary",
            boundary_figure(
                boundary,
                dataset.raw_train,
                dataset.Y_train[:, 0],
                dataset.raw_test if state["pg.test"] else None,
                dataset.Y_test[:, 0] if state["pg.test"] else None,
                classification=classification,
                discretize=bool(state["pg.disc"]),
                unit=None if is_output else unit,
                unit_name=name,
                title=f"{'Output' if is_output else 'Unit ' + name} {view.caption}",
            ),
            new=trained,
        )
    with diagram_box:
        # A full-width diagram has room for its three controls side by side; a half-width one
        # stacks them (side by side they would be cut on a 1024-pixel screen).
        view_col, node_col, log_col = (
            st.columns([5, 4, 3], vertical_alignment="bottom") if wide else (st.container(),) * 3
        )
        edges_shown = view_col.segmented_control(
            "Edges show", VIEWS, key="pg.view", format_func=VIEW_TEXT.get, required=True
        )
        node_colour = node_col.segmented_control(
            "Units coloured by", tuple(NODE_LABELS), key="pg.nodes", format_func=NODE_TEXT.get, required=True
        )
        log_widths = log_col.toggle("Log widths", key="pg.logw")
        edges, nodes = diagram_values(view.step, view.weights, edges_shown, node_colour)
        where = f"step {view.step.index}" if view.step is not None else "no step yet"
        edges_at = "now" if edges_shown == "weights" and not view.replaying else where
        edge_symbol, node_symbol = VIEW_LABELS[edges_shown], NODE_SYMBOL[node_colour]
        title = (
            f"Edges {edge_symbol}, units {node_symbol} ({where})"
            if edges_at == where
            else f"Edges {edge_symbol} ({edges_at}), units {node_symbol} ({where})"
        )
        live_chart(
            "diagram",
            playground_diagram(
                sizes,
                names,
                edges,
                nodes,
                edge_label=VIEW_LABELS[edges_shown],
                node_label=NODE_LABELS[node_colour],
                maps=boundary.maps,
                classification=classification,
                log_scale=log_widths,
                selected=unit,
                width_hint=1050 if wide else 540,
                title=title,
            ),
            new=trained,
            on_select=pick_unit_from_click,
            selection_mode="points",
        )

    marker = view.steps if view.replaying else None
    if not state["pg.playing"] or time.monotonic() - state.get("pg.curves_at", 0.0) >= CURVE_SECONDS:
        state["pg.curves"] = (
            metric_figure(history.metrics(), classification=classification, marker_step=marker),
            gradient_norm_figure(history.steps, history.column("grad_W_norm"), marker_step=marker),
        )
        state["pg.curves_at"] = time.monotonic()
    metric_chart, gradnorm_chart = state["pg.curves"]
    with curve_boxes[0]:
        live_chart("metric", metric_chart)
    with curve_boxes[1]:
        live_chart("gradnorm", gradnorm_chart)
    sync_url(base.replace(**display_settings()))


training_area(config)

st.markdown(
    "**What to look for.** On the edges and the units' badges, orange is a negative value and blue "
    "a positive one (weights, gradients, updates, activations). In the maps orange is the low side "
    "(class 0), and in the curves orange is the test set. *Edges show gradients*: the thick edges "
    "are where the loss is most sensitive, and they change as the boundary moves. The gradient-norm "
    "chart shows each layer's ‖dL/dW‖ on a log scale: a layer whose line sinks decades below the "
    "others has stopped learning (try sigmoid with 6 layers). Raise the learning rate while it "
    "runs: it applies at the next step. Try 3 or 10 on *plane* to see divergence."
)

with st.sidebar, st.expander("Share these settings", icon=":material/link:"):
    st.caption("This link rebuilds the same data and initial weights. Copy it with the button on its right.")
    st.code(f"{st.context.url or ''}?{urlencode(to_query(config))}", language=None, wrap_lines=True)
sync_url(config)
