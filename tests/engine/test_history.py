"""History: per-step summaries, histograms, detail, the memory cap and the exports."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.history import STEP_LIST_FIELDS, History
from engine.network import Network
from engine.optim import make_optimizer


def train_steps(
    n, sizes=(3, 5, 4, 2), activation="relu", batch=6, full_batch=False, seed=0, lr=0.1, l2=0.0, **net_kw
):
    """``n`` Steps of a small network on random data (a new batch each step unless full batch)."""
    net = Network(list(sizes), activation=activation, loss="mse", init="he_normal", seed=seed, **net_kw)
    rng = np.random.default_rng(seed + 100)
    X_full = rng.normal(size=(batch, sizes[0]))
    Y_full = rng.normal(size=(batch, sizes[-1]))
    opt = make_optimizer("sgd", lr=lr, l2=l2)
    steps = []
    for _ in range(n):
        if full_batch:
            X, Y = X_full, Y_full
        else:
            X, Y = rng.normal(size=(batch, sizes[0])), rng.normal(size=(batch, sizes[-1]))
        steps.append(net.train_step(X, Y, optimizer=opt))
    return net, steps


def held_bytes(history: History) -> int:
    """Brute force: every distinct array (by its memory owner) of every held detail step,
    plus the tables' allocated arrays."""
    seen = {}
    for k in history.detail_steps():
        step = history.detail(k)
        for name in STEP_LIST_FIELDS:
            for x in getattr(step, name) or ():
                if x is not None:
                    root = x
                    while isinstance(root.base, np.ndarray):
                        root = root.base
                    seen[id(root)] = root.nbytes
    tables = sum(a.nbytes for t in history._tables.values() for a in t.arrays.values())
    return sum(seen.values()) + tables


# ---------------------------------------------------------------------------- summaries
def test_summary_matches_hand_computation():
    net, steps = train_steps(7, batch=5)
    # make unit 0 of layer 0 dead for the next step: a very negative bias
    b0 = net.biases[0].copy()
    b0[0] = -1e3
    net.set_parameters(net.weights, [b0] + net.biases[1:])
    rng = np.random.default_rng(3)
    steps.append(net.train_step(rng.normal(size=(5, 3)), rng.normal(size=(5, 2)), lr=0.1))
    history = History(activation_names=net.activation_names)
    for step in steps:
        history.record(step, epoch=2, position=step.index)
    assert len(history) == 8
    for step in steps:
        row = history.summary(step.index)
        assert row["step"] == step.index and row["loss"] == step.loss and row["lr"] == 0.1
        assert row["batch_size"] == 5 and row["epoch"] == 2 and row["position"] == step.index
        assert row["diverged"] is False
        for l in range(3):
            W, g, u = step.weights[l], step.grad_W[l], step.update_W[l]
            assert row["W_norm"][l] == pytest.approx(np.linalg.norm(W), rel=1e-12)
            assert row["grad_W_norm"][l] == pytest.approx(np.linalg.norm(g), rel=1e-12)
            assert row["update_W_norm"][l] == pytest.approx(np.linalg.norm(u), rel=1e-12)
            assert row["update_ratio"][l] == pytest.approx(np.linalg.norm(u) / np.linalg.norm(W), rel=1e-12)
            assert row["delta_norm"][l] == pytest.approx(
                np.linalg.norm(step.delta[l]) / math.sqrt(5), rel=1e-12
            )
            assert row["act_mean"][l] == pytest.approx(step.a[l + 1].mean(), rel=1e-12, abs=1e-15)
            assert row["act_std"][l] == pytest.approx(step.a[l + 1].std(), rel=1e-12, abs=1e-15)
        for l in range(2):  # relu layers: units with h == 0 on every row
            h = np.maximum(step.s[l], 0.0)
            assert row["dead_fraction"][l] == (h == 0).all(axis=0).mean()
        assert math.isnan(row["dead_fraction"][2])  # linear output
    assert history.summary(7)["dead_fraction"][0] >= 1 / 5  # the unit killed by its bias


def test_summaries_do_not_depend_on_how_steps_are_blocked():
    _, steps = train_steps(40)
    one_by_one, all_at_once = History(), History()
    for step in steps:
        one_by_one.record(step)
        one_by_one.flush()
        all_at_once.record(step)
    a, b = one_by_one.summaries(), all_at_once.summaries()
    assert a.keys() == b.keys()
    for name in a:
        np.testing.assert_array_equal(a[name], b[name])
    assert a["W_norm"].shape == (40, 3) and a["loss"].shape == (40,)


def test_dead_fraction_is_nan_without_activation_names():
    _, steps = train_steps(3)
    history = History()
    for step in steps:
        history.record(step)
    assert np.isnan(history.column("dead_fraction")).all()
    with pytest.raises(ValueError, match="unknown summary column"):
        history.column("nope")


def test_histograms_use_fixed_edges():
    _, steps = train_steps(12, batch=8)
    history = History(histogram_every=5, bins=10, act_range=2.0, grad_log10_range=(-4.0, 1.0))
    for step in steps:
        history.record(step)
    hists = history.histograms()
    np.testing.assert_array_equal(hists["step"], [0, 5, 10])
    assert hists["activation"].shape == (3, 3, 10) and hists["gradient"].shape == (3, 3, 10)
    np.testing.assert_allclose(hists["activation_edges"], np.linspace(-2, 2, 11))
    step = steps[5]
    h = history.histogram(5)
    for l in range(3):
        values = np.clip(step.a[l + 1], -2.0, 2.0)  # out-of-range values fall into the end bins
        expected, _ = np.histogram(values, bins=np.linspace(-2, 2, 11))
        np.testing.assert_array_equal(h["activation"][l], expected)
        with np.errstate(divide="ignore"):  # a dead unit's gradient is exactly 0: log10 0 = -inf
            logs = np.clip(np.log10(np.abs(step.grad_W[l])), -4.0, 1.0)
        expected, _ = np.histogram(logs, bins=np.linspace(-4, 1, 11))
        np.testing.assert_array_equal(h["gradient"][l], expected)
    assert history.histogram(6) is None


# ---------------------------------------------------------------------------- detail
def test_detail_keeps_stride_and_recent_steps_by_reference():
    _, steps = train_steps(23)
    history = History(keep_recent=5, detail_every=4)
    for step in steps:
        history.record(step)
    assert history.detail_steps() == [0, 4, 8, 12, 16, 18, 19, 20, 21, 22]
    for k in history.detail_steps():
        assert history.detail(k) is steps[k]
    assert history.detail(17) is None
    assert history.nearest_detail(17) is steps[16]
    assert history.nearest_detail(14) is steps[12]  # a tie goes to the earlier step
    assert history.nearest_detail(100) is steps[22]


def test_truncate_forgets_later_steps():
    _, steps = train_steps(20)
    history = History(keep_recent=3, detail_every=5, histogram_every=2)
    for step in steps:
        history.record(step)
    history.truncate(12)
    assert history.steps.tolist() == list(range(12))
    assert history.detail_steps() == [0, 5, 10]
    assert history.histograms()["step"].max() == 10
    assert history.last_step == 11
    with pytest.raises(ValueError, match="must increase"):
        history.record(steps[11])
    history.record(steps[12])  # re-recording from 12 is allowed
    assert history.steps[-1] == 12


def test_indices_and_layers_are_checked():
    _, steps = train_steps(2)
    _, other = train_steps(1, sizes=(3, 2))
    history = History()
    history.record(steps[1])
    with pytest.raises(ValueError, match="must increase"):
        history.record(steps[0])
    with pytest.raises(ValueError, match="3-layer network"):
        history.record(other[0])
    with pytest.raises(ValueError, match="keep_recent"):
        History(keep_recent=-1)
    with pytest.raises(ValueError, match="summary_share"):
        History(summary_share=1.5)
    with pytest.raises(ValueError, match="max_bytes is too small"):
        History(max_bytes=100)


# ---------------------------------------------------------------------------- bytes and the cap
@pytest.mark.parametrize(
    "options",
    [
        {"full_batch": False},
        {"full_batch": True},
        {"full_batch": True, "batch_norm": True, "residual": True, "sizes": (3, 4, 4, 4, 2)},
        {"activation": "linear", "l2": 0.01},
    ],
)
def test_nbytes_counts_each_array_once(options):
    full_batch = options.get("full_batch", False)
    _, steps = train_steps(30, lr=0.01, **options)
    history = History(keep_recent=7, detail_every=4)
    for step in steps:
        history.record(step)
        if step.index % 9 == 0:
            assert history.nbytes == held_bytes(history)
    assert history.nbytes == held_bytes(history)
    if full_batch:  # X is shared: every held step's a[0] is the same array
        assert len({id(history.detail(k).a[0]) for k in history.detail_steps()}) == 1


def test_lowering_max_bytes_thins_old_detail_first():
    _, steps = train_steps(200, batch=4)
    history = History(keep_recent=10, detail_every=2)
    for step in steps:
        history.record(step)
    assert len(history.detail_steps()) == 100 + 5
    before = history.nbytes
    history.max_bytes = before // 2 + 1
    assert history.nbytes <= history.max_bytes
    assert history.nbytes == held_bytes(history)
    held = history.detail_steps()
    assert held[-10:] == list(range(190, 200))  # the recent steps survive
    assert history.detail_stride > 2
    assert all(k % history.detail_stride == 0 for k in held[:-10])
    assert history.summary(199) is not None and history.summary(0) is not None


@settings(max_examples=40, deadline=None)
@given(
    hidden=st.lists(st.integers(1, 8), min_size=0, max_size=3),
    batch=st.integers(1, 12),
    runs=st.lists(st.integers(1, 40), min_size=1, max_size=3),
    detail_every=st.one_of(st.none(), st.integers(1, 10)),
    histogram_every=st.one_of(st.none(), st.integers(1, 10)),
    keep_recent=st.integers(0, 20),
    max_bytes=st.integers(60_000, 300_000),
)
def test_cap_holds(hidden, batch, runs, detail_every, histogram_every, keep_recent, max_bytes):
    sizes = [2, *hidden, 1]
    net = Network(sizes, activation="relu", loss="mse", seed=1)
    opt = make_optimizer("momentum", lr=0.01)
    history = History(
        max_bytes=max_bytes,
        keep_recent=keep_recent,
        detail_every=detail_every,
        histogram_every=histogram_every,
        activation_names=net.activation_names,
    )
    rng = np.random.default_rng(0)
    one_step = None
    for n in runs:
        for _ in range(n):
            step = net.train_step(rng.normal(size=(batch, 2)), rng.normal(size=(batch, 1)), optimizer=opt)
            history.record(step)
        last = step.index
        assert history.nbytes <= max_bytes
        assert history.nbytes == held_bytes(history)
        assert len(history) >= 1 and history.steps[-1] == last
        if one_step is None:
            probe = History(keep_recent=1, detail_every=None, histogram_every=None)
            probe.record(step)
            one_step = probe.nbytes - sum(t.nbytes for t in probe._tables.values())
        # the most recent steps are fetchable whenever they fit in half the cap
        expect = min(keep_recent, last + 1)
        if expect * one_step <= max_bytes // 2:
            recent = list(range(last - expect + 1, last + 1))
            assert all(history.detail(k) is not None for k in recent)


def test_summary_rows_are_thinned_past_their_share():
    _, steps = train_steps(1, sizes=(2, 1), batch=1)
    net = Network([2, 1], activation="tanh", loss="mse", seed=0)
    history = History(max_bytes=40_000, keep_recent=2, detail_every=None, histogram_every=None)
    X, Y = np.ones((1, 2)), np.ones((1, 1))
    for _ in range(2_000):
        history.record(net.train_step(X, Y, lr=0.01))
    steps_kept = history.steps
    assert history.nbytes <= 40_000
    assert len(steps_kept) < 2_000
    assert steps_kept[-1] == 1999 and steps_kept[0] == 0
    assert np.all(np.diff(steps_kept) > 0)
    newest = steps_kept[len(steps_kept) // 2 :]
    assert np.all(np.diff(newest) == 1)  # the newer half is dense
    assert history.summary(1999) is not None and history.detail(1999) is not None


# ---------------------------------------------------------------------------- divergence
def test_a_diverged_step_is_recorded_without_warnings():
    net = Network([2, 6, 1], activation="relu", loss="mse", init="he_normal", seed=0)
    history = History(activation_names=net.activation_names, histogram_every=1)
    rng = np.random.default_rng(0)
    X, Y = rng.normal(size=(8, 2)), 100 * rng.normal(size=(8, 1))
    step = None
    for _ in range(20):
        step = net.train_step(X, Y, lr=1e6)
        history.record(step)
        if step.diverged:
            break
    assert step.diverged
    assert history.diverged_step == step.index
    row = history.summary(step.index)
    assert row["diverged"] is True
    assert history.column("diverged").sum() == 1
    assert history.histogram(step.index) is not None
