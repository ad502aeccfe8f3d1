"""Scores of a network's outputs, and the forward pass that produces them for a whole data set.

``accuracy``: with one output column the prediction is ``output > 0.5`` against ``target >
0.5``, otherwise ``argmax`` of the output against ``argmax`` of the one-hot target.
``r2_score``: the coefficient of determination ``R^2 = 1 - sum (y - t)^2 / sum (t - mean t)^2``
per output column, averaged over the columns (a constant column scores 1 if predicted
exactly, else 0, as scikit-learn's ``r2_score``). ``eval_outputs``: the output and its
pre-activation in evaluation mode, in chunks of rows. NumPy only.
"""

from __future__ import annotations

import math

import numpy as np

EVAL_CHUNK_BYTES = 8_000_000  # forward values held at once while evaluating


def accuracy(output: np.ndarray, target: np.ndarray, threshold: float = 0.5) -> float:
    """Fraction of rows classified right; ``output``/``target`` are ``(n, k)``.

    ``k = 1``: ``output > threshold`` against ``target > threshold`` (0.5 for 0/1 labels, the
    data set's ``label_threshold``: 0 for TF Playground's -1/+1); ``k > 1``: ``argmax`` of each
    row. NaN for ``n = 0``.
    """
    if output.shape[0] == 0:
        return math.nan
    if output.shape[1] == 1:
        right = (output[:, 0] > threshold) == (target[:, 0] > threshold)
    else:
        right = output.argmax(axis=1) == target.argmax(axis=1)
    return float(right.mean())


def r2_score(output: np.ndarray, target: np.ndarray) -> float:
    """``mean over columns j of 1 - sum_i (y_ij - t_ij)^2 / sum_i (t_ij - mean_i t_ij)^2``.

    A constant target column scores 1 if matched exactly, else 0. NaN for no rows.
    """
    if output.shape[0] == 0:
        return math.nan
    with np.errstate(all="ignore"):
        residual = ((output - target) ** 2).sum(axis=0)
        total = ((target - target.mean(axis=0)) ** 2).sum(axis=0)
        scores = np.where(total > 0, 1.0 - residual / np.where(total > 0, total, 1.0), (residual == 0) * 1.0)
    return float(scores.mean())


def eval_outputs(net, X: np.ndarray, chunk_bytes: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The output ``a[L]`` and its pre-activation ``s[L-1]`` of ``net`` for ``X (n, n_in)`` in
    evaluation mode, ``chunk_bytes`` (default ``EVAL_CHUNK_BYTES``) of forward values at a time
    (a deep network's full trace of a large data set would be big)."""
    chunk_bytes = EVAL_CHUNK_BYTES if chunk_bytes is None else chunk_bytes
    per_row = 8 * 4 * sum(net.sizes[1:])  # z, s, h, a of every layer, float64
    chunk = max(1, chunk_bytes // per_row)
    if len(X) <= chunk:
        trace = net.forward(X)
        return trace.a[-1], trace.s[-1]
    outputs, logits = [], []
    for i in range(0, len(X), chunk):
        trace = net.forward(X[i : i + chunk])  # dropped at the next chunk: only its output is kept
        outputs.append(trace.a[-1])
        logits.append(trace.s[-1])
    return np.concatenate(outputs), np.concatenate(logits)
