"""Batch normalization of a hidden layer's pre-activation ``z`` (Ioffe & Szegedy 2015, as PyTorch's
``BatchNorm1d``), the network's one kind of normalization layer.

Forward, for ``z`` ``(batch, n_out)`` and learnable ``gamma``, ``beta`` ``(n_out,)``::

    mu, var = mean and biased variance of z over the rows     (training: the batch's;
                                                                evaluation: the running ones)
    x_hat   = (z - mu) * inv_std,   inv_std = 1 / sqrt(var + BN_EPS)
    s       = gamma * x_hat + beta

Backward, from ``ds = dL/ds`` ``(batch, n_out)``::

    dL/dgamma = sum over rows of ds * x_hat        dL/dbeta = sum over rows of ds
    dxh       = gamma * ds
    dL/dz     = inv_std / B * (B dxh - sum dxh - x_hat sum(dxh x_hat))   (training: mu, var depend on z)
              = dxh * inv_std                                           (evaluation: they do not)

After a training step the running statistics move towards the batch's:
``running = (1 - BN_MOMENTUM) running + BN_MOMENTUM batch`` (the variance unbiased, ``B / (B - 1)``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

BN_EPS = 1e-5
BN_MOMENTUM = 0.1  # running = (1 - m) running + m batch, as PyTorch's BatchNorm1d


@dataclass(slots=True)
class BatchNormTrace:
    """Batch statistics of one batch-normalized layer, each ``(n_out,)``; ``x_hat`` is ``(batch, n_out)``."""

    mean: np.ndarray
    var: np.ndarray
    inv_std: np.ndarray
    x_hat: np.ndarray


def initial_state(widths: list[int], on: list[bool]) -> tuple[list, list, list, list]:
    """``(gammas, betas, running_mean, running_var)``, one entry per layer of width ``widths[l]``:
    ones, zeros, zeros, ones where ``on[l]``, None elsewhere."""
    return (
        [np.ones(n) if bn else None for n, bn in zip(widths, on)],
        [np.zeros(n) if bn else None for n, bn in zip(widths, on)],
        [np.zeros(n) if bn else None for n, bn in zip(widths, on)],
        [np.ones(n) if bn else None for n, bn in zip(widths, on)],
    )


def normalize(
    z: np.ndarray, gamma: np.ndarray, beta: np.ndarray, mean: np.ndarray | None, var: np.ndarray | None
) -> tuple[np.ndarray, BatchNormTrace]:
    """``(s, trace)`` of ``z`` ``(batch, n_out)``: with the batch's statistics when ``mean`` and
    ``var`` are None (training), else with the given (running) ones."""
    if mean is None:
        mean, var = z.mean(axis=0), z.var(axis=0)
    inv_std = 1.0 / np.sqrt(var + BN_EPS)
    x_hat = (z - mean) * inv_std
    return gamma * x_hat + beta, BatchNormTrace(mean, var, inv_std, x_hat)


def normalize_running(
    z: np.ndarray, gamma: np.ndarray, beta: np.ndarray, mean: np.ndarray, var: np.ndarray
) -> np.ndarray:
    """``s`` of ``z`` with the running statistics, keeping no trace (``Network.predict``)."""
    inv_std = 1.0 / np.sqrt(var + BN_EPS)
    return gamma * (z - mean) * inv_std + beta


def backward(
    ds: np.ndarray, stats: BatchNormTrace, gamma: np.ndarray, training: bool
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(dL/dz, dL/dgamma, dL/dbeta)`` from ``ds = dL/ds`` (module docstring's formulas)."""
    grad_gamma = (ds * stats.x_hat).sum(axis=0)
    grad_beta = ds.sum(axis=0)
    dx_hat = ds * gamma
    if not training:
        return dx_hat * stats.inv_std, grad_gamma, grad_beta
    batch = ds.shape[0]
    dz = (stats.inv_std / batch) * (
        batch * dx_hat - dx_hat.sum(axis=0) - stats.x_hat * (dx_hat * stats.x_hat).sum(axis=0)
    )
    return dz, grad_gamma, grad_beta


def running_update(
    running_mean: np.ndarray, running_var: np.ndarray, stats: BatchNormTrace, batch: int
) -> tuple[np.ndarray, np.ndarray]:
    """The running ``(mean, var)`` after a training step on ``batch`` rows (new arrays)."""
    unbiased = stats.var * batch / max(batch - 1, 1)
    return (
        (1 - BN_MOMENTUM) * running_mean + BN_MOMENTUM * stats.mean,
        (1 - BN_MOMENTUM) * running_var + BN_MOMENTUM * unbiased,
    )
