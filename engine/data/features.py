"""Playground's input features of 2-D points (``x1``, ``x2``, ``x1^2``, ..., ``sin x2``)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from engine.data.dataset import DataError, _shown

FEATURES = ("x1", "x2", "x1^2", "x2^2", "x1*x2", "sin x1", "sin x2")

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
