"""Trainer: batches and epochs, determinism, evaluation, divergence, replay and resume."""

import math

import numpy as np
import pytest

from engine import evaluation
from engine.data import Dataset
from engine.evaluation import accuracy, r2_score
from engine.history import STEP_LIST_FIELDS, STEP_SCALAR_FIELDS, History
from engine.network import Network
from engine.optim import make_optimizer
from engine.trainer import Trainer


def blobs(n_train=40, n_test=12, seed=0) -> Dataset:
    """Two Gaussian blobs in 2-D, label 1 for the right one."""
    rng = np.random.default_rng(seed)
    n = n_train + n_test
    Y = (rng.random(n) < 0.5).astype(np.float64)[:, None]
    X = rng.normal(size=(n, 2)) + 1.5 * (2 * Y - 1)
    return Dataset("blobs", "classification", X[:n_train], Y[:n_train], X[n_train:], Y[n_train:])


def linear_data(n_train=30, n_test=10, seed=1) -> Dataset:
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n_train + n_test, 3))
    Y = X @ np.array([[1.0], [-2.0], [0.5]])
    return Dataset("linear", "regression", X[:n_train], Y[:n_train], X[n_train:], Y[n_train:])


def make_trainer(dataset=None, sizes=(2, 5, 1), optimizer="sgd", lr=0.1, net_seed=0, **kwargs) -> Trainer:
    dataset = dataset or blobs()
    loss = "bce" if dataset.task == "classification" else "mse"
    net = Network(list(sizes), activation="tanh", loss=loss, seed=net_seed)
    return Trainer(net, make_optimizer(optimizer, lr=lr), dataset, **kwargs)


def capture_steps(trainer: Trainer) -> list:
    """Wrap the network's train_step to keep every Step it returns."""
    steps = []
    original = trainer.network.train_step

    def train_step(*args, **kwargs):
        step = original(*args, **kwargs)
        steps.append(step)
        return step

    trainer.network.train_step = train_step
    return steps


def assert_same_step(a, b):
    for name in STEP_SCALAR_FIELDS:
        x, y = getattr(a, name), getattr(b, name)
        assert x == y or (math.isnan(x) and math.isnan(y)), name
    for name in STEP_LIST_FIELDS:
        xs, ys = getattr(a, name), getattr(b, name)
        assert (xs is None) == (ys is None), name
        for x, y in zip(xs or (), ys or ()):
            assert (x is None) == (y is None), name
            if x is not None:
                assert np.array_equal(x, y), name


# ---------------------------------------------------------------------------- determinism
def test_same_seed_same_run_bit_for_bit():
    runs = []
    for seed in (7, 7, 8):
        trainer = make_trainer(batch_size=6, seed=seed, optimizer="adam", lr=0.01)
        trainer.run(25)
        trainer.run(10)
        runs.append((trainer.history.column("loss"), trainer.network.weights, trainer.history.metrics()))
    (loss_a, W_a, m_a), (loss_b, W_b, m_b), (loss_c, W_c, _) = runs
    assert np.array_equal(loss_a, loss_b)
    assert all(np.array_equal(x, y) for x, y in zip(W_a, W_b))
    for name in m_a:
        np.testing.assert_array_equal(m_a[name], m_b[name])
    assert not np.array_equal(loss_a, loss_c)  # another seed shuffles differently
    assert not all(np.array_equal(x, y) for x, y in zip(W_a, W_c))


# ---------------------------------------------------------------------------- batches and epochs
def test_epochs_with_batch_size_one():
    trainer = make_trainer(blobs(n_train=7), batch_size=1)
    trainer.run(7)
    assert trainer.epoch == 1 and trainer.step == 7
    s = trainer.history.summaries()
    assert s["batch_size"].tolist() == [1] * 7
    assert s["position"].tolist() == list(range(7)) and s["epoch"].tolist() == [0] * 7
    trainer.run(3)
    assert trainer.epoch == 1
    assert trainer.history.column("epoch").tolist()[-3:] == [1, 1, 1]


def test_partial_last_batch_and_a_permutation_per_epoch():
    trainer = make_trainer(blobs(n_train=25), batch_size=10)
    steps = capture_steps(trainer)
    trainer.run(7)
    s = trainer.history.summaries()
    assert s["batch_size"].tolist() == [10, 10, 5, 10, 10, 5, 10]
    assert s["epoch"].tolist() == [0, 0, 0, 1, 1, 1, 2]
    assert s["position"].tolist() == [0, 10, 20, 0, 10, 20, 0]
    assert trainer.epoch == 2
    X = trainer.dataset.X_train
    for epoch in (0, 1):  # each epoch visits every training row exactly once
        rows = np.concatenate([steps[i].a[0] for i in range(3 * epoch, 3 * epoch + 3)])
        assert np.array_equal(np.sort(rows, axis=0), np.sort(X, axis=0))
    assert not np.array_equal(steps[0].a[0], steps[3].a[0][:10])  # shuffled anew


def test_full_batch_uses_the_training_set_in_order():
    data = blobs(n_train=12)
    trainer = make_trainer(data, batch_size=100)
    steps = capture_steps(trainer)
    trainer.run(3)
    assert trainer.epoch == 3
    assert trainer.history.column("batch_size").tolist() == [12, 12, 12]
    assert trainer.history.column("epoch").tolist() == [0, 1, 2]
    assert all(np.array_equal(step.a[0], data.X_train) for step in steps)


def test_changes_between_runs_apply_at_the_next_step():
    trainer = make_trainer(blobs(n_train=30), batch_size=4, lr=0.1)
    trainer.run(5)  # positions 0, 4, ..., 16; next batch starts at 20
    trainer.optimizer.lr = 0.02
    trainer.batch_size = 7
    trainer.run(3)
    momentum = make_optimizer("momentum", lr=0.05)
    trainer.optimizer = momentum
    trainer.run(2)
    s = trainer.history.summaries()
    assert s["lr"].tolist() == [0.1] * 5 + [0.02] * 3 + [0.05] * 2
    assert s["batch_size"].tolist() == [4] * 5 + [7, 3] + [7, 7, 7]
    assert s["position"].tolist()[5:] == [20, 27, 0, 7, 14]  # the epoch goes on where it was
    assert s["epoch"].tolist()[5:] == [0, 0, 1, 1, 1]
    assert momentum.t == 2  # the new optimizer took the last two steps
    with pytest.raises(ValueError, match="batch_size"):
        trainer.batch_size = 0
    with pytest.raises(ValueError, match="optimizer"):
        trainer.optimizer = "sgd"


def test_switching_to_full_batch_mid_epoch_closes_the_epoch():
    trainer = make_trainer(blobs(n_train=10), batch_size=4)
    trainer.run(1)
    trainer.batch_size = 10
    trainer.run(2)
    s = trainer.history.summaries()
    assert s["epoch"].tolist() == [0, 1, 2] and s["batch_size"].tolist() == [4, 10, 10]
    assert trainer.epoch == 3


# ---------------------------------------------------------------------------- evaluation
def test_accuracy_and_r2_by_hand():
    out = np.array([[0.9], [0.2], [0.6], [0.4]])
    target = np.array([[1.0], [0.0], [0.0], [1.0]])
    assert accuracy(out, target) == 0.5
    out3 = np.array([[0.1, 0.7, 0.2], [0.5, 0.3, 0.2], [0.2, 0.2, 0.6]])
    one_hot = np.eye(3)[[1, 1, 2]]
    assert accuracy(out3, one_hot) == pytest.approx(2 / 3)
    y = np.array([[1.0, 2.0], [2.0, 2.0], [4.0, 2.0]])
    t = np.array([[1.0, 2.0], [3.0, 2.0], [5.0, 2.0]])
    # column 0: residual 0 + 1 + 1 = 2, total (t - 3)^2 = 4 + 0 + 4 = 8 -> 0.75; column 1 constant, exact -> 1
    assert r2_score(y, t) == pytest.approx((0.75 + 1.0) / 2)
    assert r2_score(y + np.array([0.0, 1.0]), t) == pytest.approx(0.75 / 2)  # constant column missed -> 0
    assert math.isnan(accuracy(np.empty((0, 1)), np.empty((0, 1))))


def test_evaluation_is_recorded_at_step_zero_and_every_interval():
    data = blobs()
    trainer = make_trainer(data, batch_size=8, eval_every=4)
    trainer.run(10)
    trainer.run(3)
    m = trainer.history.metrics()
    assert m["step"].tolist() == [0, 4, 8, 12]  # the second run does not evaluate where it starts
    assert np.isnan(m["train_r2"]).all()
    net = trainer.network
    out_train, out_test = net.predict(data.X_train), net.predict(data.X_test)
    assert m["step"][-1] == 12 and trainer.step == 13
    trainer.evaluate()
    m = trainer.history.metrics()
    assert m["step"][-1] == 13
    assert m["train_accuracy"][-1] == np.mean((out_train > 0.5) == (data.Y_train > 0.5))
    assert m["test_accuracy"][-1] == np.mean((out_test > 0.5) == (data.Y_test > 0.5))
    assert m["train_loss"][-1] == pytest.approx(
        net.loss_value(data.X_train, data.Y_train, training=False), rel=1e-12
    )
    assert m["test_loss"][-1] == pytest.approx(
        net.loss_value(data.X_test, data.Y_test, training=False), rel=1e-12
    )


def test_after_reset_or_resume_the_next_run_evaluates_where_it_starts():
    trainer = make_trainer(blobs(), batch_size=8, eval_every=4)
    trainer.run(7)
    trainer.resume_from(6)
    trainer.run(1)
    assert trainer.history.metrics()["step"].tolist() == [0, 4, 6]
    trainer.reset()
    trainer.run(2)
    trainer.run(1)
    assert trainer.history.metrics()["step"].tolist() == [0]


def test_evaluation_in_chunks_gives_the_same_metrics(monkeypatch):
    trainer = make_trainer(blobs(n_train=40, n_test=12), batch_size=8)
    trainer.run(6)
    whole = trainer.evaluate()
    calls = []
    forward = trainer.network.forward
    monkeypatch.setattr(trainer.network, "forward", lambda X: calls.append(len(X)) or forward(X))
    monkeypatch.setattr(evaluation, "EVAL_CHUNK_BYTES", 8 * 4 * 6 * 7)  # 7 rows of the 2-5-1 net
    chunked = trainer.evaluate()
    assert chunked.keys() == whole.keys()
    for name, value in whole.items():
        assert chunked[name] == pytest.approx(value, rel=1e-12)
    assert trainer.history.metrics()["step"].tolist() == [0, 6]  # the second replaced the first
    assert calls and max(calls) == 7 and sum(calls) == 52  # in chunks of 7 rows: 40 train + 12 test


def test_regression_scores_r2():
    data = linear_data()
    net = Network([3, 1], activation=[], loss="mse", seed=0)
    trainer = Trainer(net, make_optimizer("sgd", lr=0.1), data, batch_size=30, eval_every=50)
    trainer.run(200)
    m = trainer.history.metrics()
    assert np.isnan(m["test_accuracy"]).all()
    assert m["train_r2"][0] < 0.9 < m["train_r2"][-1] <= 1.0
    prediction = net.predict(data.X_test)
    expected = 1 - ((prediction - data.Y_test) ** 2).sum() / ((data.Y_test - data.Y_test.mean()) ** 2).sum()
    assert m["test_r2"][-1] == pytest.approx(expected, rel=1e-12)


# ---------------------------------------------------------------------------- replay and resume
def test_detail_replays_what_train_step_returned():
    trainer = make_trainer(batch_size=6, history=History(keep_recent=5, detail_every=3))
    steps = capture_steps(trainer)
    trainer.run(20)
    held = trainer.history.detail_steps()
    assert held == [0, 3, 6, 9, 12, 15, 16, 17, 18, 19]
    for k in held:
        assert_same_step(trainer.history.detail(k), steps[k])


@pytest.mark.parametrize("batch_size", [100, 7])
def test_resume_from_repeats_the_original_run_with_sgd(batch_size):
    def fresh():
        return make_trainer(blobs(), sizes=(2, 6, 3, 1), batch_size=batch_size, lr=0.3, eval_every=5)

    original = fresh()
    original_steps = capture_steps(original)
    original.run(30)
    trainer = fresh()
    trainer.run(30)
    trainer.resume_from(10)
    assert trainer.step == 10 and len(trainer.history) == 10
    assert trainer.history.metrics()["step"].tolist() == [0, 5, 10]
    assert all(np.array_equal(w, v) for w, v in zip(trainer.network.weights, original_steps[10].weights))
    replayed = capture_steps(trainer)
    trainer.run(20)
    for step in replayed:
        assert_same_step(step, original_steps[step.index])
    np.testing.assert_array_equal(trainer.history.column("loss"), original.history.column("loss"))
    assert all(np.array_equal(w, v) for w, v in zip(trainer.network.weights, original.network.weights))
    for name, values in original.history.metrics().items():
        np.testing.assert_array_equal(trainer.history.metrics()[name], values)


def test_resume_needs_a_held_step_and_restarts_the_optimizer():
    trainer = make_trainer(optimizer="adam", lr=0.01, history=History(keep_recent=2, detail_every=10))
    trainer.run(25)
    with pytest.raises(ValueError, match="nearest held step is 20"):
        trainer.resume_from(17)
    trainer.resume_from(20)
    assert trainer.optimizer.t == 0
    trainer.run(1)
    assert trainer.optimizer.t == 1 and trainer.history.last_step == 20


def test_reset_starts_over():
    trainer = make_trainer(batch_size=5)
    first = [w.copy() for w in trainer.network.weights]
    trainer.run(12)
    losses = trainer.history.column("loss")
    trainer.reset()
    assert trainer.step == 0 and trainer.epoch == 0 and len(trainer.history) == 0
    assert all(np.array_equal(w, v) for w, v in zip(trainer.network.weights, first))
    trainer.run(12)
    np.testing.assert_array_equal(trainer.history.column("loss"), losses)


# ---------------------------------------------------------------------------- divergence
def test_divergence_stops_training_and_keeps_the_last_finite_parameters():
    data = linear_data()
    net = Network([3, 8, 8, 1], activation="relu", loss="mse", init="he_normal", seed=0)
    trainer = Trainer(net, make_optimizer("sgd", lr=1e6), data, batch_size=30)
    steps = capture_steps(trainer)
    taken = trainer.run(50)
    div = trainer.divergence
    assert div is not None and taken == len(steps) < 50
    last = steps[-1]
    assert last.diverged and div.step == last.index == trainer.history.diverged_step
    assert div.quantity == last.divergence.quantity == "activation"
    assert div.layer == last.divergence.layer + 1 == 2
    assert "layer 2" in div.message
    assert div.loss_before == steps[-2].loss and math.isfinite(div.loss_before)
    # nothing was applied: the parameters are those the diverged step started from,
    # i.e. the previous step's plus its update
    previous = steps[-2]
    for l in range(3):
        assert trainer.network.weights[l] is last.weights[l]
        assert np.array_equal(trainer.network.weights[l], previous.weights[l] + previous.update_W[l])
        assert np.isfinite(trainer.network.weights[l]).all()
    assert trainer.history.summary(last.index)["diverged"] is True
    assert trainer.history.detail(last.index) is last
    assert trainer.run(5) == 0 and len(steps) == taken  # nothing more until resume/reset
    trainer.resume_from(0)  # back to the start with a sane learning rate
    trainer.optimizer.lr = 1e-3
    assert trainer.divergence is None and trainer.history.diverged_step is None
    assert trainer.run(5) == 5 and trainer.divergence is None


def test_divergence_from_a_huge_init_on_the_first_step():
    data = linear_data()
    net = Network([3, 4, 1], activation="relu", loss="mse", init="normal", init_scale=1e200, seed=0)
    trainer = Trainer(net, make_optimizer("sgd", lr=0.1), data, batch_size=10)
    first = list(net.weights)
    assert trainer.run(3) == 1
    assert trainer.divergence.step == 0 and math.isnan(trainer.divergence.loss_before)
    assert all(w is v for w, v in zip(trainer.network.weights, first))
    assert trainer.history.metrics()["step"].tolist() == [0]


# ---------------------------------------------------------------------------- errors
def test_bad_arguments_are_value_errors():
    data = blobs()
    net = Network([2, 3, 1], loss="bce", seed=0)
    sgd = make_optimizer("sgd", lr=0.1)
    with pytest.raises(ValueError, match="X_train"):
        Trainer(Network([3, 1], loss="bce"), sgd, data)
    with pytest.raises(ValueError, match="task"):
        Trainer(net, sgd, Dataset("x", "clustering", data.X_train, data.Y_train, data.X_test, data.Y_test))
    with pytest.raises(ValueError, match="seed"):
        Trainer(net, sgd, data, seed=-1)
    with pytest.raises(ValueError, match="eval_every"):
        Trainer(net, sgd, data, eval_every=0)
    trainer = Trainer(net, sgd, data)
    with pytest.raises(ValueError, match="number of steps"):
        trainer.run(-1)
    trainer.optimizer.lr = -1.0
    with pytest.raises(ValueError, match="lr"):
        trainer.run(1)
    with pytest.raises(ValueError, match="step index"):
        trainer.resume_from(-2)


class FakeClock:
    """Each reading moves time on by ``tick`` seconds."""

    def __init__(self, tick: float) -> None:
        self.now, self.tick = 0.0, tick

    def __call__(self) -> float:
        self.now += self.tick
        return self.now


def test_run_for_trains_until_the_budget_is_spent_then_stops():
    trainer = make_trainer(batch_size=4)
    # the clock is read once for the deadline and once after every step: 1 s budget, 0.25 s a reading
    assert trainer.run_for(1.0, clock=FakeClock(0.25)) == 4
    assert trainer.step == 4
    assert trainer.run_for(5.0, max_steps=3, clock=FakeClock(0.01)) == 3  # max_steps first
    assert trainer.run_for(0.0, clock=FakeClock(0.01)) == 1  # at least one step
    calls = []
    assert trainer.run_for(5.0, stop=lambda: len(calls) >= 2 or calls.append(1)) == 2  # stop: before a step
    assert trainer.run_for(5.0, max_steps=0) == 0
    for bad in (-1.0, math.nan, math.inf, "1"):
        with pytest.raises(ValueError, match="time budget"):
            trainer.run_for(bad)


def test_run_for_takes_the_same_steps_as_run():
    a, b = make_trainer(batch_size=4), make_trainer(batch_size=4)
    a.run(17)
    taken = 0
    while taken < 17:
        taken += b.run_for(1.0, max_steps=17 - taken, clock=FakeClock(0.3))
    for wa, wb in zip(a.network.weights, b.network.weights):
        np.testing.assert_array_equal(wa, wb)
    np.testing.assert_array_equal(a.history.column("loss"), b.history.column("loss"))


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "adam"])
def test_restore_a_checkpoint_continues_exactly_as_from_there(optimizer):
    trainer = make_trainer(batch_size=4, optimizer=optimizer, lr=0.05)
    trainer.run(9)
    checkpoint = trainer.checkpoint()
    trainer.run(6)
    after_15 = [w.copy() for w in trainer.network.weights]
    trainer.run(4)
    trainer.restore(checkpoint)
    assert trainer.step == 9 and trainer.history.last_step == 8
    trainer.run(6)
    for w, expected in zip(trainer.network.weights, after_15):
        np.testing.assert_array_equal(w, expected)  # moments and shuffler restored too
    with pytest.raises(ValueError, match="checkpoint"):
        make_trainer().restore(trainer.checkpoint())  # taken later than the other trainer's step


def test_restore_with_a_newer_optimizer_restarts_its_moments():
    trainer = make_trainer(optimizer="adam", lr=0.05)
    trainer.run(5)
    checkpoint = trainer.checkpoint()
    trainer.run(3)
    trainer.optimizer = make_optimizer("momentum", lr=0.05)
    trainer.run(2)
    trainer.restore(checkpoint)
    assert trainer.step == 5 and trainer.optimizer.t == 0
