"""Class predictions, the confusion matrix and the mistakes of a classifier (pure NumPy).

Targets are one-hot rows ``Y (n, k)``; outputs are class scores ``P (n, k)`` (probabilities).
``labels(P)`` is ``argmax`` per row. ``confusion(true, pred, k)`` is ``(k, k)`` int64, row =
true class, column = predicted class, so the diagonal holds the correct answers and every
row sums to that class's count. ``mistakes`` lists the wrong rows, most confident first.
"""

from __future__ import annotations

import numpy as np


def labels(scores) -> np.ndarray:
    """``argmax`` of every row of ``scores (n, k)``: ``(n,)`` int64."""
    return np.asarray(scores).argmax(axis=1).astype(np.int64)


def confusion(true, pred, n_classes: int) -> np.ndarray:
    """``(n_classes, n_classes)`` counts, ``[t, p]`` = rows of true class ``t`` predicted ``p``."""
    true, pred = np.asarray(true, dtype=np.int64), np.asarray(pred, dtype=np.int64)
    out = np.zeros((n_classes, n_classes), dtype=np.int64)
    np.add.at(out, (true, pred), 1)
    return out


def mistakes(probabilities, Y, limit: int | None = None) -> np.ndarray:
    """Indices of the rows whose predicted class is not the target's, the most confident
    wrong answers first (by the probability given to the wrong class), at most ``limit``."""
    P = np.asarray(probabilities)
    true, pred = labels(Y), labels(P)
    wrong = np.flatnonzero(true != pred)
    order = np.argsort(-P[wrong, pred[wrong]], kind="stable")
    wrong = wrong[order]
    return wrong if limit is None else wrong[:limit]
