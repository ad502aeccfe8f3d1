"""Optimizers against their textbook formulas written out here independently, plus
clipping, penalties, schedules and the train_step integration."""

import math

import numpy as np
import pytest

from engine import OPTIMIZERS, Network, Schedule, make_optimizer

STEPS = 20


def quadratic_gradient(p: np.ndarray) -> np.ndarray:
    """Gradient of 1/2 p^T A p - c^T p for a fixed, ill-conditioned A."""
    A = np.array([[3.0, 0.5], [0.5, 0.2]])
    return A @ p - np.array([1.0, -2.0])


def run_engine(name, steps=STEPS, **kwargs):
    opt = make_optimizer(name, **kwargs)
    p = np.array([1.0, 1.0])
    path = [p]
    for _ in range(steps):
        proposal = opt.propose([p], [quadratic_gradient(p)], [False])
        opt.commit(proposal)
        p = p + proposal.updates[0]
        path.append(p)
    return np.array(path)


def run_textbook(update, steps=STEPS):
    p, state, path = np.array([1.0, 1.0]), {}, []
    path.append(p)
    for t in range(1, steps + 1):
        p = update(p, quadratic_gradient(p), state, t)
        path.append(p)
    return np.array(path)


def sgd(p, g, s, t, lr=0.1):
    return p - lr * g


def momentum(p, g, s, t, lr=0.1, mu=0.9):
    s["v"] = g if t == 1 else mu * s["v"] + g
    return p - lr * s["v"]


def nesterov(p, g, s, t, lr=0.1, mu=0.9):
    s["v"] = g if t == 1 else mu * s["v"] + g
    return p - lr * (g + mu * s["v"])


def rmsprop(p, g, s, t, lr=0.01, alpha=0.99, eps=1e-8):
    s["sq"] = (1 - alpha) * g**2 + alpha * s.get("sq", 0.0)
    return p - lr * g / (np.sqrt(s["sq"]) + eps)


def adam(p, g, s, t, lr=0.05, b1=0.9, b2=0.999, eps=1e-8):
    s["m"] = b1 * s.get("m", 0.0) + (1 - b1) * g
    s["v"] = b2 * s.get("v", 0.0) + (1 - b2) * g**2
    m_hat = s["m"] / (1 - b1**t)
    v_hat = s["v"] / (1 - b2**t)
    return p - lr * m_hat / (np.sqrt(v_hat) + eps)


@pytest.mark.parametrize(
    "name, lr, textbook",
    [("sgd", 0.1, sgd), ("momentum", 0.1, momentum), ("nesterov", 0.1, nesterov),
     ("rmsprop", 0.01, rmsprop), ("adam", 0.05, adam)],
)  # fmt: skip
def test_trajectory_matches_textbook(name, lr, textbook):
    np.testing.assert_allclose(run_engine(name, lr=lr), run_textbook(textbook), rtol=1e-12, atol=1e-14)


def test_defaults_are_pytorchs():
    assert make_optimizer("momentum").momentum == 0.9
    assert make_optimizer("nesterov").momentum == 0.9
    rms = make_optimizer("rmsprop")
    assert (rms.alpha, rms.eps) == (0.99, 1e-8)
    adam_opt = make_optimizer("adam")
    assert (adam_opt.betas, adam_opt.eps) == ((0.9, 0.999), 1e-8)


def test_changing_lr_takes_effect_at_the_next_step():
    opt = make_optimizer("sgd", lr=0.1)
    p, g = np.ones(2), np.array([1.0, 2.0])
    first = opt.propose([p], [g], [False])
    opt.commit(first)
    opt.lr = 0.01
    second = opt.propose([p], [g], [False])
    np.testing.assert_allclose(first.updates[0], -0.1 * g)
    np.testing.assert_allclose(second.updates[0], -0.01 * g)
    assert second.lr == 0.01


def test_clip_by_norm_reports_norms_before_and_after():
    opt = make_optimizer("sgd", lr=1.0, clip_norm=1.0)
    grads = [np.array([3.0, 0.0]), np.array([4.0])]  # global norm 5
    proposal = opt.propose([np.zeros(2), np.zeros(1)], grads, [True, False])
    assert proposal.grad_norm_before_clip == 5.0
    assert proposal.grad_norm_after_clip == pytest.approx(1.0, rel=1e-6)
    scale = 1.0 / (5.0 + 1e-6)
    np.testing.assert_allclose(proposal.updates[0], [-3.0 * scale, 0.0])
    np.testing.assert_allclose(proposal.updates[1], [-4.0 * scale])


def test_clip_by_norm_leaves_small_gradients_alone():
    opt = make_optimizer("sgd", lr=1.0, clip_norm=10.0)
    proposal = opt.propose([np.zeros(2)], [np.array([3.0, 4.0])], [True])
    np.testing.assert_array_equal(proposal.updates[0], [-3.0, -4.0])
    assert proposal.grad_norm_after_clip == 5.0


def test_clip_by_value():
    opt = make_optimizer("sgd", lr=1.0, clip_value=0.5)
    proposal = opt.propose([np.zeros(3)], [np.array([-2.0, 0.1, 7.0])], [True])
    np.testing.assert_array_equal(proposal.updates[0], [0.5, -0.1, -0.5])


def test_l2_and_l1_penalties_on_weights_only():
    opt = make_optimizer("sgd", lr=0.1, l2=0.5, l1=0.2)
    W, b = np.array([2.0, -1.0]), np.array([3.0])
    proposal = opt.propose([W, b], [np.zeros(2), np.zeros(1)], [True, False])
    np.testing.assert_allclose(proposal.penalty_grads[0], 0.5 * W + 0.2 * np.sign(W))
    np.testing.assert_array_equal(proposal.penalty_grads[1], [0.0])
    assert proposal.penalty == pytest.approx(0.25 * 5.0 + 0.2 * 3.0)
    np.testing.assert_allclose(proposal.updates[0], -0.1 * (0.5 * W + 0.2 * np.sign(W)))
    np.testing.assert_array_equal(proposal.updates[1], [0.0])


@pytest.mark.parametrize(
    "schedule, t, factor",
    [
        (Schedule("constant"), 57, 1.0),
        (Schedule("step", gamma=0.5, step_size=10), 9, 1.0),
        (Schedule("step", gamma=0.5, step_size=10), 25, 0.25),
        (Schedule("exponential", gamma=0.9), 3, 0.729),
        (Schedule("cosine", total_steps=100), 50, 0.5),
        (Schedule("cosine", total_steps=100), 100, 0.0),
        (Schedule("cosine", total_steps=100, min_factor=0.1), 400, 0.1),
        (Schedule("constant", warmup_steps=4), 0, 0.25),
        (Schedule("constant", warmup_steps=4), 3, 1.0),
        (Schedule("exponential", gamma=0.5, warmup_steps=10), 1, 0.5 * 0.2),
    ],
)
def test_schedules(schedule, t, factor):
    assert schedule.factor(t) == pytest.approx(factor, abs=1e-15)


def test_schedule_applies_to_the_step_index():
    opt = make_optimizer("sgd", lr=1.0, schedule=Schedule("step", gamma=0.1, step_size=2))
    lrs = []
    for _ in range(5):
        proposal = opt.propose([np.zeros(1)], [np.ones(1)], [False])
        opt.commit(proposal)
        lrs.append(proposal.lr)
    np.testing.assert_allclose(lrs, [1.0, 1.0, 0.1, 0.1, 0.01])


def test_bad_hyperparameters():
    with pytest.raises(ValueError, match="unknown optimizer 'adagrad'; choose one of: sgd"):
        make_optimizer("adagrad")
    with pytest.raises(ValueError, match="bad hyperparameter for adam"):
        make_optimizer("adam", momentum=0.9)
    with pytest.raises(ValueError, match="lr must be a finite number"):
        make_optimizer("sgd", lr=math.inf)
    with pytest.raises(ValueError, match="unknown schedule"):
        Schedule("cyclic")


def test_network_with_adam_matches_the_rule_on_its_gradients():
    rng = np.random.default_rng(0)
    X, Y = rng.normal(size=(8, 2)), rng.normal(size=(8, 1))
    net = Network([2, 4, 1], activation="tanh", seed=0)
    opt = make_optimizer("adam", lr=0.01, l2=0.1)
    m = v = None
    for t in range(1, 4):
        W = net.weights[0]
        step = net.train_step(X, Y, optimizer=opt)
        g = step.grad_W[0] + step.penalty_grad_W[0]
        np.testing.assert_allclose(step.penalty_grad_W[0], 0.1 * W)
        m = 0.1 * g if m is None else 0.9 * m + 0.1 * g
        v = 0.001 * g**2 if v is None else 0.999 * v + 0.001 * g**2
        expected = -0.01 * (m / (1 - 0.9**t)) / (np.sqrt(v / (1 - 0.999**t)) + 1e-8)
        np.testing.assert_allclose(step.update_W[0], expected, rtol=1e-10)


def test_diverging_step_leaves_optimizer_state_untouched():
    net = Network([2, 4, 1], activation="linear", seed=0)
    opt = make_optimizer("momentum", lr=0.01)
    X, Y = np.ones((4, 2)), np.ones((4, 1))
    net.train_step(X, Y, optimizer=opt)
    t_before = opt.t
    opt.lr = 1e308
    step = net.train_step(X, Y * 1e10, optimizer=opt)
    assert step.diverged and step.divergence.quantity == "update"
    assert opt.t == t_before


@pytest.mark.parametrize("name", list(OPTIMIZERS))
@pytest.mark.parametrize("lr", [True, False, np.bool_(True)])
def test_every_optimizer_refuses_a_bool_learning_rate(name, lr):
    with pytest.raises(ValueError, match="lr must be a finite number >= 0, got "):
        make_optimizer(name, lr=lr)
    with pytest.raises(ValueError, match="lr must be a finite number >= 0, got "):
        OPTIMIZERS[name](lr)  # made directly, too
    opt = make_optimizer(name, lr=0.1)
    opt.lr = lr  # set later: refused when it is next validated (every Trainer run does)
    with pytest.raises(ValueError, match="lr must be a finite number >= 0"):
        opt.validate()


@pytest.mark.parametrize(
    ("name", "hyper", "message"),
    [
        ("momentum", dict(momentum=True), "momentum must be a finite number >= 0"),
        ("momentum", dict(momentum=-0.5), "momentum must be a finite number >= 0"),
        ("rmsprop", dict(alpha=math.nan), "alpha must be a finite number >= 0"),
        ("adam", dict(betas=(0.9, 1.0)), r"betas\[1\] must be a number in \[0, 1\)"),
        ("adam", dict(betas=(0.9,)), "betas must be two numbers"),
        ("adam", dict(eps=-1e-8), "eps must be a finite number >= 0"),
        ("sgd", dict(clip_norm=0.0), "clip_norm must be a finite number > 0 or None"),
        ("sgd", dict(l2=True), "l2 must be a finite number >= 0"),
    ],
)
def test_bad_rule_hyperparameters_are_named(name, hyper, message):
    with pytest.raises(ValueError, match=message):
        make_optimizer(name, **hyper)


def test_bad_schedules_are_named():
    with pytest.raises(ValueError, match="step_size must be an integer >= 1, got 0"):
        Schedule("step", step_size=0)
    with pytest.raises(ValueError, match="warmup_steps must be an integer >= 0, got True"):
        Schedule("cosine", warmup_steps=True)
    with pytest.raises(ValueError, match=r"min_factor must be a number in \[0, 1\]"):
        Schedule("cosine", min_factor=2.0)
