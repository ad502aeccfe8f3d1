"""The Playground page (AppTest) and its settings module (unit tests): controls change what they
should, live settings apply without a reset, architecture changes reset, links round-trip and
hostile links fall back to defaults with a notice."""

import dataclasses
import json
import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

from engine.diagnosis import divergence_report
from engine.history import metrics_at
from engine.optim import Adam
from pages.playground_build import (
    advance,
    apply_live_settings,
    build_trainer,
    live_steps,
    replay_options,
    view_of,
)
from pages.playground_settings import DEFAULTS, HIDABLE, MAX_NOTICES, PlaygroundConfig
from pages.playground_url import from_query, to_query
from pages.playground_validate import changed_parts, changed_reset_fields, reset_note, shown, validate

PAGE = "pages/playground.py"
ROOT = Path(__file__).resolve().parents[2]
# The page's tests below start from data seed 0 and 200 points, set in the link: a visit without a
# data seed draws a random one, and the default is TF Playground's 500 points.
BASE_QUERY = {"dseed": "0", "points": "200"}
BASE = DEFAULTS.replace(data_seed=0, n_points=200)


@pytest.fixture
def load_page():
    def load(name: str, **state) -> AppTest:
        at = AppTest.from_file(str(ROOT / name), default_timeout=60)
        at.query_params.update(BASE_QUERY)
        for key, value in state.items():
            at.session_state[key] = value
        return at.run()

    return load


# ============================================================================ settings module
valid_configs = st.builds(
    PlaygroundConfig,
    dataset=st.sampled_from(("circle", "xor", "gaussian", "spiral", "moons", "sine", "plane")),
    noise=st.integers(0, 50),
    train_ratio=st.integers(10, 90),
    n_points=st.integers(20, 2000),
    data_seed=st.integers(0, 2**31 - 1),
    features=st.sampled_from([("x1", "x2"), ("x1^2",), ("x1", "x2", "x1*x2", "sin x1", "sin x2")]),
    hidden=st.lists(st.integers(1, 16), max_size=10).map(tuple),
    activation=st.sampled_from(("tanh", "relu", "sigmoid", "gelu")),
    init=st.sampled_from(("xavier_uniform", "he_normal", "zeros")),
    init_scale=st.floats(0, 100),
    seed=st.integers(0, 2**31 - 1),
    regularization=st.sampled_from(("none", "l1", "l2")),
    reg_rate=st.floats(0, 100),
    lr=st.floats(0, 1000),
    batch_size=st.integers(1, 2000),
    optimizer=st.sampled_from(("sgd", "momentum", "adam")),
    clip_norm=st.floats(0, 1e6),
    speed=st.sampled_from((1, 10, 100)),
    show_test=st.booleans(),
    view=st.sampled_from(("weights", "gradients", "update")),
)


@given(valid_configs)
def test_every_valid_config_round_trips_through_the_url(config):
    assert validate(config) == (config, [])
    query = to_query(config)
    assert all(isinstance(v, str) for v in query.values())
    assert from_query(query) == (config, [])


def test_defaults_are_playgrounds_and_an_empty_link_gives_them_silently():
    assert from_query({}) == (DEFAULTS, [])
    d = DEFAULTS
    assert (d.dataset, d.features, d.hidden, d.activation, d.lr, d.batch_size) == (
        "circle",
        ("x1", "x2"),
        (4, 2),
        "tanh",
        0.03,
        10,
    )
    assert (d.train_ratio, d.noise, d.n_points, d.problem, d.loss, d.output_activation) == (
        50,
        0,
        500,
        "classification",
        "bce",
        "sigmoid",
    )
    assert from_query({"data": "plane"})[0].n_points == 1200  # TF Playground's, for regression
    assert from_query({"data": "plane", "points": "300"})[0].n_points == 300
    regression = d.replace(dataset="plane")
    assert (regression.problem, regression.loss, regression.output_activation) == (
        "regression",
        "mse",
        "linear",
    )


HOSTILE = {
    "lr": "abc",
    "hidden": "99999",
    "data": "<script>alert(1)</script>",
    "noise": "-5",
    "points": "1e9",
    "features": "x1,evil",
    "batch": "nan",
    "clip": "inf",
    "iscale": "1" * 500,
    "view": ["weights", "**bold**"],
    "test": "maybe",
    "acts": "relu,relu,relu",
    "utm_source": "x",
}


def test_hostile_values_fall_back_to_defaults_with_notices():
    config, notices = from_query(HOSTILE)
    assert config == DEFAULTS
    assert len(notices) == MAX_NOTICES
    assert notices[-1].startswith("… and ")
    text = " ".join(notices)
    assert "<script>" not in text and "**bold**" not in text  # defused for Markdown and HTML
    assert "lr" in text and "abc" in text


def test_each_bad_value_names_the_setting_and_what_is_allowed():
    cases = {
        "lr": ("-1", "from 0 to 1000"),
        "hidden": ("4,0", "widths from 1 to 16"),
        "hidden ": ("1,2,3,4,5,6,7,8,9,10,11", "up to 10"),
        "features": ("", "comma-separated list"),
        "act": ("softmax", "one of sigmoid, tanh"),
        "speed": ("7", "one of 1, 2, 5"),
    }
    for key, (value, allowed) in cases.items():
        config, notices = from_query({key.strip(): value})
        assert config == DEFAULTS, key
        assert len(notices) == 1 and allowed in notices[0], (key, notices)
    config, notices = from_query({"hidden": "3,3", "acts": "relu"})
    assert config.hidden == (3, 3) and config.layer_activations == ()
    assert "1 activations for 2 hidden layers" in notices[0]


@given(st.dictionaries(st.text(max_size=12), st.one_of(st.text(max_size=40), st.lists(st.text(max_size=8)))))
def test_from_query_never_raises_and_always_gives_a_valid_config(params):
    config, notices = from_query(params)
    assert validate(config) == (config, [])
    assert len(notices) <= MAX_NOTICES


def test_shown_defuses_markdown_and_cuts_long_values():
    assert shown("[x](javascript:y)") == r"'\[x\]\(javascript\:y\)'"
    assert len(shown("a" * 100)) < 40


def test_changed_reset_fields_says_what_changed():
    assert changed_reset_fields(DEFAULTS, DEFAULTS.replace(lr=1.0, view="update")) == []
    assert changed_reset_fields(DEFAULTS, DEFAULTS.replace(hidden=(3,), data_seed=4)) == [
        "data (regenerated)",
        "hidden layers",
    ]
    assert changed_reset_fields(DEFAULTS, DEFAULTS.replace(regression_loss="sse")) == []  # unused for circle


def test_build_trainer_is_reproducible_and_follows_the_settings():
    config = DEFAULTS.replace(features=("x1", "x2", "x1^2"), hidden=(3,), layer_activations=("relu",), seed=3)
    a, b = build_trainer(config), build_trainer(config)
    assert a.network.sizes == [3, 3, 1]
    assert a.network.activation_names == ["relu", "sigmoid"]
    assert all((x == y).all() for x, y in zip(a.network.weights, b.network.weights))
    np.testing.assert_array_equal(a.dataset.raw_train, b.dataset.raw_train)
    np.testing.assert_allclose(a.network.biases[0], 0.1)
    assert a.history.last_metrics_step == 0  # step 0 is evaluated
    other = build_trainer(config.replace(seed=4))
    assert not np.allclose(other.network.weights[0], a.network.weights[0])
    np.testing.assert_array_equal(other.dataset.raw_train, a.dataset.raw_train)  # same data seed


def test_live_settings_keep_the_optimizer_state_unless_the_optimizer_changes():
    config = DEFAULTS.replace(optimizer="adam")
    trainer = build_trainer(config)
    advance(trainer, 3)
    optimizer = trainer.optimizer
    words = apply_live_settings(trainer, config, config.replace(lr=0.5, regularization="l2", reg_rate=0.01))
    assert words == ["regularization", "regularization rate", "learning rate"]
    assert trainer.optimizer is optimizer and optimizer.t == 3  # moments kept
    assert (optimizer.lr, optimizer.l2, optimizer.l1) == (0.5, 0.01, 0.0)
    apply_live_settings(trainer, config, config.replace(optimizer="sgd", batch_size=25, clip_norm=2.0))
    assert trainer.optimizer is not optimizer and trainer.optimizer.clip_norm == 2.0
    assert trainer.batch_size == 25
    assert isinstance(optimizer, Adam)


def test_divergence_report_names_the_layer_with_the_largest_gradient():
    trainer = build_trainer(DEFAULTS.replace(dataset="plane", lr=10.0))
    for _ in range(100):
        advance(trainer, 10)
        if trainer.divergence:
            break
    report = divergence_report(trainer)
    assert report.step == trainer.divergence.step
    assert "largest gradient was in layer" in report.message or "layer" in trainer.divergence.message
    assert f"layer {report.layer}" in report.message
    assert report.loss_before is None or math.isfinite(report.loss_before)
    assert all(np.isfinite(w).all() for w in trainer.network.weights)  # the last finite state
    assert divergence_report(build_trainer(DEFAULTS)) is None


def test_replay_options_and_metrics_at():
    trainer = build_trainer(DEFAULTS)  # evaluated every EVAL_EVERY = 10 steps
    advance(trainer, 2000)
    options = replay_options(trainer.history, trainer.step, limit=100)
    assert len(options) <= 100 and options[-1] == 2000
    assert options[-51:-1] == list(range(1950, 2000))  # the recent steps are all offered
    assert all(trainer.history.detail(k) is not None for k in options[:-1])
    assert metrics_at(trainer.history, 17)["step"] == 10.0
    assert metrics_at(trainer.history, 2000)["step"] == 2000.0


def test_reset_note_says_whether_the_data_the_network_or_both_are_new():
    assert reset_note(DEFAULTS, DEFAULTS.replace(lr=1.0)) is None
    network = reset_note(DEFAULTS, DEFAULTS.replace(hidden=(3, 3)))
    assert network == "Changed the hidden layers: a new network, the same data; training restarted at step 0."
    data = reset_note(DEFAULTS, DEFAULTS.replace(noise=10, data_seed=3))
    assert "noise, data (regenerated): new data, the same initial weights" in data
    for both in (
        DEFAULTS.replace(features=("x1", "x2", "x1^2")),  # the data's columns and the input layer
        DEFAULTS.replace(dataset="plane"),  # classification to regression: a new output and loss
        DEFAULTS.replace(noise=10, seed=4),
    ):
        assert "new data and a new network" in reset_note(DEFAULTS, both)
    assert changed_parts(DEFAULTS, DEFAULTS.replace(dataset="xor")) == (True, False)
    assert changed_parts(
        DEFAULTS.replace(dataset="sine"), DEFAULTS.replace(dataset="sine", regression_loss="sse")
    ) == (
        False,
        True,
    )


def diverged():
    trainer = build_trainer(DEFAULTS.replace(dataset="plane", lr=10.0))
    for _ in range(100):
        advance(trainer, 10)
        if trainer.divergence:
            return trainer
    raise AssertionError("did not diverge")


def test_after_a_divergence_the_view_shows_the_last_finite_state_and_its_metrics():
    trainer = diverged()
    div = trainer.divergence
    assert not math.isfinite(metrics_at(trainer.history, trainer.step)["train_loss"])  # what was shown
    view = view_of(trainer)
    assert view.diverged and view.steps == div.step == live_steps(trainer)
    assert view.caption == f"before step {div.step} (last finite)"
    assert math.isfinite(view.metrics["train_loss"]) and math.isfinite(view.metrics["test_loss"])
    assert math.isfinite(view.metrics["test_r2"]) and view.metrics["step"] <= div.step
    assert view.step.index == div.step - 1 and math.isfinite(view.step.loss)
    finite = metrics_at(trainer.history, trainer.step, finite=True)
    assert (finite["step"], finite["train_loss"]) == (view.metrics["step"], view.metrics["train_loss"])


def test_after_resume_the_view_shows_the_resumed_steps_recorded_values():
    trainer = build_trainer(DEFAULTS)
    advance(trainer, 5)
    for k in (3, 0):
        step = trainer.history.detail(k)
        trainer.resume_from(k)
        view = view_of(trainer, resumed=step)
        assert view.step is step and view.steps == k and view.caption == f"after {k} steps"
        assert view_of(trainer).step is trainer.last_step  # without it: the step before, or None
        advance(trainer, 5)
        assert view_of(trainer, resumed=step).step is trainer.last_step  # training moved on


def test_a_replayed_view_is_the_recorded_step():
    trainer = build_trainer(DEFAULTS)
    advance(trainer, 5)
    view = view_of(trainer, replay=2)
    assert view.replaying and view.steps == 2 and view.step is trainer.history.detail(2)
    assert all(w is v for w, v in zip(view.weights, trainer.history.detail(2).weights))
    assert view.metrics["step"] == metrics_at(trainer.history, 2)["step"] and view.caption == "at step 2"
    assert not view_of(trainer, replay=5).replaying  # "now"


# ============================================================================ the page
def live_model(at):
    return at.session_state["pg.live"].model


def metric(at, label):
    """What the live view's counter ``label`` shows: the state the stream draws (``shown``)."""
    shown = live_model(at).shown()
    if label in ("Step", "Epoch"):
        return str(shown.steps if label == "Step" else shown.epoch)
    name = {"Train loss": "train_loss", "Test loss": "test_loss", "Test R²": "test_r2"}[label]
    return f"{shown.metrics[name]:.4f}"


def chart(at, name):
    """The figure JSON of a paused-detail chart (the details toggle is switched on first)."""
    if not at.session_state["pg.details"]:
        at.toggle(key="pg.details").set_value(True).run()
    element = next(c for c in at.get("plotly_chart") if f"pg.{name}_chart" in c.proto.id)
    return json.loads(element.proto.spec)


def trainer(at):
    return live_model(at).trainer


def replay_slider(at):
    return next(s for s in at.select_slider if s.label == "Replay a recorded step")


def take_step(at):
    """The live view's Step: one step over the stream, then the page's rerun it triggers."""
    run = at.session_state["pg.live"]
    with run.lock:
        assert run.model.command("step", {})
    at.run()


def play(at, slices=0):
    """The live view's Play: the stream trains (``slices`` slices of 10 steps here)."""
    run = at.session_state["pg.live"]
    run.play()
    with run.lock:
        for _ in range(slices):
            run.model.train(10.0, 10, lambda: False)
    at.run()


def pause(at):
    at.session_state["pg.live"].pause()
    at.run()


def test_page_renders_four_charts_and_writes_every_setting_to_the_url(load_page):
    at = load_page(PAGE)
    assert not at.exception
    assert at.title[0].value == "Playground"
    assert metric(at, "Step") == "0"
    assert not at.get("plotly_chart")  # the live view draws; Plotly only for the paused details
    assert json.loads(at.get("bidi_component")[0].proto.json)["token"] == at.session_state["pg.live"].token
    titles = [
        chart(at, name)["layout"]["title"]["text"] for name in ("boundary", "diagram", "metric", "gradnorm")
    ]
    assert titles[0] == "Output after 0 steps" and titles[2] == "Loss and accuracy"
    assert at.query_params == to_query(BASE)
    boundary = chart(at, "boundary")
    assert boundary["data"][0]["type"] == "heatmap"
    assert boundary["data"][0]["z"]["dtype"] == "f4"
    assert boundary["data"][0]["z"]["shape"] in ("50, 50", [50, 50])


def test_step_and_reset(load_page):
    at = load_page(PAGE)
    take_step(at)
    assert metric(at, "Step") == "1"
    play(at, slices=2)
    assert at.session_state["pg.live"].playing and metric(at, "Step") == "21"
    assert not at.get("plotly_chart") and not [s for s in at.select_slider if s.label.startswith("Replay")]
    pause(at)
    assert not at.session_state["pg.live"].playing and metric(at, "Step") == "21"
    assert replay_slider(at).value == 21  # paused: replay is offered
    first = trainer(at).history.summary(0)["W_norm"]
    at.button(key="pg.reset_button").click().run()
    assert metric(at, "Step") == "0" and trainer(at).step == 0
    take_step(at)
    np.testing.assert_array_equal(trainer(at).history.summary(0)["W_norm"], first)  # same initial weights


def test_speed_is_a_target_rate_in_epochs_per_second(load_page):
    at = load_page(PAGE)
    assert live_model(at).target_epochs_per_s is None  # by default as fast as the server allows
    at.select_slider(key="pg.speed").set_value(10).run()
    assert live_model(at).target_epochs_per_s == 10.0 and at.query_params["speed"] == "10"
    at.select_slider(key="pg.speed").set_value(0).run()
    assert live_model(at).target_epochs_per_s is None and at.query_params["speed"] == "0"  # max
    at.select_slider(key="pg.speed").set_value(5).run()
    assert live_model(at).target_epochs_per_s == 5.0 and at.query_params["speed"] == "5"
    assert live_model(at).steps_per_epoch == 10  # 100 training points in batches of 10
    assert metric(at, "Step") == "0"  # a live setting: no reset


def test_live_learning_rate_change_applies_without_reset(load_page):
    at = load_page(PAGE)
    for _ in range(3):
        take_step(at)
    optimizer = trainer(at).optimizer
    at.selectbox(key="pg.lr").set_value(0.3).run()
    assert metric(at, "Step") == "3"  # no reset
    assert trainer(at).optimizer is optimizer and optimizer.lr == 0.3
    assert any("learning rate" in t.value and "no reset" in t.value for t in at.toast)
    take_step(at)
    np.testing.assert_allclose(trainer(at).history.column("lr"), [0.03, 0.03, 0.03, 0.3])


@pytest.mark.parametrize(
    "change, check",
    [
        (
            lambda at: at.selectbox(key="pg.opt").set_value("adam"),
            lambda t: type(t.optimizer).__name__ == "Adam",
        ),
        (lambda at: at.number_input(key="pg.batch").set_value(50), lambda t: t.batch_size == 50),
        (lambda at: at.selectbox(key="pg.reg").set_value("l1"), lambda t: t.optimizer.l1 == 0.0),
        (lambda at: at.number_input(key="pg.clip").set_value(1.5), lambda t: t.optimizer.clip_norm == 1.5),
    ],
    ids=["optimizer", "batch size", "regularization", "clipping"],
)
def test_other_live_settings_apply_without_reset(load_page, change, check):
    at = load_page(PAGE)
    take_step(at)
    change(at).run()
    assert metric(at, "Step") == "1" and check(trainer(at))


def test_regularization_rate_reaches_the_optimizer(load_page):
    at = load_page(PAGE)
    at.selectbox(key="pg.reg").set_value("l2").run()
    at.selectbox(key="pg.rrate").set_value(0.01).run()
    assert (trainer(at).optimizer.l2, trainer(at).optimizer.l1) == (0.01, 0.0)


@pytest.mark.parametrize(
    "change, check",
    [
        (lambda at: at.number_input(key="pg.width1").set_value(5), lambda t: t.network.sizes == [2, 5, 2, 1]),
        (lambda at: at.number_input(key="pg.layers").set_value(3), lambda t: len(t.network.sizes) == 5),
        (lambda at: at.number_input(key="pg.layers").set_value(0), lambda t: t.network.sizes == [2, 1]),
        (
            lambda at: at.selectbox(key="pg.act").set_value("relu"),
            lambda t: t.network.activation_names == ["relu", "relu", "sigmoid"],
        ),
        (
            lambda at: at.selectbox(key="pg.init").set_value("he_normal"),
            lambda t: t.network.init == "he_normal",
        ),
        (lambda at: at.number_input(key="pg.iscale").set_value(2.0), lambda t: t.network.init_scale == 2.0),
        (lambda at: at.number_input(key="pg.seed").set_value(5), lambda t: t.network.seed == 5),
        (
            lambda at: at.selectbox(key="pg.data.classification").set_value("xor"),
            lambda t: t.dataset.name == "xor",
        ),
        (lambda at: at.slider(key="pg.ratio").set_value(70), lambda t: t.dataset.n_train == 140),
        (lambda at: at.number_input(key="pg.points").set_value(300), lambda t: t.dataset.n_train == 150),
        (
            lambda at: at.button_group(key="pg.features").set_value(["x1", "x2", "x1^2"]),
            lambda t: t.dataset.feature_names == ["x1", "x2", "x1^2"] and t.network.sizes[0] == 3,
        ),
        (
            lambda at: at.radio(key="pg.problem").set_value("regression"),
            lambda t: t.dataset.name == "sine" and t.network.loss == "mse",
        ),
    ],
    ids=[
        "width",
        "more layers",
        "no hidden layer",
        "activation",
        "init",
        "init scale",
        "seed",
        "data set",
        "ratio",
        "points",
        "features",
        "problem",
    ],
)
def test_architecture_and_data_changes_reset_and_say_so(load_page, change, check):
    at = load_page(PAGE)
    for _ in range(2):
        take_step(at)
    change(at).run()
    assert not at.exception
    assert metric(at, "Step") == "0" and trainer(at).step == 0
    assert check(trainer(at))
    assert sum("training restarted at step 0" in c.value for c in at.caption) == 1
    assert not any("training restarted" in t.value for t in at.toast)  # said once, not twice


def test_the_reset_note_says_what_is_new_and_goes_when_training_moves_on(load_page):
    at = load_page(PAGE)
    at.number_input(key="pg.width1").set_value(5).run()
    notes = [c.value for c in at.caption if "training restarted" in c.value]
    assert notes == ["Changed the hidden layers: a new network, the same data; training restarted at step 0."]
    play(at, slices=1)  # playing: the note described step 0
    assert not [c for c in at.caption if "training restarted" in c.value]
    pause(at)
    assert not [c for c in at.caption if "training restarted" in c.value]
    at.slider(key="pg.noise").set_value(20).run()
    assert any("new data, the same initial weights" in c.value for c in at.caption)
    take_step(at)
    assert not [c for c in at.caption if "training restarted" in c.value]


def test_noise_and_regenerate_change_the_points(load_page):
    at = load_page(PAGE)
    labels = trainer(at).dataset.Y_train.copy()
    points = trainer(at).dataset.raw_train.copy()
    at.slider(key="pg.noise").set_value(50).run()
    assert not np.array_equal(trainer(at).dataset.Y_train, labels)
    at.button(key="pg.regenerate_button").click().run()
    assert at.session_state["pg.dseed"] == 1 and at.query_params["dseed"] == "1"
    assert not np.allclose(trainer(at).dataset.raw_train, points)


def test_per_layer_activation(load_page):
    at = load_page(PAGE)
    at.toggle(key="pg.per_layer").set_value(True).run()
    at.selectbox(key="pg.act2").set_value("sigmoid").run()
    assert trainer(at).network.activation_names == ["tanh", "sigmoid", "sigmoid"]
    assert at.query_params["acts"] == "tanh,sigmoid"


def test_regression_loss_choice(load_page):
    at = load_page(PAGE)
    at.radio(key="pg.problem").set_value("regression").run()
    at.selectbox(key="pg.loss").set_value("sse").run()
    assert trainer(at).network.loss == "sse"
    assert metric(at, "Test R²") != "–"


def test_display_controls_change_the_charts(load_page):
    at = load_page(PAGE)
    take_step(at)
    at.toggle(key="pg.test").set_value(True).run()
    assert [t["name"] for t in chart(at, "boundary")["data"]] == ["output", "train points", "test points"]
    at.toggle(key="pg.disc").set_value(True).run()
    z = chart(at, "boundary")["data"][0]["z"]
    assert "bdata" in z  # float32, decoded below
    import base64

    values = np.frombuffer(base64.b64decode(z["bdata"]), z["dtype"])
    assert set(np.unique(values)) <= {0.0, 1.0}
    at.button_group(key="pg.view").set_value("gradients").run()
    edges = next(t for t in chart(at, "diagram")["data"] if t.get("name") == "edge values")
    assert edges["text"][0].startswith("dL/dw[")
    at.button_group(key="pg.nodes").set_value("delta").run()
    badges = next(t for t in chart(at, "diagram")["data"] if t.get("name") == "node values")
    assert badges["marker"]["colorbar"]["title"]["text"] == "δ = dL/dz"
    widths = {t["line"]["width"] for t in chart(at, "diagram")["data"] if "edges" in t.get("name", "")}
    at.toggle(key="pg.logw").set_value(True).run()
    log_widths = {t["line"]["width"] for t in chart(at, "diagram")["data"] if "edges" in t.get("name", "")}
    assert widths != log_widths
    assert at.query_params["view"] == "gradients" and at.query_params["logw"] == "1"


def test_a_link_sets_every_control_and_round_trips(load_page):
    config = DEFAULTS.replace(
        dataset="xor",
        noise=10,
        hidden=(3, 3, 2),
        activation="relu",
        lr=0.07,  # not in Playground's list: free entry
        batch_size=20,
        optimizer="momentum",
        regularization="l2",
        reg_rate=0.003,
        seed=7,
        speed=20,
        view="update",
        show_test=True,
    )
    at = AppTest.from_file(str(ROOT / PAGE), default_timeout=60)
    at.query_params.update(to_query(config))
    at.run()
    assert not at.exception and not at.warning
    assert at.session_state["pg.config"] == config
    assert at.selectbox(key="pg.lr").value == 0.07
    assert at.number_input(key="pg.width3").value == 2
    assert trainer(at).network.sizes == [2, 3, 3, 2, 1] and trainer(at).network.seed == 7
    assert at.query_params == to_query(config)
    take_step(at)
    assert at.query_params == to_query(config)


def test_the_same_link_gives_the_same_data_and_initial_weights():
    query = to_query(DEFAULTS.replace(dataset="spiral", seed=11, data_seed=4))
    runs = []
    for _ in range(2):
        at = AppTest.from_file(str(ROOT / PAGE), default_timeout=60)
        at.query_params.update(query)
        runs.append(trainer(at.run()))
    a, b = runs
    np.testing.assert_array_equal(a.dataset.raw_train, b.dataset.raw_train)
    for w, v in zip(a.network.weights, b.network.weights):
        np.testing.assert_array_equal(w, v)


def test_a_hostile_link_falls_back_with_a_notice_and_no_crash():
    at = AppTest.from_file(str(ROOT / PAGE), default_timeout=60)
    at.query_params.update(
        {k: v if isinstance(v, str) else v[-1] for k, v in HOSTILE.items()} | {"dseed": "0"}
    )
    at.run()
    assert not at.exception
    assert at.session_state["pg.config"] == DEFAULTS
    assert len(at.warning) == MAX_NOTICES and all(w.value.startswith("Link: ") for w in at.warning)
    assert at.query_params == to_query(DEFAULTS)  # the URL is repaired
    at.run()
    assert not at.warning  # shown once


def test_divergence_stops_training_and_keeps_the_last_finite_state():
    at = AppTest.from_file(str(ROOT / PAGE), default_timeout=60)
    at.query_params.update({"data": "plane", "lr": "10"})
    at.run()
    run = at.session_state["pg.live"]
    run.play()
    with run.lock:
        for _ in range(40):
            run.model.train(10.0, 10, lambda: False)
            if not run.model.can_train:
                break
    run.pause()  # the stream stops a diverged run
    at.run()
    assert not at.exception
    assert not run.model.can_train
    assert "Training diverged at step" in run.model.shown().divergence
    assert not run.model.command("step", {})  # nothing more to step
    assert all(np.isfinite(w).all() for w in trainer(at).network.weights)
    heat = chart(at, "boundary")["data"][0]["z"]
    import base64

    assert np.isfinite(np.frombuffer(base64.b64decode(heat["bdata"]), heat["dtype"])).all()
    # the numbers agree with the banner: the step before the diverged one, finite losses
    div = trainer(at).divergence
    assert metric(at, "Step") == str(div.step)
    for label in ("Train loss", "Test loss", "Test R²"):
        assert math.isfinite(float(metric(at, label))), label
    r2 = chart(at, "metric")["data"][2]["y"]
    values = np.frombuffer(base64.b64decode(r2["bdata"]), r2["dtype"])
    assert np.isfinite(values).sum() >= 2 and values[np.isfinite(values)].min() >= -1.0  # drawn, on the axis
    assert f"before step {div.step}" in chart(at, "boundary")["layout"]["title"]["text"]
    at.button(key="pg.reset_button").click().run()
    assert not at.error and run.model.can_train


def test_replay_shows_a_past_step_and_resume_continues_from_it(load_page):
    at = load_page(PAGE)
    for _ in range(4):
        take_step(at)
    replay = replay_slider(at)
    assert replay.options == ["step 0", "step 1", "step 2", "step 3", "now (step 4)"]
    boundary_now = chart(at, "boundary")["data"][0]["z"]["bdata"]
    replay.set_value(1).run()
    assert metric(at, "Step") == "1"
    assert live_model(at).replay == 1 and live_model(at).shown().replaying
    assert chart(at, "boundary")["data"][0]["z"]["bdata"] != boundary_now
    assert "step 1" in chart(at, "diagram")["layout"]["title"]["text"]
    assert chart(at, "metric")["layout"]["shapes"][0]["x0"] == 1  # the curves mark the step
    at.button(key="pg.resume_button").click().run()
    assert trainer(at).step == 1 and metric(at, "Step") == "1"
    assert replay_slider(at).value == 1  # "now" again
    # the diagram shows the replayed step's values until training moves on, not "no step yet"
    diagram = chart(at, "diagram")
    assert diagram["layout"]["title"]["text"].endswith("units a (step 1)")
    badges = next(t for t in diagram["data"] if t.get("name") == "node values")
    assert len(badges["x"]["bdata"] if isinstance(badges["x"], dict) else badges["x"]) > 0
    take_step(at)
    assert trainer(at).step == 2
    assert chart(at, "diagram")["layout"]["title"]["text"].endswith("units a (step 1)")  # the new step 1


def drawn_keys(at: AppTest) -> set[str]:
    """The keys of every element and container the page drew (Streamlit's ids end in -<key>)."""
    keys, todo = set(), [at.main, at.sidebar]
    while todo:
        node = todo.pop()
        element_id = getattr(getattr(node, "proto", None), "id", "")
        if element_id.startswith("$$ID-"):
            keys.add(element_id.split("-", 2)[2])
        todo.extend(getattr(node, "children", {}).values())
    return keys


# Keys of HIDABLE that are expanders: AppTest keeps no expander's key, so the browser test
# (tests/browser/test_playground.py) finds these in the page.
HIDABLE_EXPANDERS = {"pg.tflink", "pg.csv_box", "pg.model", "pg.share"}


def test_every_control_a_lesson_link_hides_is_drawn_under_its_key(load_page):
    """hide=... hides widgets by key: each key of ``HIDABLE`` is one the page draws (a renamed
    widget would stay on screen otherwise), in one of these states."""
    drawn = set()
    for query in ({}, {"data": "plane"}, {"data": "spiral_k"}, {"acts": "relu,tanh"}):
        at = AppTest.from_file(str(ROOT / PAGE), default_timeout=60)
        at.query_params.update(BASE_QUERY | query)
        drawn |= drawn_keys(at.run())
    take_step(at)  # paused after a step: the replay slider and Resume
    drawn |= drawn_keys(at)
    missing = {
        name: keys for name, h in HIDABLE.items() if (keys := set(h.widgets) - drawn - HIDABLE_EXPANDERS)
    }
    assert missing == {}


def test_a_stale_replay_value_from_before_play_does_not_replay_an_old_step(load_page):
    """The race of Step then Play: the paused page's rerun after Step draws the replay slider for
    step 1, Play lands before that run ends, and the browser keeps that slider's value and sends it
    with a later rerun (after Pause). The view must stay on the live step, not jump back to a step
    the value no longer means (AppTest's ``_run`` with the stale widget state, as the browser sends)."""
    at = load_page(PAGE)
    take_step(at)
    stale = replay_slider(at)._widget_state  # "now (step 1)"
    play(at, slices=3)
    pause(at)
    now = trainer(at).step
    assert now == 31 and live_model(at).replay is None and replay_slider(at).value == now
    states = at._tree.get_widget_states()
    states.widgets.append(stale)
    at._run(states)
    assert not at.exception
    assert live_model(at).replay is None and not live_model(at).shown().replaying
    assert replay_slider(at).value == now
    replay_slider(at).set_value(2).run()  # the slider drawn now still replays
    assert live_model(at).replay == 2


def test_resume_from_step_0_keeps_the_badges(load_page):
    at = load_page(PAGE)
    for _ in range(3):
        take_step(at)
    replay_slider(at).set_value(0).run()
    at.button(key="pg.resume_button").click().run()
    assert trainer(at).step == 0 and trainer(at).last_step is None
    title = chart(at, "diagram")["layout"]["title"]["text"]
    assert "no step yet" not in title and title.endswith("(step 0)")
    assert any(t.get("name") == "node values" for t in chart(at, "diagram")["data"])


def test_the_colour_words_say_where_orange_means_negative(load_page):
    text = " ".join(m.value for m in load_page(PAGE).markdown if "What to look for" in m.value)
    assert "everywhere" not in text
    assert "orange is a negative value" in text and "orange is the test set" in text


def test_settings_are_per_session_not_module_globals():
    a = AppTest.from_file(str(ROOT / PAGE), default_timeout=60).run()
    b = AppTest.from_file(str(ROOT / PAGE), default_timeout=60).run()
    take_step(a)
    b.run()
    assert metric(a, "Step") == "1" and metric(b, "Step") == "0"
    assert trainer(a) is not trainer(b)
    assert dataclasses.is_dataclass(a.session_state["pg.config"])
