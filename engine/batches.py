"""The order of a trainer's mini-batches, from a seeded shuffler.

Epoch ``e`` visits the ``n_rows`` training rows in the order
``default_rng([seed, e]).permutation(n_rows)``, ``size`` rows at a time; the last batch of an
epoch holds what is left (a partial batch), then epoch ``e + 1`` starts. With
``size >= n_rows`` every batch is the whole training set in its stored order (so each step is
one epoch); if an epoch was part-way through, its remaining rows are skipped and it counts as
done. The size may change from one batch to the next: the order carries on with the current
epoch.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Batch:
    """The next batch: ``rows`` (indices into the training rows; None: all of them, in their
    stored order), the ``epoch`` and ``position`` (rows of that epoch used before it) it starts
    at, and ``after``, the ``(epoch, position)`` once it is used."""

    rows: np.ndarray | None
    epoch: int
    position: int
    after: tuple[int, int]


class BatchOrder:
    """Where training is in its epochs (``epoch``, ``position``, both as ``place``: settable, as a
    checkpoint puts them back) and the batch that comes next (``next``; ``use`` moves on past it)."""

    def __init__(self, n_rows: int, seed: int) -> None:
        self.n_rows, self.seed = n_rows, seed
        self.epoch, self.position = 0, 0
        self._shuffled = (-1, None)  # (epoch, its permutation): the last one drawn

    @property
    def place(self) -> tuple[int, int]:
        """``(epoch, position)``: the epoch in progress and the rows of it used so far."""
        return self.epoch, self.position

    @place.setter
    def place(self, place: tuple[int, int]) -> None:
        self.epoch, self.position = place

    def permutation(self, epoch: int) -> np.ndarray:
        """The order of the rows in ``epoch`` ``(n_rows,)``."""
        if self._shuffled[0] != epoch:
            self._shuffled = (epoch, np.random.default_rng([self.seed, epoch]).permutation(self.n_rows))
        return self._shuffled[1]

    def next(self, size: int) -> Batch:
        """The next batch of (at most) ``size`` rows, without moving on."""
        epoch, position = self.epoch, self.position
        if size >= self.n_rows:
            if position:
                epoch += 1  # the epoch in progress is left unfinished
            return Batch(None, epoch, 0, (epoch + 1, 0))
        rows = self.permutation(epoch)[position : position + size]
        end = position + len(rows)
        return Batch(rows, epoch, position, (epoch + 1, 0) if end >= self.n_rows else (epoch, end))

    def use(self, batch: Batch) -> None:
        """Move on past ``batch`` (one ``next`` gave)."""
        self.place = batch.after
