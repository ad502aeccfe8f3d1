"""Three or more classes on the Playground: the multi-class spiral and blobs (engine/data.py
make_multiclass), a softmax output with cross-entropy, the boundary coloured per class in the
live frames and the paused details, and a K x K confusion matrix."""

import json
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from engine.data import DataError, make_multiclass
from pages.playground_build import build_trainer
from pages.playground_live import PlaygroundLive
from pages.playground_settings import DEFAULTS
from pages.playground_url import from_query, to_query
from viz.confusion import confusion_counts
from viz.frames import decode_frame
from viz.theme import CLASS_COLOURS

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("name", ["spiral_k", "blobs_k"])
@pytest.mark.parametrize("k", [3, 6])
def test_multiclass_sets_are_one_hot_balanced_and_in_the_square(name, k):
    data = make_multiclass(name, k, n_points=300, noise=0.2, test_fraction=0.5, seed=1)
    Y = np.concatenate([data.Y_train, data.Y_test])
    assert Y.shape == (300, k) and np.all(Y.sum(axis=1) == 1)
    assert np.all(np.abs(Y.sum(axis=0) - 300 / k) <= 1)
    assert np.abs(np.concatenate([data.raw_train, data.raw_test])).max() <= 6
    assert np.abs(data.Y_test.sum(axis=0) - 150 / k).max() <= 1  # stratified
    again = make_multiclass(name, k, n_points=300, noise=0.2, test_fraction=0.5, seed=1)
    np.testing.assert_array_equal(again.raw_train, data.raw_train)
    with pytest.raises(DataError, match="n_classes"):
        make_multiclass(name, 7)


def test_a_multiclass_config_trains_a_softmax_network():
    config = DEFAULTS.replace(dataset="blobs_k", n_classes=4, n_points=400, hidden=(6,), lr=0.3)
    assert from_query(to_query(config)) == (config, [])
    trainer = build_trainer(config)
    assert trainer.network.sizes == [2, 6, 4] and trainer.network.loss == "cross_entropy"
    start = trainer.last_metrics["train_loss"]
    trainer.run(400)
    assert trainer.evaluate()["test_accuracy"] > 0.9 and trainer.last_metrics["train_loss"] < start / 4
    out = trainer.network.predict(trainer.dataset.X_test)
    counts = confusion_counts(out, trainer.dataset.Y_test)
    assert counts.shape == (4, 4) and counts.sum() == trainer.dataset.n_test
    assert np.trace(counts) / counts.sum() == pytest.approx(trainer.evaluate()["test_accuracy"])


def test_live_frames_colour_the_boundary_per_class():
    config = DEFAULTS.replace(dataset="spiral_k", n_classes=3, n_points=300)
    live = PlaygroundLive(config, build_trainer(config))
    header, arrays = decode_frame(live.setup_frame())
    assert header["n_classes"] == 3 and header["class_colours"] == list(CLASS_COLOURS[:3])
    assert set(np.unique(arrays["train_y"])) == {0.0, 1.0, 2.0}
    live.trainer.run(5)
    _, state = decode_frame(live.state_frame(1, {}))
    assert state["classes"].shape == (100, 100) and state["classes"].max() <= 2
    assert state["confidence"].min() >= 255 // 3 - 1  # the winner's probability is at least 1/K
    binary = PlaygroundLive(DEFAULTS, build_trainer(DEFAULTS))
    assert "classes" not in decode_frame(binary.state_frame(1, {}))[1]


def test_the_page_offers_multiclass_sets_with_a_number_of_classes():
    at = AppTest.from_file(str(ROOT / "pages/playground.py"), default_timeout=60)
    at.query_params.update({"dseed": "0", "points": "200"})
    at.run()
    at.selectbox(key="pg.data.classification").set_value("spiral_k").run()
    at.number_input(key="pg.classes").set_value(5).run()
    assert not at.exception
    trainer = at.session_state["pg.live"].model.trainer
    assert trainer.network.sizes[-1] == 5 and at.query_params["classes"] == "5"
    trainer.run(3)
    at.toggle(key="pg.details").set_value(True).run()
    assert not at.exception
    charts = {c.proto.id: json.loads(c.proto.spec) for c in at.get("plotly_chart")}
    boundary = next(v for k, v in charts.items() if "pg.boundary_chart" in k)
    assert boundary["layout"]["title"]["text"].startswith("Classes")
    confusion = next(v for k, v in charts.items() if "pg.confusion_chart" in k)
    assert len(confusion["data"][0]["y"]) == 5
