"""The Vanishing-gradients page: its config module (pages/vanishing_state.py) and AppTests of
the controls, the mitigation toggles, the one clock of A and B, replay and divergence."""

import base64
import json
import math
from dataclasses import replace

import numpy as np
import pytest

from engine import Network
from engine.diagnosis import divergence_report
from engine.history import History, summary_at
from engine.trainer import Trainer
from pages import vanishing_state as vs

PAGE = "pages/vanishing.py"
SMALL = {"vg.A.depth": 3, "vg.B.depth": 3, "vg.A.width": 8, "vg.B.width": 8}


def decode(value):
    if isinstance(value, dict) and "bdata" in value:
        return np.frombuffer(base64.b64decode(value["bdata"]), value["dtype"])
    return np.asarray(value)


def chart(at, key: str) -> dict:
    """The Plotly figure JSON of the chart with ``key`` (Streamlit ends its element id with the key)."""
    found = [c for c in at.get("plotly_chart") if c.proto.id.endswith(f"-{key}")]
    assert len(found) == 1, f"no chart {key!r}"
    return json.loads(found[0].proto.spec)


# ============================================================================ the config module
def test_defaults_are_the_classic_contrast_and_validate():
    a, b = vs.DEFAULTS["A"].validate(), vs.DEFAULTS["B"].validate()
    assert (a.activation, a.resolved_init()) == ("sigmoid", ("normal", 1.0))
    assert (b.activation, b.resolved_init()) == ("relu", ("he_normal", 1.0))
    assert a.optimizer == b.optimizer == "sgd"  # Adam would hide the vanishing gradient
    assert a.describe() == "sigmoid · normal(1) · 20×64"
    assert b.describe() == "relu · he_normal · 20×64"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"depth": 1}, "depth must be a whole number from 2 to 100"),
        ({"depth": 101}, "depth must be a whole number from 2 to 100"),
        ({"depth": True}, "depth must be"),
        ({"width": 3}, "width must be a whole number from 4 to 256"),
        ({"width": 257}, "width must be"),
        ({"batch_size": 0}, "batch_size must be"),
        ({"seed": -1}, "seed must be"),
        ({"activation": "softmax"}, "unknown activation 'softmax'"),
        ({"init": "orthogonal"}, "unknown init"),
        ({"optimizer": "lbfgs"}, "unknown optimizer"),
        ({"dataset": "mnist"}, "unknown dataset"),
        ({"loss": "cross_entropy"}, "unknown loss 'cross_entropy' for the circle data; choose one of: bce"),
        ({"lr": -0.1}, "lr must be a finite number >= 0"),
        ({"lr": math.nan}, "lr must be a finite number"),
        ({"init_scale": math.inf}, "init_scale must be a finite number"),
        ({"clip_norm": 0.0}, "clip_norm must be a finite number > 0"),
    ],
)
def test_bad_settings_are_refused_with_a_message(changes, message):
    config = vs.VGConfig(**changes)
    with pytest.raises(ValueError, match=message):
        config.validate()
    with pytest.raises(ValueError, match=message):
        vs.start_run("A", config)


def test_losses_fit_the_data():
    assert vs.losses_for("circle") == ("bce", "mse", "sse")
    assert vs.losses_for("digits") == ("cross_entropy", "mse", "sse")
    assert vs.losses_for("sine") == ("mse", "sse")
    assert set(vs.BUILT_IN_SETS) >= {"circle", "xor", "spiral", "digits"}


@pytest.mark.parametrize(
    ("activation", "scheme"),
    [("tanh", "xavier_normal"), ("sigmoid", "xavier_normal"), ("linear", "xavier_normal"),
     ("relu", "he_normal"), ("leaky_relu", "he_normal"), ("gelu", "he_normal"), ("elu", "he_normal")],
)  # fmt: skip
def test_careful_init_is_xavier_for_tanh_like_and_he_for_relu_like(activation, scheme):
    config = vs.VGConfig(activation=activation, init="normal", init_scale=3.0, careful_init=True)
    assert config.resolved_init() == (scheme, 1.0)
    assert vs.build_network(config, 2, 1).init == scheme
    assert vs.VGConfig(activation=activation, init="normal", init_scale=3.0).resolved_init() == (
        "normal",
        3.0,
    )


def test_the_four_classic_initializations():
    assert vs.classic_init("zero", "relu") == ("zeros", 1.0)
    assert vs.classic_init("too small", "relu") == ("normal", 0.01)
    assert vs.classic_init("appropriate", "relu") == ("he_normal", 1.0)
    assert vs.classic_init("appropriate", "tanh") == ("xavier_normal", 1.0)
    assert vs.classic_init("too large", "tanh") == ("normal", 3.0)
    with pytest.raises(ValueError, match="choose one of: zero, too small, appropriate, too large"):
        vs.classic_init("huge", "tanh")


def test_networks_for_the_2d_sets_and_digits():
    net = vs.build_network(vs.VGConfig(depth=20, width=64), 2, 1)
    assert net.sizes == [2] + [64] * 20 + [1] and net.activation_names[-1] == "sigmoid"
    digits = vs.build_dataset("digits", 0)
    config = vs.VGConfig(dataset="digits", loss="cross_entropy", batch_norm=True, residual=True)
    net = vs.build_network(config, digits.n_features, digits.n_outputs)
    assert net.sizes[0] == 64 and net.sizes[-1] == 10 and net.activation_names[-1] == "softmax"
    assert net.batch_norm and net.residual and sum(net.skip) == 19  # hidden-to-hidden layers only


def test_inputs_are_standardized_on_the_training_rows():
    data = vs.build_dataset("moons", 3)
    np.testing.assert_allclose(data.X_train.mean(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(data.X_train.std(axis=0), 1.0)
    digits = vs.build_dataset("digits", 0)
    std = digits.X_train.std(axis=0)
    assert np.all((np.abs(std - 1) < 1e-9) | (std < 1e-8))  # blank corner pixels are only centred
    np.testing.assert_allclose(digits.X_train.mean(axis=0), 0.0, atol=1e-12)


def test_a_run_starts_at_step_0_with_a_capped_history_and_no_kept_last_step():
    run = vs.start_run("A", vs.VGConfig(depth=4, width=8))
    assert run.last_step == 0 and run.last_finite_step == 0 and not run.diverged
    assert run.trainer.last_step is None
    assert run.history.max_bytes == vs.HISTORY_MAX_BYTES
    assert run.history.histogram_every == vs.HISTOGRAM_EVERY and run.history.detail_every == vs.DETAIL_EVERY
    assert run.label == "A: sigmoid · normal(1) · 4×8"


def test_live_settings_apply_to_the_running_trainer_and_others_restart():
    config = vs.VGConfig(depth=3, width=8)
    run, new = vs.sync_run(None, "A", config)
    assert new
    vs.advance([run], 7)
    trainer = run.trainer
    same, new = vs.sync_run(run, "A", vs.VGConfig(depth=3, width=8, lr=0.5, clip=True, clip_norm=2.0))
    assert same is run and not new and run.trainer is trainer and run.last_step == 7
    assert trainer.optimizer.lr == 0.5 and trainer.optimizer.clip_norm == 2.0
    vs.advance([run], 1)
    assert math.isnan(run.history.summary(7)["grad_norm_before_clip"])  # no clipping before
    assert math.isfinite(run.history.summary(8)["grad_norm_before_clip"])  # from the next step on
    optimizer = trainer.optimizer
    vs.sync_run(run, "A", vs.VGConfig(depth=3, width=8, lr=0.5, optimizer="adam"))
    assert trainer.optimizer is not optimizer and trainer.optimizer.name == "adam"
    for change in ({"depth": 4}, {"batch_norm": True}, {"residual": True}, {"careful_init": True},
                   {"activation": "tanh"}, {"seed": 1}, {"dataset": "xor"}, {"batch_size": 16}):  # fmt: skip
        rebuilt, new = vs.sync_run(run, "A", vs.VGConfig(**{"depth": 3, "width": 8, **change}))
        assert new and rebuilt is not run and rebuilt.last_step == 0, change


def test_advance_is_one_clock_and_a_diverged_run_stops():
    healthy = vs.start_run("A", vs.VGConfig(depth=3, width=8))
    exploding = vs.start_run("B", vs.VGConfig(activation="relu", init="normal", init_scale=3.0, depth=20))
    assert vs.advance([healthy, exploding], 10) == 10
    assert healthy.last_step == 10
    assert exploding.diverged and exploding.last_step == 1 and exploding.last_finite_step == 0
    assert (
        vs.shown_step(exploding, 10) == 0
        and vs.shown_step(healthy, 4) == 4
        and vs.shown_step(healthy, 99) == 10
    )
    vs.reset_run(exploding)
    assert not exploding.diverged and exploding.last_step == 0


def test_view_rows_are_per_weight_and_per_unit_root_mean_squares():
    run = vs.start_run("A", vs.VGConfig(depth=3, width=8))
    row = vs.view_row(run, 0)
    step = run.history.detail(0)  # step 0 is on the detail stride
    for l in range(4):
        assert row["grad_W_rms"][l] == pytest.approx(math.sqrt(np.mean(step.grad_W[l] ** 2)))
        assert row["delta_rms"][l] == pytest.approx(math.sqrt(np.mean(step.delta[l] ** 2)))
        assert row["act_var"][l] == pytest.approx(np.var(step.a[l + 1]))
    vs.advance([run], 12)
    steps, values = vs.layer_history(run, "delta_rms")
    assert list(steps) == list(range(13)) and values.shape == (13, 4)
    np.testing.assert_allclose(values[0], row["delta_rms"])
    with pytest.raises(ValueError, match="unknown quantity"):
        vs.layer_history(run, "loss")
    hist = vs.histogram_at(run, 12)
    assert hist["step"] == 10 and hist["activation"].shape == (4, vs.BINS)
    assert hist["activation_edges"][-1] == pytest.approx(1.05)  # sigmoid: fine bins on [-1.05, 1.05]


def test_summary_and_histogram_at_a_thinned_step_use_the_latest_before_it():
    config = vs.VGConfig(depth=2, width=4)
    data = vs.build_dataset("circle", 0)
    net = vs.build_network(config, 2, 1)
    history = History(
        max_bytes=60_000, keep_recent=0, detail_every=None, histogram_every=5, summary_share=0.9
    )
    trainer = Trainer(net, vs.build_optimizer(config), data, batch_size=32, history=history)
    run = vs.Run("A", config, trainer, theory=None)
    vs.advance([run], 3000)
    steps = run.history.steps
    missing = next(k for k in range(3000) if k not in set(steps.tolist()))
    row = summary_at(run.history, missing)
    assert row["step"] == steps[np.searchsorted(steps, missing) - 1]
    hist_steps = run.history.histograms()["step"]
    hole = next(k for k in range(0, 3000, 5) if k not in set(hist_steps.tolist()))
    assert vs.histogram_at(run, hole)["step"] == hist_steps[np.searchsorted(hist_steps, hole) - 1]


def test_theory_lines_and_layer_labels():
    run = vs.start_run("B", vs.VGConfig(activation="relu", init="he_normal", depth=6, width=32))
    row = vs.view_row(run, 0)
    lines = vs.theory_lines(run, row)
    assert lines["theory_variance"].shape == (7,) and lines["theory_delta"][-1] == pytest.approx(
        row["delta_rms"][-1]
    )
    labels = vs.layer_labels(run, row)
    assert labels[0].startswith("1") and labels[-1] == "7 (output)"
    assert any(
        text.endswith("% dead") for text in labels[1:-1]
    )  # some ReLU units are off for the whole batch
    assert max(len(text) for text in labels) <= len("99 · 100% dead")  # short: two panels share half the page
    bn = vs.start_run("B", vs.VGConfig(activation="relu", depth=6, width=32, batch_norm=True))
    assert vs.theory_lines(bn, vs.view_row(bn, 0))["theory_delta"] is None
    residual = vs.start_run(
        "B", vs.VGConfig(activation="relu", init="he_normal", depth=6, width=32, residual=True)
    )
    lines = vs.theory_lines(residual, vs.view_row(residual, 0))
    assert lines["theory_delta"] is not None and np.all(np.isfinite(lines["theory_delta"]))


def test_history_memory_cap_holds_for_a_deep_run():
    run = vs.start_run("A", vs.VGConfig(depth=100, width=16, batch_size=16))
    vs.advance([run], 300)
    assert run.history.nbytes <= vs.HISTORY_MAX_BYTES
    assert len(run.history) > 0 and run.trainer.last_step is None


# ============================================================================ AppTest
def texts(elements) -> str:
    return " ".join(e.value for e in elements)


def live(at):
    return at.session_state["vg.live"]


def play(at, slices=0):
    """The live view's Play: the stream trains (``slices`` slices of 5 ticks here)."""
    run = live(at)
    run.play()
    with run.lock:
        for _ in range(slices):
            run.model.train(10.0, 5, lambda: False)
    at.run()


def pause(at):
    live(at).pause()
    at.run()


def test_page_runs_with_the_defaults(load_page):
    at = load_page(PAGE)
    assert not at.exception and not at.error
    assert at.title[0].value == "Vanishing & exploding gradients"
    assert "**A** = sigmoid · normal(1) · 20×64" in texts(at.markdown)
    assert "**B** = relu · he_normal · 20×64" in texts(at.markdown)
    assert json.loads(at.get("bidi_component")[0].proto.json)["token"] == live(at).token
    assert not live(at).playing and live(at).model.runs == [at.session_state[f"vg.run.{n}"] for n in "AB"]
    assert len(at.get("plotly_chart")) == 7
    norm = chart(at, "vg.norm_chart")
    assert norm["layout"]["yaxis"]["type"] == "log"
    assert [t["name"] for t in norm["data"]] == ["A: dL/dW", "A: dL/dz", "B: dL/dW", "B: dL/dz"]
    assert len(decode(norm["data"][0]["x"])) == 21
    assert "Step 0: the network as initialized" in texts(at.caption)
    assert "test accuracy" in texts(at.caption) and "(evaluated at step 0)" in texts(at.caption)


def test_advance_steps_both_configurations_and_the_heatmap_grows(load_page):
    at = load_page(PAGE, **SMALL)
    heat = chart(at, "vg.heatmap")
    assert len(decode(heat["data"][0]["x"])) == 1
    at.button(key="vg.advance_button").click().run()
    assert at.metric[0].value == "5 of 5"
    assert at.slider(key="vg.step").value == 5
    heat = chart(at, "vg.heatmap")
    assert [len(decode(t["x"])) for t in heat["data"] if t["type"] == "heatmap"] == [6, 6]
    assert at.session_state["vg.run.A"].last_step == at.session_state["vg.run.B"].last_step == 5
    at.slider(key="vg.per_tick").set_value(20).run()
    at.button(key="vg.advance_button").click().run()
    assert at.metric[0].value == "25 of 25"


def test_play_trains_in_the_stream_and_pause_offers_replay_and_the_details(load_page):
    at = load_page(PAGE, **SMALL)
    play(at, slices=2)
    assert live(at).playing
    assert "Playing: the charts above are drawn live" in texts(at.caption)
    assert not at.get("plotly_chart") and "vg.step" not in [s.key for s in at.slider]  # nothing remounts
    assert at.session_state["vg.run.A"].last_step == at.session_state["vg.run.B"].last_step == 10
    pause(at)
    assert not live(at).playing
    assert at.slider(key="vg.step").value == 10 and at.metric[0].value == "10 of 10"
    assert len(at.get("plotly_chart")) == 7


def test_replay_slider_picks_the_step_the_charts_show(load_page):
    at = load_page(PAGE, **SMALL)
    at.slider(key="vg.per_tick").set_value(10).run()
    at.button(key="vg.advance_button").click().run()
    at.slider(key="vg.step").set_value(3).run()
    assert at.metric[0].value == "3 of 10"
    assert "step 3" in chart(at, "vg.norm_chart")["layout"]["title"]["text"]
    assert any(shape["x0"] == 3 for shape in chart(at, "vg.heatmap")["layout"]["shapes"])
    assert "(step 3)" in at.metric[1].label


def test_a_new_network_restarts_both_on_one_clock_and_live_settings_do_not(load_page):
    at = load_page(PAGE, **SMALL)
    at.button(key="vg.advance_button").click().run()
    run_b = at.session_state["vg.run.B"]
    at.number_input(key="vg.A.lr").set_value(0.5).run()
    assert (
        at.session_state["vg.run.A"].last_step == 5
        and at.session_state["vg.run.A"].trainer.optimizer.lr == 0.5
    )
    at.slider(key="vg.A.depth").set_value(4).run()
    assert not at.exception
    assert at.session_state["vg.run.A"].network.n_layers == 5
    assert at.session_state["vg.run.A"].last_step == 0
    assert at.session_state["vg.run.B"] is run_b and run_b.last_step == 0  # B restarted with it
    assert at.metric[0].value == "0 of 0"


@pytest.mark.parametrize(
    ("toggle", "check"),
    [
        ("careful", lambda run: run.network.init == "xavier_normal"),
        ("bn", lambda run: run.network.batch_norm),
        ("residual", lambda run: run.network.residual and any(run.network.skip)),
        ("clip", lambda run: run.trainer.optimizer.clip_norm == 1.0),
    ],
)
def test_each_mitigation_toggle_reaches_the_engine(load_page, toggle, check):
    at = load_page(PAGE, **SMALL)
    assert not check(at.session_state["vg.run.A"])
    at.toggle(key=f"vg.A.{toggle}").set_value(True).run()
    assert not at.exception
    run = at.session_state["vg.run.A"]
    assert check(run)
    assert not check(at.session_state["vg.run.B"]) or toggle == "careful"  # B is unchanged


def test_careful_init_for_sigmoid_says_it_cannot_rescue_it(load_page):
    at = load_page(PAGE, **SMALL, **{"vg.A.careful": True})
    assert "careful init cannot rescue sigmoid" in texts(at.caption)


def test_classic_init_buttons_set_the_scheme_and_scale(load_page):
    at = load_page(PAGE, **SMALL)
    at.button(key="vg.A.classic.too large").click().run()
    assert at.selectbox(key="vg.A.init").value == "normal"
    assert at.number_input(key="vg.A.init.scale").value == 3.0
    at.button(key="vg.B.classic.too small").click().run()
    assert at.session_state["vg.run.B"].config.resolved_init() == ("normal", 0.01)
    at.button(key="vg.B.classic.appropriate").click().run()
    assert at.session_state["vg.run.B"].network.init == "he_normal"


def test_zero_init_says_the_neurons_stay_identical(load_page):
    at = load_page(PAGE, **SMALL)
    at.button(key="vg.A.classic.zero").click().run()
    at.button(key="vg.advance_button").click().run()
    info = texts(at.info)
    assert "Zero init (A): symmetry is never broken" in info
    assert "stay identical through training" in info and "is **0**" in info


def test_exploding_shows_the_divergence_banner_with_step_and_layer_and_the_last_finite_state(load_page):
    at = load_page(PAGE, **{"vg.A.activation": "relu", "vg.A.width": 64, "vg.B.depth": 3})
    at.button(key="vg.A.classic.too large").click().run()
    at.button(key="vg.advance_button").click().run()
    assert not at.exception
    banner = texts(at.error)
    assert "Training diverged at step 1" in banner
    assert "configuration A: the forward pass overflowed in layer 14" in banner
    assert "A stopped at step 1; its charts show step 0, the last state with finite numbers." in texts(
        at.caption
    )
    norm = chart(at, "vg.norm_chart")
    assert np.all(np.isfinite(decode(norm["data"][0]["y"])))  # A's last finite state
    assert norm["layout"]["title"]["text"] == "Gradient per layer at step 5 (A: step 0)"
    assert len(at.get("plotly_chart")) == 7
    assert at.session_state["vg.run.B"].last_step == 5  # B goes on


def test_a_huge_learning_rate_also_diverges_with_a_message(load_page):
    # linear: nothing saturates or dies, so a step too large feeds on itself
    at = load_page(PAGE, **SMALL, **{"vg.compare": False, "vg.A.activation": "linear", "vg.A.careful": True})
    at.number_input(key="vg.A.lr").set_value(1e6).run()
    at.button(key="vg.advance_button").click().run()
    assert not at.exception
    assert "Training diverged" in texts(at.error) and "layer" in texts(at.error)
    assert not live(at).model.can_train and at.button(key="vg.advance_button").disabled
    live(at).play()
    assert not live(at).playing  # the view's Play is refused too
    at.button(key="vg.reset_button").click().run()
    assert not at.error and not at.button(key="vg.advance_button").disabled and live(at).model.can_train


def test_adam_gets_the_note_that_it_hides_vanishing_gradients(load_page):
    at = load_page(PAGE, **SMALL)
    assert "Adam and RMSprop hide vanishing gradients" not in texts(at.info)
    at.selectbox(key="vg.B.optimizer").set_value("adam").run()
    assert "Adam and RMSprop hide vanishing gradients" in texts(at.info)


def test_compare_off_shows_a_alone(load_page):
    at = load_page(PAGE, **SMALL)
    at.toggle(key="vg.compare").set_value(False).run()
    assert "vg.run.B" not in at.session_state
    assert [t["name"] for t in chart(at, "vg.norm_chart")["data"]] == ["A: dL/dW", "A: dL/dz"]
    assert len(at.get("plotly_chart")) == 6  # one ridgeline fewer


def test_heatmap_quantity_and_colour_mode(load_page):
    at = load_page(PAGE, **SMALL)
    assert "relative to each step's median layer" in chart(at, "vg.heatmap")["layout"]["title"]["text"]
    at.radio(key="vg.heat_quantity").set_value("update_ratio").run()
    at.radio(key="vg.heat_mode").set_value("absolute").run()
    title = chart(at, "vg.heatmap")["layout"]["title"]["text"]
    assert "‖update‖/‖W‖ over training" in title


def test_digits_data_and_its_losses(load_page):
    at = load_page(PAGE, **SMALL)
    at.selectbox(key="vg.dataset").set_value("digits").run()
    assert not at.exception
    assert at.selectbox(key="vg.A.loss.digits").value == "cross_entropy"
    net = at.session_state["vg.run.A"].network
    assert net.sizes[0] == 64 and net.sizes[-1] == 10


def test_a_100_layer_network_works(load_page):
    at = load_page(PAGE, **{"vg.A.depth": 100, "vg.compare": False})
    at.button(key="vg.advance_button").click().run()
    assert not at.exception and not at.error
    assert at.session_state["vg.run.A"].network.n_layers == 101
    assert len(decode(chart(at, "vg.norm_chart")["data"][0]["x"])) == 101


def test_test_score_gives_the_latest_evaluation_before_the_step():
    run = vs.start_run("A", vs.VGConfig(depth=3, width=8))
    first = vs.test_score(run, 0)
    assert first["step"] == 0 and first["name"] == "accuracy" and 0 <= first["value"] <= 1
    vs.advance([run], vs.EVAL_EVERY - 1)  # no evaluation before step EVAL_EVERY
    assert vs.test_score(run, 5)["step"] == 0 and vs.test_score(run, 0)["step"] == 0
    vs.advance([run], 2 * vs.EVAL_EVERY)
    assert vs.test_score(run, 3 * vs.EVAL_EVERY - 1)["step"] == 2 * vs.EVAL_EVERY
    regression = vs.start_run("A", vs.VGConfig(depth=3, width=8, dataset="sine", loss="mse"))
    assert vs.test_score(regression, 0)["name"] == "R²"


# ============================================================================ residual connections
@pytest.mark.parametrize(("depth", "dataset"), [(2, "circle"), (5, "circle"), (20, "circle"), (100, "circle"),
                                                (20, "digits")])  # fmt: skip
def test_the_residual_branch_is_scaled_by_one_over_the_root_of_the_skips(depth, dataset):
    loss = "cross_entropy" if dataset == "digits" else "bce"
    config = vs.VGConfig(depth=depth, width=64, dataset=dataset, loss=loss, residual=True)
    data = vs.build_dataset(dataset, 0)
    net = vs.build_network(config, data.n_features, data.n_outputs)  # digits: 64 inputs, as wide as a layer
    assert sum(net.skip) == vs.n_skips(config) == depth - 1  # every hidden layer but the first
    assert net.residual_scale == pytest.approx(1 / math.sqrt(depth - 1))
    plain = replace(config, residual=False)
    assert vs.n_skips(plain) == 0 and vs.residual_scale(plain) == 1.0
    assert vs.build_network(plain, 2, 1).residual_scale == 1.0


def test_the_theory_follows_the_residual_scale():
    run = vs.start_run("B", replace(vs.DEFAULTS["B"], residual=True))
    assert run.network.residual_scale == run.theory.residual_scale == pytest.approx(1 / math.sqrt(19))


def test_b_with_residual_connections_trains_at_the_page_defaults():
    run = vs.start_run("B", replace(vs.DEFAULTS["B"], residual=True))  # relu, he_normal, 20 x 64, lr 0.1
    vs.advance([run], 150)
    assert not run.diverged and run.last_step == 150
    loss = run.history.column("loss")
    assert np.all(np.isfinite(loss))
    assert loss[-20:].mean() < loss[0] / 5  # measured: 7.25 at step 0, about 0.1 by step 300


def test_an_unscaled_residual_sum_would_have_diverged():
    """Why the page scales the branch: the same network with r = 1 overflows within a few steps."""
    config = replace(vs.DEFAULTS["B"], residual=True)
    data = vs.dataset_for(config)
    net = Network([2] + [64] * 20 + [1], activation="relu", loss="bce", init="he_normal", seed=0,
                  residual=True, residual_scale=1.0)  # fmt: skip
    trainer = Trainer(net, vs.build_optimizer(config), data, batch_size=32, seed=0)
    trainer.run(20)
    assert trainer.divergence is not None and trainer.divergence.step < 10


def test_a_sigmoid_with_residual_connections_does_not_diverge():
    run = vs.start_run("A", replace(vs.DEFAULTS["A"], residual=True))
    vs.advance([run], 100)
    assert not run.diverged and np.all(np.isfinite(run.history.column("loss")))


def test_advice_fits_the_mitigations_that_are_on():
    def notes(**changes):
        run = vs.start_run("A", vs.VGConfig(depth=3, width=8, **changes))
        return " ".join(vs.advice(run))

    assert "careful init cannot rescue sigmoid" in notes(careful_init=True)
    assert "careful init cannot rescue sigmoid" not in notes(careful_init=True, batch_norm=True)
    assert "careful init cannot rescue sigmoid" not in notes(careful_init=True, residual=True)
    assert notes() == ""
    residual = notes(residual=True)
    assert "scaled by 1/√2 = 0.707" in residual and "Hayou et al. 2021" in residual
    assert "zero-centred" in residual  # sigmoid's positive mean drifts in the residual stream
    assert "zero-centred" not in notes(residual=True, activation="tanh")
    assert "zero-centred" not in notes(residual=True, batch_norm=True)


def test_theory_caveats_name_batch_norm_and_residual_connections():
    plain = vs.start_run("A", vs.VGConfig(depth=3, width=8))
    both = vs.start_run("B", vs.VGConfig(depth=3, width=8, batch_norm=True, residual=True))
    assert vs.theory_caveats([plain]) == []
    (text,) = vs.theory_caveats([plain, both])
    assert text.startswith("B: with batch norm") and "no backward line" in text
    assert "residual connections (branch ×0.71)" in text and "approximate" not in text.split(";")[0]


# ============================================================================ one step for A and B
def _run(name: str, max_bytes: int, steps: int = 3000) -> vs.Run:
    """A tiny run with its own history cap (a small cap thins old rows sooner)."""
    config = vs.VGConfig(depth=2, width=4)
    data = vs.build_dataset("circle", 0)
    net = vs.build_network(config, 2, 1)
    history = History(
        max_bytes=max_bytes, keep_recent=0, detail_every=None, histogram_every=5, summary_share=0.9
    )
    trainer = Trainer(net, vs.build_optimizer(config), data, batch_size=32, history=history)
    run = vs.Run(name, config, trainer, theory=None)
    vs.advance([run], steps)
    return run


def test_both_runs_show_one_step_even_when_one_history_is_thinned():
    full, thinned = _run("A", 10_000_000), _run("B", 60_000)
    kept = set(thinned.history.steps.tolist())
    requested = next(k for k in range(1000, 3000) if k not in kept)
    assert summary_at(full.history, requested)["step"] == requested  # A alone would show the step asked for
    shown = vs.shown_steps([full, thinned], requested)
    assert shown["A"] == shown["B"] == max(k for k in kept if k <= requested)
    assert vs.main_step([full, thinned], requested, shown) == shown["A"]
    note = vs.thinned_note([full, thinned], requested, shown)
    assert f"Step {requested} is no longer recorded" in note and f"show step {shown['A']}" in note
    assert vs.shown_steps([full, thinned], 2999) == {"A": 2999, "B": 2999}  # recent steps are kept
    assert vs.thinned_note([full, thinned], 2999, {"A": 2999, "B": 2999}) is None
    # histograms too: one step for both, the latest both still hold
    hists = vs.histograms_at([full, thinned], shown)
    assert hists["A"]["step"] == hists["B"]["step"] <= shown["A"]
    assert hists["B"]["step"] in set(thinned.history.histograms()["step"].tolist())


def test_a_diverged_run_shows_its_last_finite_step_and_the_page_says_so():
    healthy = vs.start_run("A", vs.VGConfig(depth=3, width=8))
    exploding = vs.start_run("B", vs.VGConfig(activation="relu", init="normal", init_scale=3.0, depth=20))
    vs.advance([healthy, exploding], 10)
    shown = vs.shown_steps([healthy, exploding], 10)
    assert shown == {"A": 10, "B": 0}
    assert vs.main_step([healthy, exploding], 10, shown) == 10
    assert vs.thinned_note([healthy, exploding], 10, shown) is None  # the banner says why B differs
    assert vs.stopped_note(exploding, [healthy, exploding], shown) == (
        "B stopped at step 1; its charts show step 0, the last state with finite numbers. "
        "The other configuration goes on."
    )
    assert vs.shown_steps([healthy, exploding], 0) == {"A": 0, "B": 0}


def test_the_runs_lock_keeps_a_reader_from_seeing_a_half_taken_tick():
    """The page's pattern: the live area's timer run steps A then B under the session's lock
    while a click's full rerun, in another thread, reads both under it too; without the lock
    the reader saw A after its step and B before its own."""
    import threading

    store: dict = {}
    lock = vs.runs_lock(store)
    assert vs.runs_lock(store) is lock and store[vs.LOCK_KEY] is lock
    with lock, vs.runs_lock(store):  # re-entrant: the live area calls helpers that take it too
        pass
    runs = [vs.start_run("A", vs.VGConfig(depth=8, width=16)), vs.start_run("B", vs.VGConfig(depth=2))]
    seen = []

    def ticks():
        for _ in range(40):
            with vs.runs_lock(store):
                vs.advance(runs, 5)

    def reader():
        for _ in range(200):
            with vs.runs_lock(store):
                seen.append(tuple(run.last_step for run in runs))

    threads = [threading.Thread(target=ticks), threading.Thread(target=reader)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(a == b and a % 5 == 0 for a, b in seen)
    assert runs[0].last_step == runs[1].last_step == 200


def test_histograms_say_when_they_are_from_an_earlier_step():
    assert vs.histogram_note(10, 10) is None
    note = vs.histogram_note(12, 10)
    assert f"recorded every {vs.HISTOGRAM_EVERY} steps" in note and "from step 10" in note


def test_evaluations_are_recent():
    assert vs.EVAL_EVERY <= 20  # the test accuracy shown is at most 19 steps old


# ============================================================================ AppTest: the fixes on the page
def test_b_with_residual_connections_trains_on_the_page(load_page):
    at = load_page(PAGE, **{"vg.A.depth": 3, "vg.A.width": 8, "vg.B.residual": True, "vg.per_tick": 50})
    captions = texts(at.caption)
    assert "B: residual connections around 19 hidden layers, each branch scaled by 1/√19 = 0.229" in captions
    assert "B: with residual connections (branch ×0.23)" in captions  # the theory chart's caveat
    for _ in range(3):
        at.button(key="vg.advance_button").click().run()
    assert not at.exception and not at.error
    run = at.session_state["vg.run.B"]
    assert not run.diverged and run.last_step == 150
    assert run.history.column("loss")[-10:].mean() < run.history.column("loss")[0] / 5


def test_careful_init_note_only_when_no_other_mitigation_is_on(load_page):
    at = load_page(PAGE, **SMALL, **{"vg.A.careful": True, "vg.A.bn": True})
    assert "careful init cannot rescue sigmoid" not in texts(at.caption)
    at.toggle(key="vg.A.bn").set_value(False).run()
    assert "careful init cannot rescue sigmoid" in texts(at.caption)


def test_histograms_name_the_step_they_are_from(load_page):
    at = load_page(PAGE, **SMALL, **{"vg.per_tick": 3})
    at.button(key="vg.advance_button").click().run()
    assert at.metric[0].value == "3 of 3"
    for name in ("A", "B"):
        assert chart(at, f"vg.ridge.{name}")["layout"]["title"]["text"] == f"{name}: histograms at step 0"
    assert "these are from step 0, the nearest recorded step before step 3" in texts(at.caption)
    at.button(key="vg.advance_button").click().run()
    assert chart(at, "vg.ridge.A")["layout"]["title"]["text"] == "A: histograms at step 5"


def test_a_lone_first_point_is_drawn(load_page):
    at = load_page(PAGE, **SMALL)
    loss = chart(at, "vg.loss_chart")
    assert all(t["mode"] == "lines+markers" for t in loss["data"])  # one point: a line alone draws nothing


def test_play_and_pause_set_the_state_they_ask_for(load_page):
    """Play and Pause set the run's state (never a toggle): a second Pause still pauses."""
    at = load_page(PAGE, **SMALL)
    play(at, slices=1)
    live(at).play()
    assert live(at).playing
    pause(at)
    pause(at)
    assert not live(at).playing and at.slider(key="vg.step").value == 5


def test_both_runs_show_the_same_step_after_play_and_pause(load_page):
    at = load_page(PAGE, **SMALL)
    play(at, slices=1)  # the stream trains one slice: 5 ticks of the one clock
    pause(at)
    at.button(key="vg.advance_button").click().run()
    a, b = at.session_state["vg.run.A"], at.session_state["vg.run.B"]
    assert a.last_step == b.last_step == 10
    assert at.metric[0].value == "10 of 10"
    assert [m.label for m in at.metric[1:]] == ["Batch loss A (step 10)", "Batch loss B (step 10)"]


def test_classic_init_buttons_make_no_widget_default_warning(load_page, monkeypatch):
    """A widget created with a default value whose key the classic-init callback also set
    makes Streamlit log 'created with a default value but also had its value set via the
    Session State API'. Record every such widget instead of the warning (logged once per
    process, and only with a runtime)."""
    from streamlit.elements.lib import policies
    from streamlit.runtime.state import get_session_state

    clashes = []

    def record(default_value, key, writes_allowed=True):
        if key is not None and default_value is not None and get_session_state().is_new_state_value(key):
            clashes.append(key)

    monkeypatch.setattr(policies, "check_session_state_rules", record)
    at = load_page(PAGE, **SMALL)
    for name, case in (("A", "too large"), ("B", "too small"), ("A", "appropriate"), ("B", "zero")):
        at.button(key=f"vg.{name}.classic.{case}").click().run()
        assert not at.exception
    assert clashes == []
    assert at.selectbox(key="vg.B.init").value == "zeros"


# ---------------------------------------------------------------------------- moved from tests/engine
# The same claims as tests/engine/test_vanishing_theory.py, through the page's own runs.
@pytest.mark.parametrize("activation", ["sigmoid", "softplus", "tanh", "relu"])
def test_zero_init_keeps_every_neuron_of_a_layer_identical_through_training(activation):
    run = vs.start_run("A", vs.VGConfig(activation=activation, init="zeros", depth=5, width=16, lr=0.5))
    vs.advance([run], 200)
    assert run.last_step == 200 and not run.diverged
    spread = vs.symmetry(run)
    assert spread.shape == (5,)
    assert np.all(spread == 0.0)
    moved = max(float(np.abs(w).max()) for w in run.network.weights[1:-1])
    if activation in ("sigmoid", "softplus"):  # f(0) != 0: the hidden weights do learn, in lockstep
        assert moved > 1e-3
    else:  # f(0) = 0 (and relu'(0) = 0): no hidden weight can ever move
        assert moved == 0.0


def test_random_init_breaks_the_symmetry():
    run = vs.start_run("A", vs.VGConfig(activation="sigmoid", depth=5, width=16))
    assert np.all(vs.symmetry(run) > 0.1)


# ---------------------------------------------------------------------------- exploding
@pytest.mark.parametrize(
    "config",
    [
        vs.VGConfig(activation="relu", init="normal", init_scale=3.0, depth=20),
        vs.VGConfig(activation="linear", init="normal", init_scale=3.0, depth=50, loss="mse"),
        vs.VGConfig(activation="relu", careful_init=True, depth=20, lr=1.0),  # a learning rate too large
        vs.VGConfig(activation="relu", init="normal", init_scale=3.0, depth=10, loss="mse"),  # loss overflows
    ],
    ids=["relu-normal3", "linear-normal3", "large-lr", "loss-overflow"],
)
def test_exploding_runs_diverge_with_a_step_and_a_layer_and_keep_the_last_finite_state(config):
    run = vs.start_run("A", config)
    vs.advance([run], 100)
    report = divergence_report(run.trainer, f"configuration {run.name}")
    assert report is not None and run.diverged
    assert 1 <= report.layer <= config.depth + 1
    assert report.step == run.last_step  # training stopped at the diverged step
    assert f"layer {report.layer}" in report.message and report.message.startswith("configuration A")
    finite = vs.view_row(run, vs.shown_step(run, run.last_step))
    assert finite["step"] == report.step - 1 == run.last_finite_step
    for key in ("grad_W_rms", "delta_rms", "update_ratio", "act_var"):
        assert np.all(np.isfinite(finite[key])), key
    assert all(np.isfinite(w).all() for w in run.network.weights)  # nothing was applied
    assert vs.advance([run], 10) == 0  # and it stays stopped
