"""The "at or before step k" reads of engine/history_reads.py that several histories share:
``common_step``, ``common_histogram_step``, ``histogram_at``; and engine/layer_stats.py."""

import numpy as np
import pytest

from engine.history import History, common_histogram_step, common_step, histogram_at
from engine.layer_stats import histogram_range, per_entry_sizes, rms_row, rms_values
from tests.engine.test_history import train_steps


def recorded(n, sizes=(3, 5, 4, 2), **settings):
    history = History(**settings)
    _, steps = train_steps(n, sizes=sizes)
    for st in steps:
        history.record(st)
    return history


def test_common_step_is_the_latest_step_every_history_holds():
    a, b = recorded(30), recorded(30)
    assert common_step([a, b], 17) == 17
    b.truncate(10)  # b holds 0 .. 9 only
    assert common_step([a, b], 17) == 9
    assert common_step([a], 1000) == 29
    assert common_step([a, b], -1) is None and common_step([], 5) is None


def test_common_step_skips_a_step_thinned_from_one_history():
    a = recorded(40)
    small = recorded(40, max_bytes=20_000, summary_share=0.5)  # its summary table thins (18 rows)
    held = set(small.steps.tolist())
    assert len(held) < 40
    k = max(i for i in range(40) if i not in held)
    assert common_step([a, small], k) == max(i for i in held if i <= k)


def test_common_histogram_step_probes_back_to_one_all_hold():
    a, b = recorded(30, histogram_every=5), recorded(30, histogram_every=5)
    assert common_histogram_step([a, b], 23) == 20
    b.truncate(16)
    assert common_histogram_step([a, b], 23) == 15
    none = recorded(5, histogram_every=None)
    assert common_histogram_step([none], 4) == 4


def test_histogram_at_takes_the_latest_at_or_before_else_the_first():
    h = recorded(30, histogram_every=5)
    row = histogram_at(h, 23)
    assert row["step"] == 20
    assert np.array_equal(row["activation"], h.histogram(20)["activation"])
    assert np.array_equal(row["gradient_log10_edges"], h.gradient_log10_edges)
    h.truncate(1)  # only step 0 left
    assert histogram_at(h, 23)["step"] == 0
    assert histogram_at(History(), 3) is None


def test_rms_views_divide_by_the_square_root_of_the_entries():
    sizes = [2, 64, 64, 1]
    div = per_entry_sizes(sizes)
    assert np.allclose(div["grad_W_norm"], np.sqrt([128, 4096, 64]))
    assert np.allclose(div["delta_norm"], [8, 8, 1])
    row = {"grad_W_norm": np.array([128.0, 64.0, 8.0]), "delta_norm": np.ones(3), "act_std": np.full(3, 3.0)}
    out = rms_row(row, sizes)
    assert np.allclose(out["grad_W_rms"], [128 / np.sqrt(128), 1.0, 1.0])
    assert np.allclose(out["delta_rms"], [1 / 8, 1 / 8, 1]) and np.allclose(out["act_var"], 9.0)
    assert "grad_W_rms" not in row  # a copy
    values = np.ones((4, 3))
    assert np.array_equal(rms_values("update_ratio", values, sizes), values)
    assert np.allclose(rms_values("delta_rms", values, sizes)[0], [1 / 8, 1 / 8, 1])
    with pytest.raises(ValueError, match="unknown quantity"):
        rms_values("loss", values, sizes)


def test_histogram_range_reads_the_activation_record():
    assert histogram_range("sigmoid") == histogram_range("tanh") == 1.05
    assert histogram_range("tanh", residual=True) == 3.0
    assert histogram_range("relu") == 3.0
