"""Download and upload a trained Playground network (pages/playground_file.py): the file restores
the network bit for bit at its step, and training continues exactly as the exported run; bad
files are refused with a message; the page offers both."""

import json
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from pages.playground_build import build_trainer
from pages.playground_file import ModelFileError, export_model, import_model
from pages.playground_settings import DEFAULTS

ROOT = Path(__file__).resolve().parents[2]


def same(a, b):
    return all(np.array_equal(x, y) for x, y in zip(a.network.parameters(), b.network.parameters()))


@pytest.mark.parametrize(
    "changes",
    [
        dict(optimizer="adam", lr=0.01),
        dict(optimizer="momentum", batch_size=7, dropout=0.3),
        dict(tf_compatible=True, regularization="l1", reg_rate=0.03, lr=0.3),
        dict(dataset="plane", optimizer="rmsprop", lr=0.003, schedule="cosine", schedule_steps=80),
    ],
)
def test_a_file_restores_the_run_bit_for_bit_and_training_continues_the_same(changes):
    config = DEFAULTS.replace(n_points=200, **changes)
    a = build_trainer(config)
    a.run(43)  # part-way through an epoch
    config_b, b, _ = import_model(export_model(config, a))
    assert config_b == config and b.step == 43 and b.epoch == a.epoch and same(a, b)
    assert b.last_metrics["train_loss"] == a.evaluate()["train_loss"]
    a.run(30)
    b.run(30)
    assert same(a, b)
    if config.tf_compatible:
        assert sum(int((w == 0).sum()) for w in b.network.weights) > 0  # frozen weights stayed frozen


def test_bad_files_are_refused_with_a_reason():
    good = json.loads(export_model(DEFAULTS, build_trainer(DEFAULTS)))
    cases = {
        b"not json": "not JSON",
        b"[1, 2]": "not a backprop-lab-playground file",
        json.dumps({**good, "version": 9}).encode(): "version",
        json.dumps({**good, "weights": good["weights"][:1]}).encode(): "3 weight matrices",
        json.dumps({**good, "biases": [[1.0], [2.0], [3.0]]}).encode(): "biases of layer 1 has shape",
        json.dumps({**good, "settings": {"lr": "abc"}}).encode(): "settings are not valid",
        json.dumps({**good, "step": -1}).encode(): "the step",
        b"x" * 6_000_001: "at most 5 MB",
    }
    for data, words in cases.items():
        with pytest.raises(ModelFileError, match=words):
            import_model(data)
    bad = json.loads(json.dumps(good))
    bad["weights"][0][0][0] = "NaN"
    with pytest.raises(ModelFileError, match="not a finite number"):
        import_model(json.dumps(bad).encode())


def test_the_page_downloads_and_uploads_the_trained_network():
    at = AppTest.from_file(str(ROOT / "pages/playground.py"), default_timeout=60)
    at.query_params.update({"dseed": "4", "points": "200", "opt": "adam", "lr": "0.01"})
    at.run()
    trainer = at.session_state["pg.live"].model.trainer
    trainer.run(12)
    at.run()
    download = at.get("download_button")[0]
    assert download.proto.label == "Download the trained network"
    data = export_model(at.session_state["pg.config"], trainer)
    other = AppTest.from_file(str(ROOT / "pages/playground.py"), default_timeout=60).run()
    other.file_uploader(key="pg.model_upload").set_value(("net.json", data, "application/json")).run()
    assert not other.exception
    restored = other.session_state["pg.live"].model.trainer
    assert restored.step == 12 and same(restored, trainer)
    assert other.session_state["pg.config"] == at.session_state["pg.config"]
    assert other.query_params["dseed"] == "4"
    assert any("Restored the network of net.json at step 12" in t.value for t in other.toast)
    other.file_uploader(key="pg.model_upload").set_value(("bad.json", b"{}", "application/json")).run()
    assert any("cannot be restored" in e.value for e in other.error)
    assert other.session_state["pg.live"].model.trainer is restored  # the last valid state is kept
