"""The Vanishing page's live frames (viz/deep_frames.py through pages/vanishing_live.py): they
carry exactly the engine's numbers for the step shown, only the new rows of the curves, and
stay small."""

import numpy as np
import pytest

from pages import vanishing_state as vs
from pages.vanishing_live import VanishingLive
from viz.deep_frames import DeepFrameBuilder, heat_palette, log10
from viz.frames import decode_frame
from viz.gradients import log_values


def runs(depth=5, width=8, **b):
    return [
        vs.start_run("A", vs.VGConfig(depth=depth, width=width)),
        vs.start_run("B", vs.VGConfig(depth=depth, width=width, activation="relu", init="he_normal", **b)),
    ]


def frame(model, seq=1):
    return decode_frame(model.state_frame(seq, {"playing": True}))


def f32_log10(values):
    with np.errstate(all="ignore"):
        return np.log10(np.asarray(values, dtype=np.float64)).astype(np.float32)


def test_a_frame_carries_the_engines_numbers_for_the_step_shown():
    model = VanishingLive(runs())
    model.train(10.0, 12, lambda: False)
    header, arrays = frame(model)
    assert header["kind"] == "state" and header["curves"] == "replace" and header["step"] == 12
    for run, sent in zip(model.runs, header["runs"]):
        row = vs.view_row(run, 12)
        name = run.name
        assert sent["name"] == name and sent["step"] == 12 and sent["loss"] == row["loss"]
        assert sent["score"] == vs.test_score(run, 12)
        np.testing.assert_array_equal(arrays[f"{name}.grad"], f32_log10(row["grad_W_rms"]))
        np.testing.assert_array_equal(arrays[f"{name}.delta"], f32_log10(row["delta_rms"]))
        steps, values = vs.layer_history(run, "grad_W_rms")
        np.testing.assert_array_equal(arrays[f"{name}.steps"], steps)
        np.testing.assert_array_equal(
            arrays[f"{name}.heat"], log_values(values, "relative").astype(np.float32)
        )
        np.testing.assert_array_equal(arrays[f"{name}.loss"], f32_log10(run.history.column("loss")))
        # back from log10: the engine's number to float32's precision
        np.testing.assert_allclose(
            10.0 ** arrays[f"{name}.grad"].astype(np.float64), row["grad_W_rms"], rtol=1e-6
        )


def test_later_frames_carry_only_the_new_rows():
    model = VanishingLive(runs())
    frame(model)  # step 0
    model.train(10.0, 7, lambda: False)
    header, arrays = frame(model, 2)
    assert header["curves"] == "append" and header["truncate"] is None
    for run in model.runs:
        np.testing.assert_array_equal(arrays[f"{run.name}.steps"], np.arange(1, 8))
        assert arrays[f"{run.name}.heat"].shape == (7, run.network.n_layers)
    header, arrays = frame(model, 3)  # nothing new
    assert all(len(arrays[f"{n}.steps"]) == 0 for n in ("A", "B")) and header["step"] == 7


def test_another_heatmap_is_sent_afresh_with_its_quantity():
    model = VanishingLive(runs())
    model.train(10.0, 5, lambda: False)
    frame(model)
    before = model.setup_version
    model.set_heatmap("update_ratio", "absolute")
    assert model.setup_version == before + 1
    setup, _ = decode_frame(model.setup_frame())
    assert setup["mode"] == "absolute" and setup["quantity_label"] == "‖update‖/‖W‖"
    header, arrays = frame(model, 2)
    assert header["curves"] == "replace"
    run = model.runs[1]
    steps, values = vs.layer_history(run, "update_ratio")
    np.testing.assert_array_equal(arrays["B.heat"], log_values(values, "absolute").astype(np.float32))


def test_a_diverged_run_shows_its_last_finite_step_and_the_other_goes_on():
    a = vs.start_run("A", vs.VGConfig(depth=3, width=8))
    b = vs.start_run("B", vs.VGConfig(activation="relu", init="normal", init_scale=3.0, depth=20))
    model = VanishingLive([a, b])
    model.train(10.0, 10, lambda: False)
    header, arrays = frame(model)
    assert model.can_train and a.last_step == 10
    assert header["step"] == 10 and header["runs"][1]["step"] == b.last_finite_step == 0
    assert header["runs"][1]["divergence"].startswith("Training diverged at step 1: configuration B")
    assert header["runs"][0]["divergence"] is None
    assert np.all(np.isfinite(arrays["B.grad"]))


def test_frames_stay_small_at_50_layers():
    model = VanishingLive(runs(depth=50, width=64))
    setup = model.setup_frame()
    model.state_frame(1, {"playing": True})
    sizes = []
    for seq in range(2, 8):
        model.train(10.0, 2, lambda: False)
        sizes.append(len(model.state_frame(seq, {"playing": True, "rate": 60.0, "busy": False})))
    print(f"setup {len(setup)} B, state frames {sizes} B")
    assert len(setup) < 8_000
    assert max(sizes) < 4_000  # two 51-layer panels and two new rows each


def test_a_fresh_history_is_thinned_to_the_resend_limit():
    builder = DeepFrameBuilder()
    from viz.deep_frames import RESEND_ROWS, Panel

    n, L = 5000, 4
    steps = np.arange(n)
    panel = Panel("A", n - 1, np.ones(L), np.ones(L), 1.0, (steps, np.ones((n, L)), np.ones(n)))
    _, arrays = decode_frame(builder.state_frame([panel], step=n - 1, epoch=0))
    kept = arrays["A.steps"]
    assert len(kept) <= RESEND_ROWS and kept[0] == 0 and kept[-1] == n - 1
    assert builder.after("A") == n - 1


def test_log10_and_the_palettes():
    np.testing.assert_array_equal(log10([0.0, 1.0, 100.0]), np.array([-np.inf, 0.0, 2.0], np.float32))
    assert np.isnan(log10([np.nan]))[0]
    for mode in ("relative", "absolute"):
        ramp = heat_palette(mode)
        assert len(ramp) == 256 and all(c.startswith("#") and len(c) == 7 for c in ramp)
    blues = heat_palette("absolute")
    assert sum(int(blues[0][i : i + 2], 16) for i in (1, 3, 5)) > sum(
        int(blues[-1][i : i + 2], 16) for i in (1, 3, 5)
    )
    with pytest.raises(ValueError, match="heatmap mode"):
        heat_palette("linear")
