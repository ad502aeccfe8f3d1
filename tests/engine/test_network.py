"""The Network contract: shapes, the forward and update formulas, initialization,
determinism, batch norm, residual connections, divergence and error messages."""

import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine import INITS, Network
from engine.activations import ACTIVATIONS, sigmoid, softplus
from engine.init import init_std


def toy_batch(n_in=2, n_out=1, batch=10, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(batch, n_in))
    return X, (X[:, :n_out] > 0).astype(float)


def test_contract_shapes_and_formulas():
    net = Network(
        sizes=[2, 8, 8, 1],
        activation="tanh",
        output_activation="sigmoid",
        loss="bce",
        init="xavier_uniform",
        seed=0,
    )
    X, Y = toy_batch()
    assert [w.shape for w in net.weights] == [(2, 8), (8, 8), (8, 1)]
    assert [b.shape for b in net.biases] == [(8,), (8,), (1,)]
    assert all(w.dtype == np.float64 for w in net.weights + net.biases)
    trace = net.forward(X)
    assert trace.a[0] is not None and np.array_equal(trace.a[0], X)
    for l in range(3):
        np.testing.assert_allclose(trace.z[l], trace.a[l] @ net.weights[l] + net.biases[l])
    np.testing.assert_allclose(trace.a[1], np.tanh(trace.z[0]))
    np.testing.assert_allclose(trace.a[3], 1 / (1 + np.exp(-trace.z[2])))

    before = [w.copy() for w in net.weights]
    step = net.train_step(X, Y, lr=0.5)
    assert isinstance(step.loss, float)
    assert [d.shape for d in step.da] == [(10, 2), (10, 8), (10, 8), (10, 1)]
    assert [d.shape for d in step.delta] == [(10, 8), (10, 8), (10, 1)]
    for l in range(3):
        np.testing.assert_allclose(step.grad_W[l], step.a[l].T @ step.delta[l])
        np.testing.assert_allclose(step.grad_b[l], step.delta[l].sum(axis=0))
        np.testing.assert_allclose(step.update_W[l], -0.5 * step.grad_W[l])
        np.testing.assert_array_equal(net.weights[l], before[l] + step.update_W[l])
        np.testing.assert_array_equal(step.weights[l], before[l])
    # the loss reported is the loss before the update, the mean over the batch
    y = step.a[-1]
    bce = -np.mean(Y * np.log(y) + (1 - Y) * np.log(1 - y))
    assert step.loss == pytest.approx(bce, rel=1e-12)
    # fused sigmoid + bce still reports dL/da and dL/dz consistently
    np.testing.assert_allclose(step.delta[-1], step.da[-1] * y * (1 - y), rtol=1e-9)


def test_loss_definitions_match_pytorch_conventions():
    y = np.array([[0.2, 0.7], [0.9, 0.4]])
    t = np.array([[0.0, 1.0], [1.0, 0.0]])
    z = np.log(y / (1 - y))
    from engine.losses import LOSSES

    assert LOSSES["mse"].value(y, y, t) == pytest.approx(np.mean((y - t) ** 2))
    assert LOSSES["sse"].value(y, y, t) == pytest.approx(0.5 * np.sum((t - y) ** 2) / 2)
    expected_bce = -np.mean(t * np.log(y) + (1 - t) * np.log(1 - y))
    assert LOSSES["bce"].value(y, z, t) == pytest.approx(expected_bce, rel=1e-12)
    logits = np.array([[1.0, 2.0, 0.5]])
    p = np.exp(logits) / np.exp(logits).sum()
    ce = LOSSES["cross_entropy"].value(p, logits, np.array([[0.0, 1.0, 0.0]]))
    assert ce == pytest.approx(-np.log(p[0, 1]))


def test_activation_per_hidden_layer():
    net = Network([2, 3, 3, 1], activation=["relu", "sigmoid"], seed=0)
    X, _ = toy_batch()
    trace = net.forward(X)
    np.testing.assert_allclose(trace.a[1], np.maximum(trace.z[0], 0))
    np.testing.assert_allclose(trace.a[2], sigmoid(trace.z[1]))
    np.testing.assert_allclose(trace.a[3], trace.z[2])  # mse -> linear output by default


@pytest.mark.parametrize("name", [n for n in ACTIVATIONS if n != "softmax"])
def test_activations_are_stable_for_extreme_inputs(name):
    z = np.array([-1e308, -1e3, -50.0, -1e-300, 0.0, 1e-300, 50.0, 1e3, 1e308])
    act = ACTIVATIONS[name]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        a = act.function(z)
        d = act.derivative(z, a)
    assert np.all(np.isfinite(d))
    assert np.all(np.isfinite(a)) and not np.any(np.isnan(d))
    if act.bounded:
        assert np.all(np.abs(a) <= 1.0)
    else:  # unbounded above: the largest input passes through (every hidden one grows like z)
        assert a[-1] >= 1e300


def test_stable_sigmoid_and_softplus_values():
    assert sigmoid(np.array([-800.0]))[0] == pytest.approx(np.exp(-800.0), rel=1e-12, abs=0)
    assert sigmoid(np.array([800.0]))[0] == 1.0
    assert softplus(np.array([800.0]))[0] == 800.0
    assert softplus(np.array([-800.0]))[0] == pytest.approx(np.exp(-800.0), rel=1e-12, abs=0)


@pytest.mark.parametrize("scheme", INITS)
def test_init_statistics(scheme):
    fan_in, fan_out = 400, 300
    net = Network([fan_in, fan_out, 2], init=scheme, init_scale=0.5, seed=3)
    W = net.weights[0]
    expected = init_std(scheme, fan_in, fan_out, 0.5)
    assert W.std() == pytest.approx(expected, rel=0.02, abs=1e-12)
    assert abs(W.mean()) < 0.01 * max(expected, 1e-12) * 10
    if scheme.endswith("uniform") and scheme != "zeros":
        assert np.abs(W).max() <= expected * np.sqrt(3)


def test_init_formulas_are_the_textbook_ones():
    assert init_std("xavier_uniform", 10, 30) == pytest.approx(np.sqrt(6 / 40) / np.sqrt(3))
    assert init_std("he_normal", 50, 7) == pytest.approx(np.sqrt(2 / 50))
    assert init_std("lecun_normal", 25, 7) == pytest.approx(0.2)
    assert init_std("normal", 5, 5, 0.3) == 0.3


def test_bias_init():
    net = Network([2, 3, 1], bias_init=0.25, seed=0)
    assert all(np.all(b == 0.25) for b in net.biases)


def test_same_seed_same_network_and_steps():
    X, Y = toy_batch()
    nets = [Network([2, 5, 1], seed=42) for _ in range(2)]
    for w1, w2 in zip(nets[0].weights, nets[1].weights):
        np.testing.assert_array_equal(w1, w2)
    for _ in range(5):
        s1, s2 = (n.train_step(X, Y, lr=0.1) for n in nets)
        assert s1.loss == s2.loss
    for w1, w2 in zip(nets[0].weights, nets[1].weights):
        np.testing.assert_array_equal(w1, w2)
    assert not np.array_equal(Network([2, 5, 1], seed=43).weights[0], nets[0].weights[0])


def test_seeded_weights_are_pinned():
    """Same seed, same network on any machine: PCG64 draws are platform-independent."""
    w = Network([2, 2, 1], init="normal", init_scale=1.0, seed=0).weights[0]
    np.testing.assert_allclose(w.ravel(), [0.12573022, -0.13210486, 0.64042265, 0.10490012], atol=1e-8)


def test_residual_connection_adds_the_input():
    net = Network([2, 4, 4, 4, 1], activation="tanh", residual=True, seed=0)
    assert net.skip == [False, True, True, False]
    trace = net.forward(toy_batch()[0])
    np.testing.assert_allclose(trace.a[2], np.tanh(trace.z[1]) + trace.a[1])
    np.testing.assert_allclose(trace.a[1], np.tanh(trace.z[0]))  # input width differs: no skip


def test_residual_scale_multiplies_the_branch_and_its_gradient():
    X, Y = toy_batch()
    plain = Network([2, 4, 4, 4, 1], activation="tanh", residual=True, seed=0)
    scaled = Network([2, 4, 4, 4, 1], activation="tanh", residual=True, residual_scale=0.25, seed=0)
    trace = scaled.forward(X)
    np.testing.assert_allclose(trace.a[2], trace.a[1] + 0.25 * np.tanh(trace.z[1]))
    assert "residual x0.25" in scaled.describe() and "residual)" in plain.describe()
    step = scaled.train_step(X, Y, lr=0.0)
    # dL/ds[1] = r * dL/da[2] * tanh'(s[1]); da[1] = delta[1] @ W[1].T + da[2]
    expected = 0.25 * step.da[2] * (1 - np.tanh(step.z[1]) ** 2)
    np.testing.assert_allclose(step.delta[1], expected)
    np.testing.assert_allclose(step.da[1], step.delta[1] @ scaled.weights[1].T + step.da[2])


@pytest.mark.parametrize("bad", [0, -1.0, float("nan"), float("inf"), True, "1"])
def test_residual_scale_must_be_a_positive_number(bad):
    with pytest.raises(ValueError, match="residual_scale must be a finite number > 0"):
        Network([2, 4, 4, 1], residual=True, residual_scale=bad)


def test_batch_norm_training_and_running_statistics():
    net = Network([2, 6, 1], activation="relu", batch_norm=True, seed=0)
    X, Y = toy_batch(batch=32)
    trace = net.forward(X, training=True)
    np.testing.assert_allclose(trace.s[0].mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(trace.s[0].std(axis=0), 1, atol=1e-3)
    step = net.train_step(X, Y, lr=0.1)
    z = step.z[0]
    np.testing.assert_allclose(net.running_mean[0], 0.1 * z.mean(axis=0))
    np.testing.assert_allclose(net.running_var[0], 0.9 + 0.1 * z.var(axis=0, ddof=1))
    assert step.grad_gamma[0].shape == (6,) and step.update_gamma[0].shape == (6,)
    eval_trace = net.forward(X)
    z_new = eval_trace.z[0]
    expected = net.gammas[0] * (z_new - net.running_mean[0]) / np.sqrt(net.running_var[0] + 1e-5)
    np.testing.assert_allclose(eval_trace.s[0], expected + net.betas[0], rtol=1e-6)


@given(depth=st.integers(1, 6), width=st.integers(1, 8), batch=st.integers(1, 6), seed=st.integers(0, 99))
def test_update_is_minus_lr_times_gradient(depth, width, batch, seed):
    sizes = [3] + [width] * depth + [2]
    net = Network(sizes, activation="elu", loss="mse", seed=seed)
    rng = np.random.default_rng(seed)
    step = net.train_step(rng.normal(size=(batch, 3)), rng.normal(size=(batch, 2)), lr=0.05)
    assert len(step.z) == len(sizes) - 1 and len(step.a) == len(sizes)
    for l in range(len(sizes) - 1):
        assert step.delta[l].shape == (batch, sizes[l + 1])
        np.testing.assert_array_equal(step.update_W[l], -0.05 * step.grad_W[l])


def test_divergence_keeps_last_finite_parameters_and_says_where():
    net = Network([2, 8, 8, 1], activation="relu", loss="mse", init="normal", init_scale=3.0, seed=0)
    X, Y = toy_batch()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        steps = [net.train_step(X, Y * 100, lr=1e6) for _ in range(10)]
    diverged = [s for s in steps if s.diverged]
    assert diverged, "lr=1e6 on normal(3) weights should blow up"
    first = diverged[0]
    assert first.divergence.message
    assert first.divergence.quantity in {"activation", "loss", "gradient", "update"}
    assert all(np.all(u == 0) for u in first.update_W)
    for w in net.weights:
        assert np.all(np.isfinite(w))
    np.testing.assert_array_equal(net.weights[0], first.weights[0])


def test_overflow_in_the_forward_pass_names_the_layer():
    weights = [np.full((2, 3), 1e200), np.full((3, 3), 1e200), np.ones((3, 1))]
    biases = [np.zeros(3), np.zeros(3), np.zeros(1)]
    net = Network.from_parameters(weights, biases, activation="linear", loss="mse")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        step = net.train_step(np.ones((1, 2)) * 1e200, np.zeros((1, 1)), lr=0.1)
    assert step.diverged
    assert step.divergence.quantity == "activation" and step.divergence.layer == 0


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(sizes=[2, 3, 1], activation="selu"), "choose one of: sigmoid, tanh"),
        (dict(sizes=[2, 3, 1], loss="hinge"), "unknown loss 'hinge'"),
        (dict(sizes=[2, 3, 1], init="orthogonal"), "unknown init 'orthogonal'"),
        (dict(sizes=[2, 0, 1]), "sizes[1] must be an integer >= 1"),
        (dict(sizes=[2]), "at least an input and an output"),
        (
            dict(sizes=[2, 3, 2], output_activation="softmax", loss="mse"),
            "only allowed with the cross_entropy",
        ),
        (dict(sizes=[2, 3, 1], loss="bce", output_activation="tanh"), "needs output_activation 'sigmoid'"),
        (dict(sizes=[2, 3, 3, 1], activation=["relu"]), "has 2 hidden layers"),
        (dict(sizes=[2, 3, 1], init_scale=float("nan")), "init_scale must be a finite number"),
    ],
)
def test_bad_configs_give_clear_errors(kwargs, message):
    with pytest.raises(ValueError) as error:
        Network(**kwargs)
    assert message in str(error.value)


def test_from_parameters_names_the_layer_and_shape():
    with pytest.raises(ValueError, match=r"weights\[1\] has shape \(3, 2\); expected \(4, n_out\)"):
        Network.from_parameters([np.ones((2, 4)), np.ones((3, 2))], [np.zeros(4), np.zeros(2)])
    with pytest.raises(ValueError, match=r"biases\[0\] has shape \(3,\); expected \(4,\)"):
        Network.from_parameters([np.ones((2, 4)), np.ones((4, 2))], [np.zeros(3), np.zeros(2)])
    with pytest.raises(ValueError, match=r"weights\[0\] contains NaN"):
        Network.from_parameters([np.array([[np.nan]])], [np.zeros(1)])
    with pytest.raises(ValueError, match=r"weights\[0\] must contain only numbers"):
        Network.from_parameters([[["a"]]], [np.zeros(1)])


def test_nan_and_bad_shapes_in_inputs():
    net = Network([2, 3, 1], seed=0)
    with pytest.raises(ValueError, match="X contains NaN"):
        net.forward(np.array([[np.nan, 1.0]]))
    with pytest.raises(ValueError, match=r"X must be \(batch, 2\)"):
        net.forward(np.ones((4, 3)))
    with pytest.raises(ValueError, match=r"Y must be \(4, 1\)"):
        net.train_step(np.ones((4, 2)), np.ones((3, 1)), lr=0.1)
    with pytest.raises(ValueError, match="lr="):
        net.train_step(np.ones((4, 2)), np.ones((4, 1)))


def test_targets_must_suit_the_loss():
    with pytest.raises(ValueError, match="between 0 and 1"):
        Network([2, 3, 1], loss="bce", seed=0).train_step(np.ones((2, 2)), [[2.0], [0.0]], lr=0.1)
    with pytest.raises(ValueError, match="row 1 sums to 2"):
        Network([2, 3, 2], loss="cross_entropy", seed=0).train_step(
            np.ones((2, 2)), [[1.0, 0.0], [1.0, 1.0]], lr=0.1
        )


def test_one_dimensional_targets_and_inputs_are_accepted_for_one_output():
    net = Network([2, 3, 1], seed=0)
    step = net.train_step(np.ones((4, 2)), np.ones(4), lr=0.1)
    assert step.delta[-1].shape == (4, 1)
    assert net.forward(np.ones(2)).a[-1].shape == (1, 1)


def test_describe():
    assert Network([2, 8, 1], loss="bce", seed=0).describe() == "2-8-1 tanh/sigmoid, bce"


def test_predict_matches_forward_in_evaluation_mode():
    net = Network(
        [2, 5, 5, 3], activation="relu", loss="cross_entropy", batch_norm=True, residual=True, seed=0
    )
    X, _ = toy_batch(batch=16)
    net.train_step(X, np.eye(3)[np.arange(16) % 3], lr=0.1)
    np.testing.assert_allclose(net.predict(X), net.forward(X).a[-1])


def test_set_parameters_checks_every_shape_and_restores_batch_norm_statistics():
    net = Network([2, 4, 1], batch_norm=True, seed=0)
    X, Y = toy_batch(batch=8)
    step = net.train_step(X, Y, lr=0.1)
    net.train_step(X, Y, lr=0.1)
    net.set_parameters(
        step.weights, step.biases, step.gammas, step.betas, step.running_mean, step.running_var
    )
    np.testing.assert_array_equal(net.running_var[0], step.running_var[0])
    np.testing.assert_array_equal(net.weights[0], step.weights[0])
    with pytest.raises(ValueError, match="expected 2 weight matrices"):
        net.set_parameters(step.weights[:1], step.biases[:1])
    with pytest.raises(ValueError, match="gammas must have one entry per layer"):
        net.set_parameters(step.weights, step.biases, gammas=[np.ones(3), None])
