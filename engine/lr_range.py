"""The learning-rate range test (Smith 2017, fastai's ``lr_find``), run as separate short runs.

For each ``lr`` of a log-spaced sweep, a fresh network (same sizes, init and seed) takes
``k_steps`` SGD steps on the same batches of a Playground data set; the result is the
training loss after those steps (``inf`` where training diverged). Then:

- ``steepest``: the index where the loss falls fastest per decade of ``lr``
  (the most negative ``d loss / d log10 lr``, central differences), left of the minimum;
- ``best``: the index of the lowest loss;
- the region a practitioner would pick runs from ``steepest`` to one grid point before
  ``best`` (beyond the minimum the loss turns up and training is on the edge of diverging).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from engine import checks
from engine.data import make_dataset
from engine.network import Network
from engine.optim import make_optimizer
from engine.trainer import Trainer

LR_RANGE = (1e-4, 10.0)


@dataclass(frozen=True)
class RangeTest:
    """``lrs`` ``(n,)`` ascending; ``losses`` ``(n,)`` after ``k_steps`` (inf: diverged);
    ``initial_loss`` before any step; ``steepest``/``best`` indices; ``region`` ``(lo, hi)``."""

    lrs: np.ndarray
    losses: np.ndarray
    initial_loss: float
    k_steps: int
    steepest: int
    best: int

    @property
    def region(self) -> tuple[float, float]:
        hi = max(self.best - 1, self.steepest)
        return float(self.lrs[self.steepest]), float(self.lrs[hi])

    @property
    def diverged(self) -> np.ndarray:
        return ~np.isfinite(self.losses)


def pick_region(lrs: np.ndarray, losses: np.ndarray) -> tuple[int, int]:
    """``(steepest, best)`` indices, from finite losses only (see the module docstring)."""
    finite = np.isfinite(losses)
    if not finite.any():
        raise ValueError("every learning rate diverged: nothing to pick")
    best = int(np.flatnonzero(finite)[np.argmin(losses[finite])])
    if best == 0:
        return 0, 0
    x = np.log10(lrs[: best + 1])
    slope = np.gradient(losses[: best + 1], x)
    return int(np.argmin(slope)), best


def lr_range_test(
    dataset: str = "circle",
    hidden=(8,),
    activation: str = "tanh",
    k_steps: int = 50,
    n_lrs: int = 25,
    lr_range=LR_RANGE,
    seed: int = 0,
    batch_size: int = 10,
) -> RangeTest:
    """Sweep ``n_lrs`` log-spaced learning rates over ``lr_range`` on ``[2, *hidden, 1]``
    (sigmoid output, bce) trained ``k_steps`` steps each."""
    if not (checks.is_integer(k_steps, 1, 10_000) and checks.is_integer(n_lrs, 3, 200)):
        raise ValueError(f"k_steps must be 1..10000 and n_lrs 3..200, got {k_steps!r} and {n_lrs!r}")
    lo, hi = lr_range
    if not (0 < lo < hi and math.isfinite(hi)):
        raise ValueError(f"lr_range must be 0 < lo < hi, got {lr_range!r}")
    data = make_dataset(dataset, n_points=200, noise=0.1, seed=seed)
    lrs = np.logspace(math.log10(lo), math.log10(hi), int(n_lrs))
    losses = np.empty(len(lrs))
    initial = math.nan
    for k, lr in enumerate(lrs):
        net = Network([2, *hidden, 1], activation=activation, loss="bce", seed=seed)
        trainer = Trainer(
            net, make_optimizer("sgd", lr=float(lr)), data, batch_size, seed, eval_every=k_steps
        )
        initial = trainer.evaluate()["train_loss"]
        trainer.run(int(k_steps))
        loss = trainer.last_metrics["train_loss"]
        losses[k] = math.inf if trainer.divergence is not None or not math.isfinite(loss) else loss
    steepest, best = pick_region(lrs, losses)
    return RangeTest(lrs, losses, initial, int(k_steps), steepest, best)
