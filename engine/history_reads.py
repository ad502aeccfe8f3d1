"""Reading a ``History``: its accessors (a mixin ``History`` inherits) and the "at or before step k" reads.

``HistoryReads`` holds every public read of the tables and the detail store (each flushes
the queue first, so what you read is up to date; every array returned is a copy).
``metrics_at`` / ``summary_at`` are the "latest at or before step ``k``" reads every page uses.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from engine import checks
from engine.history_tables import LAYER_COLUMNS, METRIC_COLUMNS, SCALAR_COLUMNS
from engine.network import Step


class HistoryReads:
    """The read accessors of ``History`` (which provides ``flush``, ``_L``, ``_tables``,
    ``_detail``, ``activation_edges`` and ``gradient_log10_edges``)."""

    def detail(self, k: int) -> Step | None:
        """The recorded ``Step`` with index ``k`` (the very object ``train_step`` returned), or None."""
        self.flush()
        return self._detail.steps.get(k)

    def detail_meta(self, k: int) -> tuple[int, int] | None:
        """``(epoch, position)`` of detail step ``k``'s batch, or None if ``k`` is not held."""
        self.flush()
        return self._detail.meta.get(k)

    def detail_steps(self) -> list[int]:
        """Indices of all steps held in detail, increasing."""
        self.flush()
        return list(self._detail.steps)

    def nearest_detail(self, k: int) -> Step | None:
        """The held detail step closest to ``k`` (the earlier one on a tie), or None if none."""
        self.flush()
        if not self._detail.steps:
            return None
        best = min(self._detail.steps, key=lambda i: (abs(i - k), i))
        return self._detail.steps[best]

    def summaries(self) -> dict[str, np.ndarray]:
        """Every summary column (copies): scalars ``(n,)``, per-layer ``(n, L)``; see
        ``engine.history_tables``."""
        self.flush()
        if self._L is None:
            return {}
        table = self._tables["summary"]
        return {k: table.column(k) for k in table.arrays}

    def column(self, name: str) -> np.ndarray:
        """One summary column (a copy)."""
        self.flush()
        checks.choice("summary column", name, (*SCALAR_COLUMNS, *LAYER_COLUMNS))
        if self._L is None:
            shape = (0,) if name in SCALAR_COLUMNS else (0, 0)
            return np.empty(shape, dtype=SCALAR_COLUMNS.get(name, np.float64))
        return self._tables["summary"].column(name)

    @property
    def steps(self) -> np.ndarray:
        """Step indices of the summary rows, ``(n,)``."""
        return self.column("step")

    def summary(self, k: int) -> dict | None:
        """Summary of step ``k``: Python scalars and ``(L,)`` arrays, or None if not recorded (or thinned)."""
        self.flush()
        if self._L is None:
            return None
        table = self._tables["summary"]
        i = table.find(k)
        if i is None:
            return None
        return {name: a[i].copy() if a.ndim > 1 else a[i].item() for name, a in table.arrays.items()}

    def metrics(self) -> dict[str, np.ndarray]:
        """Evaluation metrics, one row per evaluation: ``step`` and the ``METRIC_COLUMNS`` (copies)."""
        table = self._tables["metrics"]
        return {k: table.column(k) for k in METRIC_COLUMNS}

    def metrics_after(self, step: int) -> dict[str, np.ndarray]:
        """The metrics rows recorded at a step above ``step`` (a live view's new curve points,
        without copying the whole table)."""
        return self._tables["metrics"].rows_after(step, METRIC_COLUMNS[1:])

    def summaries_after(self, step: int, names: Sequence[str]) -> dict[str, np.ndarray]:
        """Summary columns ``names`` (and ``step``) of the steps above ``step``: scalars ``(m,)``,
        per-layer ``(m, L)``; empty arrays before the first step."""
        self.flush()
        for name in names:
            checks.choice("summary column", name, (*SCALAR_COLUMNS, *LAYER_COLUMNS))
        if self._L is None:
            return {
                k: np.empty((0,) if k in SCALAR_COLUMNS or k == "step" else (0, 0)) for k in ("step", *names)
            }
        return self._tables["summary"].rows_after(step, names)

    @property
    def last_metrics_step(self) -> int | None:
        """The step of the latest metrics row, or None."""
        table = self._tables["metrics"]
        if not table.n:
            return None
        return int(table.arrays["step"][table.n - 1])

    def histograms(self) -> dict[str, np.ndarray]:
        """``step (m,)``, ``activation``/``gradient`` counts ``(m, L, bins)``, and the bin edges."""
        self.flush()
        edges = {
            "activation_edges": self.activation_edges.copy(),
            "gradient_log10_edges": self.gradient_log10_edges.copy(),
        }
        if self._L is None:
            return {"step": np.empty(0, dtype=np.int64), **edges}
        table = self._tables["histogram"]
        return {k: table.column(k) for k in table.arrays} | edges

    def histogram(self, k: int) -> dict[str, np.ndarray] | None:
        """Step ``k``'s ``activation``/``gradient`` counts ``(L, bins)``, or None."""
        self.flush()
        if self._L is None:
            return None
        table = self._tables["histogram"]
        i = table.find(k)
        if i is None:
            return None
        return {
            "activation": table.arrays["activation"][i].copy(),
            "gradient": table.arrays["gradient"][i].copy(),
        }


def metrics_at(history, step: int, finite: bool = False) -> dict[str, float]:
    """The latest evaluation at or before ``step``: ``step`` and the ``METRIC_COLUMNS``
    (``train_loss``, ``test_accuracy``, ...) as floats, or ``{}`` before any evaluation.

    With ``finite``, the latest one whose train and test losses are both finite (a diverging
    network's last evaluations can overflow to inf before a training step does)."""
    table = history.metrics()
    i = int(np.searchsorted(table["step"], step, side="right")) - 1
    if finite:
        ok = np.isfinite(table["train_loss"][: i + 1]) & np.isfinite(table["test_loss"][: i + 1])
        i = int(np.flatnonzero(ok)[-1]) if ok.any() else -1
    return {name: float(column[i]) for name, column in table.items()} if i >= 0 else {}


def summary_at(history, step: int) -> dict | None:
    """The summary row of ``step`` (``History.summary``), or of the latest recorded step before
    it (rows of old steps are thinned when the table is full; the first recorded one when none
    is at or before ``step``), or None when nothing is recorded. Its ``step`` says which one."""
    row = history.summary(step)
    if row is not None:
        return row
    steps = history.steps
    if not len(steps):
        return None
    i = int(np.searchsorted(steps, step, side="right")) - 1
    return history.summary(int(steps[max(i, 0)]))


def common_step(histories: Sequence, requested: int) -> int | None:
    """The latest step at or before ``requested`` whose summary every one of ``histories``
    still holds (old rows are thinned to fit a cap, sooner for a larger network, so a step one
    history holds may be gone from another), or None when there is none."""
    steps = None
    for history in histories:
        own = history.steps
        own = own[own <= requested]
        steps = own if steps is None else np.intersect1d(steps, own, assume_unique=True)
    return int(steps[-1]) if steps is not None and len(steps) else None


def common_histogram_step(histories: Sequence, step: int) -> int:
    """The latest histogram step at or before ``step`` that every one of ``histories`` holds
    (histograms are recorded every ``histogram_every`` steps, the same for all of them, and
    thinned like the summaries), else 0. The candidates are probed one by one
    (``History.histogram``, one row each), not read from ``histograms()``, which copies the
    whole table (5 MB for 100 layers)."""
    every = histories[0].histogram_every
    if not every:
        return step
    k = step - step % every
    while k > 0 and any(history.histogram(k) is None for history in histories):
        k -= every
    return max(k, 0)


def histogram_at(history, step: int) -> dict | None:
    """The histograms of the latest histogram step at or before ``step`` (else the first one):
    ``step``, ``activation``/``gradient`` counts ``(L, bins)`` and both edge arrays; None
    before any histogram."""
    every = history.histogram_every
    row = history.histogram(step - step % every) if every else None
    if row is not None:
        found = step - step % every
    else:
        table = history.histograms()
        if not len(table["step"]):
            return None
        i = max(int(np.searchsorted(table["step"], step, side="right")) - 1, 0)
        found = int(table["step"][i])
        row = {"activation": table["activation"][i], "gradient": table["gradient"][i]}
    return {
        "step": int(found),
        **row,
        "activation_edges": history.activation_edges,
        "gradient_log10_edges": history.gradient_log10_edges,
    }
