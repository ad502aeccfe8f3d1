"""The Image recognition page's live model: training slices, Step, Pause going back to the
state on screen, live settings and rebuilds."""

import dataclasses

import numpy as np

from pages.digits_live import DigitsLive
from pages.digits_state import DEFAULTS, build_trainer
from viz.frames import decode_frame


def make():
    return DigitsLive(DEFAULTS, build_trainer(DEFAULTS))


def test_train_step_and_versions():
    model = make()
    version = model.version
    assert model.train(10.0, 5, lambda: False) == 5 and model.trainer.step == 5 and model.version > version
    assert model.trainer.history.last_metrics_step == 5  # evaluated after the slice
    assert model.command("step", {}) and model.trainer.step == 6
    assert not model.command("select", {"unit": [0, 0]})
    assert model.steps_per_epoch == 40  # 1258 training images / 32


def test_pause_goes_back_to_the_state_on_screen():
    model, twin = make(), make()
    model.train(10.0, 7, lambda: False)
    header, _ = decode_frame(model.state_frame(1, {}))
    assert header["step"] == 7
    model.train(10.0, 5, lambda: False)
    assert model.rewind(7) and model.trainer.step == 7
    assert not model.rewind(3)  # no frame showed step 3
    model.train(10.0, 5, lambda: False)
    twin.train(10.0, 12, lambda: False)
    for a, b in zip(model.trainer.network.weights, twin.trainer.network.weights):
        np.testing.assert_array_equal(a, b)  # as if it never went past 7
    header, arrays = decode_frame(model.state_frame(2, {}))
    assert header["curves"] == "replace"


def test_live_settings_and_rebuild():
    model = make()
    new = dataclasses.replace(DEFAULTS, lr=0.01, batch_size=64)
    assert model.apply(DEFAULTS, new) == ["learning rate", "batch size"]
    assert model.trainer.optimizer.lr == 0.01 and model.trainer.batch_size == 64
    setup = model.setup_version
    bigger = dataclasses.replace(new, hidden=(16, 8))
    model.rebuild(bigger, build_trainer(bigger))
    assert model.setup_version == setup + 1
    header, _ = decode_frame(model.setup_frame())
    assert header["sizes"] == [64, 16, 8, 10]
    model.train(10.0, 3, lambda: False)
    model.reset()
    assert model.trainer.step == 0
