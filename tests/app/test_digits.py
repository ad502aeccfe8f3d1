"""The Image recognition page under AppTest: it trains (as its stream would: Step commands),
backpropagates a chosen test image and a drawing (its value set as the pad would), and answers
empty, all-ink and malformed drawings with a message instead of a traceback."""

import base64

import numpy as np
import pytest

from pages import digits_state as ds
from tests.app.conftest import chart_spec

PAGE = "pages/digits.py"


def titles(at):
    charts = range(len(at.get("plotly_chart")))
    return [chart_spec(at, i)["layout"].get("title", {}).get("text", "") for i in charts]


def metric(at, label):
    return next(m.value for m in at.metric if m.label == label)


def values(data) -> np.ndarray:
    """A Plotly array: a list, or Plotly 7's ``{"dtype", "bdata", "shape"}``."""
    if isinstance(data, dict):
        array = np.frombuffer(base64.b64decode(data["bdata"]), data["dtype"])
        return array.reshape([int(n) for n in str(data.get("shape", array.size)).split(",")]).astype(float)
    return np.asarray(data, dtype=float)


def chart(at, start):
    return chart_spec(at, next(i for i, t in enumerate(titles(at)) if t.startswith(start)))


@pytest.fixture
def page(load_page):
    at = load_page(PAGE)
    assert not at.exception
    return at


def test_trains_and_stays_next_to_the_reference(page):
    at = page
    before = metric(at, "Test accuracy")
    assert metric(at, "scikit-learn MLPClassifier").endswith("%")
    model = at.session_state["dg.live"].model
    for _ in range(60):
        model.command("step", {})
    at.run()
    assert not at.exception and model.trainer.step == 60
    after = metric(at, "Test accuracy")
    assert float(after.strip("%")) > float(before.strip("%")) + 20


def test_pick_a_test_image(page):
    at = page
    at.number_input(key="dg.index").set_value(7).run()
    x, label = ds.test_image(7)
    assert any(t == f"Input (target {label})" for t in titles(at))
    z = values(chart(at, "Input")["data"][0]["z"])
    np.testing.assert_allclose(z.reshape(-1), x)
    assert chart(at, "Backward to the input")["data"][0]["type"] == "heatmap"
    gradient = chart(at, "Backward to the first layer")
    assert len(gradient["data"]) == 8  # the 8 units with the largest |delta|


def draw(at, pixels):
    at.session_state["dg.source"] = "Draw your own"
    at.session_state["dg.pixels"] = pixels
    return at.run()


def one():
    image = np.zeros((8, 8), dtype=int)
    image[1:7, 3:5] = 12
    return image.reshape(-1).tolist()


def test_a_drawing_is_backpropagated(page):
    at = draw(page, one())
    assert not at.exception
    at.selectbox(key="dg.target").set_value(1).run()
    assert "Input (target 1)" in titles(at)
    z = values(chart(at, "Input")["data"][0]["z"])
    np.testing.assert_allclose(z.reshape(-1), np.asarray(one()) / 16)
    assert any(t.startswith("Forward: the network says") for t in titles(at))


def test_empty_and_all_ink_drawings_get_a_note(page):
    at = draw(page, [0] * 64)
    assert not at.exception
    assert any("The drawing is empty" in i.value for i in at.info)
    gradient = chart(at, "Backward to the first layer")
    for trace in gradient["data"]:
        assert not np.any(values(trace["z"]))  # no ink: no weight gradient
    at = draw(at, [16] * 64)
    assert not at.exception
    assert any("full of ink" in i.value for i in at.info)


def test_a_malformed_drawing_gets_a_message(page):
    at = draw(page, [1, 2, 3])
    assert not at.exception
    assert any("8 x 8 = 64" in w.value for w in at.warning)
    at = draw(at, ["a"] * 64)
    assert not at.exception and any("could not be read" in w.value for w in at.warning)


def test_settings_rebuild_or_apply_live(page):
    at = page
    at.select_slider(key="dg.w1").set_value(16).run()
    model = at.session_state["dg.live"].model
    assert model.trainer.network.sizes == [64, 16, 10]
    at.select_slider(key="dg.batch").set_value(64).run()
    assert model.trainer.batch_size == 64 and not at.exception
    at.radio(key="dg.layers").set_value(2).run()
    assert at.session_state["dg.live"].model.trainer.network.sizes == [64, 16, 32, 10]


def test_a_huge_learning_rate_keeps_the_page_working(page):
    at = page
    at.session_state["dg.lr"] = 3.0
    at.run()
    model = at.session_state["dg.live"].model
    assert model.trainer.optimizer.lr == 3.0
    for _ in range(50):
        model.command("step", {})
    at.run()
    assert not at.exception
    assert any(t.startswith("Forward: the network says") for t in titles(at))  # the last finite network


def test_a_typed_learning_rate_that_is_no_number_gets_a_message(load_page):
    at = load_page(PAGE, **{"dg.lr": "lots", "dg.lr.last_valid": 0.003})
    assert not at.exception
    message = "Learning rate η: 'lots' is not a number; kept the last valid value."
    assert [e.value for e in at.error] == [message]
    assert at.session_state["dg.live"].model.trainer.optimizer.lr == 0.003
