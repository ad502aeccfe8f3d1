"""The Learning rate page through AppTest: every control changes what is drawn, bad input
gets a message and keeps the last valid value."""

import pytest

from tests.app.conftest import chart_spec

PAGE = "pages/learning_rate.py"
SURFACE, CUT, LOSSES, RANGE, OPTIMIZERS = range(5)


def legends(at, index=SURFACE):
    return [t["name"] for t in chart_spec(at, index)["data"] if t.get("showlegend", True) and "name" in t]


@pytest.fixture
def at(load_page):
    return load_page(PAGE)


def test_the_page_draws_five_charts_and_animates_in_the_figure(at):
    assert not at.exception and not at.error
    assert len(at.get("plotly_chart")) == 5
    spec = chart_spec(at, SURFACE)
    assert len(spec["frames"]) == 41  # steps 0..40, one frame each
    assert [b["label"] for b in spec["layout"]["updatemenus"][0]["buttons"]] == ["▶ Play", "❚❚ Pause"]
    assert len(spec["layout"]["sliders"][0]["steps"]) == 41
    names = legends(at)
    assert len(names) == 4
    assert "0.95·2/λmax): converges" in names[2] and "1.05·2/λmax): diverges" in names[3]
    assert "η = 0.1 (your η)" in names[1]
    assert [e.label for e in at.expander] == [
        "Before you press Play: which learning rate will overshoot the minimum?",
        "Halve λmax (a flatter surface): what happens to the largest stable step?",
        "At the saddle, which optimizer stays stuck the longest?",
    ]


@pytest.mark.parametrize(
    "typed, message",
    [
        ("0", "Learning rate η: 0 is outside the range 1e-06 to 100; kept the last valid value."),
        ("-0.5", "Learning rate η: -0.5 is outside the range 1e-06 to 100; kept the last valid value."),
        ("1e9", "Learning rate η: 1e+09 is outside the range 1e-06 to 100; kept the last valid value."),
        ("fast", "Learning rate η: 'fast' is not a number; kept the last valid value."),
    ],
)
def test_a_bad_learning_rate_gets_a_message_and_keeps_the_last_valid_one(load_page, typed, message):
    # typed text reaches the page as the select's new option (AppTest can only preset it)
    before = legends(load_page(PAGE, **{"lr.lr": 0.3}))
    at = load_page(PAGE, **{"lr.lr": typed, "lr.lr.last_valid": 0.3})
    assert not at.exception
    assert [e.value for e in at.error] == [message]
    assert legends(at) == before and "η = 0.3 (your η)" in before[2]


def test_a_typed_learning_rate_is_used(load_page):
    at = load_page(PAGE, **{"lr.lr": "2,5"})
    assert not at.error
    assert any("η = 2.5 (your η): diverges" in n for n in legends(at))


def test_activation_steps_optimizer_and_start_change_the_paths(at):
    lam = at.metric[0].value
    at.selectbox(key="lr.activation").set_value("sigmoid").run()
    assert at.metric[0].value != lam and not at.exception
    at.slider(key="lr.steps").set_value(12).run()
    assert len(chart_spec(at, SURFACE)["frames"]) == 13
    before = chart_spec(at, SURFACE)["data"][3]
    at.selectbox(key="lr.optimizer").set_value("adam").run()
    assert chart_spec(at, SURFACE)["data"][3] != before
    at.slider(key="lr.start0").set_value(2.0).run()
    assert chart_spec(at, SURFACE)["data"][1]["x"] == [2.0]


def test_network_mode_and_its_weight_pair(at):
    at.radio(key="lr.mode").set_value("network").run()
    assert not at.exception and not at.error
    assert chart_spec(at, SURFACE)["layout"]["xaxis"]["title"]["text"] == "w[1]1,1"
    at.selectbox(key="lr.w1").set_value(1).run()
    assert chart_spec(at, SURFACE)["layout"]["yaxis"]["title"]["text"] == "w[1]1,2"
    at.selectbox(key="lr.w1").set_value(0).run()  # the same weight twice
    assert [e.value for e in at.error] == ["Pick two different weights; kept the last valid pair."]
    assert chart_spec(at, SURFACE)["layout"]["yaxis"]["title"]["text"] == "w[1]1,2"


def test_the_cut_follows_its_step_and_axis(at):
    first = chart_spec(at, CUT)["data"][2]["x"]
    at.slider(key="lr.cut_step").set_value(5).run()
    assert chart_spec(at, CUT)["data"][2]["x"] != first
    at.radio(key="lr.cut_axis").set_value(1).run()
    assert chart_spec(at, CUT)["layout"]["xaxis"]["title"]["text"] == "b"


def test_the_range_test_controls(at):
    title = chart_spec(at, RANGE)["layout"]["title"]["text"]
    assert title.startswith("Pick the learning rate: shaded")
    at.selectbox(key="lr.range.dataset").set_value("xor").run()
    at.slider(key="lr.range.k").set_value(20).run()
    assert "after 20 steps" in chart_spec(at, RANGE)["data"][0]["name"]
    assert not at.exception


def test_the_optimizer_controls(at):
    names = legends(at, OPTIMIZERS)
    assert [n.split(":")[0] for n in names] == ["sgd", "momentum", "nesterov", "rmsprop", "adam"]
    at.radio(key="lr.opt.surface").set_value("saddle").run()
    assert legends(at, OPTIMIZERS) != names
    at.slider(key="lr.opt.momentum").set_value(0.5).run()
    at.slider(key="lr.opt.steps").set_value(30).run()
    assert len(chart_spec(at, OPTIMIZERS)["frames"]) == 31


def test_a_bad_optimizer_learning_rate(load_page):
    at = load_page(PAGE, **{"lr.opt.lr": "-1", "lr.opt.lr.last_valid": 0.02})
    assert [e.value for e in at.error] == [
        "Learning rate (all five): -1 is outside the range 1e-06 to 100; kept the last valid value."
    ]
    assert at.selectbox(key="lr.opt.lr").value == 0.02


def test_the_3d_toggle_adds_a_surface(at):
    at.toggle(key="lr.3d").set_value(True).run()
    assert not at.exception
    assert chart_spec(at, 1)["data"][0]["type"] == "surface"
    assert len(at.get("plotly_chart")) == 6
