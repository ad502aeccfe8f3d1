"""Checks of what a ``Network`` is built from: the layer widths, the activation of every layer
and the output that the loss allows, a given set of weights and biases
(``Network.from_parameters``), and a replacement set (``Network.set_parameters``); every message
names the layer and the shape or choice expected.

Shapes: ``W[l]`` ``(n_in, n_out)``, ``b[l]`` ``(n_out,)``; ``W[l + 1]`` reads ``W[l]``'s
``n_out`` outputs. Batch-norm lists (``gammas``, ``betas``, ``running_mean``,
``running_var``) have one entry per layer, None where a layer has no batch norm.
"""

from __future__ import annotations

import numpy as np

from engine import checks
from engine.activations import OUTPUT_ACTIVATIONS
from engine.losses import get_loss

BATCH_NORM_LISTS = ("gammas", "betas", "running_mean", "running_var")


def check_sizes(sizes) -> list[int]:
    """``sizes = [n_in, h1, ..., n_out]`` as a list of ints, at least two, each >= 1."""
    try:
        sizes = list(sizes)
    except TypeError:
        raise ValueError(f"sizes must be a list of layer widths, got {sizes!r}") from None
    if len(sizes) < 2:
        raise ValueError(f"sizes needs at least an input and an output width, got {sizes}")
    return [checks.integer(f"sizes[{i}]", n, 1) for i, n in enumerate(sizes)]


def activation_names(activation, output_activation: str | None, loss: str, n_hidden: int) -> list[str]:
    """The activation of every layer: ``activation`` (one name, or a list with one name per hidden
    layer) for the ``n_hidden`` hidden layers, then the output's, by default what ``loss`` needs
    (``Loss.default_output``); ValueError if the output and the loss do not go together."""
    names = [activation] * n_hidden if isinstance(activation, str) else list(activation)
    if len(names) != n_hidden:
        raise ValueError(f"activation list has {len(names)} names; the network has {n_hidden} hidden layers")
    loss_fn = get_loss(loss)
    output_name = output_activation or loss_fn.default_output
    if output_name not in OUTPUT_ACTIVATIONS:
        raise ValueError(
            f"unknown output activation {output_name!r}; choose one of: {', '.join(OUTPUT_ACTIVATIONS)}"
        )
    required = loss_fn.output_activation
    if required and output_name != required:
        raise ValueError(f"loss {loss!r} needs output_activation {required!r}, got {output_name!r}")
    if output_name == "softmax" and loss != "cross_entropy":
        raise ValueError("a softmax output is only allowed with the cross_entropy loss")
    return names + [output_name]


def given_layers(weights, biases) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Copies of ``weights`` and ``biases`` as float64 arrays, checked: finite numbers, one bias
    vector per weight matrix, each ``W[l]`` 2-D and reading the previous layer's outputs."""
    if len(weights) == 0 or len(weights) != len(biases):
        raise ValueError(
            f"need one bias vector per weight matrix and at least one layer; "
            f"got {len(weights)} weight matrices and {len(biases)} bias vectors"
        )
    W = [checks.float_array(w, f"weights[{l}]").copy() for l, w in enumerate(weights)]
    b = [checks.float_array(v, f"biases[{l}]").copy() for l, v in enumerate(biases)]
    for l, w in enumerate(W):
        if w.ndim != 2 or min(w.shape) < 1:
            raise ValueError(f"weights[{l}] must be a non-empty 2-D (n_in, n_out) array, got shape {w.shape}")
        if l > 0 and w.shape[0] != W[l - 1].shape[1]:
            raise ValueError(
                f"weights[{l}] has shape {w.shape}; expected ({W[l - 1].shape[1]}, n_out) "
                f"because layer {l - 1} has {W[l - 1].shape[1]} outputs"
            )
        if b[l].shape != (w.shape[1],):
            raise ValueError(f"biases[{l}] has shape {b[l].shape}; expected ({w.shape[1]},)")
    return W, b


def check_replacement(network, weights, biases, batch_norm_lists: dict) -> None:
    """ValueError unless ``weights``, ``biases`` and each list of ``batch_norm_lists`` (name in
    ``BATCH_NORM_LISTS`` -> list or None) have ``network``'s own shapes, layer by layer."""
    L = network.n_layers
    if len(weights) != L or len(biases) != L:
        raise ValueError(
            f"expected {L} weight matrices and {L} bias vectors, got {len(weights)} and {len(biases)}"
        )
    for l, (w, b) in enumerate(zip(weights, biases)):
        if np.shape(w) != network.weights[l].shape or np.shape(b) != network.biases[l].shape:
            raise ValueError(
                f"layer {l}: expected W {network.weights[l].shape} and b {network.biases[l].shape}"
            )
    for name, values in batch_norm_lists.items():
        if values is None:
            continue
        current = getattr(network, name)
        if len(values) != L or any(
            (v is None) != (c is None) or (c is not None and np.shape(v) != c.shape)
            for v, c in zip(values, current)
        ):
            raise ValueError(f"{name} must have one entry per layer, shaped like the network's own")


def input_batch(X, n_in: int) -> np.ndarray:
    """``X`` as a float64 ``(batch, n_in)`` array, batch >= 1 (one row ``(n_in,)`` made a batch of one)."""
    X = checks.float_array(X, "X")
    if X.ndim == 1 and n_in == X.shape[0]:
        X = X[None, :]
    if X.ndim != 2 or X.shape[1] != n_in or X.shape[0] < 1:
        raise ValueError(f"X must be (batch, {n_in}) with batch >= 1, got shape {X.shape}")
    return X


def target_batch(Y, batch: int, n_out: int, loss_fn) -> np.ndarray:
    """``Y`` as a float64 ``(batch, n_out)`` array (a ``(batch,)`` column when ``n_out`` is 1) that
    ``loss_fn`` accepts as targets."""
    Y = checks.float_array(Y, "Y")
    if Y.ndim == 1 and n_out == 1 and Y.shape[0] == batch:
        Y = Y[:, None]
    if Y.shape != (batch, n_out):
        raise ValueError(f"Y must be ({batch}, {n_out}) to match X and the output layer, got shape {Y.shape}")
    loss_fn.check_targets(Y)
    return Y
