"""The Activations & losses page through AppTest: every control changes what is drawn, bad
input gets a message and keeps the last valid value."""

import base64

import numpy as np
import pytest

from tests.app.conftest import chart_spec

PAGE = "pages/activations.py"
GRID, HIST, PRODUCT, DEAD, LOSS, TRAIN = range(6)


def values(array) -> np.ndarray:
    """A Plotly array from the figure JSON: a list, or Plotly 7's typed ``bdata``."""
    if isinstance(array, dict):
        return np.frombuffer(base64.b64decode(array["bdata"]), array["dtype"])
    return np.asarray(array)


@pytest.fixture
def at(load_page):
    return load_page(PAGE)


def test_the_page_draws_all_eight_activations_and_five_more_charts(at):
    assert not at.exception and not at.error
    assert len(at.get("plotly_chart")) == 6
    grid = chart_spec(at, GRID)
    titles = [a["text"] for a in grid["layout"]["annotations"]]
    for name in ("sigmoid", "tanh", "relu", "leaky_relu", "elu", "softplus", "gelu", "linear"):
        assert name in titles
    assert "max f′ = 0.25" in titles and "max f′ = 1" in titles and "f′ ∈ {0, 1}" in titles
    assert len(grid["layout"]["shapes"]) >= 8  # flat zones shaded
    for index in (DEAD, TRAIN):  # animated in the figure
        assert chart_spec(at, index)["layout"]["updatemenus"][0]["buttons"][0]["label"] == "▶ Play"
    assert [e.label for e in at.expander][0].startswith("Stack ten sigmoid layers")
    assert len(at.expander) == 3


def test_the_layer_controls(at):
    product = at.metric[3].value
    at.selectbox(key="act.layer.activation").set_value("tanh").run()
    assert at.metric[3].value != product
    at.selectbox(key="act.layer.init").set_value("normal").run()
    assert float(at.metric[0].value.rstrip("%")) > 50  # N(0, 1) weights saturate tanh
    at.number_input(key="act.layer.init.scale").set_value(0.01).run()
    assert at.metric[0].value == "0%"
    at.selectbox(key="act.layer.activation").set_value("relu").run()
    assert 40 <= float(at.metric[1].value.rstrip("%")) <= 60  # relu is 0 for about half the inputs
    at.slider(key="act.layer.width").set_value(8).run()
    at.slider(key="act.layer.depth").set_value(20).run()
    assert len(values(chart_spec(at, PRODUCT)["data"][0]["x"])) == 20
    at.slider(key="act.layer.shown").set_value(7).run()
    assert chart_spec(at, HIST)["layout"]["annotations"][0]["text"] == "z in layer 7"
    assert not at.exception and not at.error


def test_the_dead_relu_controls(at):
    high = chart_spec(at, DEAD)
    at.slider(key="act.dead.steps").set_value(30).run()
    assert len(chart_spec(at, DEAD)["frames"]) == 31
    at.selectbox(key="act.dead.activation").set_value("leaky_relu").run()
    assert chart_spec(at, DEAD) != high and not at.exception


@pytest.mark.parametrize(
    "key, typed, message",
    [
        (
            "act.dead.lr",
            "0",
            "Learning rate η: 0 is outside the range 1e-06 to 100; kept the last valid value.",
        ),
        (
            "act.dead.lr",
            "-3",
            "Learning rate η: -3 is outside the range 1e-06 to 100; kept the last valid value.",
        ),
        (
            "act.dead.lr",
            "1e12",
            "Learning rate η: 1e+12 is outside the range 1e-06 to 100; kept the last valid value.",
        ),
        ("act.train.lr", "lots", "Learning rate η: 'lots' is not a number; kept the last valid value."),
    ],
)
def test_a_bad_learning_rate_gets_a_message(load_page, key, typed, message):
    at = load_page(PAGE, **{key: typed, f"{key}.last_valid": 0.1})
    assert not at.exception
    assert [e.value for e in at.error] == [message]
    assert at.selectbox(key=key).value == 0.1


def test_a_low_learning_rate_kills_no_relu_and_a_high_one_many(load_page):
    low = load_page(PAGE, **{"act.dead.lr": 0.03})
    high = load_page(PAGE, **{"act.dead.lr": 3.0})
    assert not low.error and not high.error
    assert values(chart_spec(low, DEAD)["data"][2]["y"]).max() <= 1
    assert values(chart_spec(high, DEAD)["data"][2]["y"])[-1] >= 8


def test_the_loss_controls(at):
    before = chart_spec(at, LOSS)["data"]
    at.radio(key="act.loss.target").set_value(0.0).run()
    assert chart_spec(at, LOSS)["data"] != before
    train = chart_spec(at, TRAIN)
    at.slider(key="act.train.gain").set_value(1.0).run()
    assert chart_spec(at, TRAIN)["data"] != train["data"]
    at.slider(key="act.train.steps").set_value(40).run()
    assert len(chart_spec(at, TRAIN)["frames"]) == 41
    assert [t["name"] for t in chart_spec(at, TRAIN)["data"] if t.get("showlegend", True)] == [
        "sigmoid + mse",
        "sigmoid + bce",
    ]
