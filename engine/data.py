"""Data sets for the pages: 2-D toy problems, 8x8 digits, and validated CSV uploads.

Every data set is a ``Dataset``: ``X_*`` is ``(n_samples, n_features)`` float64 with
samples in rows, ``Y_*`` is ``(n_samples, n_outputs)`` float64 (one-hot for multi-class,
a 0/1 column for binary classification, real values for regression).

Three sources:

- ``make_dataset``: the 2-D problems of TensorFlow Playground (``circle``, ``xor``,
  ``gaussian``, ``spiral``) plus ``moons``, and two regression surfaces (``sine``,
  ``plane``). The points lie in the square ``DOMAIN^2 = [-6, 6]^2`` (Playground's scale) and
  are kept, before any feature map, in ``raw_train`` / ``raw_test`` for plotting. The
  network's inputs ``X`` are ``feature_map(raw, features)``, e.g. ``x1, x2, x1^2``.
- ``load_digits_dataset``: scikit-learn's 8x8 digits (shipped with the package, no
  download): 1797 images, 64 pixels in ``[0, 1]``, 10 classes one-hot.
- ``load_csv``: a user's CSV with a header row, validated cell by cell; every problem is a
  ``DataError`` naming the row (as a spreadsheet numbers it, header = row 1) and column.

``grid`` gives the points of a decision-boundary heatmap in a documented order so that one
batched forward pass covers the whole plane.

Only NumPy and the standard library are imported at module level; scikit-learn is imported
inside the functions that use it.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import itertools
import math
import numbers
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

DOMAIN: tuple[float, float] = (-6.0, 6.0)
CLASSIFICATION_SETS = ("circle", "xor", "gaussian", "spiral", "moons")
REGRESSION_SETS = ("sine", "plane", "multi_gaussian")
MULTICLASS_SETS = ("spiral_k", "blobs_k")  # K = n_classes classes, one-hot targets
CLASSES_RANGE = (3, 6)
DATASETS = CLASSIFICATION_SETS + REGRESSION_SETS
FEATURES = ("x1", "x2", "x1^2", "x2^2", "x1*x2", "sin x1", "sin x2")

NOISE_RANGE = (0.0, 0.5)
TEST_FRACTION_RANGE = (0.1, 0.9)
N_POINTS_RANGE = (10, 5000)
GRID_RESOLUTION_RANGE = (2, 1000)

MAX_CSV_BYTES = 32 * 1024 * 1024
MAX_CSV_COLUMNS = 1000
MAX_CSV_CELLS = 2_000_000  # rows x columns: 10,000 rows of 200 columns, 2,000 rows of 1,000
MAX_CSV_MAGNITUDE = 1e150  # |value| above this overflows when standardized (its square > 1e300)
MAX_CLASSES = 50
MAX_INFERRED_CLASSES = 10  # task=None: an integer target with at most this many values is a class label
_SHOWN_CHARS = 30  # user text quoted in messages is cut to this length


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


def _shown(value: Any) -> str:
    """``value`` for a message: a string quoted, anything else as its ``repr``; cut to 30 characters."""
    if isinstance(value, str):
        if len(value) > _SHOWN_CHARS:
            value = value[: _SHOWN_CHARS - 1] + "…"
        return repr(value)
    text = repr(value)
    return text if len(text) <= _SHOWN_CHARS else text[: _SHOWN_CHARS - 1] + "…"


_BOUND_TOLERANCE = 1e-9  # relative: 1 - 90/100 = 0.0999...98 is the bound 0.1, rounded


def _check_real(name: str, value: Any, lo: float, hi: float) -> float:
    """``value`` as a float in ``[lo, hi]``; a value within float rounding of a bound (relative
    ``_BOUND_TOLERANCE``, e.g. ``1 - 0.9`` for ``0.1``) is that bound. Accepts any real, so an
    exact ``fractions.Fraction(1, 10)`` too."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise DataError(f"{name} must be a number in [{lo}, {hi}], got {_shown(value)}")
    value = float(value)
    for bound in (lo, hi):
        if abs(value - bound) <= _BOUND_TOLERANCE * max(abs(bound), 1.0):
            return float(bound)
    if not lo <= value <= hi:  # also rejects NaN
        raise DataError(f"{name} must be in [{lo}, {hi}], got {value}")
    return value


def _check_int(name: str, value: Any, lo: int, hi: int | None = None) -> int:
    allowed = f"an integer >= {lo}" if hi is None else f"an integer in [{lo}, {hi}]"
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise DataError(f"{name} must be {allowed}, got {_shown(value)}")
    value = int(value)
    if value < lo or (hi is not None and value > hi):
        raise DataError(f"{name} must be {allowed}, got {value}")
    return value


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


# --------------------------------------------------------------------------- feature maps

_FEATURE_FUNCTIONS: dict[str, Callable[[np.ndarray, np.ndarray], np.ndarray]] = {
    "x1": lambda x1, x2: x1,
    "x2": lambda x1, x2: x2,
    "x1^2": lambda x1, x2: x1 * x1,
    "x2^2": lambda x1, x2: x2 * x2,
    "x1*x2": lambda x1, x2: x1 * x2,
    "sin x1": lambda x1, x2: np.sin(x1),
    "sin x2": lambda x1, x2: np.sin(x2),
}


def _check_features(features: Any) -> list[str]:
    valid = ", ".join(repr(f) for f in FEATURES)
    if isinstance(features, str):
        features = [features]
    try:
        names = list(features)
    except TypeError:
        raise DataError(f"features must be a list of names from {valid}") from None
    if not names:
        raise DataError(f"choose at least one input feature from {valid}")
    unknown = [f for f in names if not isinstance(f, str) or f not in _FEATURE_FUNCTIONS]
    if unknown:
        shown = ", ".join(_shown(f) for f in unknown)
        raise DataError(f"unknown feature(s) {shown}; the valid features are {valid}")
    duplicated = sorted({f for f in names if names.count(f) > 1})
    if duplicated:
        raise DataError(f"feature(s) {', '.join(map(repr, duplicated))} listed more than once")
    return names


def feature_map(points: np.ndarray, features: Sequence[str] = ("x1", "x2")) -> np.ndarray:
    """Playground's input features of 2-D points.

    ``points`` is ``(n, 2)`` with columns ``(x1, x2)``; the result ``X`` is
    ``(n, len(features))`` float64, column ``j`` being ``features[j]`` from ``FEATURES``:
    ``x1``, ``x2``, ``x1^2``, ``x2^2``, ``x1*x2``, ``sin x1 = sin(x1)``, ``sin x2 = sin(x2)``
    (radians, no rescaling: on ``[-6, 6]`` the squares reach 36).
    """
    names = _check_features(features)
    p = np.asarray(points, dtype=np.float64)
    if p.ndim != 2 or p.shape[1] != 2:
        raise DataError(f"points must be an (n, 2) array of (x1, x2) rows, got shape {p.shape}")
    x1, x2 = p[:, 0], p[:, 1]
    X = np.empty((p.shape[0], len(names)), dtype=np.float64)
    for j, name in enumerate(names):
        X[:, j] = _FEATURE_FUNCTIONS[name](x1, x2)
    return X


# --------------------------------------------------------------------------- 2-D sets
#
# Each generator takes (n, noise, rng) and returns points (n, 2) inside DOMAIN^2 and
# targets (n,). Classification targets are 0/1; label 1 is Playground's "positive" class.


def _circle(n: int, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    # dataset.ts classifyCircleData: half the points at radius U(0, 2.5), half at U(3.5, 5);
    # label 1 iff the point moved by U(-5, 5) * noise per coordinate is within radius 2.5.
    radius = 5.0
    n_in = n // 2
    r = np.concatenate([rng.uniform(0.0, 0.5 * radius, n_in), rng.uniform(0.7 * radius, radius, n - n_in)])
    angle = rng.uniform(0.0, 2.0 * np.pi, n)
    points = np.column_stack([r * np.sin(angle), r * np.cos(angle)])
    jitter = rng.uniform(-radius, radius, (n, 2)) * noise
    labels = (np.hypot(*(points + jitter).T) < 0.5 * radius).astype(np.float64)
    return points, labels


def _xor(n: int, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    # dataset.ts classifyXORData: coordinates U(-5, 5) pushed 0.3 away from the axes;
    # label 1 iff x1 * x2 >= 0 at the point moved by U(-5, 5) * noise per coordinate.
    points = rng.uniform(-5.0, 5.0, (n, 2))
    points += np.where(points > 0, 0.3, -0.3)
    jitter = rng.uniform(-5.0, 5.0, (n, 2)) * noise
    moved = points + jitter
    labels = (moved[:, 0] * moved[:, 1] >= 0).astype(np.float64)
    return points, labels


def _spiral(n: int, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    # dataset.ts classifySpiralData: two arms, point i of m at r = 5 i / m,
    # angle t = 1.75 * 2 pi i / m (+ pi for the second arm), (r sin t, r cos t) + U(-1, 1) * noise.
    parts = []
    for count, delta, label in ((n - n // 2, 0.0, 1.0), (n // 2, np.pi, 0.0)):
        i = np.arange(count, dtype=np.float64)
        r = i / count * 5.0
        t = 1.75 * i / count * 2.0 * np.pi + delta
        xy = np.column_stack([r * np.sin(t), r * np.cos(t)]) + rng.uniform(-1.0, 1.0, (count, 2)) * noise
        parts.append((xy, np.full(count, label)))
    return np.concatenate([p for p, _ in parts]), np.concatenate([y for _, y in parts])


def _in_domain(
    draw: Callable[[tuple[int, int], int], tuple[np.ndarray, np.ndarray]],
    counts: tuple[int, int],
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray]:
    """Points of a scikit-learn generator with exactly ``counts[c]`` of class ``c``, all inside ``DOMAIN^2``.

    ``draw(counts, random_state)`` returns points and integer classes; points outside the
    square are redrawn (for their class) with a fresh seed from ``rng``, i.e. the
    distribution is truncated to the square rather than piled up on its border.
    """
    lo, hi = DOMAIN
    need = np.array(counts, dtype=np.int64)
    kept_points, kept_classes = [], []
    for _ in range(100):
        if need.sum() == 0:
            break
        points, classes = draw((int(need[0]), int(need[1])), _sklearn_seed(rng))
        inside = np.all((points >= lo) & (points <= hi), axis=1)
        kept_points.append(points[inside])
        kept_classes.append(classes[inside])
        need -= np.bincount(classes[inside], minlength=2)
    if need.sum() > 0:  # not reached for the noise levels allowed; clip as a last resort
        points, classes = draw((int(need[0]), int(need[1])), _sklearn_seed(rng))
        kept_points.append(np.clip(points, lo, hi))
        kept_classes.append(classes)
    return np.concatenate(kept_points), np.concatenate(kept_classes).astype(np.float64)


def _gaussian(n: int, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    # dataset.ts classifyTwoGaussData: blobs at (2, 2) (label 1) and (-2, -2) (label 0) with
    # variance 0.5 + 7 noise (Playground's scale [0, 0.5] -> [0.5, 4]), via make_blobs.
    from sklearn.datasets import make_blobs

    std = math.sqrt(0.5 + 7.0 * noise)

    def draw(counts: tuple[int, int], seed: int) -> tuple[np.ndarray, np.ndarray]:
        return make_blobs(
            n_samples=list(counts), centers=[[-2.0, -2.0], [2.0, 2.0]], cluster_std=std, random_state=seed
        )

    return _in_domain(draw, (n // 2, n - n // 2), rng)


MOONS_SCALE = 3.0
MOONS_CENTER = (0.5, 0.25)


def _moons(n: int, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    # make_moons (upper moon label 0, lower moon label 1; sklearn noise = our noise), centred
    # at MOONS_CENTER and scaled by MOONS_SCALE: the noise-free moons fill [-4.5, 4.5] x [-2.25, 2.25].
    from sklearn.datasets import make_moons

    def draw(counts: tuple[int, int], seed: int) -> tuple[np.ndarray, np.ndarray]:
        points, classes = make_moons(n_samples=counts, noise=noise, random_state=seed)
        return (points - np.array(MOONS_CENTER)) * MOONS_SCALE, classes

    return _in_domain(draw, (n // 2, n - n // 2), rng)


def sine_target(x1: np.ndarray, x2: np.ndarray) -> np.ndarray:
    """The ``sine`` surface ``t = sin(pi x1 / 4) cos(pi x2 / 18)``, in ``[-1, 1]``.

    1.5 periods along ``x1`` across ``[-6, 6]``; the amplitude falls from 1 at ``x2 = 0`` to
    0.5 at ``x2 = +-6``.
    """
    return np.sin(np.pi * x1 / 4.0) * np.cos(np.pi * x2 / 18.0)


def plane_target(x1: np.ndarray, x2: np.ndarray) -> np.ndarray:
    """The ``plane`` surface ``t = (x1 + x2) / 12``, in ``[-1, 1]`` on ``[-6, 6]^2`` (Playground's)."""
    return (x1 + x2) / 12.0


def tf_plane_target(x1: np.ndarray, x2: np.ndarray) -> np.ndarray:
    """TF Playground's ``reg-plane`` surface ``t = (x1 + x2) / 10`` (``d3.scale.linear()
    .domain([-10, 10]).range([-1, 1])``), not clipped: ``[-1.2, 1.2]`` on ``[-6, 6]^2``."""
    return (x1 + x2) / 10.0


# TF Playground's ``reg-gauss`` (dataset.ts regressGaussian): (centre x1, centre x2, sign).
MULTI_GAUSSIAN_CENTRES = (
    (-4, 2.5, 1),
    (0, 2.5, -1),
    (4, 2.5, 1),
    (-4, -2.5, -1),
    (0, -2.5, 1),
    (4, -2.5, -1),
)


def multi_gaussian_target(x1: np.ndarray, x2: np.ndarray) -> np.ndarray:
    """TF Playground's ``reg-gauss`` surface: six bumps of height ``+-1`` (signs alternating,
    ``MULTI_GAUSSIAN_CENTRES``), each ``sign * max(0, 1 - d / 2)`` at distance ``d`` from its
    centre; at each point the bump largest in absolute value counts (the first on a tie), 0
    farther than 2 from every centre. In ``[-1, 1]``."""
    x1, x2 = np.asarray(x1, dtype=np.float64), np.asarray(x2, dtype=np.float64)
    label = np.zeros(np.broadcast(x1, x2).shape)
    for cx, cy, sign in MULTI_GAUSSIAN_CENTRES:
        bump = sign * np.clip(1.0 - np.hypot(x1 - cx, x2 - cy) / 2.0, 0.0, 1.0)
        label = np.where(np.abs(bump) > np.abs(label), bump, label)
    return label


def _regression(target: Callable[[np.ndarray, np.ndarray], np.ndarray], clip: bool = True):
    def generate(n: int, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        # dataset.ts regressPlane: points U(-6, 6)^2; the target is read at the point moved
        # by U(-6, 6) * noise per coordinate (ours then clipped to [-1, 1]; TF's is not).
        lo, hi = DOMAIN
        points = rng.uniform(lo, hi, (n, 2))
        moved = points + rng.uniform(lo, hi, (n, 2)) * noise
        values = target(moved[:, 0], moved[:, 1])
        return points, np.clip(values, -1.0, 1.0) if clip else values

    return generate


_GENERATORS: dict[str, Callable[[int, float, np.random.Generator], tuple[np.ndarray, np.ndarray]]] = {
    "circle": _circle,
    "xor": _xor,
    "gaussian": _gaussian,
    "spiral": _spiral,
    "moons": _moons,
    "sine": _regression(sine_target),
    "plane": _regression(plane_target),
    "multi_gaussian": _regression(multi_gaussian_target),
}
_TF_GENERATORS = {**_GENERATORS, "plane": _regression(tf_plane_target, clip=False)}


def _multi_spiral(n: int, k: int, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """``k`` interleaved arms as ``spiral``'s (radius up to 5, 1.75 turns), arm ``c`` turned by
    ``2 pi c / k``, moved by U(-1, 1) * noise; classes 0..k-1, ``n // k`` points each (the first
    ``n % k`` arms one more)."""
    points, classes = [], []
    for c in range(k):
        count = n // k + (c < n % k)
        i = np.arange(count, dtype=np.float64)
        r = i / count * 5.0
        t = 1.75 * i / count * 2.0 * np.pi + 2.0 * np.pi * c / k
        points.append(
            np.column_stack([r * np.sin(t), r * np.cos(t)]) + rng.uniform(-1, 1, (count, 2)) * noise
        )
        classes.append(np.full(count, c))
    return np.concatenate(points), np.concatenate(classes)


def _multi_blobs(n: int, k: int, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """``k`` Gaussian blobs centred on the circle of radius 3.5 (centre ``c`` at angle ``2 pi c /
    k``), variance ``0.5 + 7 noise`` as ``gaussian``'s; points outside the square are redrawn."""
    lo, hi = DOMAIN
    std = math.sqrt(0.5 + 7.0 * noise)
    points, classes = [], []
    for c in range(k):
        count = n // k + (c < n % k)
        centre = 3.5 * np.array([math.cos(2 * math.pi * c / k), math.sin(2 * math.pi * c / k)])
        kept = np.empty((0, 2))
        while len(kept) < count:
            draw = rng.normal(centre, std, (2 * count, 2))
            kept = np.concatenate([kept, draw[np.all((draw >= lo) & (draw <= hi), axis=1)]])
        points.append(kept[:count])
        classes.append(np.full(count, c))
    return np.concatenate(points), np.concatenate(classes)


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
    if name not in MULTICLASS_SETS:
        raise DataError(f"unknown data set {_shown(name)}; choose one of {', '.join(MULTICLASS_SETS)}")
    k = _check_int("n_classes", n_classes, *CLASSES_RANGE)
    n = _check_int("n_points", n_points, *N_POINTS_RANGE)
    noise = _check_real("noise", noise, *NOISE_RANGE)
    test_fraction = _check_real("test_fraction", test_fraction, *TEST_FRACTION_RANGE)
    names = _check_features(features)
    rng = _rng(seed)
    points, classes = (_multi_spiral if name == "spiral_k" else _multi_blobs)(n, k, noise, rng)
    points = np.ascontiguousarray(points, dtype=np.float64)
    train, test = _split(n, test_fraction, rng, classes)
    targets = _one_hot(classes, k)
    return Dataset(
        name=name,
        task="classification",
        X_train=feature_map(points[train], names),
        Y_train=targets[train],
        X_test=feature_map(points[test], names),
        Y_test=targets[test],
        feature_names=names,
        target_names=[f"class {c}" for c in range(k)],
        class_labels=list(range(k)),
        domain=DOMAIN,
        raw_train=points[train],
        raw_test=points[test],
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
    """A 2-D data set in ``[-6, 6]^2``, split into train and test, mapped to ``features``.

    Classification (``CLASSIFICATION_SETS``; ``Y`` is ``(n, 1)`` of 0.0/1.0, about half each;
    ``noise`` in ``[0, 0.5]`` is Playground's 0-50 %):

    - ``circle``: label 1 inside radius 2.5 (points at radius U(0, 2.5) and U(3.5, 5)); noise
      flips labels near the boundary (label read at a point moved by U(-5, 5) * noise).
    - ``xor``: label 1 where ``x1 * x2 >= 0``; a 0.3 margin around the axes; noise as circle.
    - ``gaussian``: label 1 around (2, 2), 0 around (-2, -2), variance ``0.5 + 7 noise``.
    - ``spiral``: two interleaved arms (1.75 turns, radius up to 5), moved by U(-1, 1) * noise.
    - ``moons``: scikit-learn's two moons, scaled by 3 about their centre; Gaussian noise of
      std ``3 noise``. Label 0 is the upper moon.

    Regression (``REGRESSION_SETS``; ``Y`` is ``(n, 1)`` in ``[-1, 1]``; points uniform in the
    square; the target is read at the point moved by U(-6, 6) * noise per coordinate):

    - ``sine``: ``t = sin(pi x1 / 4) cos(pi x2 / 18)``.
    - ``plane``: ``t = (x1 + x2) / 12`` (clipped to ``[-1, 1]`` when noisy).
    - ``multi_gaussian``: TF Playground's six bumps (``multi_gaussian_target``).

    ``tf_compatible``: as TF Playground, binary labels are ``-1.0``/``+1.0`` (``class_labels
    [-1, 1]``, ``label_threshold`` 0) and ``plane`` is ``(x1 + x2) / 10``, not clipped; the
    points themselves are the same as without it.

    Gaussian and moons points that fall outside the square are redrawn (truncated
    distribution), the others lie inside by construction. The split is a seeded permutation
    with ``n_test = round(n_points * test_fraction)``. ``raw_train`` / ``raw_test`` hold the
    ``(x1, x2)`` points; ``X_* = feature_map(raw_*, features)``. The same arguments give the
    same arrays on any machine (``numpy.random.default_rng(seed)``, and integer
    ``random_state``s drawn from it for scikit-learn).
    """
    if not isinstance(name, str) or name not in _GENERATORS:
        raise DataError(f"unknown data set {_shown(name)}; choose one of {', '.join(DATASETS)}")
    n = _check_int("n_points", n_points, *N_POINTS_RANGE)
    noise = _check_real("noise", noise, *NOISE_RANGE)
    test_fraction = _check_real("test_fraction", test_fraction, *TEST_FRACTION_RANGE)
    names = _check_features(features)
    rng = _rng(seed)

    points, targets = (_TF_GENERATORS if tf_compatible else _GENERATORS)[name](n, noise, rng)
    points = np.ascontiguousarray(points, dtype=np.float64)
    targets = np.asarray(targets, dtype=np.float64)[:, None]
    train, test = _split(n, test_fraction, rng)
    classification = name in CLASSIFICATION_SETS
    labels, threshold = ([-1, 1], 0.0) if tf_compatible else ([0, 1], 0.5)
    if classification and tf_compatible:
        targets = 2.0 * targets - 1.0
    return Dataset(
        name=name,
        task="classification" if classification else "regression",
        X_train=feature_map(points[train], names),
        Y_train=targets[train],
        X_test=feature_map(points[test], names),
        Y_test=targets[test],
        feature_names=names,
        target_names=["label" if classification else "t"],
        class_labels=labels if classification else None,
        domain=DOMAIN,
        raw_train=points[train],
        raw_test=points[test],
        label_threshold=threshold,
    )


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


# --------------------------------------------------------------------------- digits


def load_digits_dataset(test_fraction: float = 0.3, seed: int = 0) -> Dataset:
    """scikit-learn's 8x8 handwritten digits (1797 images, shipped with scikit-learn).

    ``X`` is ``(n, 64)``: the pixels row by row (``feature_names`` ``pixel_r_c``), scaled from
    0..16 to ``[0, 1]`` by dividing by 16. ``Y`` is ``(n, 10)`` one-hot, column ``j`` the
    digit ``j`` (``class_labels = [0, ..., 9]``). The split is stratified and seeded:
    ``round(1797 * test_fraction)`` test images, each digit in proportion (within one).
    ``domain`` is ``None``: these are not points in the plane.
    """
    test_fraction = _check_real("test_fraction", test_fraction, *TEST_FRACTION_RANGE)
    rng = _rng(seed)
    from sklearn.datasets import load_digits

    pixels, digits = load_digits(return_X_y=True)
    X = np.asarray(pixels, dtype=np.float64) / 16.0
    classes = np.asarray(digits, dtype=np.int64)
    Y = _one_hot(classes, 10)
    train, test = _split(X.shape[0], test_fraction, rng, classes)
    return Dataset(
        name="digits",
        task="classification",
        X_train=X[train],
        Y_train=Y[train],
        X_test=X[test],
        Y_test=Y[test],
        feature_names=[f"pixel_{r}_{c}" for r in range(8) for c in range(8)],
        target_names=["digit"],
        class_labels=list(range(10)),
        domain=None,
    )


# --------------------------------------------------------------------------- CSV


def _read_text(source: Any) -> str:
    """The text of ``source``: a path (``os.PathLike``), ``bytes``, ``str`` text, or a file-like object."""
    if isinstance(source, os.PathLike):
        try:
            with open(source, "rb") as f:
                data: bytes | str = f.read(MAX_CSV_BYTES + 1)
        except OSError as e:
            raise DataError(
                f"could not read the file {_shown(os.fspath(source))}: {e.strerror or e}"
            ) from None
    elif isinstance(source, (bytes, bytearray, memoryview, str)):
        data = source
    elif hasattr(source, "getvalue") or hasattr(source, "read"):  # e.g. Streamlit's UploadedFile
        try:
            data = source.getvalue() if hasattr(source, "getvalue") else source.read(MAX_CSV_BYTES + 1)
        except (OSError, ValueError) as e:
            raise DataError(f"could not read the uploaded file: {e}") from None
    else:
        raise DataError(
            "source must be a path (pathlib.Path), the file's bytes, its text as a str, "
            f"or a file-like object; got {type(source).__name__}"
        )
    if not isinstance(data, (str, bytes, bytearray, memoryview)):
        raise DataError(f"reading the source gave {type(data).__name__}, expected bytes or text")
    if len(data) > MAX_CSV_BYTES:
        raise DataError(f"the file is larger than the limit of {MAX_CSV_BYTES // (1024 * 1024)} MB")
    if not isinstance(data, str):
        try:
            data = bytes(data).decode("utf-8-sig")
        except UnicodeDecodeError as e:
            raise DataError(
                f"the file is not UTF-8 text (undecodable byte at position {e.start}); save it as CSV UTF-8"
            ) from None
    return data.removeprefix("\ufeff")


def _delimiter(text: str) -> str:
    """The separator of the first non-blank line: the most frequent of ``,`` ``;`` tab (ties: ``,``)."""
    first = next((line for line in io.StringIO(text) if line.strip()), "")
    counts = {d: first.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > counts[","] else ","


def _parse_float(cell: str) -> float | None:
    try:
        return float(cell)
    except ValueError:
        return None


def _column(name: str, index: int) -> str:
    return f"column {_shown(name)} (column {index + 1})"


def _label(value: Any) -> Any:
    """A class label as the user wrote it: text as is, an integral float as an ``int``."""
    if isinstance(value, float) and value == math.floor(value):
        return int(value)
    return value


def _check_task(task: Any) -> str | None:
    if task is not None and task not in ("classification", "regression"):
        raise DataError(f"task must be 'classification', 'regression' or None (infer), got {_shown(task)}")
    return task


def _target_indices(header: list[str], target_columns: Any) -> list[int]:
    columns = ", ".join(_shown(h) for h in header[:20]) + (", …" if len(header) > 20 else "")
    if target_columns is None:
        targets = [header[-1]]
    elif isinstance(target_columns, str):
        targets = [target_columns]
    else:
        try:
            targets = list(target_columns)
        except TypeError:
            raise DataError("target_columns must be a column name or a list of column names") from None
        if not targets:
            raise DataError(f"target_columns is empty; name at least one of the columns {columns}")
    indices = []
    for t in targets:
        if not isinstance(t, str) or t.strip() not in header:
            raise DataError(f"target column {_shown(t)} is not in the header; the columns are {columns}")
        indices.append(header.index(t.strip()))
    if len(set(indices)) != len(indices):
        raise DataError("target_columns names the same column more than once")
    if len(indices) == len(header):
        raise DataError("every column is a target; leave at least one column as an input feature")
    return indices


@dataclass
class _Table:
    """Step 1's result: the header and the data rows of a CSV, blank rows dropped.

    ``cells`` is a ``pandas.DataFrame`` ``(n, width)``, one column per header name (numeric
    dtypes where pandas could parse every cell, else strings); ``rows`` ``(n,)`` the
    spreadsheet row numbers (header = ``header_row``); ``counts`` ``(n,)`` the cells in each
    row, trailing empty cells beyond ``width`` not counted."""

    header: list[str]
    header_row: int
    cells: Any
    rows: np.ndarray
    counts: np.ndarray


def _record_lengths(text: str, delimiter: str) -> list[int]:
    """The number of cells of every CSV record (``csv`` module's rules: quotes may hold separators
    and line breaks). A Python loop, so other threads get the interpreter between records."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    lengths = []
    try:
        for record in reader:
            lengths.append(len(record))
    except csv.Error as e:
        raise DataError(f"the file is not valid CSV near row {reader.line_num}: {e}") from None
    return lengths


def _find_header(text: str, delimiter: str) -> tuple[list[str], int]:
    """The first record with a non-blank cell, stripped (trailing empty names dropped), and its row."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    for row_number, record in enumerate(reader, start=1):
        cells = [c.strip() for c in record]
        if any(cells):
            while cells and not cells[-1]:  # trailing separators, as some spreadsheets write
                cells.pop()
            return cells, row_number
    raise DataError("the file is empty (only blank cells); it needs a header row naming the columns")


def _parse_rows(text: str, delimiter: str, header_row: int, n_columns: int) -> Any:
    """The records after the header as a ``pandas.DataFrame`` ``(records, n_columns)``: pandas' C
    parser (it releases the interpreter while it tokenizes); numeric columns parsed as numbers,
    the others kept as text; a missing cell is ``""``. None if pandas cannot tokenize the text."""
    import pandas as pd

    try:
        return pd.read_csv(
            io.StringIO(text, newline=""),
            sep=delimiter,
            header=None,
            names=range(n_columns),
            skiprows=header_row,
            skip_blank_lines=False,
            na_filter=False,
            engine="c",
        )
    except (ValueError, pd.errors.ParserError):
        return None


def _parse_rows_slowly(text: str, delimiter: str, header_row: int, n_columns: int) -> Any:
    """``_parse_rows`` by the ``csv`` module, every cell text: for files pandas' parser refuses
    (an unclosed quote), so that the checks can name the row and column."""
    import pandas as pd

    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    records = [
        record + [""] * (n_columns - len(record)) for record in itertools.islice(reader, header_row, None)
    ]
    return pd.DataFrame(records, columns=range(n_columns), dtype=str)


def _read_table(source: Any) -> _Table:
    """Step 1, read and parse: the text, its header, and every data row tokenized by pandas' C
    parser (numbers parsed there, in bulk). Blank rows (every cell empty or spaces) are dropped."""

    text = _read_text(source)
    if not text.strip():
        raise DataError("the file is empty; it needs a header row naming the columns, then data rows")
    delimiter = _delimiter(text)
    lengths = np.array(_record_lengths(text, delimiter), dtype=np.int64)
    header, header_row = _find_header(text, delimiter)
    if len(header) > MAX_CSV_COLUMNS:
        raise DataError(f"the header has {len(header)} columns; the limit is {MAX_CSV_COLUMNS}")
    data_lengths = lengths[header_row:]
    width = max(len(header), 1)
    if data_lengths.size and data_lengths.max() > max(width, MAX_CSV_COLUMNS):
        r = int(np.argmax(data_lengths > max(width, MAX_CSV_COLUMNS)))
        raise DataError(
            f"row {header_row + 1 + r} has {data_lengths[r]} cells but the header has {width} columns"
        )
    filled = int(np.count_nonzero(data_lengths))  # at least the data rows: refuse a huge file before parsing
    if filled * len(header) > MAX_CSV_CELLS and len(header) >= 2:
        _cells_error(filled, len(header))
    n_columns = int(max(width, data_lengths.max(initial=0)))
    frame = _parse_rows(text, delimiter, header_row, n_columns)
    if frame is None or len(frame) != len(data_lengths):  # pandas' tokenizer is stricter than csv's
        frame = _parse_rows_slowly(text, delimiter, header_row, n_columns)
    blank = np.ones(len(frame), dtype=bool)
    for j in range(n_columns):
        column = frame[j]
        if column.dtype.kind in "iufb":
            blank[:] = False
            break
        blank &= column.str.strip().eq("").to_numpy(dtype=bool)
    counts = np.minimum(data_lengths, width)
    for j in range(width, n_columns):  # a non-empty cell past the header's width counts
        counts = np.where(frame[j].astype(str).str.strip().ne("").to_numpy(dtype=bool), j + 1, counts)
    keep = ~blank
    frame = frame.loc[keep, : width - 1] if n_columns > width else frame.loc[keep]
    rows = header_row + 1 + np.flatnonzero(keep)
    return _Table(header, header_row, frame.reset_index(drop=True), rows, counts[keep])


def _check_header(table: _Table) -> None:
    header, row = table.header, table.header_row
    if all(_parse_float(h) is not None for h in header):
        raise DataError(
            f"row {row} is the header but holds only numbers ({_shown(header[0])}, …): "
            "the first row must name the columns, e.g. x1,x2,y"
        )
    if len(header) < 2:
        raise DataError(
            f"the header (row {row}) has {len(header)} column; at least 2 are needed "
            "(features and a target), separated by commas"
        )
    for j, name in enumerate(header):
        if not name:
            raise DataError(f"the header (row {row}) has no name in column {j + 1}; name every column")
        if header.index(name) != j:
            raise DataError(
                f"the header (row {row}) names column {_shown(name)} twice "
                f"(columns {header.index(name) + 1} and {j + 1}); column names must be unique"
            )


def _check_caps(table: _Table, max_rows: int) -> None:
    """Rows, then total cells (``MAX_CSV_CELLS``); the columns were capped while reading."""
    n, width = len(table.rows), len(table.header)
    if n > max_rows:
        raise DataError(
            f"the file has more than {max_rows} data rows (row {table.rows[max_rows]} is one too many); "
            f"the limit is {max_rows} rows after the header"
        )
    if n * width > MAX_CSV_CELLS:
        _cells_error(n, width)


def _cells_error(n: int, width: int) -> None:
    raise DataError(
        f"the file has {n:,} rows x {width:,} columns = {n * width:,} cells; the limit is "
        f"{MAX_CSV_CELLS:,} cells (e.g. {MAX_CSV_CELLS // width:,} rows of {width} columns)"
    )


# problems a cell can have, in the order a cell is checked
_EMPTY, _LINES, _TEXT, _NOT_FINITE, _TOO_LARGE = 1, 2, 3, 4, 5


def _column_numbers(column: Any, text_ok: bool) -> tuple[np.ndarray, np.ndarray]:
    """One column's ``(values, problem)``: float64 values (NaN where not a number) and the
    first problem of each cell (0 = none; text is no problem where ``text_ok``)."""
    import pandas as pd

    if column.dtype.kind in "iufb":
        values = column.to_numpy(dtype=np.float64)
        problem = np.zeros(values.shape, dtype=np.int8)
    else:
        stripped = column.astype(str).str.strip()
        values = pd.to_numeric(stripped, errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
        nan_text = stripped.str.lower().isin(("nan", "+nan", "-nan")).to_numpy(dtype=bool)
        problem = np.where(np.isnan(values) & ~nan_text & ~np.bool_(text_ok), _TEXT, 0).astype(np.int8)
        problem[column.str.contains("[\r\n]", regex=True).to_numpy(dtype=bool)] = _LINES
        problem[stripped.eq("").to_numpy(dtype=bool)] = _EMPTY
        problem[nan_text] = _NOT_FINITE
    with np.errstate(invalid="ignore"):
        fine = problem == 0
        problem[fine & np.isinf(values)] = _NOT_FINITE
        problem[fine & ~np.isinf(values) & (np.abs(values) > MAX_CSV_MAGNITUDE)] = _TOO_LARGE
    return values, problem


def _cell_message(table: _Table, r: int, j: int, kind: int) -> str:
    row, cell = table.rows[r], str(table.cells.iat[r, j]).strip()
    where = f"row {row}, {_column(table.header[j], j)}"
    if kind == _EMPTY:
        return f"{where} is empty; every cell needs a value"
    if kind == _LINES:
        return (
            f'{where} spans several lines ({_shown(str(table.cells.iat[r, j]))}): is a quote (") left open?'
        )
    if kind == _TEXT:
        return f"{where}: {_shown(cell)} is not a number"
    if kind == _NOT_FINITE:
        word = "NaN" if math.isnan(float(cell)) else "infinite"
        return f"{where} is {word} ({_shown(cell)}); every value must be a finite number"
    return (
        f"{where}: {_shown(cell)} is too large to scale: standardizing squares the values, which "
        f"overflows; every value must be within ±{MAX_CSV_MAGNITUDE:g}"
    )


def _numbers(table: _Table, text_column: int | None) -> np.ndarray:
    """Step 2, the cells: ``(n, width)`` float64 (NaN for the text labels of ``text_column``).
    Raises for the first bad row in file order: a wrong number of cells, else its first bad cell."""
    width = len(table.header)
    n = len(table.rows)
    values = np.empty((n, width), dtype=np.float64)
    kinds = np.zeros((n, width), dtype=np.int8)
    for j in range(width):
        values[:, j], kinds[:, j] = _column_numbers(table.cells[j], text_ok=j == text_column)
    bad_cell = kinds != 0
    first_bad = np.where(bad_cell.any(axis=1), np.argmax(bad_cell, axis=1), width)
    bad_width = table.counts != width
    bad_row = bad_width | (first_bad < width)
    if bad_row.any():
        r = int(np.argmax(bad_row))
        if bad_width[r]:
            names = ", ".join(_shown(h) for h in table.header[:8]) + (", …" if width > 8 else "")
            raise DataError(
                f"row {table.rows[r]} has {table.counts[r]} cells but the header has "
                f"{width} columns ({names})"
            )
        j = int(first_bad[r])
        raise DataError(_cell_message(table, r, j, int(kinds[r, j])))
    return values


@dataclass(frozen=True)
class CsvTable:
    """A parsed, validated CSV before the split: ``X`` ``(n, d)`` features and ``Y`` ``(n, k)``
    targets (float64, raw values), ``classes`` ``(n,)`` class indices (None for regression), and
    the names. ``split_csv`` turns it into a ``Dataset`` for a seed without parsing again."""

    task: str
    X: np.ndarray
    Y: np.ndarray
    classes: np.ndarray | None
    feature_names: list[str]
    target_names: list[str]
    class_labels: list[Any] | None


def _text_column(target_idx: list[int], task: str | None) -> int | None:
    """The column that may hold text labels: a single target, unless the task is regression."""
    return target_idx[0] if task != "regression" and len(target_idx) == 1 else None


def _pick_targets(table: _Table, values: np.ndarray, target_idx: list[int], task: str | None) -> CsvTable:
    """Step 3: features and targets of the checked ``values``; infers the task; checks the
    classes (2 to ``MAX_CLASSES``)."""
    text_column = _text_column(target_idx, task)
    X = values[:, [j for j in range(len(table.header)) if j not in target_idx]]
    names = dict(
        feature_names=[h for j, h in enumerate(table.header) if j not in target_idx],
        target_names=[table.header[j] for j in target_idx],
    )
    texts = text_column is not None and bool(np.isnan(values[:, text_column]).any())
    if texts:
        raw = table.cells[text_column].astype(str).str.strip().to_numpy(dtype=object)
    else:
        raw = values[:, target_idx[0]]
    labels = sorted(set(raw.tolist()))
    if task is None:
        integral = not texts and all(v == math.floor(v) for v in labels)
        task = (
            "classification"
            if text_column is not None and (texts or (integral and len(labels) <= MAX_INFERRED_CLASSES))
            else "regression"
        )
    if task == "regression":
        return CsvTable("regression", X, values[:, target_idx], None, class_labels=None, **names)
    if len(target_idx) != 1:
        raise DataError(
            f"classification needs exactly one target column holding the class labels, got {len(target_idx)}"
        )
    column = _column(names["target_names"][0], target_idx[0])
    if len(labels) < 2:
        raise DataError(
            f"the target {column} has a single class ({_shown(_label(labels[0]))}) in all "
            f"{len(raw)} rows; classification needs at least 2 classes"
        )
    if len(labels) > MAX_CLASSES:
        hint = ""
        if texts:
            r = int(np.argmax(np.isnan(values[:, text_column])))
            hint = f"; row {table.rows[r]} holds {_shown(raw[r])}, which is not a number"
        raise DataError(
            f"the target {column} has {len(labels)} distinct values; classification allows at most "
            f"{MAX_CLASSES} classes (is it a regression target?){hint}"
        )
    classes = np.searchsorted(np.array(labels, dtype=object if texts else np.float64), raw).astype(np.int64)
    Y = _one_hot(classes, len(labels))
    return CsvTable("classification", X, Y, classes, class_labels=[_label(v) for v in labels], **names)


def read_csv_table(
    source: Any,
    target_columns: str | Sequence[str] | None = None,
    task: str | None = None,
    max_rows: int = 10_000,
    min_rows: int = 10,
) -> CsvTable:
    """Parse and validate a CSV once (steps 1-3 of ``load_csv``; see there for the format)."""
    task = _check_task(task)
    min_rows = _check_int("min_rows", min_rows, 2)
    max_rows = _check_int("max_rows", max_rows, min_rows)
    table = _read_table(source)  # step 1: read and parse
    _check_header(table)  # step 2: shape and caps
    target_idx = _target_indices(table.header, target_columns)
    _check_caps(table, max_rows)
    values = _numbers(table, _text_column(target_idx, task))
    if len(table.rows) < min_rows:
        found = "1 data row" if len(table.rows) == 1 else f"{len(table.rows)} data rows"
        raise DataError(f"the file has {found} after the header; at least {min_rows} are needed")
    return _pick_targets(table, values, target_idx, task)  # step 3


def split_csv(table: CsvTable, test_fraction: float = 0.3, seed: int = 0) -> Dataset:
    """Step 4: a seeded split of a parsed CSV (stratified for classification) as a ``Dataset``."""
    test_fraction = _check_real("test_fraction", test_fraction, *TEST_FRACTION_RANGE)
    train, test = _split(table.X.shape[0], test_fraction, _rng(seed), table.classes)
    return Dataset(
        name="csv",
        task=table.task,
        X_train=table.X[train],
        Y_train=table.Y[train],
        X_test=table.X[test],
        Y_test=table.Y[test],
        feature_names=list(table.feature_names),
        target_names=list(table.target_names),
        class_labels=None if table.class_labels is None else list(table.class_labels),
        domain=None,
    )


def load_csv(
    source: Any,
    target_columns: str | Sequence[str] | None = None,
    task: str | None = None,
    test_fraction: float = 0.3,
    seed: int = 0,
    max_rows: int = 10_000,
    min_rows: int = 10,
) -> Dataset:
    """A user's CSV as a ``Dataset``, validated; every problem is a ``DataError``.

    ``source``: a path (``pathlib.Path`` or any ``os.PathLike``; a plain ``str`` is always
    the CSV *text*, never a file name), ``bytes`` (UTF-8, BOM allowed), or a file-like object
    such as Streamlit's ``UploadedFile``. At most 32 MB (``MAX_CSV_BYTES``).

    Format: the first non-blank row is a header naming every column (unique, non-empty
    names); rows where every cell is blank are skipped; separator ``,`` (or ``;`` / tab if
    that is what the header uses); every other cell a finite decimal number (``1``, ``-2.5``,
    ``3e-4``) within ``±MAX_CSV_MAGNITUDE`` (larger ones overflow when standardized). Rows are
    numbered as a spreadsheet shows them: the header is row 1. Between ``min_rows`` and
    ``max_rows`` data rows, at most ``MAX_CSV_COLUMNS`` columns and ``MAX_CSV_CELLS`` cells.

    Targets: ``target_columns`` (a name or a list of names) or, by default, the last column;
    the other columns, in file order, are the features. Values are kept raw (not
    standardized): a page may standardize ``X`` itself.

    ``task``: ``"classification"`` (one target column; its distinct values, numeric or text,
    are the classes), ``"regression"`` (every target cell numeric) or ``None``: classification
    when a single target holds at most 10 distinct integer values, or holds text labels;
    otherwise regression. Classification needs 2 to 50 classes; ``class_labels`` lists them
    sorted (ints when integral), and ``Y`` is a 0/1 column (1 = ``class_labels[1]``) for two
    classes, one-hot ``(n, c)`` for ``c > 2``. The split is seeded, and stratified for
    classification; ``n_test = round(n * test_fraction)`` in ``[1, n - 1]``.

    Four steps, each its own function: read and parse (``_read_table``: pandas' C parser, numbers
    parsed in bulk), check shape and caps (``_check_header``, ``_check_caps``, ``_numbers``),
    pick features and targets (``_pick_targets``), split into a ``Dataset`` (``split_csv``).
    ``read_csv_table`` is the first three, for a caller that splits one file with many seeds.
    """
    _check_task(task)
    _check_real("test_fraction", test_fraction, *TEST_FRACTION_RANGE)
    _rng(seed)
    return split_csv(read_csv_table(source, target_columns, task, max_rows, min_rows), test_fraction, seed)


def plane_from_csv(
    table: CsvTable,
    test_fraction: float = 0.5,
    seed: int = 0,
    features: Sequence[str] = ("x1", "x2"),
    tf_compatible: bool = False,
) -> Dataset:
    """A Playground data set from a parsed CSV (``read_csv_table``) of two feature columns and one
    label (two classes) or target column: each feature column is mapped linearly onto ``DOMAIN``
    (its minimum to -6, its maximum to 6; a constant column to 0), so that the points are
    ``(x1, x2)`` in the Playground's square and the input features (``x1^2``, ``sin x1``, ...)
    and the boundary grid apply; then the seeded split of ``split_csv``. Binary labels are 0/1
    (``class_labels`` says which is which), -1/+1 with ``tf_compatible``; regression targets are
    kept as they are. DataError if the table has not that shape."""
    if table.X.shape[1] != 2:
        raise DataError(
            f"the Playground needs exactly two feature columns (x1, x2) and one label or target; the file "
            f"has {table.X.shape[1]} feature columns ({', '.join(map(_shown, table.feature_names[:4]))})"
        )
    if table.Y.shape[1] != 1:
        what = "classes" if table.task == "classification" else "targets"
        raise DataError(
            f"the Playground takes one label with two classes, or one target; the file has "
            f"{len(table.class_labels or table.target_names)} {what}"
        )
    names = _check_features(features)
    lo, hi = table.X.min(axis=0), table.X.max(axis=0)
    span = np.where(hi > lo, hi - lo, 1.0)
    points = np.where(hi > lo, DOMAIN[0] + (table.X - lo) / span * (DOMAIN[1] - DOMAIN[0]), 0.0)
    parts = split_csv(dataclasses.replace(table, X=points), test_fraction, seed)
    labels, threshold = None, 0.5
    if table.task == "classification":
        labels, threshold = list(table.class_labels), (0.0 if tf_compatible else 0.5)
        if tf_compatible:
            parts.Y_train, parts.Y_test = 2.0 * parts.Y_train - 1.0, 2.0 * parts.Y_test - 1.0
    return Dataset(
        name="csv",
        task=table.task,
        X_train=feature_map(parts.X_train, names),
        Y_train=parts.Y_train,
        X_test=feature_map(parts.X_test, names),
        Y_test=parts.Y_test,
        feature_names=names,
        target_names=list(table.target_names),
        class_labels=labels,
        domain=DOMAIN,
        raw_train=parts.X_train,
        raw_test=parts.X_test,
        label_threshold=threshold,
    )
