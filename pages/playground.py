"""Playground: train a small network on 2-D data live, as in TensorFlow Playground, and see
what Playground never shows: the gradient and the update on every edge, the gradient norm
of every layer over time, and a replay of any recorded step.

Settings live in the sidebar (and in the URL, so a link reproduces data and initial
weights). Training runs in the live view (``pages.live``): a component mounted once, fed
frames over the app's own websocket, with Play, Pause and Step; this script only changes the
tab's live run when a widget changes, and shows replay and the detailed (Plotly) charts while
paused.

The page body: ``main`` (title, settings, the live view, its controls, the paused details,
the words). The sidebar's widgets are in ``playground_sidebar``, the session and its callbacks
in ``playground_session``, the paused charts in ``playground_details``, the words in
``playground_text``.
"""

from __future__ import annotations

import streamlit as st

from pages.live.component import live_view
from pages.playground_build import live_steps, replay_options
from pages.playground_details import paused_detail
from pages.playground_session import (
    apply_settings,
    live_run,
    model,
    replay_changed,
    replay_key,
    reset_training,
    restore_widgets,
    resume_from_replay,
    start_session,
    sync_url,
)
from pages.playground_settings import VIEWS, PlaygroundConfig
from pages.playground_sidebar import hide_controls, model_file_expander, share_expander, sidebar_settings
from pages.playground_text import (
    CAPTION,
    DETAILS_LABEL,
    NODE_TEXT,
    REPLAY_HELP,
    RESET_HELP,
    RESUME_HELP,
    TF_RESET_HELP,
    VIEW_TEXT,
    WHAT_TO_LOOK_FOR,
    differences_table,
)
from pages.playground_validate import validate
from viz.curves import layer_colours
from viz.playground_diagram import NODE_LABELS

state = st.session_state


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
        help=TF_RESET_HELP if state["pg.config"].tf_compatible else RESET_HELP,
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


def replay_controls() -> None:
    """Paused: replay any recorded step, and resume from it. The slider is keyed by the timeline and
    step it is drawn for (``replay_key``), inside the ``pg.replay`` container a lesson link hides."""
    run = live_run()
    with run.lock:
        trainer = run.model.trainer
        now = live_steps(trainer)
        options = replay_options(trainer.history, now)
        key, replaying = replay_key(run.model), run.model.replay is not None
    if now == 0:
        return
    if not replaying or state.get(key) not in options:
        state[key] = now  # the view shows the live state
    slider_col, resume_col = st.columns([3, 1], vertical_alignment="bottom")
    slider_col.container(key="pg.replay").select_slider(
        "Replay a recorded step",
        options,
        key=key,
        on_change=replay_changed,
        args=(key,),
        format_func=lambda k: f"now (step {k})" if k == now else f"step {k}",
        help=REPLAY_HELP,
    )
    resume_col.button(
        "Resume here",
        icon=":material/history:",
        on_click=resume_from_replay,
        args=(key,),
        disabled=state[key] == now,
        width="stretch",
        key="pg.resume_button",
        help=RESUME_HELP,
    )


def batch_caption(config: PlaygroundConfig) -> str:
    """How many training points one step uses (and TF compatible mode's Step)."""
    per_step = (
        f"Full batch: all {config.n_train} training points at every step."
        if config.full_batch
        else f"{config.batch_size} of {config.n_train} training points per step."
    )
    return per_step + (" Step: one epoch (TF compatible)." if config.tf_compatible else "")


def settings(notices, note_box) -> PlaygroundConfig:
    """The sidebar's settings checked (problems said in ``notices``) and applied to the live run;
    returns the settings in force. ``note_box`` says what a rebuild reset."""
    applied: PlaygroundConfig = state["pg.config"]
    raw, has_features, batch_slot = sidebar_settings(applied)
    config, problems = validate(raw)
    if not has_features:
        notices.warning(f"Choose at least one input feature; still using {', '.join(applied.features)}.")
    for problem_text in problems:
        notices.warning(problem_text)
    config = apply_settings(applied, config, notices)
    state["pg.config"] = config
    batch_slot.caption(batch_caption(config))
    if model().trainer.step > 0:
        state.pop("pg.reset_note", None)  # it described step 0 of the rebuilt network
    if "pg.reset_note" in state:
        note_box.caption(state["pg.reset_note"])
    return config


def words() -> None:
    """What to look for, and the differences from TF Playground (a lesson link can hide them)."""
    with st.container(key="pg.text"):
        st.markdown(WHAT_TO_LOOK_FOR)
        with st.expander("TF Playground and this page: the differences", icon=":material/compare:"):
            st.markdown(differences_table())


def main() -> None:
    st.title("Playground")
    st.caption(CAPTION)
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
    config = settings(notices, note_box)
    with view_box:
        live_area()
    display_controls()
    display_toggles()
    if not live_run().playing:
        replay_controls()
        if st.toggle(DETAILS_LABEL, key="pg.details"):
            paused_detail(live_run(), config)
    words()
    model_file_expander()
    share_expander(config)
    hide_controls(config.hidden_controls)
    sync_url(config)


main()
