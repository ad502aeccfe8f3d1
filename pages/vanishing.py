"""Vanishing and exploding gradients: see the gradient die or blow up, layer by layer.

The class stacks 20, 50 or 100 layers, picks an activation and an initialization, presses
play and watches the gradient shrink toward the input (or blow up); then switches on a
mitigation (careful init, batch norm, residual connections, clipping) and sees it recover.
Two configurations, A and B, train side by side on one clock (same data, same seed).

Layout: settings in the sidebar (shared data and clock, then one tab per configuration;
"your CSV" adds a file uploader, parsed in ``vanishing_state.choose_data``);
play / advance / reset outside the live area; the live area is a fragment that reruns on a
timer while playing, advancing both runs and redrawing the charts. Everything that steps or
reads the runs holds the session's lock (``vanishing_state.runs_lock``): a click's full rerun
can start in a new script thread while the timer's run is still training. Every run that has
not diverged shows the same step (``vanishing_state.shown_steps``). Charts that need width (the
layer x step heatmap, theory's two panels, the loss curve) take the full width; two per row
otherwise, each readable at 1024 pixels wide with the sidebar open. The paused details are
drawn by ``vanishing_details``; the longer words are in ``vanishing_text``.
"""

from __future__ import annotations

import streamlit as st

from engine import OPTIMIZERS
from engine.data import MAX_CSV_BYTES
from engine.diagnosis import divergence_report
from pages import presenter, widgets
from pages import vanishing_details as details
from pages import vanishing_state as vs
from pages import vanishing_text as text
from pages.live.component import deep_view
from pages.live.runs import LiveRun
from pages.vanishing_live import VanishingLive
from viz.gradients import HEATMAP_MODES, QUANTITIES

HEATMAP_MODE_TEXT = {"relative": "relative to the step's median layer", "absolute": "absolute"}
DATASET_TEXT = {"digits": "digits (8×8 images, 10 classes)", vs.CSV: "your CSV (upload a file)"}

state = st.session_state


# ----------------------------------------------------------------------------- the live run
def session_id() -> str | None:
    ctx = st.runtime.scriptrunner.get_script_run_ctx()
    return ctx.session_id if ctx is not None else None


def live_run() -> LiveRun:
    """The tab's live run (made on the first visit); its lock is the session's runs lock
    (``vanishing_state.runs_lock``), held by everything that steps or reads the runs."""
    run = state.get("vg.live")
    if run is None:
        run = LiveRun(VanishingLive(), session_id())
        run.lock = vs.runs_lock(state)
        state["vg.live"] = run
    return run


def active_runs() -> list[vs.Run]:
    return [state[f"vg.run.{name}"] for name in ("A", "B") if f"vg.run.{name}" in state]


def runs_lock():
    return live_run().lock


def follow_latest() -> None:
    with runs_lock():
        runs = active_runs()
        if runs:
            state["vg.step"] = max(run.last_step for run in runs)


# ----------------------------------------------------------------------------- actions
def advance_clicked(n_steps: int) -> None:
    run = live_run()
    run.playing = False
    with run.lock:
        run.model.command("advance", {"steps": int(n_steps)})
        follow_latest()
    run.changed()


def reset_clicked() -> None:
    run = live_run()
    run.playing = False
    with run.lock:
        for vg_run in active_runs():
            vs.reset_run(vg_run)
        run.model.touch()
        follow_latest()
    run.changed()


def replay_changed() -> None:
    run = live_run()
    with run.lock:
        k = state.get("vg.step")
        run.model.show(None if k is None or k >= run.model.last else int(k))
    run.changed()


def set_classic_init(name: str, case: str) -> None:
    scheme, scale = vs.classic_init(case, state[f"vg.{name}.activation"])
    state[f"vg.{name}.init"] = scheme
    state[f"vg.{name}.init.scale"] = scale
    state[f"vg.{name}.careful"] = False


# ----------------------------------------------------------------------------- widgets
def config_controls(
    name: str, dataset: str, csv: vs.CsvData | None, batch_size: int, seed: int
) -> vs.VGConfig:
    """One configuration's widgets (keys ``vg.A.*`` / ``vg.B.*``), read into a VGConfig."""
    d = vs.DEFAULTS[name]
    key = f"vg.{name}"
    depth = st.slider("Hidden layers (depth)", *vs.DEPTH_RANGE, d.depth, key=f"{key}.depth")
    width = st.slider("Width (units per layer)", *vs.WIDTH_RANGE, d.width, key=f"{key}.width")
    activation = widgets.activation_select(f"{key}.activation", default=d.activation)
    st.caption("Classic initializations")
    cases = st.columns(2)
    for i, case in enumerate(vs.CLASSIC_INITS):
        cases[i % 2].button(
            case, key=f"{key}.classic.{case}", on_click=set_classic_init, args=(name, case), width="stretch"
        )
    init, init_scale = widgets.init_select(f"{key}.init", d.init)
    options = vs.losses_for(dataset, csv)
    loss = widgets.loss_select(
        f"{key}.loss.{vs.loss_kind(dataset, csv)}", default=options[0], options=options
    )
    optimizer = st.selectbox(
        "Optimizer", tuple(OPTIMIZERS), key=f"{key}.optimizer", help="Plain SGD shows the gradient as it is."
    )
    lr = widgets.learning_rate_input(f"{key}.lr", default=d.lr)
    st.markdown("**Mitigations**")
    careful = st.toggle(
        "Careful init", key=f"{key}.careful", help="Xavier for tanh/sigmoid/linear, He for the ReLU family"
    )
    clip = st.toggle("Gradient clipping (norm)", key=f"{key}.clip")
    clip_norm = st.number_input(
        "Max gradient norm", 1e-3, 1e6, 1.0, format="%g", key=f"{key}.clip_norm", disabled=not clip
    )
    batch_norm = st.toggle("Batch normalization", key=f"{key}.bn")
    residual = st.toggle("Residual connections", key=f"{key}.residual", help=text.RESIDUAL_HELP)
    return vs.VGConfig(
        depth=int(depth),
        width=int(width),
        activation=activation,
        init=init,
        init_scale=float(init_scale),
        loss=loss,
        optimizer=optimizer,
        lr=float(lr),
        batch_size=batch_size,
        dataset=dataset,
        seed=seed,
        csv=csv,
        careful_init=bool(careful),
        clip=bool(clip),
        clip_norm=float(clip_norm),
        batch_norm=bool(batch_norm),
        residual=bool(residual),
    )


# ----------------------------------------------------------------------------- page
def sidebar() -> tuple[vs.DataChoice, dict[str, vs.VGConfig], int, int, bool]:
    """The sidebar: shared data and clock, then one tab per configuration. Returns
    ``(data choice, configs by name, batch size, steps per Advance, compare with B)``."""
    with st.sidebar:
        st.subheader("Data and clock")
        selected = st.selectbox(
            "Data set",
            vs.DATA_CHOICES,
            key="vg.dataset",
            format_func=lambda n: DATASET_TEXT.get(n, f"{n} (2-D)"),
        )
        upload = csv_upload() if selected == vs.CSV else None
        batch_size = widgets.int_input("Batch size", *vs.BATCH_RANGE, "vg.batch", 32)
        seed = widgets.seed_input("vg.seed")
        data = vs.choose_data(state, selected, upload, seed)
        per_tick = int(st.slider("Steps per Advance", 1, 50, 5, key="vg.per_tick"))
        compare = st.toggle("Compare with configuration B", value=True, key="vg.compare")
        tabs = st.tabs(["Configuration A", "Configuration B"])
        configs = {}
        for name, tab in zip(("A", "B"), tabs):
            with tab:
                configs[name] = config_controls(name, data.dataset, data.csv, batch_size, seed)
    return data, configs, batch_size, per_tick, compare


def csv_upload():
    """The file uploader, the expected format and the example file (sidebar, "your CSV")."""
    upload = st.file_uploader(
        "Your CSV file", type="csv", key="vg.csv.file", max_upload_size=MAX_CSV_BYTES // 2**20
    )
    st.caption(vs.CSV_FORMAT)
    st.download_button(
        f"Example CSV ({vs.CSV_EXAMPLE_SET})",
        vs.example_csv(),
        file_name=f"{vs.CSV_EXAMPLE_SET}.csv",
        mime="text/csv",
        key="vg.csv.example",
        icon=":material/download:",
    )
    return upload


def data_messages(data: vs.DataChoice) -> None:
    """What the page says about the data: the loader's error, the fallback note, or the file."""
    # the file's name, headers and cells are the user's text: shown as typed, never as Markdown
    if data.error is not None:
        st.error(
            f"**Your CSV cannot be used:** {widgets.plain(data.error)}. {widgets.plain(data.note)}",
            icon=":material/error:",
        )
    elif data.note is not None:
        st.info(widgets.plain(data.note), icon=":material/upload_file:")
    elif data.csv is not None:
        st.caption(f"Data: {widgets.plain(data.csv.describe())}.")


def sync_runs(live: LiveRun, names: tuple[str, ...], configs: dict[str, vs.VGConfig]) -> list[vs.Run]:
    """Each configuration's run, rebuilt when its network changed (then the other restarts at
    step 0 too: one clock), handed to the live model. Stops the page on a bad configuration."""
    if "B" not in names:
        state.pop("vg.run.B", None)
    with live.lock:
        restarted = []
        for name in names:
            try:
                vg_run, new = vs.sync_run(state.get(f"vg.run.{name}"), name, configs[name])
            except ValueError as error:
                st.error(f"Configuration {name} cannot be built: {error}")
                st.stop()
            state[f"vg.run.{name}"] = vg_run
            if new:
                restarted.append(name)
        if restarted:
            for name in names:
                if name not in restarted:
                    vs.reset_run(state[f"vg.run.{name}"])
            if state.get("vg.started"):
                st.toast(f"Configuration {' and '.join(restarted)} changed: training restarted at step 0.")
            live.playing = False
            follow_latest()
        live.model.set_runs([state[f"vg.run.{name}"] for name in names], rebuilt=bool(restarted))
    state["vg.started"] = True
    return [state[f"vg.run.{name}"] for name in names]


def live_controls(live: LiveRun, runs: list[vs.Run], per_tick: int) -> tuple[str, str]:
    """Advance and Reset, the heatmap's quantity and colours (returned), told to the live model."""
    with st.container(horizontal=True, vertical_alignment="center"):
        st.button(
            f"Advance {per_tick} step{'s' if per_tick > 1 else ''}",
            on_click=advance_clicked,
            args=(per_tick,),
            key="vg.advance_button",
            disabled=all(run.diverged for run in runs),
        )
        st.button("Reset", on_click=reset_clicked, key="vg.reset_button")
    quantity_col, mode_col = st.columns(2)
    quantity = quantity_col.radio(
        "Heatmap of", tuple(QUANTITIES), format_func=QUANTITIES.get, key="vg.heat_quantity", horizontal=True
    )
    mode = mode_col.radio(
        "Colours", HEATMAP_MODES, format_func=HEATMAP_MODE_TEXT.get, key="vg.heat_mode", horizontal=True
    )
    with live.lock:
        live.model.set_heatmap(quantity, mode)
    live.changed()
    return quantity, mode


def run_notes(runs: list[vs.Run]) -> None:
    """The adaptive-optimizer warning, each configuration's advice and its one-line label."""
    if any(run.config.optimizer in vs.ADAPTIVE_OPTIMIZERS for run in runs):
        st.info(text.ADAPTIVE_NOTE, icon=":material/visibility_off:")
    for vg_run in runs:
        for note in vs.advice(vg_run):
            st.caption(note)
    st.markdown("  \n".join(f"**{run.name}** = {run.config.describe()}" for run in runs))


def paused_summary(runs: list[vs.Run]) -> tuple[dict, int, int]:
    """Paused: divergence banners, notes, the replay slider and the step's numbers. Returns
    ``(shown steps by run, the step shown, the latest step)``."""
    last = max(run.last_step for run in runs)
    if live_run().model.replay is None or state.get("vg.step", last) > last or "vg.step" not in state:
        state["vg.step"] = last
    requested = int(state["vg.step"]) if last > 0 else 0
    shown = vs.shown_steps(runs, requested)
    step = vs.main_step(runs, requested, shown)
    for run in runs:
        report = divergence_report(run.trainer, f"configuration {run.name}")
        if report is not None:
            widgets.divergence_banner(report.step, report.message, report.loss_before)
            st.caption(vs.stopped_note(run, runs, shown))
    for run in runs:
        if run.config.resolved_init()[0] == "zeros":
            spread = vs.symmetry(run)
            st.info(
                f"**Zero init ({run.name}): symmetry is never broken.** Every neuron of a layer starts "
                "with the same weights, so it computes the same output, receives the same gradient and "
                "makes the same update: the neurons of a layer stay identical through training, and "
                f"each layer works like a single neuron. Now, after {run.last_step + 1} steps, the largest "
                f"difference between two neurons of one hidden layer is **{spread.max():.3g}**.",
                icon=":material/content_copy:",
            )

    if last > 0:
        st.slider("Step shown (replay)", 0, last, key="vg.step", on_change=replay_changed)
    else:
        st.caption("Step 0: the network as initialized. Press Play, Step or Advance.")
    note = vs.thinned_note(runs, requested, shown)
    if note:
        st.caption(note)
    metric_cols = st.columns(1 + len(runs))
    metric_cols[0].metric("Step shown", f"{step} of {last}")
    for col, run in zip(metric_cols[1:], runs):
        row = vs.view_row(run, shown[run.name])
        score = vs.test_score(run, shown[run.name])
        col.metric(
            f"Batch loss {run.name} (step {row['step']})",
            f"{row['loss']:.4g}",
            help="The loss of the batch of that step (before its update).",
        )
        if score is not None:
            col.caption(f"test {score['name']} {score['value']:.3f} (evaluated at step {score['step']})")
    return shown, step, last


def paused(live: LiveRun, runs: list[vs.Run], quantity: str, mode: str) -> None:
    """Below the live view: a note while playing; paused, the shown step's summary and charts."""
    if live.playing:
        st.caption("Playing: the charts above are drawn live. Pause to replay any step and see the details.")
        return
    with live.lock:
        shown, step, last = paused_summary(runs)
        if st.toggle(
            "Details of the shown step: histograms, theory, ‖update‖/‖W‖ (hover for exact values, zoom, PNG)",
            value=True,
            key="vg.details",
        ):
            details.paused_charts(runs, shown, step, last, quantity, mode)


def main() -> None:
    """The page, top to bottom."""
    presenting = presenter.is_on()
    st.title("Vanishing & exploding gradients")
    if not presenting:  # in a room the live view comes first, its controls below it
        st.caption(
            "Stack many layers, press play, and watch the gradient fade toward the input or blow up; "
            "then switch on a fix and watch it recover. A and B train side by side on one clock."
        )
    data, configs, batch_size, per_tick, compare = sidebar()
    data_messages(data)
    live = live_run()
    runs = sync_runs(live, ("A", "B") if compare else ("A",), configs)
    if presenting:
        deep_view(live, {}, key="vg.live_view")
    quantity, mode = live_controls(live, runs, per_tick)
    run_notes(runs)
    if not presenting:
        deep_view(live, {}, key="vg.live_view")
    st.caption(
        f"Play trains A and B on one clock (one step each, batch {batch_size}) as fast as the server "
        f"allows; Step takes one step, Advance {per_tick}. Pause, then drag the step slider to replay."
    )
    paused(live, runs, quantity, mode)
    st.subheader("How to read the charts")
    st.markdown(text.HOW_TO_READ)


main()
