"""History's export and import (engine/history_io.py, reached through History): CSV, NPZ, JSON."""

import io
import json
import math

import numpy as np
import pytest

from engine.history import LAYER_COLUMNS, SCALAR_COLUMNS, STEP_LIST_FIELDS, STEP_SCALAR_FIELDS, History
from tests.engine.test_history import held_bytes, train_steps


def _history_with_everything():
    _, steps = train_steps(25, full_batch=True)
    history = History(
        keep_recent=4, detail_every=6, histogram_every=3, activation_names=["relu", "relu", "linear"]
    )
    for step in steps:
        history.record(step, epoch=step.index, position=0)
        if step.index % 5 == 0:
            history.record_metrics(step.index, train_loss=step.loss, test_loss=2.0, train_r2=0.5)
    return history, steps


def test_csv_round_trip():
    history, _ = _history_with_everything()
    buffer = io.StringIO()
    history.to_csv(buffer)
    text = buffer.getvalue()
    header = text.splitlines()[0].split(",")
    assert header[: len(SCALAR_COLUMNS)] == list(SCALAR_COLUMNS)
    assert "grad_W_norm_L1" in header and "dead_fraction_L3" in header
    assert len(text.splitlines()) == 26
    loaded = History.from_csv(io.StringIO(text))
    a, b = history.summaries(), loaded.summaries()
    for name in (*SCALAR_COLUMNS, *LAYER_COLUMNS):
        np.testing.assert_array_equal(a[name], b[name])  # NaN == NaN here, bits otherwise
        assert a[name].dtype == b[name].dtype


def test_csv_file_round_trip_and_errors(tmp_path):
    history, _ = _history_with_everything()
    path = tmp_path / "summary.csv"
    history.to_csv(path)
    loaded = History.from_csv(path)
    np.testing.assert_array_equal(loaded.column("loss"), history.column("loss"))
    with pytest.raises(ValueError, match="lacks the column"):
        History.from_csv(io.StringIO("a,b\n1,2\n"))
    with pytest.raises(ValueError, match="empty"):
        History.from_csv(io.StringIO(""))
    empty = io.StringIO()
    History().to_csv(empty)
    assert len(History.from_csv(io.StringIO(empty.getvalue()))) == 0
    with pytest.raises(ValueError, match="fields"):
        History.from_csv(io.StringIO(path.read_text() + "1,2\n"))


def test_npz_round_trip(tmp_path):
    history, steps = _history_with_everything()
    path = tmp_path / "history.npz"
    history.save_npz(path)
    loaded = History.load_npz(path)
    for name, values in history.summaries().items():
        np.testing.assert_array_equal(loaded.summaries()[name], values)
    for name, values in history.metrics().items():
        np.testing.assert_array_equal(loaded.metrics()[name], values)
    for name, values in history.histograms().items():
        np.testing.assert_array_equal(loaded.histograms()[name], values)
    assert loaded.detail_steps() == history.detail_steps()
    for k in history.detail_steps():
        original, copy = history.detail(k), loaded.detail(k)
        assert copy is not original
        for name in STEP_SCALAR_FIELDS:
            a, b = getattr(original, name), getattr(copy, name)
            assert a == b or (math.isnan(a) and math.isnan(b))
        for name in STEP_LIST_FIELDS:
            a, b = getattr(original, name), getattr(copy, name)
            assert (a is None) == (b is None)
            for x, y in zip(a or (), b or ()):
                assert (x is None) == (y is None)
                if x is not None:
                    np.testing.assert_array_equal(x, y)
                    assert x.dtype == y.dtype
        assert loaded.detail_meta(k) == history.detail_meta(k)
    # sharing survives: the full-batch X is one array, so the byte count is the same
    assert loaded.detail_nbytes == history.detail_nbytes
    assert loaded.nbytes == held_bytes(loaded)
    assert history.detail(0).a[0] is history.detail(24).a[0]
    assert loaded.detail(0).a[0] is loaded.detail(24).a[0]
    # and the loaded history keeps recording where the original stopped
    with pytest.raises(ValueError, match="must increase"):
        loaded.record(steps[24])


def test_json_of_one_step():
    history, steps = _history_with_everything()
    data = json.loads(history.to_json(24))
    assert data["index"] == 24 and data["loss"] == steps[24].loss
    assert data["divergence"] is None
    for l in range(3):
        np.testing.assert_array_equal(np.array(data["grad_W"][l]), steps[24].grad_W[l])
        np.testing.assert_array_equal(np.array(data["weights"][l]), steps[24].weights[l])
        np.testing.assert_array_equal(np.array(data["a"][l + 1]), steps[24].a[l + 1])
    assert data["gammas"] == [None, None, None]
    assert data["grad_norm_before_clip"] is None  # NaN becomes null
    with pytest.raises(ValueError, match="not held in detail"):
        history.to_json(19)
