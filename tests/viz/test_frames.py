"""The live view's frames carry exactly the engine's numbers for their step, and stay small."""

import numpy as np
import pytest

from engine.boundary import boundary_grid, evaluate_boundary
from pages.playground_build import build_trainer
from pages.playground_live import PlaygroundLive
from pages.playground_settings import PlaygroundConfig
from viz.frames import (
    BIG_RESOLUTION,
    NEW_NORM_ROWS,
    SMALL_RESOLUTION,
    FrameBuilder,
    Shown,
    decode_frame,
    encode_frame,
    palette,
    quantize,
)
from viz.raster import map_scale


def live(config: PlaygroundConfig | None = None) -> PlaygroundLive:
    config = config or PlaygroundConfig(dataset="spiral", n_points=500)
    return PlaygroundLive(config, build_trainer(config))


def test_encode_decode_round_trip_keeps_every_dtype_and_shape():
    arrays = {
        "a": np.arange(7, dtype=np.uint8),
        "b": np.linspace(-1, 1, 6, dtype=np.float32).reshape(2, 3),
        "c": np.array([-5, 7], dtype=np.int32),
        "empty": np.empty((0, 3), dtype=np.float32),
    }
    header, back = decode_frame(encode_frame({"kind": "x", "n": 3}, arrays))
    assert header == {"kind": "x", "n": 3}
    for name, array in arrays.items():
        assert back[name].dtype == array.dtype and back[name].shape == array.shape
        np.testing.assert_array_equal(back[name], array)


def test_encode_refuses_float64_arrays():
    with pytest.raises(ValueError, match="dtype float64"):
        encode_frame({}, {"x": np.zeros(3)})


def test_quantize_puts_centre_minus_scale_at_0_centre_near_128_and_plus_scale_at_255():
    q = quantize(np.array([-2.0, -1.0, 0.0, 1.0, 5.0, np.nan]), 0.0, 1.0)
    assert q.tolist() == [0, 0, 128, 255, 255, 128]
    assert len(palette()) == 256 and palette()[0] != palette()[255]


def test_a_state_frame_carries_the_trainers_numbers_for_its_step():
    model = live()
    model.command("step", {})
    model.trainer.run(4)
    shown = model.shown()
    header, a = decode_frame(model.state_frame(3, {"playing": False}))
    trainer, step = model.trainer, model.trainer.last_step
    assert header["step"] == trainer.step == 5 and header["seq"] == 3 and header["playing"] is False
    assert header["epoch"] == trainer.epoch
    flat = lambda arrays: np.concatenate([np.ravel(x) for x in arrays]).astype(np.float32)  # noqa: E731
    np.testing.assert_array_equal(a["weights"], flat(trainer.network.weights))
    np.testing.assert_array_equal(a["gradients"], flat(step.grad_W))
    np.testing.assert_array_equal(a["updates"], flat(step.update_W))
    np.testing.assert_array_equal(a["biases"], flat(trainer.network.biases))
    np.testing.assert_array_equal(a["unit_a"], flat([x.mean(axis=0) for x in step.a]))
    np.testing.assert_array_equal(a["unit_delta"], flat([d.mean(axis=0) for d in step.delta]))
    assert header["metrics"]["test_loss"] == pytest.approx(shown.metrics["test_loss"])
    # the maps: the output over the big grid and every unit over the small one, quantized
    big = evaluate_boundary(trainer.network, boundary_grid(("x1", "x2"), BIG_RESOLUTION)).output
    np.testing.assert_array_equal(a["big"], quantize(big, 0.5, 0.5))
    small = evaluate_boundary(trainer.network, boundary_grid(("x1", "x2"), SMALL_RESOLUTION))
    h11 = small.maps[1][0]
    np.testing.assert_array_equal(a["maps"][0], quantize(h11, *map_scale(h11)))
    np.testing.assert_allclose(a["map_scale"][0], map_scale(h11), rtol=1e-6)


def test_a_replayed_frame_shows_the_recorded_steps_parameters_and_metrics():
    model = live()
    model.trainer.run(30)
    model.trainer.evaluate()
    recorded = model.trainer.history.detail(20)
    model.show(20)
    header, a = decode_frame(model.state_frame(1, {}))
    assert header["step"] == 20 and header["replaying"]
    flat = np.concatenate([np.ravel(w) for w in recorded.weights]).astype(np.float32)
    np.testing.assert_array_equal(a["weights"], flat)
    grads = np.concatenate([np.ravel(g) for g in recorded.grad_W]).astype(np.float32)
    np.testing.assert_array_equal(a["gradients"], grads)
    assert header["metrics"]["step"] <= 20


def test_curves_carry_only_new_rows_and_start_afresh_after_a_restart():
    model = live()
    model.train(1.0, 7, lambda: False)
    _, first = decode_frame(model.state_frame(1, {}))
    model.train(1.0, 5, lambda: False)
    header, second = decode_frame(model.state_frame(2, {}))
    assert header["curves"] == "append"
    assert second["norm_step"].tolist() == list(range(7, 12))
    assert second["metric_step"].tolist() == [12]
    norms = model.trainer.history.column("grad_W_norm")[7:12]
    np.testing.assert_allclose(second["grad_norm"], norms, rtol=1e-6)
    model.trainer.reset()
    model.touch()
    header, third = decode_frame(model.state_frame(3, {}))
    assert header["curves"] == "replace" and third["norm_step"].size == 0


@pytest.mark.parametrize(("hidden", "limit"), [((4, 2), 15_000), ((8,) * 6, 40_000)])
def test_frames_stay_small(hidden, limit):
    model = live(PlaygroundConfig(dataset="spiral", n_points=500, hidden=hidden))
    model.train(1.0, 25, lambda: False)
    model.state_frame(1, {})
    model.train(1.0, 100, lambda: False)  # more steps than a 15 ms slice takes
    _, arrays = decode_frame(model.state_frame(2, {}))
    assert arrays["norm_step"].size == NEW_NORM_ROWS and arrays["norm_step"][-1] == model.trainer.step - 1
    model.train(1.0, 100, lambda: False)
    assert len(model.state_frame(3, {"playing": True, "rate": 1000.0, "busy": False})) <= limit


def test_the_setup_frame_has_the_points_and_the_input_maps():
    model = live()
    header, a = decode_frame(model.setup_frame())
    data = model.trainer.dataset
    assert header["sizes"] == [2, 4, 2, 1] and header["names"][1] == ["h11", "h12", "h13", "h14"]
    np.testing.assert_array_equal(a["train_xy"], data.raw_train.astype(np.float32))
    np.testing.assert_array_equal(a["test_y"], data.Y_test[:, 0].astype(np.float32))
    assert a["input_maps"].shape == (2, SMALL_RESOLUTION, SMALL_RESOLUTION)


def test_the_big_map_follows_the_selected_unit():
    model = live()
    assert model.command("select", {"unit": [1, 2]})
    _, a = decode_frame(model.state_frame(1, {}))
    assert a["big_unit"].tolist() == [1, 2]
    grid = boundary_grid(("x1", "x2"), BIG_RESOLUTION)
    values = evaluate_boundary(model.trainer.network, grid).maps[1][2]
    np.testing.assert_array_equal(a["big"], quantize(values, *map_scale(values)))
    for bad in ([9, 0], [1, 7], "x", [1.5, 0], None):
        assert not model.command("select", {"unit": bad})


def test_a_shown_state_without_a_step_has_no_unit_values():
    model = live()
    shown = model.shown()
    assert isinstance(shown, Shown) and shown.step is None
    _, a = decode_frame(model.state_frame(1, {}))
    assert np.isnan(a["unit_a"]).all() and not a["gradients"].any()
    assert FrameBuilder(("x1", "x2"), True).selected is None
