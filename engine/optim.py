"""Optimizers, gradient clipping, L1/L2 penalties and learning-rate schedules.

An optimizer turns the data-loss gradients of a network's parameters into the updates that
are *added* to them. For one step ``t`` (counted from 1) it does, in PyTorch's order:

1. clip the data gradients ``g``: by value (``clip(g, -c, c)``), then by global norm
   (``g *= clip_norm / (||g|| + 1e-6)`` when ``||g|| > clip_norm``, as
   ``torch.nn.utils.clip_grad_norm_``), reporting the global norm before and after;
2. add the penalty gradient on weights (never biases): ``l2 * W`` for the penalty
   ``l2/2 ||W||^2`` (PyTorch's ``weight_decay``) and ``l1 * sign(W)`` for ``l1 * sum |W|``;
3. apply the rule, with ``lr_t = lr * schedule.factor(t - 1)``:

=========  ==============================================================================
sgd        ``update = -lr g``
momentum   ``b = mu b + g`` (``b = g`` at the first step); ``update = -lr b``
nesterov   ``b = mu b + g``; ``update = -lr (g + mu b)``
rmsprop    ``v = alpha v + (1 - alpha) g^2``; ``update = -lr g / (sqrt(v) + eps)``
adam       ``m = b1 m + (1 - b1) g``; ``v = b2 v + (1 - b2) g^2``;
           ``update = -(lr / (1 - b1^t)) m / (sqrt(v) / sqrt(1 - b2^t) + eps)``
=========  ==============================================================================

**TF Playground's L1 rule** (``l1_freeze=True``, SGD only; ``nn.ts`` ``updateWeights``): a
weight first takes its data step ``w1 = w - lr g``, then the penalty step
``w2 = w1 - lr l1 sign(w)``; if ``w1 * w2 < 0`` (the penalty pushed it across zero) it is set
to exactly 0 and frozen: no later step changes it (TF's ``link.isDead``). Without it, L1 makes
a small weight jitter around 0 by ``lr l1`` per step. The frozen masks are part of the state
(``snapshot``/``restore``/``reset``).

These are the update rules of ``torch.optim.SGD`` (``momentum=0.9``, ``nesterov``),
``RMSprop`` and ``Adam``. ``opt.lr`` may be changed between steps; the next step uses it.

The network calls ``propose(...)`` and, only if every update is finite, ``commit(...)``,
so a diverging step leaves the optimizer's state (moments, step count) untouched.

The hyperparameters are checked (``validate``, with ``engine.checks``) when an optimizer is made
and before every ``Trainer`` run: ``lr=True``, ``lr=-1`` or ``betas=(0.9, 1.0)`` is a ValueError.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from engine import checks

SCHEDULES = ("constant", "step", "exponential", "cosine")


@dataclass
class Schedule:
    """Learning-rate factor by step index ``t`` (0-based), optionally with linear warm-up.

    - ``constant``: 1
    - ``step``: ``gamma ** (t // step_size)`` (PyTorch's ``StepLR``)
    - ``exponential``: ``gamma ** t`` (``ExponentialLR``)
    - ``cosine``: ``min_factor + (1 - min_factor) (1 + cos(pi t / total_steps)) / 2`` for
      ``t <= total_steps``, then ``min_factor`` (``CosineAnnealingLR`` without restarts)
    - warm-up: the factor is multiplied by ``(t + 1) / warmup_steps`` while
      ``t < warmup_steps``.
    """

    kind: str = "constant"
    gamma: float = 0.5
    step_size: int = 100
    total_steps: int = 1000
    min_factor: float = 0.0
    warmup_steps: int = 0

    def __post_init__(self) -> None:
        checks.choice("schedule", self.kind, SCHEDULES)
        checks.real("gamma", self.gamma, 0, lo_open=True)
        checks.integer("step_size", self.step_size, 1)
        checks.integer("total_steps", self.total_steps, 1)
        checks.real("min_factor", self.min_factor, 0, 1)
        checks.integer("warmup_steps", self.warmup_steps, 0)

    def factor(self, t: int) -> float:
        if self.kind == "constant":
            f = 1.0
        elif self.kind == "step":
            f = self.gamma ** (t // self.step_size)
        elif self.kind == "exponential":
            f = self.gamma**t
        else:
            progress = min(t, self.total_steps) / self.total_steps
            f = self.min_factor + (1.0 - self.min_factor) * 0.5 * (1.0 + math.cos(math.pi * progress))
        if t < self.warmup_steps:
            f *= (t + 1) / self.warmup_steps
        return f


@dataclass
class Proposal:
    """The outcome of one optimizer step, not yet applied.

    ``updates[i]`` is what would be added to ``params[i]``; ``penalty_grads[i]`` the
    penalty's part of the gradient (zeros for biases), or None when no penalty is set;
    ``penalty`` the penalty's value. The gradient norms are NaN unless ``clip_norm`` is set.
    """

    updates: list[np.ndarray]
    penalty_grads: list[np.ndarray] | None
    penalty: float
    grad_norm_before_clip: float
    grad_norm_after_clip: float
    lr: float
    new_state: list[tuple[np.ndarray, ...]] = field(repr=False)
    shapes: tuple = field(repr=False)
    new_frozen: list[np.ndarray | None] | None = field(default=None, repr=False)


class Optimizer:
    """Base class: clipping, penalties and schedule; subclasses give ``_rule``."""

    name = "optimizer"

    def __init__(
        self,
        lr: float = 0.01,
        *,
        l1: float = 0.0,
        l2: float = 0.0,
        clip_norm: float | None = None,
        clip_value: float | None = None,
        schedule: Schedule | None = None,
        l1_freeze: bool = False,
    ) -> None:
        self.lr = lr
        self.l1 = l1
        self.l2 = l2
        self.l1_freeze = bool(l1_freeze)
        self._frozen: list[np.ndarray | None] | None = None  # TF's dead links, per parameter
        self.clip_norm = clip_norm
        self.clip_value = clip_value
        self.schedule = schedule or Schedule()
        self.t = 0  # steps committed so far
        self._state: list[tuple[np.ndarray, ...]] = []
        self._shapes: tuple = ()
        self.validate()

    def __repr__(self) -> str:
        return f"{type(self).__name__}(lr={self.lr})"

    def validate(self) -> None:
        """Raise ValueError unless the hyperparameters are usable numbers (``lr``, ``l1``, ``l2``
        finite and >= 0, a bool refused; the clipping thresholds > 0 or None; the rule's own, as
        PyTorch checks them)."""
        for name in ("lr", "l1", "l2"):
            checks.real(name, getattr(self, name), 0)
        for name in ("clip_norm", "clip_value"):
            checks.real(name, getattr(self, name), 0, lo_open=True, none_ok=True)
        self._validate_rule()
        if self.l1_freeze and self.name != "sgd":
            raise ValueError(f"TF Playground's L1 rule (l1_freeze) is defined for sgd only, not {self.name}")

    def _validate_rule(self) -> None:
        """The subclass's own hyperparameters (none for SGD)."""

    def reset(self) -> None:
        """Forget all moments and the step count."""
        self.t = 0
        self._state = []
        self._shapes = ()
        self._frozen = None

    def snapshot(self) -> tuple:
        """The moment state as it is now (``t``, the per-parameter arrays and the L1 rule's frozen
        masks, which ``commit`` replaces and never modifies in place, so holding them costs nothing)."""
        return (self.t, self._state, self._shapes, self._frozen)

    def restore(self, snapshot: tuple) -> None:
        """Go back to a ``snapshot()`` of this optimizer."""
        self.t, self._state, self._shapes, self._frozen = snapshot

    def current_lr(self) -> float:
        """The learning rate the next step will use: ``lr * schedule.factor(t)``."""
        return self.lr * self.schedule.factor(self.t)

    def propose(self, params: list[np.ndarray], grads: list[np.ndarray], decay_mask: list[bool]) -> Proposal:
        """Compute the updates for ``params`` given their data gradients ``grads``.

        ``decay_mask[i]`` says whether ``params[i]`` is a weight (penalized) or not.
        """
        shapes = tuple(p.shape for p in params)
        state = self._state if shapes == self._shapes else [self._empty_state(p) for p in params]
        t = (self.t if shapes == self._shapes else 0) + 1

        norm_before = norm_after = math.nan  # reported only when clipping by norm
        if self.clip_value is not None:
            grads = [np.clip(g, -self.clip_value, self.clip_value) for g in grads]
        if self.clip_norm is not None:
            norm_before = norm_after = math.sqrt(sum(float(np.vdot(g, g)) for g in grads))
            if norm_before > self.clip_norm:
                scale = self.clip_norm / (norm_before + 1e-6)
                grads = [g * scale for g in grads]
                norm_after = norm_before * scale

        penalty = 0.0
        penalty_grads = None  # None: no penalty configured (all zeros)
        if self.l1 or self.l2:
            penalty_grads = []
            for p, is_weight in zip(params, decay_mask):
                pg = np.zeros_like(p)
                if is_weight and self.l2:
                    pg = pg + self.l2 * p
                    penalty += 0.5 * self.l2 * float(np.vdot(p, p))
                if is_weight and self.l1:
                    pg = pg + self.l1 * np.sign(p)
                    penalty += self.l1 * float(np.abs(p).sum())
                penalty_grads.append(pg)
            grads = [g + pg for g, pg in zip(grads, penalty_grads)]

        lr = self.lr * self.schedule.factor(t - 1)
        updates, new_state = [], []
        for g, s in zip(grads, state):
            update, s_new = self._rule(g, s, lr, t)
            updates.append(update)
            new_state.append(s_new)
        new_frozen = None
        if self.l1_freeze and self.l1:
            updates, new_frozen = self._freeze_crossings(params, grads, penalty_grads, decay_mask, lr, shapes)
        return Proposal(
            updates, penalty_grads, penalty, norm_before, norm_after, lr, new_state, shapes, new_frozen
        )

    def _freeze_crossings(self, params, grads, penalty_grads, decay_mask, lr, shapes):
        """TF Playground's L1 rule (module docstring): SGD updates in which a weight that the
        penalty step carries across zero, or one frozen before, ends at exactly 0."""
        frozen = self._frozen if shapes == self._shapes and self._frozen is not None else [None] * len(params)
        updates, new_frozen = [], []
        for p, g, pg, is_weight, was in zip(params, grads, penalty_grads, decay_mask, frozen):
            if not is_weight:
                updates.append(-lr * g)
                new_frozen.append(None)
                continue
            w1 = p - lr * (g - pg)  # the data step (g holds the penalty's gradient too)
            w2 = w1 - lr * pg
            dead = (w1 * w2 < 0) if was is None else (was | (w1 * w2 < 0))
            updates.append(np.where(dead, -p, w2 - p))
            new_frozen.append(dead)
        return updates, new_frozen

    def commit(self, proposal: Proposal) -> None:
        """Accept a proposal: keep its moments and count the step."""
        if proposal.shapes != self._shapes:
            self.t = 0
        self._state = proposal.new_state
        self._shapes = proposal.shapes
        if proposal.new_frozen is not None:
            self._frozen = proposal.new_frozen
        self.t += 1

    def _empty_state(self, p: np.ndarray) -> tuple[np.ndarray, ...]:
        return ()

    def _rule(self, g, state, lr, t):  # pragma: no cover - abstract
        raise NotImplementedError


class SGD(Optimizer):
    name = "sgd"

    def _rule(self, g, state, lr, t):
        return -lr * g, state


class Momentum(Optimizer):
    """Heavy-ball momentum, PyTorch's ``SGD(momentum=mu)`` (dampening 0)."""

    name = "momentum"
    nesterov = False

    def __init__(self, lr: float = 0.01, *, momentum: float = 0.9, **kwargs) -> None:
        self.momentum = momentum
        super().__init__(lr, **kwargs)

    def _validate_rule(self) -> None:
        checks.real("momentum", self.momentum, 0)

    def _empty_state(self, p):
        return (None,)

    def _rule(self, g, state, lr, t):
        (buf,) = state
        buf = g.copy() if buf is None else self.momentum * buf + g
        direction = g + self.momentum * buf if self.nesterov else buf
        return -lr * direction, (buf,)


class Nesterov(Momentum):
    """PyTorch's ``SGD(momentum=mu, nesterov=True)``."""

    name = "nesterov"
    nesterov = True


class RMSprop(Optimizer):
    name = "rmsprop"

    def __init__(self, lr: float = 0.01, *, alpha: float = 0.99, eps: float = 1e-8, **kwargs) -> None:
        self.alpha = alpha
        self.eps = eps
        super().__init__(lr, **kwargs)

    def _validate_rule(self) -> None:
        checks.real("alpha", self.alpha, 0)
        checks.real("eps", self.eps, 0)

    def _empty_state(self, p):
        return (np.zeros_like(p),)

    def _rule(self, g, state, lr, t):
        (v,) = state
        v = self.alpha * v + (1.0 - self.alpha) * g * g
        return -lr * g / (np.sqrt(v) + self.eps), (v,)


class Adam(Optimizer):
    name = "adam"

    def __init__(
        self,
        lr: float = 0.001,
        *,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        **kwargs,
    ) -> None:
        self.betas = tuple(betas)
        self.eps = eps
        super().__init__(lr, **kwargs)

    def _validate_rule(self) -> None:
        if len(self.betas) != 2:
            raise ValueError(f"betas must be two numbers (beta1, beta2) in [0, 1), got {self.betas!r}")
        for name, beta in zip(("betas[0]", "betas[1]"), self.betas):
            checks.real(name, beta, 0, 1, hi_open=True)
        checks.real("eps", self.eps, 0)

    def _empty_state(self, p):
        return (np.zeros_like(p), np.zeros_like(p))

    def _rule(self, g, state, lr, t):
        m, v = state
        b1, b2 = self.betas
        m = b1 * m + (1.0 - b1) * g
        v = b2 * v + (1.0 - b2) * g * g
        step_size = lr / (1.0 - b1**t)
        denom = np.sqrt(v) / math.sqrt(1.0 - b2**t) + self.eps
        return -step_size * m / denom, (m, v)


OPTIMIZERS: dict[str, type[Optimizer]] = {cls.name: cls for cls in (SGD, Momentum, Nesterov, RMSprop, Adam)}


def make_optimizer(name: str, **hyperparameters) -> Optimizer:
    """``make_optimizer("adam", lr=0.01, l2=1e-4, clip_norm=1.0)``; ValueError on bad input (an
    unknown name or keyword, or a value that ``Optimizer.validate`` refuses)."""
    checks.choice("optimizer", name, OPTIMIZERS)
    try:
        optimizer = OPTIMIZERS[name](**hyperparameters)
    except TypeError as error:
        raise ValueError(f"bad hyperparameter for {name}: {error}") from None
    return optimizer
