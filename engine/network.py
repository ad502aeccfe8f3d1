"""A fully connected network whose every forward value, gradient and update is kept.

Conventions (as scikit-learn's MLP): ``X`` is ``(batch, n_in)``, rows are samples. Layer
``l`` (0-based, ``L`` layers for ``len(sizes) = L + 1``) maps ``a[l]`` to ``a[l+1]``:

    z[l]   = a[l] @ W[l] + b[l]                  W[l]: (n_in, n_out), b[l]: (n_out,)
    s[l]   = gamma[l] * (z[l] - mu) / sqrt(var + eps) + beta[l]    (batch norm, hidden only)
           = z[l]                                                   (otherwise)
    h[l]   = f_l(s[l])
    a[l+1] = a[l] + r m[l] h[l]   with a residual (skip) connection (r = residual_scale), else m[l] h[l]

``m[l]`` is the dropout mask of hidden layer ``l`` in training mode (inverted dropout with rate
``p = dropout``: each entry ``1/(1-p)`` with probability ``1-p``, else 0; none at the output, in
evaluation mode, or with ``p = 0``). It is drawn from ``default_rng([dropout_seed, steps_taken,
l])``, so every forward pass of one step (the step itself, a gradient check, a replay or a
resume from it) sees the same mask; ``Step.dropout_masks`` records it.

``a[0]`` is ``X``; ``a[L]`` is the output. The backward pass is the chain rule, layer by
layer from the output:

    da[L]    = dL/dy                                   (from the loss)
    dL/ds[l] = da[l+1] * m[l] * f_l'(s[l])             (fused with the loss at the output;
                                                        times r with a skip)
    delta[l] = dL/dz[l] = dL/ds[l]                     (no batch norm)
             = inv_std/B * (B dxh - sum dxh - xh sum(dxh xh)),  dxh = gamma dL/ds  (batch norm)
    grad_W[l] = a[l].T @ delta[l]      grad_b[l] = sum over rows of delta[l]
    da[l]    = delta[l] @ W[l].T  (+ da[l+1] with a skip)

Parameter arrays are never changed in place: an update makes new arrays, so a recorded
``Step`` can hold the parameters it was computed with by reference, without copying.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from numbers import Integral, Real

import numpy as np

from engine.activations import OUTPUT_ACTIVATIONS, Activation, get_activation
from engine.init import INITS, init_weights
from engine.losses import Loss, get_loss
from engine.optim import SGD, Optimizer

BN_EPS = 1e-5
BN_MOMENTUM = 0.1  # running = (1 - m) running + m batch, as PyTorch's BatchNorm1d
MAX_DROPOUT = 0.9


@dataclass(slots=True)
class BatchNormTrace:
    """Batch statistics of one batch-normalized layer, each ``(n_out,)``; ``x_hat`` is ``(batch, n_out)``."""

    mean: np.ndarray
    var: np.ndarray
    inv_std: np.ndarray
    x_hat: np.ndarray


@dataclass(slots=True)
class Trace:
    """Every forward value: ``a`` has ``L + 1`` entries, the others ``L``.

    ``bn[l]`` is None for a layer without batch norm."""

    a: list[np.ndarray]
    z: list[np.ndarray]
    s: list[np.ndarray]
    h: list[np.ndarray]
    bn: list[BatchNormTrace | None]
    training: bool
    masks: list[np.ndarray | None] | None = None  # dropout masks per layer (None: no dropout)

    @property
    def output(self) -> np.ndarray:
        return self.a[-1]


@dataclass(slots=True)
class Gradients:
    """The backward pass: ``da`` (``L + 1`` entries, ``da[0] = dL/dX``), the rest ``L``.

    ``delta[l] = dL/dz[l]``; ``delta_s[l] = dL/ds[l]`` (the activation's input; the same
    array as ``delta[l]`` without batch norm); ``grad_gamma``/``grad_beta`` None without it.
    """

    loss: float
    da: list[np.ndarray]
    delta: list[np.ndarray]
    delta_s: list[np.ndarray]
    grad_W: list[np.ndarray]
    grad_b: list[np.ndarray]
    grad_gamma: list[np.ndarray | None]
    grad_beta: list[np.ndarray | None]


@dataclass
class Divergence:
    """Where a step first went non-finite. ``layer`` is 0-based, or None for the loss."""

    quantity: str
    layer: int | None
    message: str


@dataclass(slots=True)
class Step:
    """One training step: forward values, loss, backward values and the update applied.

    All forward and backward values are from *before* the update. ``weights``/``biases``
    (and ``gammas``/``betas``, ``running_mean``/``running_var``) are the parameters and
    batch-norm statistics the step started from; ``update_*[l]``
    is exactly what was added to them (zeros if the step diverged and nothing was applied).
    ``penalty_grad_W[l]`` is the L1/L2 penalty's part of the gradient, kept apart from the
    data loss's ``grad_W[l]``. ``grad_norm_before_clip``/``_after_clip`` are the global
    gradient norms around clipping by norm (NaN when no clipping by norm is set).
    """

    index: int
    loss: float
    z: list[np.ndarray]
    a: list[np.ndarray]
    s: list[np.ndarray]
    da: list[np.ndarray]
    delta: list[np.ndarray]
    delta_s: list[np.ndarray]
    grad_W: list[np.ndarray]
    grad_b: list[np.ndarray]
    update_W: list[np.ndarray]
    update_b: list[np.ndarray]
    weights: list[np.ndarray]
    biases: list[np.ndarray]
    lr: float
    penalty: float = 0.0
    _penalty_grad_W: list[np.ndarray] | None = None
    grad_norm_before_clip: float = math.nan
    grad_norm_after_clip: float = math.nan
    gammas: list[np.ndarray | None] = field(default_factory=list)
    betas: list[np.ndarray | None] = field(default_factory=list)
    grad_gamma: list[np.ndarray | None] = field(default_factory=list)
    grad_beta: list[np.ndarray | None] = field(default_factory=list)
    update_gamma: list[np.ndarray | None] = field(default_factory=list)
    update_beta: list[np.ndarray | None] = field(default_factory=list)
    running_mean: list[np.ndarray | None] = field(default_factory=list)
    running_var: list[np.ndarray | None] = field(default_factory=list)
    divergence: Divergence | None = None
    dropout_masks: list[np.ndarray | None] = field(default_factory=list)  # m[l], (batch, n_out) or None

    @property
    def penalty_grad_W(self) -> list[np.ndarray]:
        """The L1/L2 penalty's part of dL/dW per layer (zeros when no penalty is set)."""
        if self._penalty_grad_W is None:
            return [np.zeros_like(w) for w in self.weights]
        return self._penalty_grad_W

    @property
    def diverged(self) -> bool:
        return self.divergence is not None

    @property
    def n_layers(self) -> int:
        return len(self.grad_W)


_sum = np.add.reduce


def skip_layers(sizes: list[int]) -> list[bool]:
    """Which of the ``L = len(sizes) - 1`` layers get a residual connection when it is on: every
    hidden layer but the first (which reads the data) whose input is as wide as its output;
    never the output layer."""
    L = len(sizes) - 1
    return [1 <= l < L - 1 and sizes[l] == sizes[l + 1] for l in range(L)]


def stable_residual_scale(n_skips: int) -> float:
    """The residual branch scale ``r = 1 / sqrt(n_skips)`` (1 without skips) that keeps a deep
    residual stack's variance of order one: with ``r = 1`` every skip adds the branch's
    variance to the stream's, so after ``k`` skips it is about ``k + 1`` times a layer's for
    tanh and doubles per layer for ReLU with He init (a 20-layer ReLU net overflows within 3
    steps); with ``r = 1/sqrt(k)`` the ``k`` branches add up to about one layer's variance,
    whatever the depth (the "scaled residual" of Hayou et al. 2021, "Stable ResNet")."""
    if isinstance(n_skips, bool) or not isinstance(n_skips, Integral) or n_skips < 0:
        raise ValueError(f"the number of skips must be a whole number >= 0, got {n_skips!r}")
    return 1.0 / math.sqrt(int(n_skips)) if n_skips else 1.0


def _all_finite(arrays) -> bool:
    """True when every element of every array is finite (one sum per array: cheap, since
    a NaN or infinity anywhere makes the sum non-finite)."""
    return math.isfinite(sum(float(_sum(x, axis=None)) for x in arrays if x is not None))


def _as_float_matrix(values, what: str) -> np.ndarray:
    """Convert to a float64 array, with a ValueError naming ``what`` on failure."""
    if type(values) is np.ndarray and values.dtype == np.float64:
        array = values
    else:
        try:
            array = np.asarray(values, dtype=np.float64)
        except (TypeError, ValueError):
            raise ValueError(f"{what} must contain only numbers") from None
    if not _all_finite([array]):
        if np.isfinite(array).all():  # finite, but so large that the sum overflowed
            raise ValueError(f"{what} has values too large to compute with (above 1e300)")
        raise ValueError(f"{what} contains NaN or infinite values")
    return array


class Network:
    """A multilayer perceptron with named activations, loss and initialization.

    ``Network(sizes=[2, 8, 8, 1], activation="tanh", output_activation="sigmoid",
    loss="bce", init="xavier_uniform", seed=0)``

    - ``activation``: one name for every hidden layer, or a list with one name per hidden
      layer; ``output_activation`` defaults to what the loss needs (sigmoid for ``bce``,
      softmax for ``cross_entropy``, linear otherwise).
    - ``init``/``init_scale``/``bias_init``: see ``engine.init``; same seed, same network.
    - ``batch_norm``: normalize every hidden layer's ``z`` over the batch (training mode),
      with learnable ``gamma``/``beta`` and running statistics for evaluation.
    - ``residual``: ``a[l+1] = a[l] + residual_scale * f(s[l])`` for each hidden-to-hidden
      layer of equal width. With ``residual_scale = 1`` the variance of ``a`` adds up layer
      after layer (doubling per layer for ReLU with He init), so a deep residual network
      without batch norm overflows; ``1/sqrt(number of skips)`` keeps it of order one
      (the "scaled residual" of Hayou et al. 2021; Fixup and SkipInit are relatives).
    """

    def __init__(
        self,
        sizes,
        activation: str | list[str] = "tanh",
        output_activation: str | None = None,
        loss: str = "mse",
        init: str = "xavier_uniform",
        init_scale: float = 1.0,
        bias_init: float = 0.0,
        seed: int | None = None,
        batch_norm: bool = False,
        residual: bool = False,
        residual_scale: float = 1.0,
        dropout: float = 0.0,
    ) -> None:
        sizes = self._check_sizes(sizes)
        if init not in INITS:
            raise ValueError(f"unknown init {init!r}; choose one of: {', '.join(INITS)}")
        for name, value in (("init_scale", init_scale), ("bias_init", bias_init)):
            if not isinstance(value, Real) or not math.isfinite(value):
                raise ValueError(f"{name} must be a finite number, got {value!r}")
        rng = np.random.default_rng(seed)
        weights = [
            init_weights(init, n_in, n_out, rng, init_scale) for n_in, n_out in zip(sizes[:-1], sizes[1:])
        ]
        biases = [np.full(n_out, float(bias_init)) for n_out in sizes[1:]]
        self._setup(
            weights, biases, activation, output_activation, loss, batch_norm, residual, residual_scale
        )
        self.init = init
        self.init_scale = init_scale
        self.seed = seed
        self.dropout = dropout
        self.dropout_seed = seed or 0

    @classmethod
    def from_parameters(
        cls,
        weights,
        biases,
        activation: str | list[str] = "sigmoid",
        output_activation: str | None = None,
        loss: str = "sse",
        batch_norm: bool = False,
        residual: bool = False,
        residual_scale: float = 1.0,
    ) -> Network:
        """Build a network from given weights ``W[l]: (n_in, n_out)`` and biases ``b[l]: (n_out,)``.

        The arrays are copied. Raises ValueError naming the layer and the expected shape.
        """
        if len(weights) == 0 or len(weights) != len(biases):
            raise ValueError(
                f"need one bias vector per weight matrix and at least one layer; "
                f"got {len(weights)} weight matrices and {len(biases)} bias vectors"
            )
        W = [_as_float_matrix(w, f"weights[{l}]").copy() for l, w in enumerate(weights)]
        b = [_as_float_matrix(v, f"biases[{l}]").copy() for l, v in enumerate(biases)]
        for l, w in enumerate(W):
            if w.ndim != 2 or min(w.shape) < 1:
                raise ValueError(
                    f"weights[{l}] must be a non-empty 2-D (n_in, n_out) array, got shape {w.shape}"
                )
            if l > 0 and w.shape[0] != W[l - 1].shape[1]:
                raise ValueError(
                    f"weights[{l}] has shape {w.shape}; expected ({W[l - 1].shape[1]}, n_out) "
                    f"because layer {l - 1} has {W[l - 1].shape[1]} outputs"
                )
            if b[l].shape != (w.shape[1],):
                raise ValueError(f"biases[{l}] has shape {b[l].shape}; expected ({w.shape[1]},)")
        net = cls.__new__(cls)
        net._setup(W, b, activation, output_activation, loss, batch_norm, residual, residual_scale)
        net.init, net.init_scale, net.seed = "given", 1.0, None
        return net

    # ------------------------------------------------------------------ set-up
    @staticmethod
    def _check_sizes(sizes) -> list[int]:
        try:
            sizes = list(sizes)
        except TypeError:
            raise ValueError(f"sizes must be a list of layer widths, got {sizes!r}") from None
        if len(sizes) < 2:
            raise ValueError(f"sizes needs at least an input and an output width, got {sizes}")
        for i, n in enumerate(sizes):
            if isinstance(n, bool) or not isinstance(n, Integral) or n < 1:
                raise ValueError(f"sizes[{i}] must be an integer >= 1, got {n!r}")
        return [int(n) for n in sizes]

    def _setup(
        self, weights, biases, activation, output_activation, loss, batch_norm, residual, residual_scale
    ):
        if (
            isinstance(residual_scale, bool)
            or not isinstance(residual_scale, Real)
            or not (math.isfinite(residual_scale) and residual_scale > 0)
        ):
            raise ValueError(f"residual_scale must be a finite number > 0, got {residual_scale!r}")
        self.weights: list[np.ndarray] = weights
        self.biases: list[np.ndarray] = biases
        self.sizes = [weights[0].shape[0]] + [w.shape[1] for w in weights]
        n_hidden = len(weights) - 1
        names = [activation] * n_hidden if isinstance(activation, str) else list(activation)
        if len(names) != n_hidden:
            raise ValueError(
                f"activation list has {len(names)} names; the network has {n_hidden} hidden layers"
            )
        self.loss_fn: Loss = get_loss(loss)
        output_name = output_activation or self.loss_fn.default_output
        if output_name not in OUTPUT_ACTIVATIONS:
            raise ValueError(
                f"unknown output activation {output_name!r}; choose one of: {', '.join(OUTPUT_ACTIVATIONS)}"
            )
        required = self.loss_fn.output_activation
        if required and output_name != required:
            raise ValueError(f"loss {loss!r} needs output_activation {required!r}, got {output_name!r}")
        if output_name == "softmax" and loss != "cross_entropy":
            raise ValueError("a softmax output is only allowed with the cross_entropy loss")
        self.activation_names = names + [output_name]
        self.activations: list[Activation] = [get_activation(n) for n in names] + [
            get_activation(output_name, allowed=OUTPUT_ACTIVATIONS)
        ]
        self.loss = loss
        self.batch_norm = bool(batch_norm)
        self.residual = bool(residual)
        self.residual_scale = float(residual_scale)
        L = len(weights)
        self.bn_layers = [self.batch_norm and l < L - 1 for l in range(L)]
        self.skip = [self.residual and k for k in skip_layers(self.sizes)]
        self.gammas = [np.ones(n) if bn else None for n, bn in zip(self.sizes[1:], self.bn_layers)]
        self.betas = [np.zeros(n) if bn else None for n, bn in zip(self.sizes[1:], self.bn_layers)]
        self.running_mean = [np.zeros(n) if bn else None for n, bn in zip(self.sizes[1:], self.bn_layers)]
        self.running_var = [np.ones(n) if bn else None for n, bn in zip(self.sizes[1:], self.bn_layers)]
        self.steps_taken = 0
        self.dropout = 0.0
        self.dropout_seed = 0
        self._plain_sgd = SGD(0.0)
        self._decay_mask_cache = [True, False] * L + [False, False] * sum(self.bn_layers)

    @property
    def n_layers(self) -> int:
        """Number of weight layers ``L`` (hidden layers + 1)."""
        return len(self.weights)

    @property
    def dropout(self) -> float:
        """The dropout rate ``p`` of every hidden layer in training mode, in ``[0, MAX_DROPOUT]``."""
        return self._dropout

    @dropout.setter
    def dropout(self, value: float) -> None:
        if isinstance(value, bool) or not isinstance(value, Real) or not 0.0 <= value <= MAX_DROPOUT:
            raise ValueError(f"dropout must be a number from 0 to {MAX_DROPOUT}, got {value!r}")
        self._dropout = float(value)

    def dropout_masks(self, batch: int) -> list[np.ndarray | None]:
        """The masks ``m[l]`` (``(batch, sizes[l+1])``, entries 0 or ``1/(1-p)``) of this step's
        training forward passes: None at the output and when ``dropout`` is 0. Drawn from
        ``default_rng([dropout_seed, steps_taken, l])``: the same for every pass of one step."""
        L, p = self.n_layers, self._dropout
        if p == 0.0:
            return [None] * L
        masks: list[np.ndarray | None] = []
        for l in range(L):
            if l == L - 1:
                masks.append(None)
                continue
            rng = np.random.default_rng([self.dropout_seed, self.steps_taken, l])
            masks.append((rng.random((batch, self.sizes[l + 1])) >= p) / (1.0 - p))
        return masks

    def describe(self) -> str:
        """A one-line summary such as ``2-8-8-1 tanh/sigmoid, bce``."""
        hidden = sorted(set(self.activation_names[:-1])) or ["-"]
        residual = "residual" if self.residual_scale == 1.0 else f"residual x{self.residual_scale:.3g}"
        extras = [x for x, on in (("batch norm", self.batch_norm), (residual, self.residual)) if on]
        text = f"{'-'.join(map(str, self.sizes))} {'/'.join(hidden)}/{self.activation_names[-1]}, {self.loss}"
        return text + (f" ({', '.join(extras)})" if extras else "")

    def copy(self) -> Network:
        """An independent copy (parameters are immutable by convention, so lists suffice)."""
        clone = self.__class__.__new__(self.__class__)
        clone.__dict__.update(self.__dict__)
        for name in ("weights", "biases", "gammas", "betas", "running_mean", "running_var"):
            setattr(clone, name, list(getattr(self, name)))
        return clone

    # ------------------------------------------------------------------ parameters
    def parameters(self) -> list[np.ndarray]:
        """All trainable arrays, in order ``W0, b0, W1, b1, ...``, then ``gamma, beta`` per BN layer."""
        params = [p for pair in zip(self.weights, self.biases) for p in pair]
        for gamma, beta in zip(self.gammas, self.betas):
            if gamma is not None:
                params += [gamma, beta]
        return params

    def _decay_mask(self) -> list[bool]:
        """Which entries of ``parameters()`` are weights (penalized by L1/L2): the W's only."""
        return self._decay_mask_cache

    # ------------------------------------------------------------------ input checks
    def _check_inputs(self, X) -> np.ndarray:
        X = _as_float_matrix(X, "X")
        if X.ndim == 1 and self.sizes[0] == X.shape[0]:
            X = X[None, :]
        if X.ndim != 2 or X.shape[1] != self.sizes[0] or X.shape[0] < 1:
            raise ValueError(f"X must be (batch, {self.sizes[0]}) with batch >= 1, got shape {X.shape}")
        return X

    def _check_targets(self, Y, batch: int) -> np.ndarray:
        Y = _as_float_matrix(Y, "Y")
        n_out = self.sizes[-1]
        if Y.ndim == 1 and n_out == 1 and Y.shape[0] == batch:
            Y = Y[:, None]
        if Y.shape != (batch, n_out):
            raise ValueError(
                f"Y must be ({batch}, {n_out}) to match X and the output layer, got shape {Y.shape}"
            )
        self.loss_fn.check_targets(Y)
        return Y

    # ------------------------------------------------------------------ forward
    def forward(self, X, training: bool = False) -> Trace:
        """All forward values for ``X: (batch, n_in)``; batch norm uses running statistics
        unless ``training`` (then batch statistics, and nothing is updated)."""
        X = self._check_inputs(X)
        with np.errstate(all="ignore"):
            return self._forward(X, training)

    def predict(self, X) -> np.ndarray:
        """The output ``a[L]``, ``(batch, n_out)``, in evaluation mode, keeping no trace (so a
        large batch through a deep network holds one layer's values at a time)."""
        X = self._check_inputs(X)
        with np.errstate(all="ignore"):
            a = X
            for l, (W, b, act) in enumerate(zip(self.weights, self.biases, self.activations)):
                s = a @ W + b
                if self.bn_layers[l]:
                    inv_std = 1.0 / np.sqrt(self.running_var[l] + BN_EPS)
                    s = self.gammas[l] * (s - self.running_mean[l]) * inv_std + self.betas[l]
                h = act.function(s)
                a = a + self.residual_scale * h if self.skip[l] else h
            return a

    def _forward(self, X: np.ndarray, training: bool) -> Trace:
        a, z, s, h, bn = [X], [], [], [], []
        masks = self.dropout_masks(X.shape[0]) if training and self._dropout else None
        for l, (W, b, act) in enumerate(zip(self.weights, self.biases, self.activations)):
            z_l = a[l] @ W + b
            if self.bn_layers[l]:
                if training:
                    mean, var = z_l.mean(axis=0), z_l.var(axis=0)
                else:
                    mean, var = self.running_mean[l], self.running_var[l]
                inv_std = 1.0 / np.sqrt(var + BN_EPS)
                x_hat = (z_l - mean) * inv_std
                s_l = self.gammas[l] * x_hat + self.betas[l]
                bn.append(BatchNormTrace(mean, var, inv_std, x_hat))
            else:
                s_l = z_l
                bn.append(None)
            h_l = act.function(s_l)
            z.append(z_l)
            s.append(s_l)
            h.append(h_l)
            kept = h_l if masks is None or masks[l] is None else h_l * masks[l]
            a.append(a[l] + self.residual_scale * kept if self.skip[l] else kept)
        return Trace(a, z, s, h, bn, training, masks)

    # ------------------------------------------------------------------ backward
    def backward(self, trace: Trace, Y) -> Gradients:
        """The chain rule through ``trace`` for targets ``Y: (batch, n_out)``."""
        Y = self._check_targets(Y, trace.a[0].shape[0])
        with np.errstate(all="ignore"):
            return self._backward(trace, Y)

    def _backward(self, trace: Trace, Y: np.ndarray) -> Gradients:
        L = self.n_layers
        y, z_out = trace.a[L], trace.s[L - 1]
        loss_fn = self.loss_fn
        da: list = [None] * (L + 1)
        delta: list = [None] * L
        delta_s: list = [None] * L
        grad_W: list = [None] * L
        grad_b: list = [None] * L
        grad_gamma: list = [None] * L
        grad_beta: list = [None] * L
        loss = loss_fn.value(y, z_out, Y)
        da[L] = loss_fn.grad_output(y, z_out, Y)
        for l in range(L - 1, -1, -1):
            if l == L - 1 and loss_fn.fused_delta is not None:
                ds = loss_fn.fused_delta(y, z_out, Y)
            else:
                upstream = (
                    da[l + 1] if trace.masks is None or trace.masks[l] is None else da[l + 1] * trace.masks[l]
                )
                ds = upstream * self.activations[l].derivative(trace.s[l], trace.h[l])
                if self.skip[l] and self.residual_scale != 1.0:
                    ds = ds * self.residual_scale
            stats = trace.bn[l]
            if stats is None:
                dz = ds
            else:
                grad_gamma[l] = (ds * stats.x_hat).sum(axis=0)
                grad_beta[l] = ds.sum(axis=0)
                dx_hat = ds * self.gammas[l]
                if trace.training:
                    batch = ds.shape[0]
                    dz = (stats.inv_std / batch) * (
                        batch * dx_hat - dx_hat.sum(axis=0) - stats.x_hat * (dx_hat * stats.x_hat).sum(axis=0)
                    )
                else:
                    dz = dx_hat * stats.inv_std
            delta_s[l] = ds
            delta[l] = dz
            grad_W[l] = trace.a[l].T @ dz
            grad_b[l] = _sum(dz, axis=0)
            da[l] = dz @ self.weights[l].T
            if self.skip[l]:
                da[l] = da[l] + da[l + 1]
        return Gradients(loss, da, delta, delta_s, grad_W, grad_b, grad_gamma, grad_beta)

    def loss_value(self, X, Y, training: bool = True) -> float:
        """The data loss for ``X``, ``Y`` (batch statistics when ``training``); used by gradcheck."""
        X = self._check_inputs(X)
        Y = self._check_targets(Y, X.shape[0])
        with np.errstate(all="ignore"):
            trace = self._forward(X, training)
            return self.loss_fn.value(trace.a[-1], trace.s[-1], Y)

    # ------------------------------------------------------------------ divergence
    def _find_divergence(self, trace: Trace, grads: Gradients) -> Divergence | None:
        """The first non-finite value in computation order, or None if all are finite."""
        for l in range(self.n_layers):
            if not np.isfinite(trace.a[l + 1]).all():
                return Divergence(
                    "activation",
                    l,
                    f"the forward pass overflowed in layer {l + 1}: its activations are not finite",
                )
        if not math.isfinite(grads.loss):
            return Divergence("loss", None, f"the loss is not finite ({grads.loss})")
        for l in range(self.n_layers - 1, -1, -1):
            if not _all_finite([grads.grad_W[l], grads.grad_b[l], grads.grad_gamma[l], grads.grad_beta[l]]):
                return Divergence(
                    "gradient",
                    l,
                    f"the gradient dL/dW of layer {l + 1} is not finite (it exploded in the backward pass)",
                )
        return None

    # ------------------------------------------------------------------ training
    def train_step(
        self, X, Y, lr: float | None = None, optimizer: Optimizer | None = None, fixed_biases: bool = False
    ) -> Step:
        """One full-batch step: forward, backward, update (plain SGD with ``lr``, or ``optimizer``).

        ``fixed_biases``: the biases keep their values (their update is zero; ``grad_b`` is
        still computed and reported), as in Matt Mazur's worked example, which updates weights only.

        If the loss, a gradient or an update is not finite, nothing is applied: the
        parameters keep their last finite values and ``step.divergence`` says where.
        """
        if optimizer is None:
            if lr is None:
                raise ValueError("train_step needs lr= (plain SGD) or optimizer=")
            if not (isinstance(lr, Real) and math.isfinite(lr) and lr >= 0):
                raise ValueError(f"lr must be a finite number >= 0, got {lr!r}")
            optimizer = self._plain_sgd  # stateless: one per network, lr set per call
            optimizer.lr = lr
        X = self._check_inputs(X)
        Y = self._check_targets(Y, X.shape[0])
        with np.errstate(all="ignore"):
            trace = self._forward(X, training=True)
            grads = self._backward(trace, Y)
            grad_list = [g for pair in zip(grads.grad_W, grads.grad_b) for g in pair]
            for gg, gb in zip(grads.grad_gamma, grads.grad_beta):
                if gg is not None:
                    grad_list += [gg, gb]
            proposal = optimizer.propose(self.parameters(), grad_list, self._decay_mask())
            if fixed_biases:  # b0, b1, ... sit at the odd places of W0, b0, W1, b1, ...
                proposal.updates[1 : 2 * self.n_layers : 2] = [np.zeros_like(b) for b in self.biases]
            # A non-finite gradient makes a non-finite update, so checking the loss and the
            # updates is enough in the common case; only then is the cause looked for.
            divergence = None
            if not (math.isfinite(grads.loss) and _all_finite(proposal.updates)):
                divergence = self._find_divergence(trace, grads) or Divergence(
                    "update",
                    None,
                    f"the update overflowed (learning rate {proposal.lr:g} is too large for these gradients)",
                )
        step = self._record(trace, grads, proposal, divergence, optimizer)
        if divergence is None:
            optimizer.commit(proposal)
            self._apply(step, trace)
        self.steps_taken += 1
        return step

    def _record(self, trace, grads, proposal, divergence, optimizer) -> Step:
        L = self.n_layers
        if divergence is None:
            updates = proposal.updates
            update_W, update_b = updates[0 : 2 * L : 2], updates[1 : 2 * L : 2]
            update_gamma, update_beta = [None] * L, [None] * L
            bn_updates = iter(updates[2 * L :])
            for l in range(L):
                if self.bn_layers[l]:
                    update_gamma[l], update_beta[l] = next(bn_updates), next(bn_updates)
            penalty_grads = proposal.penalty_grads
            penalty_grad_W = None if penalty_grads is None else penalty_grads[0 : 2 * L : 2]
            extra = dict(
                lr=proposal.lr,
                penalty=proposal.penalty,
                grad_norm_before_clip=proposal.grad_norm_before_clip,
                grad_norm_after_clip=proposal.grad_norm_after_clip,
            )
        else:
            update_W = [np.zeros_like(w) for w in self.weights]
            update_b = [np.zeros_like(b) for b in self.biases]
            update_gamma = [None if g is None else np.zeros_like(g) for g in self.gammas]
            update_beta = [None if g is None else np.zeros_like(g) for g in self.betas]
            penalty_grad_W = None
            extra = dict(lr=optimizer.current_lr())
        return Step(
            index=self.steps_taken,
            loss=grads.loss,
            z=trace.z,
            a=trace.a,
            s=trace.s,
            da=grads.da,
            delta=grads.delta,
            delta_s=grads.delta_s,
            grad_W=grads.grad_W,
            grad_b=grads.grad_b,
            update_W=update_W,
            update_b=update_b,
            weights=list(self.weights),
            biases=list(self.biases),
            _penalty_grad_W=penalty_grad_W,
            gammas=list(self.gammas),
            betas=list(self.betas),
            grad_gamma=grads.grad_gamma,
            grad_beta=grads.grad_beta,
            update_gamma=update_gamma,
            update_beta=update_beta,
            running_mean=list(self.running_mean),
            running_var=list(self.running_var),
            divergence=divergence,
            dropout_masks=list(trace.masks) if trace.masks is not None else [],
            **extra,
        )

    def _apply(self, step: Step, trace: Trace) -> None:
        """Add the step's updates, making new arrays (never in place)."""
        self.weights = [w + u for w, u in zip(self.weights, step.update_W)]
        self.biases = [b + u for b, u in zip(self.biases, step.update_b)]
        for l, stats in enumerate(trace.bn):
            if stats is None:
                continue
            self.gammas[l] = self.gammas[l] + step.update_gamma[l]
            self.betas[l] = self.betas[l] + step.update_beta[l]
            batch = trace.a[0].shape[0]
            unbiased = stats.var * batch / max(batch - 1, 1)
            self.running_mean[l] = (1 - BN_MOMENTUM) * self.running_mean[l] + BN_MOMENTUM * stats.mean
            self.running_var[l] = (1 - BN_MOMENTUM) * self.running_var[l] + BN_MOMENTUM * unbiased

    def set_parameters(
        self, weights, biases, gammas=None, betas=None, running_mean=None, running_var=None
    ) -> None:
        """Replace the parameters (e.g. to resume from a recorded step); every shape must match.

        ``gammas``/``betas``/``running_mean``/``running_var`` are lists with one entry per
        layer (None for layers without batch norm), as ``Step`` records them.
        """
        L = self.n_layers
        if len(weights) != L or len(biases) != L:
            raise ValueError(
                f"expected {L} weight matrices and {L} bias vectors, got {len(weights)} and {len(biases)}"
            )
        for l, (w, b) in enumerate(zip(weights, biases)):
            if np.shape(w) != self.weights[l].shape or np.shape(b) != self.biases[l].shape:
                raise ValueError(
                    f"layer {l}: expected W {self.weights[l].shape} and b {self.biases[l].shape}"
                )
        bn_lists = {
            "gammas": gammas,
            "betas": betas,
            "running_mean": running_mean,
            "running_var": running_var,
        }
        for name, values in bn_lists.items():
            if values is None:
                continue
            current = getattr(self, name)
            if len(values) != L or any(
                (v is None) != (c is None) or (c is not None and np.shape(v) != c.shape)
                for v, c in zip(values, current)
            ):
                raise ValueError(f"{name} must have one entry per layer, shaped like the network's own")
        self.weights = [np.asarray(w, dtype=np.float64) for w in weights]
        self.biases = [np.asarray(b, dtype=np.float64) for b in biases]
        for name, values in bn_lists.items():
            if values is not None:
                setattr(self, name, [None if v is None else np.asarray(v, dtype=np.float64) for v in values])
