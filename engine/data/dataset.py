"""The ``Dataset`` record, ``DataError``, and the helpers every data source shares: argument
checks, the seeded generator, the (stratified) train/test split and one-hot targets.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from engine import checks

DOMAIN: tuple[float, float] = (-6.0, 6.0)
TEST_FRACTION_RANGE = (0.1, 0.9)


class DataError(ValueError):
    """Bad data or a bad data-set parameter; the message says what was wrong and what is allowed."""


@dataclass
class Dataset:
    """A train/test split, samples in rows.

    - ``X_train`` ``(n_train, d)``, ``X_test`` ``(n_test, d)``: the network's inputs, float64;
      ``feature_names`` has ``d`` names.
    - ``Y_train`` ``(n_train, k)``, ``Y_test`` ``(n_test, k)``: targets, float64. Binary
      classification: ``k = 1``, values 0.0/1.0, where 1.0 means ``class_labels[1]``.
      ``c > 2`` classes: one-hot, ``k = c``, column ``j`` is ``class_labels[j]``.
      Regression: real values, one column per name in ``target_names``.
    - ``domain``: for the 2-D sets, the square ``[lo, hi]^2`` that holds every point of
      ``raw_train`` / ``raw_test`` (``(n, 2)``: ``(x1, x2)`` before the feature map, same row
      order as ``X``); ``None`` (and no raw points) for digits and CSV data.
    """

    name: str
    task: str  # "classification" or "regression"
    X_train: np.ndarray
    Y_train: np.ndarray
    X_test: np.ndarray
    Y_test: np.ndarray
    feature_names: list[str] = field(default_factory=list)
    target_names: list[str] = field(default_factory=list)
    class_labels: list[Any] | None = None
    domain: tuple[float, float] | None = DOMAIN
    raw_train: np.ndarray | None = None
    raw_test: np.ndarray | None = None
    label_threshold: float = 0.5  # binary targets: above it is class_labels[1] (TF's -1/+1: 0)

    @property
    def n_features(self) -> int:
        return self.X_train.shape[1]

    @property
    def n_outputs(self) -> int:
        return self.Y_train.shape[1]

    @property
    def n_train(self) -> int:
        return self.X_train.shape[0]

    @property
    def n_test(self) -> int:
        return self.X_test.shape[0]


# --------------------------------------------------------------------------- validation


_shown = checks.shown
_BOUND_TOLERANCE = 1e-9  # relative: 1 - 90/100 = 0.0999...98 is the bound 0.1, rounded


def _check_real(name: str, value: Any, lo: float, hi: float) -> float:
    """``value`` as a float in ``[lo, hi]`` (``checks.real``, a ``DataError``); a value within float
    rounding of a bound (relative ``_BOUND_TOLERANCE``, e.g. ``1 - 0.9`` for ``0.1``) is that
    bound. Accepts any real, so an exact ``fractions.Fraction(1, 10)`` too."""
    return checks.real(name, value, lo, hi, snap=_BOUND_TOLERANCE, error=DataError)


def _check_int(name: str, value: Any, lo: int, hi: int | None = None) -> int:
    """``value`` as an int in ``[lo, hi]`` (``checks.integer``, a ``DataError``)."""
    return checks.integer(name, value, lo, hi, error=DataError)


def _rng(seed: Any) -> np.random.Generator:
    return np.random.default_rng(_check_int("seed", seed, 0))


def _sklearn_seed(rng: np.random.Generator) -> int:
    """An integer ``random_state`` for a scikit-learn generator, drawn from ``rng``."""
    return int(rng.integers(0, 2**31 - 1))


def _n_test(n: int, test_fraction: float) -> int:
    """``round(n * test_fraction)``, kept in ``[1, n - 1]`` so both parts are non-empty."""
    return min(max(int(math.floor(n * test_fraction + 0.5)), 1), n - 1)


def _split(
    n: int, test_fraction: float, rng: np.random.Generator, classes: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Seeded ``(train_indices, test_indices)``; ``n_test = round(n * test_fraction)`` in ``[1, n-1]``.

    Without ``classes``: a random permutation, the first ``n_test`` indices are the test set.
    With ``classes`` (an ``(n,)`` integer array): stratified. The indices are shuffled, grouped
    by class (stable), and the test set takes the evenly spaced positions
    ``floor((k + 1/2) n / n_test)``, ``k = 0..n_test-1``, so each class gives
    ``n_c * n_test / n`` samples, within one. Both parts are then shuffled again, so the
    classes are mixed in each.
    """
    n_test = _n_test(n, test_fraction)
    order = rng.permutation(n)
    if classes is None:
        return order[n_test:], order[:n_test]
    order = order[np.argsort(classes[order], kind="stable")]
    positions = ((np.arange(n_test) + 0.5) * (n / n_test)).astype(np.int64)
    in_test = np.zeros(n, dtype=bool)
    in_test[order[positions]] = True
    return rng.permutation(np.flatnonzero(~in_test)), rng.permutation(np.flatnonzero(in_test))


def _one_hot(classes: np.ndarray, n_classes: int) -> np.ndarray:
    """``(n,)`` class indices -> ``(n, 1)`` 0/1 column if ``n_classes == 2``, else ``(n, n_classes)``."""
    if n_classes == 2:
        return (classes == 1).astype(np.float64)[:, None]
    return (classes[:, None] == np.arange(n_classes)[None, :]).astype(np.float64)
