"""TF Playground compatible pieces of the engine against TF Playground's own formulas (src/nn.ts,
src/dataset.ts): the update rule (per-sample derivatives accumulated and averaged per batch,
1/2 (o - t)^2, tanh output), its L1 rule (a weight the penalty carries across zero is set to 0
and frozen), uniform(-0.5, 0.5), the plane and multi-gaussian regression sets, -1/+1 labels."""

import math

import numpy as np
import pytest

from engine.data import make_dataset, multi_gaussian_target, tf_plane_target
from engine.init import TF_PLAYGROUND_INIT, init_weights
from engine.network import Network
from engine.optim import make_optimizer
from engine.trainer import accuracy


# ---------------------------------------------------------------------------- nn.ts, transcribed
def tf_epoch(W, b, X, T, lr, l1_rate, batch, act=math.tanh, dact=lambda z: 1 - math.tanh(z) ** 2, dead=None):
    """nn.ts oneStep over the rows of X, written as TF writes it: per point forwardProp and backProp
    (Errors.SQUARE: der = o - t) accumulating accInputDer / accErrorDer, and updateWeights every
    ``batch`` points: bias -= lr * acc / n; w -= lr / n * acc; then the L1 step on the weight at
    its old sign, and if it crossed 0, w = 0 and the link is dead (skipped from then on).
    W[l][i][j], b[l][j] as nested lists; the output unit uses the same tanh. Returns W, b, dead."""
    L = len(W)
    dead = dead if dead is not None else [[[False] * len(W[l][0]) for _ in W[l]] for l in range(L)]
    acc_w = [[[0.0] * len(W[l][0]) for _ in W[l]] for l in range(L)]
    n_w = [[[0] * len(W[l][0]) for _ in W[l]] for l in range(L)]
    acc_b = [[0.0] * len(b[l]) for l in range(L)]
    n_b = [[0] * len(b[l]) for l in range(L)]
    for p, (x, t) in enumerate(zip(X, T)):
        outs, tots = [list(x)], []
        for l in range(L):  # forwardProp
            n_in = len(outs[l])
            tot = [b[l][j] + sum(W[l][i][j] * outs[l][i] for i in range(n_in)) for j in range(len(b[l]))]
            tots.append(tot)
            outs.append([act(v) for v in tot])
        out_der = [outs[L][0] - t]  # backProp
        for l in range(L - 1, -1, -1):
            in_der = [out_der[j] * dact(tots[l][j]) for j in range(len(b[l]))]
            for j in range(len(b[l])):
                acc_b[l][j] += in_der[j]
                n_b[l][j] += 1
                for i in range(len(outs[l])):
                    if not dead[l][i][j]:
                        acc_w[l][i][j] += in_der[j] * outs[l][i]
                        n_w[l][i][j] += 1
            out_der = [sum(W[l][i][j] * in_der[j] for j in range(len(b[l]))) for i in range(len(outs[l]))]
        if (p + 1) % batch == 0:  # updateWeights
            for l in range(L):
                for j in range(len(b[l])):
                    if n_b[l][j]:
                        b[l][j] -= lr * acc_b[l][j] / n_b[l][j]
                        acc_b[l][j], n_b[l][j] = 0.0, 0
                    for i in range(len(W[l])):
                        if dead[l][i][j] or not n_w[l][i][j]:
                            continue
                        w = W[l][i][j]
                        reg_der = 0.0 if not l1_rate else (-1.0 if w < 0 else (1.0 if w > 0 else 0.0))
                        w = w - lr / n_w[l][i][j] * acc_w[l][i][j]
                        new = w - lr * l1_rate * reg_der
                        if l1_rate and w * new < 0:
                            W[l][i][j], dead[l][i][j] = 0.0, True
                        else:
                            W[l][i][j] = new
                        acc_w[l][i][j], n_w[l][i][j] = 0.0, 0
    return W, b, dead


def tiny_case(seed=3):
    """A 2-3-1 tanh network with TF's init and biases 0.1, and 6 points with -1/+1 labels."""
    net = Network(
        [2, 3, 1], activation="tanh", output_activation="tanh", loss="sse",
        init=TF_PLAYGROUND_INIT[0], init_scale=TF_PLAYGROUND_INIT[1], bias_init=0.1, seed=seed,
    )  # fmt: skip
    X = np.array([[1.0, 2.0], [-3.0, 0.5], [2.5, -1.0], [-0.5, -2.0], [4.0, 3.0], [-2.0, 1.5]])
    T = np.array([[1.0], [-1.0], [1.0], [-1.0], [1.0], [-1.0]])
    return net, X, T


def as_lists(net):
    return [w.tolist() for w in net.weights], [b.tolist() for b in net.biases]


def test_one_hand_computed_step_of_a_single_tanh_unit():
    # One input x = 2, weight 0.3, bias 0.1, tanh output, target 1, lr 0.5 (nn.ts):
    # o = tanh(0.7); inputDer = (o - 1)(1 - o^2); w -= 0.5 * inputDer * 2; b -= 0.5 * inputDer.
    o = math.tanh(0.7)  # 0.60437
    d = (o - 1) * (1 - o * o)  # -0.39563 * 0.63474 = -0.25112
    net = Network([1, 1], output_activation="tanh", loss="sse", init="zeros", bias_init=0.1)
    net.set_parameters([np.array([[0.3]])], [np.array([0.1])])
    net.train_step(np.array([[2.0]]), np.array([[1.0]]), optimizer=make_optimizer("sgd", lr=0.5))
    assert net.weights[0][0, 0] == pytest.approx(0.3 - 0.5 * d * 2, abs=1e-15)
    assert net.biases[0][0] == pytest.approx(0.1 - 0.5 * d, abs=1e-15)
    assert 0.3 - 0.5 * d * 2 == pytest.approx(0.55112, abs=1e-5)


@pytest.mark.parametrize("l1_rate", [0.0, 0.02, 0.5])
def test_first_steps_equal_tf_playgrounds_update_rule(l1_rate):
    net, X, T = tiny_case()
    W, b = as_lists(net)
    optimizer = make_optimizer("sgd", lr=0.3, l1=l1_rate, l1_freeze=True)
    dead = None
    for _epoch in range(4):  # batches of 3: two steps per epoch, in the stored order
        W, b, dead = tf_epoch(W, b, X.tolist(), T[:, 0].tolist(), 0.3, l1_rate, 3, dead=dead)
        for start in (0, 3):
            step = net.train_step(X[start : start + 3], T[start : start + 3], optimizer=optimizer)
            assert step.divergence is None
        for l in range(2):
            np.testing.assert_allclose(net.weights[l], W[l], rtol=0, atol=1e-13)
            np.testing.assert_allclose(net.biases[l], b[l], rtol=0, atol=1e-13)
            assert np.array_equal(net.weights[l] == 0.0, np.array(W[l]) == 0.0)  # exact zeros, same places
    if l1_rate == 0.5:
        assert sum(int(np.sum(w == 0.0)) for w in net.weights) >= 3  # the rule froze some weights


def test_a_frozen_weight_stays_zero_and_the_freeze_is_part_of_the_optimizer_state():
    net, X, T = tiny_case()
    optimizer = make_optimizer("sgd", lr=0.3, l1=0.5, l1_freeze=True)
    net.train_step(X, T, optimizer=optimizer)
    zero = [w == 0.0 for w in net.weights]
    assert any(z.any() for z in zero)
    snapshot = optimizer.snapshot()
    for _ in range(20):
        net.train_step(X, T, optimizer=optimizer)
        for w, z in zip(net.weights, zero):
            assert np.all(w[z] == 0.0)  # frozen, although its data gradient is not 0
    optimizer.restore(snapshot)
    assert [f is None or f.dtype == bool for f in optimizer.snapshot()[3]]
    optimizer.reset()
    assert optimizer.snapshot()[3] is None


def test_without_the_rule_l1_jitters_around_zero():
    net, X, T = tiny_case()
    optimizer = make_optimizer("sgd", lr=0.3, l1=0.5)
    for _ in range(20):
        net.train_step(X, T, optimizer=optimizer)
    assert all(np.all(w != 0.0) for w in net.weights)


def test_the_rule_is_sgds_only():
    with pytest.raises(ValueError, match="sgd only"):
        make_optimizer("adam", lr=0.1, l1=0.1, l1_freeze=True)


def test_tf_init_is_uniform_minus_half_to_half_whatever_the_fan():
    rng = np.random.default_rng(0)
    w = init_weights(*TF_PLAYGROUND_INIT[:1], 200, 300, rng, TF_PLAYGROUND_INIT[1])
    assert w.min() >= -0.5 and w.max() <= 0.5 and w.min() < -0.49 and w.max() > 0.49
    assert np.std(w) == pytest.approx(1 / math.sqrt(12), rel=0.01)


# ---------------------------------------------------------------------------- dataset.ts
def test_tf_plane_is_x_plus_y_over_ten_unclipped():
    assert tf_plane_target(np.array([6.0]), np.array([6.0]))[0] == pytest.approx(1.2)
    data = make_dataset("plane", 400, noise=0.3, seed=1, tf_compatible=True)
    raw = np.concatenate([data.raw_train, data.raw_test])
    assert np.abs(np.concatenate([data.Y_train, data.Y_test])).max() > 1.0  # not clipped
    clean = make_dataset("plane", 400, seed=1, tf_compatible=True)
    np.testing.assert_allclose(clean.Y_train[:, 0], clean.raw_train.sum(axis=1) / 10)
    ours = make_dataset("plane", 400, seed=1)
    np.testing.assert_allclose(ours.Y_train[:, 0], ours.raw_train.sum(axis=1) / 12)
    assert raw.shape == (400, 2)


def test_multi_gaussian_is_tfs_six_bumps():
    f = multi_gaussian_target
    assert f(np.array([-4.0]), np.array([2.5]))[0] == 1.0
    assert f(np.array([0.0]), np.array([2.5]))[0] == -1.0
    assert f(np.array([4.0]), np.array([-2.5]))[0] == -1.0
    assert f(np.array([0.0]), np.array([-1.5]))[0] == pytest.approx(0.5)  # distance 1 from (0, -2.5)
    assert f(np.array([-6.0]), np.array([-6.0]))[0] == 0.0  # farther than 2 from every centre
    data = make_dataset("multi_gaussian", 300, seed=2)
    assert data.task == "regression" and np.abs(data.Y_train).max() <= 1.0
    np.testing.assert_allclose(data.Y_train[:, 0], f(data.raw_train[:, 0], data.raw_train[:, 1]))


def test_tf_labels_are_minus_one_and_one_on_the_same_points():
    ours = make_dataset("circle", 200, seed=5)
    tf = make_dataset("circle", 200, seed=5, tf_compatible=True)
    np.testing.assert_array_equal(tf.raw_train, ours.raw_train)
    np.testing.assert_array_equal(tf.Y_train, 2 * ours.Y_train - 1)
    assert tf.class_labels == [-1, 1] and tf.label_threshold == 0.0


def test_accuracy_about_the_data_sets_threshold():
    out = np.array([[0.2], [-0.3], [0.7]])
    assert accuracy(out, np.array([[1.0], [-1.0], [1.0]]), threshold=0.0) == 1.0
    # read about 0.5, as for 0/1 labels, the output 0.2 for the label +1 would count as wrong
    assert accuracy(out, np.array([[1.0], [-1.0], [1.0]])) == pytest.approx(2 / 3)
