"""The Image recognition page's state module: validation, the drawing's checks and the
downsampling of a 32x32 bitmap, the reference's settings, and our accuracy next to it."""

import dataclasses

import numpy as np

from pages import digits_state as ds


def test_validate_replaces_bad_fields_with_a_sentence():
    bad = dataclasses.replace(ds.DEFAULTS, hidden=(0,), lr=-1.0, activation="nope", batch_size=True)
    config, notices = ds.validate(bad)
    assert config == ds.DEFAULTS and len(notices) == 4
    good = dataclasses.replace(ds.DEFAULTS, hidden=(16, 8), optimizer="sgd", lr=0.1)
    assert ds.validate(good) == (good, [])
    assert ds.needs_rebuild(ds.DEFAULTS, dataclasses.replace(ds.DEFAULTS, seed=3))
    assert not ds.needs_rebuild(ds.DEFAULTS, dataclasses.replace(ds.DEFAULTS, lr=0.01))


def test_check_drawing():
    x, problem = ds.check_drawing([16] * 32 + [8] * 32)
    assert problem is None and x.shape == (64,) and x[0] == 1.0 and x[-1] == 0.5
    x, _ = ds.check_drawing([99] * 64)
    assert x.max() == 1.0  # clipped to 16
    assert ds.check_drawing([1] * 63)[0] is None
    assert ds.check_drawing(None)[0] is None
    assert ds.check_drawing([float("nan")] * 64)[0] is None
    assert "empty" in ds.drawing_note(np.zeros(64))
    assert "full of ink" in ds.drawing_note(np.ones(64))
    assert ds.drawing_note(ds.test_image(0)[0]) is None


def test_downsample_counts_ink_per_4x4_block():
    bitmap = np.zeros((32, 32), dtype=int)
    bitmap[0:4, 0:4] = 1  # a full block: 16
    bitmap[4, 4] = 1  # one cell of block (1, 1)
    counts = np.asarray(ds.downsample(bitmap)).reshape(8, 8)
    assert counts[0, 0] == 16 and counts[1, 1] == 1 and counts.sum() == 17


def test_reference_settings_and_accuracy_next_to_ours():
    kwargs, notes = ds.reference_settings(ds.DEFAULTS)
    assert kwargs["hidden_layer_sizes"] == (32,) and kwargs["activation"] == "tanh" and notes == []
    _, notes = ds.reference_settings(dataclasses.replace(ds.DEFAULTS, activation="gelu", optimizer="rmsprop"))
    assert len(notes) == 2
    reference, epochs, _ = ds.reference_accuracy(ds.DEFAULTS)
    trainer = ds.build_trainer(ds.DEFAULTS)
    trainer.run(40 * 60)  # 60 epochs
    ours = trainer.evaluate()["test_accuracy"]
    assert reference > 0.95 and epochs > 1
    assert abs(ours - reference) <= 0.015  # the target: within 1.5 points


def test_gallery_lists_wrong_answers_most_confident_first():
    trainer = ds.build_trainer(ds.DEFAULTS)
    trainer.run(80)
    images, truth, guesses = ds.gallery(trainer.network, limit=12)
    assert 0 < len(images) <= 12 and images.shape[1] == 64
    assert all(g[0][0] != t for t, g in zip(truth, guesses))  # the top guess is wrong
    firsts = [g[0][1] for g in guesses]
    assert firsts == sorted(firsts, reverse=True)


def test_reference_stops_as_scikit_learn_does_or_at_its_budget():
    assert not ds._stalled([3.0, 2.0, 1.0], tol=1e-4, patience=2)
    assert ds._stalled([1.0, 1.0, 1.0, 1.0], tol=1e-4, patience=2)  # three epochs without gain
    assert not ds._stalled([1.0, 1.0, 1.0, 0.5], tol=1e-4, patience=2)
    assert ds._stalled([1.0, float("nan")], tol=1e-4, patience=10)
    slow = dataclasses.replace(ds.DEFAULTS, batch_size=1)
    accuracy, epochs, notes = ds.reference_accuracy(slow, budget=0.2)
    assert epochs >= 1 and notes and "stopped after" in notes[0] and 0 <= accuracy <= 1
