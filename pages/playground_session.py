"""The Playground tab's session: its first visit (settings from the link, a live run at step 0),
the settings widgets' values in ``st.session_state``, the address kept in step with the settings,
settings applied to the live run (a rebuild or a live change), and every widget callback that
changes the run (upload, reset, replay, resume, a TF link, a model file).

The live run (``pages.live.runs.LiveRun``) sits in ``st.session_state["pg.live"]``; its model is
changed only under its lock, and ``run.changed()`` wakes the stream after each change.
"""

from __future__ import annotations

import secrets

import streamlit as st

from engine.data import (
    CLASSIFICATION_SETS,
    REGRESSION_SETS,
    DataError,
    plane_from_csv,
    read_csv_table,
)
from pages.live.runs import LiveRun
from pages.playground_build import build_trainer, live_steps
from pages.playground_file import ModelFileError, export_model, import_model
from pages.playground_live import PlaygroundLive
from pages.playground_settings import (
    DEFAULTS,
    MAX_HIDDEN_LAYERS,
    POINTS_BY_PROBLEM,
    SEED_RANGE,
    SETTINGS,
    UPLOAD,
    VISIT_SEEDS,
    PlaygroundConfig,
)
from pages.playground_tf import from_tf_link
from pages.playground_url import APP_WIDE_KEYS, from_query, to_query
from pages.playground_validate import reset_note
from pages.widgets import plain

state = st.session_state


def widget_values(config: PlaygroundConfig) -> dict[str, object]:
    """The session-state value of every settings widget for ``config``: the setting's value for a
    widget keyed by its URL key (``Setting.widget``), and by hand the problem, the data set per
    problem, the hidden layers' count and widths, and the activation per layer."""
    values: dict[str, object] = {
        s.widget_key: list(v) if isinstance(v := getattr(config, s.name), tuple) else v
        for s in SETTINGS
        if s.widget
    }
    values["pg.problem"] = config.problem
    values[f"pg.data.{config.problem}"] = config.dataset
    other = "regression" if config.problem == "classification" else "classification"
    values[f"pg.data.{other}"] = (REGRESSION_SETS if other == "regression" else CLASSIFICATION_SETS)[0]
    values["pg.layers"] = len(config.hidden)
    values["pg.per_layer"] = bool(config.layer_activations)
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
    set_widgets(config)
    state["pg.notices"] = notices
    state["pg.config"] = config
    state["pg.live"] = LiveRun(PlaygroundLive(config, build_trainer(config)), session_id())


def set_widgets(config: PlaygroundConfig) -> None:
    """Every settings widget shows ``config``, and its hidden controls are hidden."""
    for key, value in widget_values(config).items():
        state[key] = value
    state["pg.hidden_controls"] = config.hidden_controls


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
        set_widgets(config)
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
    set_widgets(config)
    state["pg.config"] = config
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
    run.changed()


def replay_key(live: PlaygroundLive) -> str:
    """The replay slider's key: one per timeline of the live model (a rebuild, reset, resume, edit
    or rewind starts a new one) and per live step it is drawn for. A value the browser still holds
    for a slider drawn for an older state (Step, then Play before the page's rerun ended) then
    belongs to another widget and is ignored, never read against the new options (it would fall
    back to their first: step 0). Read under the run's lock."""
    return f"pg.replay.{live.timeline}.{live_steps(live.trainer)}"


def replay_changed(key: str) -> None:
    """The replay slider ``key`` moved: show its step (its last option, now: the live state); a
    slider drawn for another timeline or step does nothing."""
    run = live_run()
    with run.lock:
        if key != replay_key(run.model):
            return
        k = state.get(key)
        run.model.show(None if k is None or k >= live_steps(run.model.trainer) else int(k))
    run.changed()


def resume_from_replay(key: str) -> None:
    """Continue from the step replayed by slider ``key``; show its recorded Step until training
    moves on (the history forgets it, and the trainer's ``last_step`` is the step before)."""
    run = live_run()
    k = state.get(key)
    with run.lock:
        trainer = run.model.trainer
        if key != replay_key(run.model) or k is None or k >= live_steps(trainer):
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
    st.toast(f"Resumed from step {k}: later steps are forgotten.")
    run.changed()


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
        state["pg.reset_note"] = note  # said once, above the view (no toast as well)
    elif config != applied:
        with run.lock:
            words = run.model.apply(applied, config)
        if words:
            st.toast(f"Changed the {', '.join(words)}: applies from the next step, no reset.")
    run.changed()
    return config
