"""The Playground's parity with TensorFlow Playground (issue 17): TF links (the table maps every TF
key to our setting and back, unknown keys get a notice), lesson links (hidden controls), the TF
Playground compatible mode, defaults as TF, editing a weight in place, schedules and stop conditions."""

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

from pages.playground_build import build_trainer
from pages.playground_settings import DEFAULTS, HIDABLE, PlaygroundConfig
from pages.playground_tf import TF_PARAMS, from_tf_link, split_link, tf_gaps, to_tf_hash
from pages.playground_url import from_query, to_query
from pages.playground_validate import validate

PAGE = "pages/playground.py"
ROOT = Path(__file__).resolve().parents[2]

# (TF key=value, our settings it gives): one row per TF key, several values for the choices.
TF_ROWS = [
    ("activation=relu", {"activation": "relu"}),
    ("activation=sigmoid", {"activation": "sigmoid"}),
    ("activation=linear", {"activation": "linear"}),
    ("regularization=L1", {"regularization": "l1"}),
    ("regularization=L2", {"regularization": "l2"}),
    ("batchSize=23", {"batch_size": 23}),
    ("dataset=gauss", {"dataset": "gaussian"}),
    ("dataset=xor", {"dataset": "xor"}),
    ("dataset=spiral", {"dataset": "spiral"}),
    ("problem=regression&regDataset=reg-gauss", {"dataset": "multi_gaussian", "n_points": 1200}),
    ("problem=regression&regDataset=reg-plane", {"dataset": "plane", "n_points": 1200}),
    ("learningRate=0.3", {"lr": 0.3}),
    ("regularizationRate=0.003", {"reg_rate": 0.003}),
    ("noise=35", {"noise": 35}),
    ("networkShape=8,8,3", {"hidden": (8, 8, 3)}),
    ("networkShape=", {"hidden": ()}),
    ("seed=0.04213", {"data_seed": 4213, "seed": 4213}),
    ("showTestData=true", {"show_test": True}),
    ("discretize=true", {"discretize": True}),
    ("percTrainData=80", {"train_ratio": 80}),
    ("x=false&xSquared=true&ySquared=true", {"features": ("x2", "x1^2", "x2^2")}),
    ("xTimesY=true&sinX=true&sinY=true", {"features": ("x1", "x2", "x1*x2", "sin x1", "sin x2")}),
    ("initZero=true", {"init": "zeros"}),
    ("hideText=true", {"hidden_controls": ("text",)}),
    ("learningRate_hide=true&batchSize_hide=true", {"hidden_controls": ("lr", "batch")}),
    ("playButton_hide=true&numHiddenLayers_hide=true", {"hidden_controls": ("hidden", "play")}),
]


def test_every_tf_key_has_a_row():
    keys = {pair.split("=")[0] for row, _ in TF_ROWS for pair in row.split("&")}
    assert {p.key for p in TF_PARAMS} <= keys


@pytest.mark.parametrize("pairs, expected", TF_ROWS)
def test_each_tf_parameter_maps_to_our_setting_and_back(pairs, expected):
    config, notices = from_tf_link("https://playground.tensorflow.org/#" + pairs, DEFAULTS)
    assert [n for n in notices if "initZero" not in n] == []
    for field, value in expected.items():
        assert getattr(config, field) == value, field
    assert config.tf_compatible and config.optimizer == "sgd"
    back = split_link(to_tf_hash(config))
    again, _ = from_tf_link("#" + to_tf_hash(config), DEFAULTS)
    assert again == config
    for pair in pairs.split("&"):
        key, value = pair.split("=")
        assert back.get(key, "") == value, key


def test_a_whole_tf_link_round_trips_and_keeps_what_tf_does_not_have():
    link = (
        "playground.tensorflow.org/#activation=tanh&batchSize=10&dataset=circle&regDataset=reg-plane"
        "&learningRate=0.03&regularizationRate=0&noise=0&networkShape=4,2&seed=0.70588&showTestData=false"
        "&discretize=false&percTrainData=50&x=true&y=true&xTimesY=false&xSquared=false&ySquared=false"
        "&cosX=false&sinX=false&cosY=false&sinY=false&collectStats=false&problem=classification"
        "&initZero=false&hideText=false"
    )
    base = DEFAULTS.replace(speed=5, view="gradients", clip_norm=2.0)
    config, notices = from_tf_link(link, base)
    assert notices == []
    assert (config.speed, config.view, config.clip_norm) == (5, "gradients", 2.0)  # not TF's settings
    got = (config.dataset, config.n_points, config.data_seed, config.hidden)
    assert got == ("circle", 500, 70588, (4, 2))
    assert from_tf_link("#" + to_tf_hash(config), base) == (config, [])
    assert tf_gaps(config) == ["gradient clipping"]


def test_unknown_and_unsupported_tf_keys_get_a_notice():
    config, notices = from_tf_link("#activation=swishy&cosX=true&bogus=1&learningRate=fast&seed=hello")
    text = " ".join(notices)
    assert "activation 'swishy' is not one of relu" in text
    assert "no cos x1 feature" in text
    assert "'bogus'" in text
    assert "learningRate 'fast' is not a number" in text
    assert "not of TF's form" in text
    assert config.activation == "tanh" and config.lr == DEFAULTS.lr
    assert 0 <= config.data_seed < 2**31


def test_out_of_range_tf_values_fall_back_with_a_notice():
    config, notices = from_tf_link("#networkShape=4,99&batchSize=0")
    assert config.hidden == DEFAULTS.hidden and config.batch_size == DEFAULTS.batch_size
    assert len(notices) == 2


@pytest.mark.parametrize("text", ["", "no hash here", "#", "x" * 5000, None])
def test_not_a_link_changes_nothing(text):
    config, notices = from_tf_link(text, DEFAULTS)
    assert config is DEFAULTS and len(notices) == 1


def test_lesson_links_hide_controls_by_our_names_or_tfs():
    config, notices = from_query({"hide": "lr,reset,text", "activation_hide": "true", "noise_hide": "false"})
    assert notices == [] and config.hidden_controls == ("act", "lr", "reset", "text")
    assert from_query(to_query(config)) == (config, [])
    config, notices = from_query({"hide": "lr,nonsense"})
    assert config.hidden_controls == () and "nonsense" in notices[0]
    assert validate(DEFAULTS.replace(hidden_controls=tuple(HIDABLE))) == (
        DEFAULTS.replace(hidden_controls=tuple(HIDABLE)),
        [],
    )


def test_compatible_mode_trains_as_tf():
    config = DEFAULTS.replace(tf_compatible=True, regularization="l1", reg_rate=0.01)
    trainer = build_trainer(config)
    net = trainer.network
    assert (config.loss, config.output_activation) == ("sse", "tanh")
    assert set(np.unique(trainer.dataset.Y_train)) == {-1.0, 1.0}
    assert all(np.abs(w).max() <= 0.5 for w in net.weights)
    assert trainer.optimizer.l1_freeze and trainer.optimizer.name == "sgd"
    assert trainer.last_metrics["train_loss"] == pytest.approx(0.5, abs=0.1)  # TF's ~0.5 at the start
    regression = build_trainer(DEFAULTS.replace(tf_compatible=True, dataset="plane"))
    assert regression.network.loss_fn.name == "sse"
    assert np.abs(regression.dataset.Y_train).max() > 1.0  # TF's plane, (x1 + x2) / 10


# ============================================================================ the page (AppTest)
def app(query=None):
    at = AppTest.from_file(str(ROOT / PAGE), default_timeout=30)
    if query:
        at.query_params.update(query)
    return at.run()


def test_opening_a_tf_link_on_the_page():
    at = app({"dseed": "3", "points": "200"})
    at.text_input(key="pg.tflink_text").set_value(
        "https://playground.tensorflow.org/#activation=relu&dataset=xor&networkShape=3&seed=0.00042"
        "&learningRate=0.1&bogus=1&learningRate_hide=true"
    )
    at.button(key="pg.tflink_button").click().run()
    assert not at.exception
    config = at.session_state["pg.config"]
    assert (config.activation, config.dataset, config.hidden, config.data_seed) == ("relu", "xor", (3,), 42)
    assert config.tf_compatible and config.hidden_controls == ("lr",)
    assert at.session_state["pg.live"].model.trainer.network.sizes == [2, 3, 1]
    warnings = " ".join(w.value for w in at.warning)
    assert "Opened the TF Playground link" in warnings and "'bogus'" in warnings
    assert at.query_params["tf"] == "1" and at.query_params["hide"] == "lr"
    styles = " ".join(h.proto.body for h in at.get("html"))
    assert ".st-key-pg-lr" in styles and "display: none" in styles


def test_a_lesson_link_hides_its_controls_and_show_every_control_brings_them_back():
    at = app({"hide": "lr,batch,play", "dseed": "0"})
    styles = " ".join(h.proto.body for h in at.get("html"))
    assert ".st-key-pg-lr" in styles and ".st-key-pg-batch" in styles
    at.button(key="pg.unhide_button").click().run()
    assert not at.get("html") or ".st-key-pg-lr" not in " ".join(h.proto.body for h in at.get("html"))
    assert at.session_state["pg.config"].hidden_controls == ()


def test_the_compatible_switch_rebuilds_and_reset_draws_new_weights():
    at = app({"dseed": "0", "points": "200"})
    before = [w.copy() for w in at.session_state["pg.live"].model.trainer.network.weights]
    at.toggle(key="pg.tf").set_value(True).run()
    trainer = at.session_state["pg.live"].model.trainer
    assert trainer.network.loss_fn.name == "sse" and at.query_params["tf"] == "1"
    first = [w.copy() for w in trainer.network.weights]
    assert not all(np.array_equal(a, b) for a, b in zip(before, first))
    at.button(key="pg.reset_button").click().run()
    assert at.session_state["pg.config"].seed == DEFAULTS.seed + 1
    again = at.session_state["pg.live"].model.trainer.network.weights
    assert not all(np.array_equal(a, b) for a, b in zip(first, again))
    assert at.number_input(key="pg.seed").value == DEFAULTS.seed + 1


def test_a_visit_without_a_data_seed_draws_one_and_shows_it_in_the_url():
    seeds = []
    for _ in range(3):
        at = app()
        config = at.session_state["pg.config"]
        assert at.query_params["dseed"] == str(config.data_seed) and 0 <= config.data_seed < 100_000
        assert config.n_points == 500
        seeds.append(config.data_seed)
    assert len(set(seeds)) > 1  # three equal draws of 100,000: 1e-10
    assert app({"dseed": "7"}).session_state["pg.config"].data_seed == 7  # a link's seed is kept


def test_the_problem_type_brings_tfs_number_of_points_unless_chosen():
    at = app({"dseed": "0"})
    at.radio(key="pg.problem").set_value("regression").run()
    assert at.session_state["pg.config"].n_points == 1200
    at.radio(key="pg.problem").set_value("classification").run()
    assert at.session_state["pg.config"].n_points == 500
    at.number_input(key="pg.points").set_value(300).run()
    at.radio(key="pg.problem").set_value("regression").run()
    assert at.session_state["pg.config"].n_points == 300


def test_compatible_step_is_one_epoch_and_maps_are_centred_on_zero():
    from pages.playground_live import PlaygroundLive

    config = DEFAULTS.replace(tf_compatible=True, n_points=200)
    live = PlaygroundLive(config, build_trainer(config))
    assert live.command("step", {})
    assert live.trainer.step == 10 and live.trainer.epoch == 1  # 100 training points, batches of 10
    live.trainer.run(3)  # part-way through epoch 2: Step finishes it
    assert live.command("step", {})
    assert live.trainer.step == 20 and live.trainer.epoch == 2
    assert not live.frames.probability_output
    ours = PlaygroundLive(DEFAULTS, build_trainer(DEFAULTS))
    ours.command("step", {})
    assert ours.trainer.step == 1 and ours.frames.probability_output


def test_a_click_in_the_diagram_edits_a_weight_or_a_bias_and_training_continues_from_it():
    from pages.playground_live import PlaygroundLive

    config = DEFAULTS.replace(n_points=200)
    live = PlaygroundLive(config, build_trainer(config))
    live.trainer.run(3)
    old = live.trainer.network.weights[1]
    recorded = live.trainer.history.detail(2).weights[1]
    version = live.version
    assert live.command("edit", {"kind": "weight", "layer": 1, "i": 2, "j": 0, "value": 1.5})
    net = live.trainer.network
    assert net.weights[1][2, 0] == 1.5 and net.weights[1] is not old
    assert old[2, 0] != 1.5 and recorded[2, 0] != 1.5  # the recorded step keeps what it started from
    assert live.version > version and live.trainer.last_metrics["step"] == 3
    assert live.command("edit", {"kind": "bias", "layer": 2, "j": 0, "value": -0.25})
    assert net.biases[2][0] == -0.25
    live.trainer.run(1)
    assert live.trainer.history.detail(3).weights[1][2, 0] == 1.5  # step 3 started from the edit
    bad = [
        {"kind": "weight", "layer": 1, "i": 9, "j": 0, "value": 1.0},
        {"kind": "weight", "layer": 5, "i": 0, "j": 0, "value": 1.0},
        {"kind": "bias", "layer": 0, "j": 0, "value": float("nan")},
        {"kind": "bias", "layer": 0, "j": 0, "value": 1e9},
        {"kind": "bias", "layer": 0, "j": True, "value": 1.0},
        {"kind": "gamma", "layer": 0, "j": 0, "value": 1.0},
        {"kind": "bias", "layer": 0, "j": 0, "value": "1"},
    ]
    before = [w.copy() for w in net.weights] + [b.copy() for b in net.biases]
    assert not any(live.command("edit", args) for args in bad)
    after = list(net.weights) + list(net.biases)
    assert all(np.array_equal(a, b) for a, b in zip(before, after))
    live.show(1)
    assert not live.command("edit", {"kind": "bias", "layer": 0, "j": 0, "value": 1.0})  # not while replaying


def test_a_step_limit_stops_training_exactly_and_says_so():
    from pages.playground_live import PlaygroundLive
    from viz.frames import decode_frame

    config = DEFAULTS.replace(n_points=200, stop_steps=37)
    live = PlaygroundLive(config, build_trainer(config))
    assert live.stopped is None
    taken = live.train(60.0, None, lambda: False)
    assert taken == 37 and live.trainer.step == 37 and live.stopped == "Stopped at step 37, the step limit."
    assert live.train(60.0, None, lambda: False) == 0  # Play does nothing more
    header, _ = decode_frame(live.state_frame(1, {}))
    assert header["notice"] == live.stopped
    live.apply(config, config.replace(stop_steps=0))
    assert live.stopped is None and live.train(60.0, 5, lambda: False) == 5  # 5 steps, never the clock


def test_a_target_test_loss_stops_training():
    from pages.playground_live import PlaygroundLive

    config = DEFAULTS.replace(n_points=200, data_seed=0, features=("x1^2", "x2^2"), lr=0.3, stop_loss=0.2)
    live = PlaygroundLive(config, build_trainer(config))
    for _ in range(200):
        if not live.train(0.05, 50, lambda: False):
            break
    loss = live.trainer.last_metrics["test_loss"]
    assert loss <= 0.2 and live.stopped.startswith(f"Stopped at step {live.trainer.step:,}: test loss")


def test_the_schedule_is_a_live_setting_on_the_page():
    at = app({"dseed": "0", "points": "200"})
    at.selectbox(key="pg.sched").set_value("step").run()
    at.number_input(key="pg.ssteps").set_value(2).run()
    trainer = at.session_state["pg.live"].model.trainer
    assert at.query_params["sched"] == "step" and at.query_params["ssteps"] == "2"
    trainer.run(5)
    np.testing.assert_allclose(trainer.history.column("lr"), [0.03, 0.03, 0.015, 0.015, 0.0075])
    assert any("schedule" in t.value and "no reset" in t.value for t in at.toast)


def test_the_paused_details_show_a_confusion_matrix_of_the_shown_state():
    import json

    at = app({"dseed": "0", "points": "200", "tf": "1"})
    at.toggle(key="pg.details").set_value(True).run()
    element = next(c for c in at.get("plotly_chart") if "pg.confusion_chart" in c.proto.id)
    spec = json.loads(element.proto.spec)
    assert spec["layout"]["title"]["text"].startswith("Confusion matrix after 0 steps")
    assert spec["data"][0]["y"] == ["true -1", "true 1"]
    trainer = at.session_state["pg.live"].model.trainer
    assert spec["layout"]["xaxis"]["title"]["text"] == f"train ({trainer.dataset.n_train})"
    at.radio(key="pg.problem").set_value("regression").run()
    assert not [c for c in at.get("plotly_chart") if "pg.confusion_chart" in c.proto.id]


def test_dropout_is_a_live_setting_and_its_masks_are_in_the_steps():
    at = app({"dseed": "0", "points": "200"})
    at.number_input(key="pg.drop").set_value(0.3).run()
    trainer = at.session_state["pg.live"].model.trainer
    assert trainer.network.dropout == 0.3 and at.query_params["drop"] == "0.3"
    trainer.run(2)
    step = trainer.history.detail(1)
    assert (step.dropout_masks[0] == 0).any() and step.dropout_masks[-1] is None
    assert from_query(to_query(DEFAULTS.replace(dropout=0.25)))[0].dropout == 0.25
    assert "not allowed" in from_query({"drop": "0.95"})[1][0]


def test_a_lesson_link_can_hide_every_hidable_control():
    at = app({"hide": ",".join(HIDABLE), "dseed": "0", "points": "200"})
    assert not at.exception and not at.warning
    styles = " ".join(h.proto.body for h in at.get("html"))
    for key in ("pg-sched", "pg-stoploss", "pg-drop", "pg-model", "pg-tflink", "pg-share", "pg-text"):
        assert f".st-key-{key}" in styles, key
    assert json_options(at)["hide"] == ["play", "step"]


def json_options(at):
    import json

    return json.loads(at.get("bidi_component")[0].proto.json)


@given(
    st.builds(
        PlaygroundConfig,
        dataset=st.sampled_from(("circle", "spiral_k", "blobs_k", "multi_gaussian", "plane")),
        hidden_controls=st.lists(st.sampled_from(tuple(HIDABLE)), unique=True).map(
            lambda names: tuple(n for n in HIDABLE if n in names)
        ),
        tf_compatible=st.booleans(),
        schedule=st.sampled_from(("constant", "step", "exponential", "cosine")),
        schedule_steps=st.integers(1, 10**7),
        stop_loss=st.floats(0, 1e6),
        stop_steps=st.integers(0, 10**9),
        dropout=st.floats(0, 0.9),
        n_classes=st.integers(3, 6),
    )
)
def test_every_new_setting_round_trips_through_the_url(config):
    assert validate(config) == (config, [])
    assert from_query(to_query(config)) == (config, [])
