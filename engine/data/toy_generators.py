"""The point generators of the 2-D sets: each takes ``(n, noise, rng)`` (the multi-class ones
``(n, k, noise, rng)``) and returns points ``(n, 2)`` inside ``DOMAIN^2`` and targets ``(n,)``;
the regression surfaces (``sine_target``, ``plane_target``, ...) and the name -> generator tables.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from engine.data.dataset import DOMAIN, _sklearn_seed

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


_MULTICLASS_GENERATORS: dict[
    str, Callable[[int, int, float, np.random.Generator], tuple[np.ndarray, np.ndarray]]
] = {
    "spiral_k": _multi_spiral,
    "blobs_k": _multi_blobs,
}
