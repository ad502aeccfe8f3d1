"""The Image recognition page's live frames: weights as 8x8 images, the confusion matrix and
only the new curve rows."""

import numpy as np

from pages.digits_state import DEFAULTS, build_trainer
from viz.digit_frames import MIN_W_SCALE, DigitFrameBuilder, confusion_of, weight_images
from viz.frames import decode_frame


def test_weight_images_are_the_columns_of_the_first_layer_row_by_row():
    W0 = np.zeros((64, 3))
    W0[5, 0] = 1.0  # unit 0, pixel (row 0, column 5): full blue
    W0[8, 1] = -1.0  # unit 1, pixel (row 1, column 0): full orange
    images, scale = weight_images(W0)
    assert images.shape == (3, 8, 8) and images.dtype == np.uint8
    assert images[0, 0, 5] == 255 and images[1, 1, 0] == 0 and images[2, 4, 4] == 128
    assert scale == MIN_W_SCALE or scale <= 1.0
    rng = np.random.default_rng(0)
    W = rng.normal(size=(64, 10))
    _, scale = weight_images(W)
    assert np.isclose(scale, np.percentile(np.abs(W), 99))


def test_state_frame_carries_weights_confusion_and_new_rows_only():
    trainer = build_trainer(DEFAULTS)
    builder = DigitFrameBuilder()
    header, arrays = decode_frame(builder.setup_frame(trainer))
    assert header["kind"] == "setup" and header["sizes"] == [64, 32, 10] and len(header["palette"]) == 256
    header, arrays = decode_frame(builder.state_frame(trainer, seq=1))
    assert header["curves"] == "replace" and arrays["metric_step"].tolist() == [0]
    assert arrays["weights"].shape == (32, 8, 8)
    matrix = arrays["confusion"]
    assert matrix.shape == (10, 10) and matrix.sum() == trainer.dataset.n_test
    np.testing.assert_array_equal(matrix.sum(axis=1), trainer.dataset.Y_test.sum(axis=0))
    accuracy = np.trace(matrix) / matrix.sum()
    assert abs(accuracy - header["metrics"]["test_accuracy"]) < 1e-6
    trainer.run(30)
    trainer.evaluate()
    header, arrays = decode_frame(builder.state_frame(trainer, seq=2))
    assert header["curves"] == "append" and arrays["metric_step"].tolist() == [30]
    assert header["step"] == 30 and header["metrics"]["test_accuracy"] > accuracy
    np.testing.assert_array_equal(confusion_of(trainer), matrix_after := arrays["confusion"])
    assert np.trace(matrix_after) > np.trace(matrix)
