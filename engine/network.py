"""A fully connected network whose every forward value, gradient and update is kept.

Conventions (as scikit-learn's MLP): ``X`` is ``(batch, n_in)``, rows are samples. Layer
``l`` (0-based, ``L`` layers for ``len(sizes) = L + 1``) maps ``a[l]`` to ``a[l+1]``:

    z[l]   = a[l] @ W[l] + b[l]                  W[l]: (n_in, n_out), b[l]: (n_out,)
    s[l]   = gamma[l] * (z[l] - mu) / sqrt(var + eps) + beta[l]    (batch norm, hidden only)
           = z[l]                                                   (otherwise)
    h[l]   = f_l(s[l])
    a[l+1] = a[l] + r m[l] h[l]   with a residual (skip) connection (r = residual_scale), else m[l] h[l]

``m[l]`` is the dropout mask of hidden layer ``l`` in training mode (``engine.dropout``: inverted
dropout, the same masks for every pass of one step; ``Step.dropout_masks`` records them).
Batch norm's formulas: ``engine.batch_norm``; which layers get a skip: ``engine.residual``.

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

import numpy as np

from engine import batch_norm as batchnorm
from engine import checks
from engine.activations import OUTPUT_ACTIVATIONS, Activation, get_activation
from engine.batch_norm import BN_EPS, BN_MOMENTUM, BatchNormTrace  # noqa: F401 (re-exported)
from engine.checks import all_finite
from engine.dropout import MAX_DROPOUT  # noqa: F401 (re-exported)
from engine.dropout import check_rate as check_dropout_rate
from engine.dropout import masks as draw_dropout_masks
from engine.init import INITS, init_weights
from engine.losses import Loss, get_loss
from engine.network_checks import (
    BATCH_NORM_LISTS,
    activation_names,
    check_replacement,
    check_sizes,
    given_layers,
    input_batch,
    target_batch,
)
from engine.network_results import Divergence, Gradients, Step, Trace, first_divergence, step_record
from engine.optim import SGD, Optimizer
from engine.residual import check_scale as check_residual_scale
from engine.residual import skip_layers, stable_residual_scale  # noqa: F401 (stable_residual_scale re-exported)

_sum = np.add.reduce


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
      layer of equal width; ``stable_residual_scale`` (``1/sqrt(skips)``) keeps a deep stack
      without batch norm from overflowing.
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
        sizes = check_sizes(sizes)
        checks.choice("init", init, INITS)
        checks.real("init_scale", init_scale)
        checks.real("bias_init", bias_init)
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
        W, b = given_layers(weights, biases)
        net = cls.__new__(cls)
        net._setup(W, b, activation, output_activation, loss, batch_norm, residual, residual_scale)
        net.init, net.init_scale, net.seed = "given", 1.0, None
        return net

    # ------------------------------------------------------------------ set-up
    def _setup(
        self, weights, biases, activation, output_activation, loss, batch_norm, residual, residual_scale
    ):
        residual_scale = check_residual_scale(residual_scale)
        self.weights: list[np.ndarray] = weights
        self.biases: list[np.ndarray] = biases
        self.sizes = [weights[0].shape[0]] + [w.shape[1] for w in weights]
        self.activation_names = activation_names(activation, output_activation, loss, len(weights) - 1)
        self.loss_fn: Loss = get_loss(loss)
        self.activations: list[Activation] = [get_activation(n) for n in self.activation_names[:-1]] + [
            get_activation(self.activation_names[-1], allowed=OUTPUT_ACTIVATIONS)
        ]
        self.loss = loss
        self.batch_norm = bool(batch_norm)
        self.residual = bool(residual)
        self.residual_scale = residual_scale
        L = len(weights)
        self.bn_layers = [self.batch_norm and l < L - 1 for l in range(L)]
        self.skip = [self.residual and k for k in skip_layers(self.sizes)]
        self.gammas, self.betas, self.running_mean, self.running_var = batchnorm.initial_state(
            self.sizes[1:], self.bn_layers
        )
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
        self._dropout = check_dropout_rate(value)

    def dropout_masks(self, batch: int) -> list[np.ndarray | None]:
        """The masks ``m[l]`` (``(batch, sizes[l+1])``, entries 0 or ``1/(1-p)``) of this step's
        training forward passes: None at the output and when ``dropout`` is 0. Drawn from
        ``default_rng([dropout_seed, steps_taken, l])``: the same for every pass of one step."""
        return draw_dropout_masks(self._dropout, self.dropout_seed, self.steps_taken, self.sizes[1:], batch)

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

    # ------------------------------------------------------------------ forward
    def forward(self, X, training: bool = False) -> Trace:
        """All forward values for ``X: (batch, n_in)``; batch norm uses running statistics
        unless ``training`` (then batch statistics, and nothing is updated)."""
        X = input_batch(X, self.sizes[0])
        with np.errstate(all="ignore"):
            return self._forward(X, training)

    def predict(self, X) -> np.ndarray:
        """The output ``a[L]``, ``(batch, n_out)``, in evaluation mode, keeping no trace (so a
        large batch through a deep network holds one layer's values at a time)."""
        X = input_batch(X, self.sizes[0])
        with np.errstate(all="ignore"):
            a = X
            for l, (W, b, act) in enumerate(zip(self.weights, self.biases, self.activations)):
                s = a @ W + b
                if self.bn_layers[l]:
                    s = batchnorm.normalize_running(
                        s, self.gammas[l], self.betas[l], self.running_mean[l], self.running_var[l]
                    )
                h = act.function(s)
                a = a + self.residual_scale * h if self.skip[l] else h
            return a

    def _forward(self, X: np.ndarray, training: bool) -> Trace:
        a, z, s, h, bn = [X], [], [], [], []
        masks = self.dropout_masks(X.shape[0]) if training and self._dropout else None
        for l, (W, b, act) in enumerate(zip(self.weights, self.biases, self.activations)):
            z_l = a[l] @ W + b
            if self.bn_layers[l]:
                running = (None, None) if training else (self.running_mean[l], self.running_var[l])
                s_l, stats = batchnorm.normalize(z_l, self.gammas[l], self.betas[l], *running)
                bn.append(stats)
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
        Y = target_batch(Y, trace.a[0].shape[0], self.sizes[-1], self.loss_fn)
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
                dz, grad_gamma[l], grad_beta[l] = batchnorm.backward(
                    ds, stats, self.gammas[l], trace.training
                )
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
        X = input_batch(X, self.sizes[0])
        Y = target_batch(Y, X.shape[0], self.sizes[-1], self.loss_fn)
        with np.errstate(all="ignore"):
            trace = self._forward(X, training)
            return self.loss_fn.value(trace.a[-1], trace.s[-1], Y)

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
            checks.real("lr", lr, 0)
            optimizer = self._plain_sgd  # stateless: one per network, lr set per call
            optimizer.lr = lr
        X = input_batch(X, self.sizes[0])
        Y = target_batch(Y, X.shape[0], self.sizes[-1], self.loss_fn)
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
            if not (math.isfinite(grads.loss) and all_finite(proposal.updates)):
                divergence = first_divergence(trace, grads) or Divergence(
                    "update",
                    None,
                    f"the update overflowed (learning rate {proposal.lr:g} is too large for these gradients)",
                )
        step = step_record(self, trace, grads, proposal, divergence, optimizer)
        if divergence is None:
            optimizer.commit(proposal)
            self._apply(step, trace)
        self.steps_taken += 1
        return step

    def _apply(self, step: Step, trace: Trace) -> None:
        """Add the step's updates, making new arrays (never in place)."""
        self.weights = [w + u for w, u in zip(self.weights, step.update_W)]
        self.biases = [b + u for b, u in zip(self.biases, step.update_b)]
        for l, stats in enumerate(trace.bn):
            if stats is None:
                continue
            self.gammas[l] = self.gammas[l] + step.update_gamma[l]
            self.betas[l] = self.betas[l] + step.update_beta[l]
            self.running_mean[l], self.running_var[l] = batchnorm.running_update(
                self.running_mean[l], self.running_var[l], stats, trace.a[0].shape[0]
            )

    def set_parameters(
        self, weights, biases, gammas=None, betas=None, running_mean=None, running_var=None
    ) -> None:
        """Replace the parameters (e.g. to resume from a recorded step); every shape must match.

        ``gammas``/``betas``/``running_mean``/``running_var`` are lists with one entry per
        layer (None for layers without batch norm), as ``Step`` records them.
        """
        bn_lists = dict(zip(BATCH_NORM_LISTS, (gammas, betas, running_mean, running_var)))
        check_replacement(self, weights, biases, bn_lists)
        self.weights = [np.asarray(w, dtype=np.float64) for w in weights]
        self.biases = [np.asarray(b, dtype=np.float64) for b in biases]
        for name, values in bn_lists.items():
            if values is not None:
                setattr(self, name, [None if v is None else np.asarray(v, dtype=np.float64) for v in values])
