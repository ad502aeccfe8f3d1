"""MSE against cross-entropy at a sigmoid or softmax output (engine/loss_compare.py)."""

import numpy as np
import pytest

from engine import loss_compare as C

Z = np.linspace(-10, 10, 81) + 0.013


def test_mse_gradient_vanishes_when_confidently_wrong_and_cross_entropys_does_not():
    curves = C.output_gradients("sigmoid", [-10.0], target=1.0)
    assert abs(curves["mse"][1][0]) < 1e-3
    assert abs(curves["bce"][1][0]) > 0.99
    softmax = C.output_gradients("softmax", [-10.0])
    assert abs(softmax["mse"][1][0]) < 1e-3
    assert abs(softmax["cross_entropy"][1][0]) > 0.99


@pytest.mark.parametrize(
    "output, target", [("sigmoid", 1.0), ("sigmoid", 0.0), ("sigmoid", 0.3), ("softmax", 1.0)]
)
def test_the_dl_dz_curves_shown_match_finite_differences_of_the_loss(output, target):
    h = 1e-5
    curves = C.output_gradients(output, Z, target)
    plus, minus = C.output_gradients(output, Z + h, target), C.output_gradients(output, Z - h, target)
    for name, (_, grad) in curves.items():
        numeric = (plus[name][0] - minus[name][0]) / (2 * h)
        assert np.max(np.abs(grad - numeric) / np.maximum(np.abs(numeric), 1e-3)) < 1e-6, name


def test_bad_output_or_target():
    with pytest.raises(ValueError, match="unknown output"):
        C.output_gradients("tanh", Z)
    with pytest.raises(ValueError, match="between 0 and 1"):
        C.output_gradients("sigmoid", Z, 2.0)


def test_the_same_network_trained_with_each_loss_on_one_clock():
    mse, bce = C.train_side_by_side(n_steps=40, init_scale=5.0)
    assert (mse.loss, bce.loss) == ("mse", "bce")
    assert mse.accuracy[0] == bce.accuracy[0] and mse.bce[0] == bce.bce[0]  # same start
    assert len(mse.accuracy) == len(bce.accuracy) == len(mse.output_grad) == 41
    assert bce.output_grad[0] > 2 * mse.output_grad[0]  # saturated start: MSE's gradient is small
    assert bce.bce[-1] < mse.bce[-1]
