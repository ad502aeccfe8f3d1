"""The 2-D data sets of the pages: ``make_dataset`` (TF Playground's sets, moons, the regression
surfaces), ``make_multiclass`` (3 to 6 classes) and ``grid``, the points of a heatmap.

The sets (generators in ``toy_generators``; every point in ``DOMAIN^2 = [-6, 6]^2``):

- ``circle``: label 1 inside radius 2.5 (points at radius U(0, 2.5) and U(3.5, 5)); noise
  flips labels near the boundary (label read at a point moved by U(-5, 5) * noise).
- ``xor``: label 1 where ``x1 * x2 >= 0``; a 0.3 margin around the axes; noise as circle.
- ``gaussian``: label 1 around (2, 2), 0 around (-2, -2), variance ``0.5 + 7 noise``.
- ``spiral``: two interleaved arms (1.75 turns, radius up to 5), moved by U(-1, 1) * noise.
- ``moons``: scikit-learn's two moons, scaled by 3 about their centre; Gaussian noise of
  std ``3 noise``. Label 0 is the upper moon.
- ``sine``: ``t = sin(pi x1 / 4) cos(pi x2 / 18)``.
- ``plane``: ``t = (x1 + x2) / 12`` (clipped to ``[-1, 1]`` when noisy).
- ``multi_gaussian``: TF Playground's six bumps (``multi_gaussian_target``).
- ``spiral_k``, ``blobs_k``: ``k`` arms, ``k`` blobs on a circle of radius 3.5 (3 to 6 classes).

Gaussian, moons and blobs points that fall outside the square are redrawn (truncated
distribution), the others lie inside by construction.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from engine import checks
from engine.data.dataset import (
    DOMAIN,
    TEST_FRACTION_RANGE,
    DataError,
    Dataset,
    _check_int,
    _check_real,
    _one_hot,
    _rng,
    _shown,
    _split,
)
from engine.data.features import _check_features, feature_map
from engine.data.toy_generators import _GENERATORS, _MULTICLASS_GENERATORS, _TF_GENERATORS

CLASSIFICATION_SETS = ("circle", "xor", "gaussian", "spiral", "moons")
REGRESSION_SETS = ("sine", "plane", "multi_gaussian")
MULTICLASS_SETS = ("spiral_k", "blobs_k")  # K = n_classes classes, one-hot targets
CLASSES_RANGE = (3, 6)
TOY_SETS = CLASSIFICATION_SETS + REGRESSION_SETS  # the 2-D sets of two classes or a target

NOISE_RANGE = (0.0, 0.5)
N_POINTS_RANGE = (10, 5000)
GRID_RESOLUTION_RANGE = (2, 1000)


def _checked(n_points: Any, noise: Any, test_fraction: Any, features: Any, seed: Any) -> tuple:
    """The common arguments of the 2-D sets, checked in this order: ``(n, noise, test_fraction,
    feature names, rng)``."""
    n = _check_int("n_points", n_points, *N_POINTS_RANGE)
    noise = _check_real("noise", noise, *NOISE_RANGE)
    test_fraction = _check_real("test_fraction", test_fraction, *TEST_FRACTION_RANGE)
    return n, noise, test_fraction, _check_features(features), _rng(seed)


def _plane_dataset(
    name: str, points: np.ndarray, targets: np.ndarray, split: tuple, names: list[str], **labels: Any
) -> Dataset:
    """A ``Dataset`` of 2-D ``points`` ``(n, 2)`` and ``targets`` ``(n, k)`` split by
    ``split = (train, test)`` indices: ``X_* = feature_map(points[*], names)``, the raw points
    kept; ``labels`` holds ``task``, ``target_names``, ``class_labels`` (and ``label_threshold``)."""
    train, test = split
    points = np.ascontiguousarray(points, dtype=np.float64)
    return Dataset(
        name=name,
        X_train=feature_map(points[train], names),
        Y_train=targets[train],
        X_test=feature_map(points[test], names),
        Y_test=targets[test],
        feature_names=names,
        domain=DOMAIN,
        raw_train=points[train],
        raw_test=points[test],
        **labels,
    )


def make_multiclass(
    name: str,
    n_classes: int = 3,
    n_points: int = 500,
    noise: float = 0.0,
    test_fraction: float = 0.5,
    seed: int = 0,
    features: Sequence[str] = ("x1", "x2"),
) -> Dataset:
    """A 2-D data set of ``n_classes`` classes (``MULTICLASS_SETS``: ``spiral_k``, ``blobs_k``) in
    ``[-6, 6]^2``: ``Y`` one-hot ``(n, n_classes)``, ``class_labels`` 0..K-1, a stratified seeded
    split; otherwise as ``make_dataset``."""
    checks.choice("data set", name, MULTICLASS_SETS, error=DataError)
    k = _check_int("n_classes", n_classes, *CLASSES_RANGE)
    n, noise, test_fraction, names, rng = _checked(n_points, noise, test_fraction, features, seed)
    points, classes = _MULTICLASS_GENERATORS[name](n, k, noise, rng)
    split = _split(n, test_fraction, rng, classes)
    return _plane_dataset(
        name,
        points,
        _one_hot(classes, k),
        split,
        names,
        task="classification",
        target_names=[f"class {c}" for c in range(k)],
        class_labels=list(range(k)),
    )


def make_dataset(
    name: str,
    n_points: int = 200,
    noise: float = 0.0,
    test_fraction: float = 0.5,
    seed: int = 0,
    features: Sequence[str] = ("x1", "x2"),
    tf_compatible: bool = False,
) -> Dataset:
    """A 2-D data set in ``[-6, 6]^2`` (the sets: the module docstring), split into train and
    test, mapped to ``features``.

    Classification (``CLASSIFICATION_SETS``): ``Y`` is ``(n, 1)`` of 0.0/1.0, about half each;
    ``noise`` in ``[0, 0.5]`` is Playground's 0-50 %. Regression (``REGRESSION_SETS``): ``Y`` is
    ``(n, 1)`` in ``[-1, 1]``, points uniform in the square, the target read at the point moved
    by U(-6, 6) * noise per coordinate.

    ``tf_compatible``: as TF Playground, binary labels are ``-1.0``/``+1.0`` (``class_labels
    [-1, 1]``, ``label_threshold`` 0) and ``plane`` is ``(x1 + x2) / 10``, not clipped; the
    points themselves are the same as without it.

    The split is a seeded permutation with ``n_test = round(n_points * test_fraction)``.
    ``raw_train`` / ``raw_test`` hold the ``(x1, x2)`` points; ``X_* = feature_map(raw_*,
    features)``. The same arguments give the same arrays on any machine
    (``numpy.random.default_rng(seed)``, and integer ``random_state``s drawn from it for
    scikit-learn).
    """
    checks.choice("data set", name, TOY_SETS, error=DataError)
    n, noise, test_fraction, names, rng = _checked(n_points, noise, test_fraction, features, seed)
    points, targets = (_TF_GENERATORS if tf_compatible else _GENERATORS)[name](n, noise, rng)
    targets = np.asarray(targets, dtype=np.float64)[:, None]
    split = _split(n, test_fraction, rng)
    class_labels, threshold = ([-1, 1], 0.0) if tf_compatible else ([0, 1], 0.5)
    if name in REGRESSION_SETS:
        labels = dict(task="regression", target_names=["t"])
    else:
        targets = 2.0 * targets - 1.0 if tf_compatible else targets
        labels = dict(task="classification", target_names=["label"], class_labels=class_labels)
    return _plane_dataset(name, points, targets, split, names, label_threshold=threshold, **labels)


def grid(
    domain: tuple[float, float] = DOMAIN, resolution: int = 50
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The points of a ``resolution x resolution`` heatmap over ``[lo, hi]^2``.

    Returns ``xs`` ``(resolution,)`` and ``ys`` ``(resolution,)``, both
    ``linspace(lo, hi, resolution)`` (the corners are included), and ``points``
    ``(resolution * resolution, 2)`` in row-major order::

        points[i * resolution + j] == (xs[j], ys[i])

    i.e. row ``i`` of the heatmap is the horizontal line ``x2 = ys[i]``. So for a network
    output ``out`` of shape ``(resolution**2, k)`` computed from
    ``feature_map(points, features)`` in one batch, ``out[:, c].reshape(resolution,
    resolution)[i, j]`` is the value at ``(xs[j], ys[i])``: exactly the ``z`` that
    ``plotly.graph_objects.Heatmap(x=xs, y=ys, z=...)`` expects.
    """
    resolution = _check_int("resolution", resolution, *GRID_RESOLUTION_RANGE)
    try:
        lo, hi = (float(v) for v in domain)
    except (TypeError, ValueError):
        raise DataError(f"domain must be a pair (lo, hi) of numbers, got {_shown(domain)}") from None
    if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi):
        raise DataError(f"domain must be finite with lo < hi, got ({lo}, {hi})")
    xs = np.linspace(lo, hi, resolution)
    ys = np.linspace(lo, hi, resolution)
    gx, gy = np.meshgrid(xs, ys)  # gx[i, j] = xs[j], gy[i, j] = ys[i]
    return xs, ys, np.column_stack([gx.ravel(), gy.ravel()])
