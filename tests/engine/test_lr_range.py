"""The learning-rate range test (engine/lr_range.py)."""

import math

import numpy as np
import pytest

from engine import lr_range as R


def test_pick_region_on_a_known_curve():
    lrs = np.logspace(-4, 1, 11)
    losses = np.array([1.0, 1.0, 0.99, 0.95, 0.7, 0.4, 0.3, 0.28, 0.5, math.inf, math.inf])
    steepest, best = R.pick_region(lrs, losses)
    assert (steepest, best) == (4, 7)
    test = R.RangeTest(lrs, losses, 1.0, 10, steepest, best)
    assert test.region == (lrs[4], lrs[6])
    assert list(test.diverged) == [False] * 9 + [True] * 2
    with pytest.raises(ValueError, match="every learning rate diverged"):
        R.pick_region(lrs, np.full(11, math.inf))


def test_the_range_test_sweeps_1e_4_to_10_and_marks_a_region_below_the_minimum():
    test = R.lr_range_test(k_steps=30, n_lrs=16)
    assert test.lrs[0] == pytest.approx(1e-4) and test.lrs[-1] == pytest.approx(10.0)
    assert np.all(np.diff(test.lrs) > 0)
    lo, hi = test.region
    assert lo <= hi < test.lrs[test.best] or test.steepest == test.best
    assert abs(test.losses[0] - test.initial_loss) < 0.01  # 1e-4 barely moves
    assert test.losses[test.best] < 0.8 * test.initial_loss
    assert test.losses[-1] > test.losses[test.best]  # 10 is too large


def test_bad_range_settings():
    with pytest.raises(ValueError, match="k_steps"):
        R.lr_range_test(k_steps=0)
    with pytest.raises(ValueError, match="lr_range"):
        R.lr_range_test(lr_range=(1.0, 0.1))
