"""The activation and loss records carry every fact the program asks about, and the facts are
true of the functions; the engine's deep-network policies (careful init, standardized inputs,
the residual scale), the "at or before step k" reads of a History and the divergence report."""

import math

import numpy as np
import pytest

from engine import ACTIVATIONS, HIDDEN_ACTIVATIONS, INITS, LOSSES, Network, make_optimizer
from engine.activations import OUTPUT_ACTIVATIONS
from engine.data import Dataset, make_dataset
from engine.diagnosis import divergence_report, largest_gradient
from engine.history import metrics_at, summary_at
from engine.init import careful_init
from engine.losses import TASKS, losses_for_task
from engine.network import skip_layers, stable_residual_scale
from engine.preprocess import standardized
from engine.theory import gaussian_expectations
from engine.trainer import Trainer

GRID = np.linspace(-6.0, 6.0, 241)


# ---------------------------------------------------------------------------- activation records
@pytest.mark.parametrize("name", HIDDEN_ACTIVATIONS)
def test_every_hidden_activation_record_is_complete(name):
    act = ACTIVATIONS[name]
    assert act.name == name and act.hidden
    assert act.formula and act.help and len(act.help) < 90
    assert act.careful_init in ("xavier_normal", "he_normal") and act.careful_init in INITS
    assert careful_init(name) == (act.careful_init, 1.0)


def test_softmax_is_the_one_output_only_record():
    assert [n for n in OUTPUT_ACTIVATIONS if not ACTIVATIONS[n].hidden] == ["softmax"]
    assert "softmax" not in HIDDEN_ACTIVATIONS and ACTIVATIONS["softmax"].careful_init is None
    with pytest.raises(ValueError, match="unknown activation 'softmax'; choose one of: sigmoid"):
        careful_init("softmax")


@pytest.mark.parametrize("name", HIDDEN_ACTIVATIONS)
def test_the_derivative_is_the_slope_of_the_function_and_smooth_ones_have_no_kink(name):
    """Five-point differences of f on a grid through 0; a record not marked ``kinked`` must
    match them at 0 too (and within 1e-3 of it), where a kink would show."""
    act = ACTIVATIONS[name]
    z = GRID if act.kinked else np.concatenate([GRID, [-1e-3, 0.0, 1e-3]])
    z = z[np.abs(z) > 1e-2] if act.kinked else z
    h = 1e-3
    f = act.function
    numeric = (-f(z + 2 * h) + 8 * f(z + h) - 8 * f(z - h) + f(z - 2 * h)) / (12 * h)
    np.testing.assert_allclose(act.derivative(z, f(z)), numeric, rtol=1e-8, atol=1e-9)


@pytest.mark.parametrize("name", HIDDEN_ACTIVATIONS)
def test_kinked_dies_and_bounded_are_true_of_the_function(name):
    act = ACTIVATIONS[name]
    slope = act.derivative(GRID, act.function(GRID))
    left, right = act.derivative(np.array([-1e-9, 1e-9]), act.function(np.array([-1e-9, 1e-9])))
    if name in ("relu", "leaky_relu"):  # a jump of f' at 0
        assert act.kinked and abs(right - left) > 0.5
    assert act.dies == bool(np.all(slope[GRID < 0] == 0.0))
    assert act.bounded == bool(np.all(np.abs(act.function(np.array([-1e300, 1e300]))) <= 1.0))


@pytest.mark.parametrize("name", [n for n in HIDDEN_ACTIVATIONS if ACTIVATIONS[n].gaussian_moments])
@pytest.mark.parametrize("q", [0.01, 1.0, 25.0])
def test_closed_form_gaussian_moments_match_the_integral(name, q):
    act = ACTIVATIONS[name]
    f = act.function
    numeric = gaussian_expectations(q, (f, lambda z: f(z) ** 2, lambda z: act.derivative(z, f(z)) ** 2))
    exact = act.gaussian_moments(q)
    np.testing.assert_allclose(exact[:2], numeric[:2], rtol=1e-5, atol=1e-9)
    # E[f'^2] of a kinked function: the trapezoid rule smears its step over one grid cell
    assert exact[2] == pytest.approx(numeric[2], rel=1e-5 if not act.kinked else 5e-3)


def test_gradcheck_reads_kinked_from_the_record():
    from engine.gradcheck import default_stencil

    assert default_stencil(Network([2, 3, 1], activation="tanh")) == ("five_point", 1e-4)
    for name in HIDDEN_ACTIVATIONS:
        expected = "central" if ACTIVATIONS[name].kinked else "five_point"
        assert default_stencil(Network([2, 3, 1], activation=name))[0] == expected


# ---------------------------------------------------------------------------- loss records
@pytest.mark.parametrize("name", LOSSES)
def test_every_loss_record_is_complete_and_its_outputs_build(name):
    loss = LOSSES[name]
    assert loss.name == name and loss.formula and loss.help
    assert loss.outputs and set(loss.outputs) <= set(OUTPUT_ACTIVATIONS)
    assert set(loss.tasks) <= set(TASKS) and loss.tasks
    if loss.output_activation is not None:  # fused: the one output it accepts
        assert loss.outputs == (loss.output_activation,) == (loss.default_output,)
    for output in loss.outputs:
        net = Network([2, 3, 2], activation="tanh", output_activation=output, loss=name, seed=0)
        assert net.activation_names[-1] == output


def test_losses_for_task_put_the_fused_loss_first():
    assert losses_for_task("binary") == ("bce", "mse", "sse")
    assert losses_for_task("multiclass") == ("cross_entropy", "mse", "sse")
    assert losses_for_task("regression") == ("mse", "sse")
    with pytest.raises(ValueError, match="unknown task 'digits'; choose one of: binary"):
        losses_for_task("digits")


# ---------------------------------------------------------------------------- deep-network policies
def test_standardized_centres_and_scales_on_the_training_rows_only():
    rng = np.random.default_rng(0)
    X_train = np.column_stack([rng.normal(5.0, 3.0, 50), np.full(50, 7.0)])
    X_test = np.column_stack([rng.normal(5.0, 3.0, 20), np.full(20, 7.0)])
    data = Dataset("toy", "regression", X_train, np.zeros((50, 1)), X_test, np.zeros((20, 1)))
    out = standardized(data)
    np.testing.assert_allclose(out.X_train.mean(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(out.X_train[:, 0].std(), 1.0)
    assert np.all(out.X_train[:, 1] == 0.0) and np.all(out.X_test[:, 1] == 0.0)  # constant: centred
    mean, std = X_train[:, 0].mean(), X_train[:, 0].std()
    np.testing.assert_allclose(out.X_test[:, 0], (X_test[:, 0] - mean) / std)  # train statistics
    assert out.Y_train is data.Y_train and data.X_train[0, 1] == 7.0  # targets shared, input untouched


def test_skip_layers_and_the_stable_residual_scale():
    assert skip_layers([2, 8, 8, 8, 1]) == [False, True, True, False]
    assert skip_layers([8, 8, 8]) == [False, False]  # the first layer reads the data; no output skip
    assert skip_layers([2, 8, 4, 4, 1]) == [False, False, True, False]  # widths must match
    net = Network([2, 8, 8, 8, 1], residual=True, seed=0)
    assert net.skip == skip_layers(net.sizes)
    assert stable_residual_scale(0) == 1.0 and stable_residual_scale(19) == pytest.approx(1 / math.sqrt(19))
    for bad in (-1, 1.5, True):
        with pytest.raises(ValueError, match="number of skips"):
            stable_residual_scale(bad)


# ---------------------------------------------------------------------------- History reads
def small_trainer(loss="bce", **network):
    data = standardized(make_dataset("circle", 60, 0.1, 0.5, 0))
    net = Network([2, 4, 4, 1], loss=loss, seed=0, **network)
    return Trainer(net, make_optimizer("sgd", lr=0.1), data, batch_size=10, eval_every=5)


def test_metrics_at_and_summary_at_read_at_or_before_the_step():
    trainer = small_trainer()
    assert metrics_at(trainer.history, 0) == {} and summary_at(trainer.history, 0) is None
    trainer.run(12)
    assert metrics_at(trainer.history, 7)["step"] == 5.0 and metrics_at(trainer.history, 99)["step"] == 10.0
    assert set(metrics_at(trainer.history, 0)) >= {"step", "train_loss", "test_accuracy", "test_r2"}
    assert summary_at(trainer.history, 3)["step"] == 3 and summary_at(trainer.history, 99)["step"] == 11


# ---------------------------------------------------------------------------- divergence report
def test_the_divergence_report_always_names_a_layer():
    assert divergence_report(small_trainer()) is None
    trainer = small_trainer(loss="mse", activation="linear", init="normal", init_scale=30.0)
    trainer.optimizer = make_optimizer("sgd", lr=1e300)
    trainer.run(5)
    div = trainer.divergence
    assert (div.quantity, div.step, div.layer) == ("update", 0, None)
    report = divergence_report(trainer, "configuration B")
    layer, norm = largest_gradient(trainer.history, 0)
    assert report.step == 0 and report.layer == layer and report.loss_before is None
    assert report.message == (
        f"configuration B: {div.message}; the largest gradient was in layer {layer} of 3 "
        f"(‖dL/dW‖ = {norm:.3g})"
    )


def test_a_loss_overflow_is_placed_at_the_output():
    trainer = small_trainer(loss="mse", activation="linear", init="normal", init_scale=1e80)
    trainer.run(5)
    assert trainer.divergence.quantity == "loss" and trainer.divergence.step == 0
    report = divergence_report(trainer)
    assert report.layer == 3 and report.message.endswith("at the output (layer 3)")  # no step before
    assert report.loss_before is None


def test_an_activation_overflow_adds_the_largest_finite_gradient_one_step_earlier():
    trainer = small_trainer(activation="linear", init="normal")
    trainer.optimizer = make_optimizer("sgd", lr=10.0)
    trainer.run(50)
    div = trainer.divergence
    assert div.quantity == "activation" and div.step > 1, div
    report = divergence_report(trainer)
    layer, norm = largest_gradient(trainer.history, div.step - 1, finite=True)
    assert report.layer == div.layer and math.isfinite(report.loss_before)
    assert report.message == (
        f"{div.message}; one step earlier the largest gradient was in layer {layer} of 3 "
        f"(‖dL/dW‖ = {norm:.3g})"
    )
    row = summary_at(trainer.history, div.step - 1)["grad_W_norm"]
    assert norm == max(v for v in row if math.isfinite(v))
