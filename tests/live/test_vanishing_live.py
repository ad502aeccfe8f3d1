"""The Vanishing page's live model (pages/vanishing_live.py): one clock for A and B, the view's
commands, and Pause going back to exactly the state on screen."""

import numpy as np

from pages import vanishing_state as vs
from pages.vanishing_live import VanishingLive
from viz.frames import decode_frame


def pair():
    return [
        vs.start_run("A", vs.VGConfig(depth=4, width=8)),
        vs.start_run("B", vs.VGConfig(depth=6, width=8, activation="relu", init="he_normal")),
    ]


def test_training_is_one_clock_for_a_and_b():
    model = VanishingLive(pair())
    version = model.version
    taken = model.train(10.0, 9, lambda: False)
    assert taken == 9 and [run.last_step for run in model.runs] == [9, 9] and model.version > version
    assert all(run.trainer.last_step is None for run in model.runs)  # no 26 MB Step kept
    calls = []
    assert model.train(10.0, None, lambda: calls.append(1) or len(calls) > 3) == 3  # stop before each tick
    assert [run.last_step for run in model.runs] == [12, 12]


def test_step_and_advance_commands():
    model = VanishingLive(pair())
    assert model.command("step", {}) and model.last == 1
    assert model.command("advance", {"steps": 4}) and model.last == 5
    for bad in ({"steps": 0}, {"steps": "3"}, {"steps": True}, {}):
        assert not model.command("advance", bad)
    assert not model.command("select", {}) and model.last == 5


def test_pause_goes_back_to_the_step_on_screen_and_training_continues_as_from_there():
    model, twin = VanishingLive(pair()), VanishingLive(pair())
    model.train(10.0, 6, lambda: False)
    header, _ = decode_frame(model.state_frame(1, {}))  # on screen: step 6
    assert header["step"] == 6
    model.train(10.0, 5, lambda: False)  # trained on while Pause was on its way
    model.state_frame(2, {})
    assert model.command("rewind", {"step": 6}) and model.last == 6
    header, arrays = decode_frame(model.state_frame(3, {}))
    assert header["truncate"] == 6 and header["step"] == 6
    assert all(len(arrays[f"{n}.steps"]) == 0 for n in ("A", "B"))  # the browser has rows 0..6
    model.train(10.0, 4, lambda: False)
    twin.train(10.0, 10, lambda: False)
    for run, other in zip(model.runs, twin.runs):
        np.testing.assert_array_equal(run.history.column("grad_W_norm"), other.history.column("grad_W_norm"))
        for w, v in zip(run.network.weights, other.network.weights):
            np.testing.assert_array_equal(w, v)
    assert not model.command("rewind", {"step": 99}) and not model.command("rewind", {"step": "6"})


def test_replay_shows_a_recorded_step_and_training_returns_to_the_latest():
    model = VanishingLive(pair())
    model.train(10.0, 8, lambda: False)
    model.show(3)
    header, arrays = decode_frame(model.state_frame(1, {}))
    assert header["replaying"] and header["step"] == 3 and header["runs"][0]["step"] == 3
    row = vs.view_row(model.runs[0], 3)
    np.testing.assert_array_equal(arrays["A.grad"], np.log10(row["grad_W_rms"]).astype(np.float32))
    model.train(10.0, 1, lambda: False)
    assert model.replay is None and decode_frame(model.state_frame(2, {}))[0]["step"] == 9


def test_new_runs_start_the_view_afresh_and_live_settings_do_not():
    runs = pair()
    model = VanishingLive(runs)
    setup = model.setup_version
    model.set_runs(runs, rebuilt=False)
    assert model.setup_version == setup
    model.set_runs(runs[:1], rebuilt=False)  # compare off: B is gone
    assert model.setup_version == setup + 1
    names = [r["name"] for r in decode_frame(model.setup_frame())[0]["runs"]]
    assert names == ["A"]


def test_a_run_that_diverged_is_not_revived_by_a_rewind():
    a = vs.start_run("A", vs.VGConfig(depth=3, width=8))
    b = vs.start_run("B", vs.VGConfig(activation="relu", init="normal", init_scale=3.0, depth=20))
    model = VanishingLive([a, b])
    model.train(10.0, 5, lambda: False)
    model.state_frame(1, {})
    model.train(10.0, 5, lambda: False)
    assert model.command("rewind", {"step": 5})
    assert a.last_step == 5 and b.diverged  # B stays stopped where it diverged
    assert not VanishingLive([b]).can_train
