"""What an activation does to a layer: curves, saturation, the view at initialisation, dead units.

All values come from ``engine.activations.ACTIVATIONS`` (value and derivative side by side),
``engine.init`` and ``engine.network``.

- ``curve(name, z)``: ``f(z)`` and ``f'(z)`` for ``z`` ``(n,)``.
- ``flat_zones(name, z_range)``: the intervals of ``z`` where ``f'(z) < SATURATION * max f'``
  (the activation passes on less than a tenth of its best gradient there): sigmoid and tanh
  saturate on both sides, relu is dead (``f' = 0``) for ``z < 0``.
- ``derivative_peak(name)``: ``max f'`` and where (sigmoid 0.25 at 0, tanh 1 at 0, relu 1).
- ``layer_at_init``: a stack of ``depth`` equal-width layers with a chosen init, fed
  ``N(0, 1)`` inputs: every layer's pre-activations ``z`` and ``f'(z)``, the fraction
  saturated (``f'`` in the flat zone) and dead (``f' = 0``), and the running product of the
  mean derivative ``prod_{k <= l} E|f'(z_k)|``, the factor by which the chain rule shrinks a
  gradient through the activations alone.
- ``dead_units_run``: a small relu network trained with plain SGD; after every step, which
  hidden units output 0 for every training input (dead: no gradient reaches their weights).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine import checks
from engine.activations import HIDDEN_ACTIVATIONS, get_activation
from engine.data import make_dataset
from engine.init import init_weights
from engine.network import Network
from engine.optim import make_optimizer
from engine.trainer import Trainer

SATURATION = 0.1  # f' below this fraction of its maximum counts as flat (saturated or dead)
PEAK_GRID = np.linspace(-10.0, 10.0, 20001)


def curve(name: str, z) -> tuple[np.ndarray, np.ndarray]:
    """``f(z)`` and ``f'(z)``, both shaped like ``z``."""
    act = get_activation(name)
    z = np.asarray(z, dtype=np.float64)
    a = act.function(z)
    return a, act.derivative(z, a)


def derivative_peak(name: str) -> tuple[float, float]:
    """``(max f', argmax z)`` over ``[-10, 10]`` (for unbounded f' such as relu's, 1 at z > 0:
    the first z where the maximum is reached)."""
    _, d = curve(name, PEAK_GRID)
    k = int(np.argmax(d))
    return float(d[k]), float(PEAK_GRID[k])


def flat_zones(name: str, z_range=(-6.0, 6.0), resolution: int = 1201) -> list[tuple[float, float, bool]]:
    """Intervals ``(lo, hi, dead)`` of ``z_range`` where ``f'(z) < SATURATION * max f'``;
    ``dead`` is True where ``f'`` is exactly 0 throughout (relu's left half)."""
    z = np.linspace(*z_range, resolution)
    _, d = curve(name, z)
    flat = d < SATURATION * derivative_peak(name)[0]
    zones = []
    k = 0
    while k < resolution:
        if not flat[k]:
            k += 1
            continue
        start = k
        while k < resolution and flat[k]:
            k += 1
        zones.append((float(z[start]), float(z[k - 1]), bool(np.all(d[start:k] == 0))))
    return zones


def saturated_mask(name: str, z: np.ndarray) -> np.ndarray:
    """True where ``f'(z)`` is in the flat zone (below ``SATURATION * max f'``)."""
    _, d = curve(name, z)
    return d < SATURATION * derivative_peak(name)[0]


@dataclass(frozen=True)
class LayerView:
    """A fresh stack seen layer by layer: ``z[l]`` ``(n_samples, width)`` and ``d[l] = f'(z[l])``
    for ``l = 0 .. depth-1``; ``saturated[l]``, ``dead[l]`` the fractions of entries flat /
    exactly 0 in ``f'``; ``mean_derivative[l] = E|f'(z[l])|``; ``derivative_product[l]`` the
    product of ``mean_derivative[0..l]``."""

    activation: str
    init: str
    width: int
    z: list[np.ndarray]
    d: list[np.ndarray]
    saturated: np.ndarray
    dead: np.ndarray
    dead_units: np.ndarray
    mean_derivative: np.ndarray
    derivative_product: np.ndarray


def layer_at_init(
    activation: str,
    init: str,
    width: int,
    depth: int = 10,
    init_scale: float = 1.0,
    n_samples: int = 256,
    seed: int = 0,
) -> LayerView:
    """Push ``n_samples`` inputs ``x ~ N(0, I_width)`` through ``depth`` fresh layers
    ``z[l] = a[l] @ W[l]`` (zero biases), ``a[l+1] = f(z[l])``, ``W[l]`` drawn by ``init``."""
    if activation not in HIDDEN_ACTIVATIONS:
        get_activation(activation)  # raises with the valid names
    if not (checks.is_integer(width, 1) and checks.is_integer(depth, 1)):
        raise ValueError(f"width and depth must be integers >= 1, got {width!r} and {depth!r}")
    act = get_activation(activation)
    rng = np.random.default_rng(seed)
    a = rng.normal(size=(n_samples, width))
    zs, ds = [], []
    with np.errstate(all="ignore"):
        for _ in range(depth):
            z = a @ init_weights(init, width, width, rng, init_scale)
            a = act.function(z)
            zs.append(z)
            ds.append(act.derivative(z, a))
    peak = derivative_peak(activation)[0]
    saturated = np.array([np.mean(d < SATURATION * peak) for d in ds])
    dead = np.array([np.mean(d == 0) for d in ds])
    dead_units = np.array([np.mean(np.all(d == 0, axis=0)) for d in ds])
    mean_d = np.array([np.mean(np.abs(d)) for d in ds])
    return LayerView(activation, init, width, zs, ds, saturated, dead, dead_units, mean_d, np.cumprod(mean_d))


@dataclass(frozen=True)
class DeadUnitsRun:
    """``alive[k][l]`` (bool ``(width,)``): hidden unit ``j`` of layer ``l`` outputs non-zero for
    at least one training input after ``k`` steps (``k = 0 .. n_steps``); ``active_fraction[k][l]``
    the fraction of inputs it is non-zero on; ``dead_count[k]`` the total of dead units;
    ``losses[k]`` the training loss after ``k`` steps. Stops early if training diverged."""

    sizes: list[int]
    lr: float
    active_fraction: list[list[np.ndarray]]
    dead_count: np.ndarray
    losses: np.ndarray
    diverged_at: int | None

    @property
    def n_units(self) -> int:
        return sum(self.sizes[1:-1])


def _active_fraction(net: Network, X: np.ndarray) -> list[np.ndarray]:
    trace = net.forward(X)
    return [(h > 0).mean(axis=0) for h in trace.h[:-1]]


def dead_units_run(
    lr: float = 1.0,
    n_steps: int = 100,
    hidden=(16, 16),
    dataset: str = "circle",
    seed: int = 0,
    activation: str = "relu",
    batch_size: int = 10,
) -> DeadUnitsRun:
    """Train ``[2, *hidden, 1]`` (``activation``, sigmoid output, bce, He init) with SGD at
    ``lr`` on Playground's ``dataset`` and count the dead hidden units after every step."""
    data = make_dataset(dataset, n_points=200, noise=0.1, seed=seed)
    sizes = [2, *hidden, 1]
    net = Network(sizes, activation=activation, loss="bce", init="he_uniform", seed=seed)
    trainer = Trainer(net, make_optimizer("sgd", lr=lr), data, batch_size=batch_size, seed=seed, eval_every=1)
    fractions = [_active_fraction(net, data.X_train)]
    losses = [trainer.evaluate()["train_loss"]]
    diverged_at = None
    for _ in range(int(n_steps)):
        trainer.run(1)
        if trainer.divergence is not None:
            diverged_at = trainer.divergence.step
            break
        fractions.append(_active_fraction(net, data.X_train))
        losses.append(trainer.last_metrics["train_loss"])
    dead = np.array([sum(int(np.sum(f == 0)) for f in frac) for frac in fractions])
    return DeadUnitsRun(sizes, float(lr), fractions, dead, np.array(losses), diverged_at)


@dataclass(frozen=True)
class ActivationCurve:
    """One activation over ``z`` ``(n,)``: ``a = f(z)``, ``d = f'(z)``, its ``flat_zones`` and
    ``peak = (max f', where)``."""

    name: str
    formula: str
    z: np.ndarray
    a: np.ndarray
    d: np.ndarray
    zones: list
    peak: tuple[float, float]


def activation_table(z_range=(-6.0, 6.0), resolution: int = 241) -> list[ActivationCurve]:
    """Every hidden activation of the engine's table, in its order."""
    z = np.linspace(*z_range, resolution)
    table = []
    for name in HIDDEN_ACTIVATIONS:
        a, d = curve(name, z)
        formula = get_activation(name).formula
        table.append(
            ActivationCurve(name, formula, z, a, d, flat_zones(name, z_range), derivative_peak(name))
        )
    return table
