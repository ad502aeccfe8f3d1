"""Training history: a summary of every step, histograms and full detail at strides, under a memory cap.

``History.record(step)`` takes the ``Step`` returned by ``Network.train_step``. Recording is
cheap: steps wait in a short queue and are summarized a block at a time (a few vectorized
NumPy calls per block instead of dozens per step). Every public accessor flushes the queue
first, so what you read is always up to date.

What is kept, and how it is bounded, is said next to the code that keeps it:

- ``engine.history_tables``: the **summary** columns (every step, one row each; their shapes
  and formulas), the **histograms** and the **metrics** table;
- ``engine.history_detail``: the **detail** steps and how their bytes are counted;
- ``engine.history_io``: CSV / NPZ / JSON export and import.

**Memory cap.** ``nbytes`` (tables plus detail) stays ``<= max_bytes`` after every ``flush``
(so after every ``Trainer.run``): full tables thin their older half within
``summary_share * max_bytes``; then old strided detail is thinned (the stride doubles), then,
only if still needed, the oldest recent steps go. Queued steps (at most one block, sized to
stay below ``max_bytes / 8``) are held until the next flush.
"""

from __future__ import annotations

import math

import numpy as np

from engine import checks, history_io
from engine.activations import ACTIVATIONS
from engine.history_detail import STEP_LIST_FIELDS, STEP_SCALAR_FIELDS, DetailStore, root
from engine.history_io import step_to_dict
from engine.history_reads import (
    HistoryReads,
    common_histogram_step,
    common_step,
    histogram_at,
    metrics_at,
    summary_at,
)
from engine.history_tables import (
    LAYER_COLUMNS,
    MAX_BLOCK,
    METRIC_COLUMNS,
    MIN_ROWS,
    SCALAR_COLUMNS,
    TABLE_SPLIT,
    _check_int,
    _Table,
    histogram_rows,
    summary_rows,
)
from engine.network import Step

__all__ = [
    "LAYER_COLUMNS",
    "METRIC_COLUMNS",
    "SCALAR_COLUMNS",
    "STEP_LIST_FIELDS",
    "STEP_SCALAR_FIELDS",
    "History",
    "common_histogram_step",
    "common_step",
    "histogram_at",
    "metrics_at",
    "step_to_dict",
    "summary_at",
]


class History(HistoryReads):
    """Everything recorded about a training run; see this module's docstring and those of
    ``engine.history_tables`` and ``engine.history_detail``.

    ``History(max_bytes=50_000_000, keep_recent=50, detail_every=10, histogram_every=10,
    bins=30, act_range=3.0, grad_log10_range=(-10.0, 2.0), summary_share=0.25,
    activation_names=None)``. ``detail_every``/``histogram_every`` may be None (no strided
    detail / no histograms). ``activation_names`` (one per layer, as
    ``Network.activation_names``) tells which layers can die (ReLU: ``Activation.dies``), for
    ``dead_fraction``.
    """

    def __init__(
        self,
        max_bytes: int = 50_000_000,
        keep_recent: int = 50,
        detail_every: int | None = 10,
        histogram_every: int | None = 10,
        bins: int = 30,
        act_range: float = 3.0,
        grad_log10_range: tuple[float, float] = (-10.0, 2.0),
        summary_share: float = 0.25,
        activation_names: list[str] | None = None,
    ) -> None:
        self.keep_recent = _check_int("keep_recent", keep_recent, 0)
        self.detail_every = _check_int("detail_every", detail_every, 1, allow_none=True)
        self.histogram_every = _check_int("histogram_every", histogram_every, 1, allow_none=True)
        self.bins = _check_int("bins", bins, 1)
        act_range = checks.real("act_range", act_range, 0, lo_open=True)
        lo, hi = (float(v) for v in grad_log10_range)
        if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi):
            raise ValueError(f"grad_log10_range must be two finite numbers lo < hi, got {grad_log10_range!r}")
        checks.real("summary_share", summary_share, 0, 1, lo_open=True, hi_open=True)
        self.act_range = float(act_range)
        self.grad_log10_range = (lo, hi)
        self.summary_share = float(summary_share)
        self.activation_edges = np.linspace(-self.act_range, self.act_range, self.bins + 1)
        self.gradient_log10_edges = np.linspace(lo, hi, self.bins + 1)
        self._max_bytes = _check_int("max_bytes", max_bytes, 1)
        self.activation_names = activation_names
        self.clear()

    # ------------------------------------------------------------------ state
    def clear(self) -> None:
        """Forget every recorded step (the settings stay)."""
        self._L: int | None = None
        specs_metrics = {k: ((), np.int64 if k == "step" else np.float64) for k in METRIC_COLUMNS}
        self._tables: dict[str, _Table] = {
            "metrics": _Table(specs_metrics, self._budgets(self._max_bytes)["metrics"], "metrics")
        }
        self._pending: list[Step] = []
        self._pending_meta: list[tuple[int, int]] = []
        self._flush_every = 1  # the first step is flushed alone, to learn a step's size
        self._detail = DetailStore(self.keep_recent, self.detail_every)
        self._last_index: int | None = None
        self._diverged_step: int | None = None

    @property
    def max_bytes(self) -> int:
        return self._max_bytes

    @max_bytes.setter
    def max_bytes(self, value: int) -> None:
        value = _check_int("max_bytes", value, 1)
        self.flush()
        budgets = self._budgets(value)
        for name, table in self._tables.items():
            if budgets[name] // table.row_bytes < MIN_ROWS:
                table.set_budget(budgets[name])  # raises, saying what is needed
        for name, table in self._tables.items():
            table.set_budget(budgets[name])
        self._max_bytes = value
        self._enforce_cap()

    def _budgets(self, max_bytes: int) -> dict[str, int]:
        return {k: int(max_bytes * self.summary_share * f) for k, f in TABLE_SPLIT.items()}

    @property
    def n_layers(self) -> int | None:
        """Number of weight layers of the recorded network (None before the first step)."""
        return self._L

    @property
    def detail_stride(self) -> int | None:
        """The current stride of old detail: ``detail_every``, doubled at each thinning."""
        return self._detail.stride

    @property
    def last_step(self) -> int | None:
        """Index of the most recently recorded step (None if none)."""
        return self._last_index

    @property
    def diverged_step(self) -> int | None:
        """Index of the recorded step that diverged, if any."""
        self.flush()
        return self._diverged_step

    def __len__(self) -> int:
        self.flush()
        return self._tables["summary"].n if self._L is not None else 0

    @property
    def nbytes(self) -> int:
        """Bytes of all arrays held: the tables' allocated capacity plus the detail steps'."""
        self.flush()
        return sum(t.nbytes for t in self._tables.values()) + self._detail.nbytes

    @property
    def detail_nbytes(self) -> int:
        """The detail steps' share of ``nbytes``."""
        self.flush()
        return self._detail.nbytes

    # ------------------------------------------------------------------ recording
    def _init_tables(self, L: int) -> None:
        B = self.bins
        specs_summary = {k: ((), dt) for k, dt in SCALAR_COLUMNS.items()}
        specs_summary.update({k: ((L,), np.float64) for k in LAYER_COLUMNS})
        specs_hist = {
            "step": ((), np.int64),
            "activation": ((L, B), np.int32),
            "gradient": ((L, B), np.int32),
        }
        budgets = self._budgets(self._max_bytes)
        self._tables["summary"] = _Table(specs_summary, budgets["summary"], "summary")
        self._tables["histogram"] = _Table(specs_hist, budgets["histogram"], "histogram")
        self._L = L

    def record(self, step: Step, *, epoch: int = 0, position: int = 0) -> None:
        """Record one ``Step`` (indices must increase). ``epoch``/``position``: where its batch came from."""
        L = len(step.grad_W)
        if self._L is None:
            self._init_tables(L)
        elif L != self._L:
            raise ValueError(
                f"this history holds steps of a {self._L}-layer network; got a step with {L} layers "
                f"(call clear() first to record another network)"
            )
        last = self._last_index
        if last is not None and step.index <= last:
            raise ValueError(
                f"step indices must increase: got step {step.index} after step {last} "
                f"(call truncate({step.index}) first to re-record from there)"
            )
        self._last_index = step.index
        self._pending.append(step)
        self._pending_meta.append((epoch, position))
        if len(self._pending) >= self._flush_every:
            self.flush()

    def record_metrics(self, step: int, **values: float) -> None:
        """Record evaluation metrics at ``step`` (the network's state after ``step`` steps).

        Keywords: ``train_loss``, ``test_loss``, ``train_accuracy``, ``test_accuracy``,
        ``train_r2``, ``test_r2`` (missing ones are NaN). A second record at the same step
        replaces the first; steps must not decrease.
        """
        unknown = set(values) - set(METRIC_COLUMNS[1:])
        if unknown:
            raise ValueError(f"unknown metric(s) {sorted(unknown)}; allowed: {', '.join(METRIC_COLUMNS[1:])}")
        table = self._tables["metrics"]
        if table.n and table.arrays["step"][table.n - 1] >= step:
            if table.arrays["step"][table.n - 1] > step:
                raise ValueError(f"metrics must be recorded in step order; got step {step} after a later one")
            table.n -= 1
        row = {k: np.array([values.get(k, np.nan)], dtype=np.float64) for k in METRIC_COLUMNS[1:]}
        row["step"] = np.array([step], dtype=np.int64)
        table.append(row, 1)

    def flush(self) -> None:
        """Summarize queued steps, store their histograms and detail, and enforce the cap."""
        if not self._pending:
            return
        block, meta = self._pending, self._pending_meta
        self._pending, self._pending_meta = [], []
        with np.errstate(all="ignore"):
            self._append_summaries(block, meta)
            if self.histogram_every is not None:
                self._append_histograms([st for st in block if st.index % self.histogram_every == 0])
        self._detail.store(block, meta)
        self._enforce_cap()
        last = block[-1]
        per_step = self._detail.own_bytes(last) + root(last.a[0]).nbytes + sum(w.nbytes for w in last.weights)
        self._flush_every = int(min(MAX_BLOCK, max(1, self._max_bytes // 8 // max(per_step, 1))))

    def _relu_mask(self) -> list[bool]:
        names = self.activation_names
        if names is None:
            return [False] * self._L
        if len(names) != self._L:
            raise ValueError(
                f"activation_names has {len(names)} names; the recorded network has {self._L} layers"
            )
        return [n in ACTIVATIONS and ACTIVATIONS[n].dies for n in names]

    def _append_summaries(self, block: list[Step], meta: list[tuple[int, int]]) -> None:
        cols = summary_rows(block, meta, self._relu_mask())
        if cols["diverged"].any():
            self._diverged_step = int(cols["step"][np.argmax(cols["diverged"])])
        self._tables["summary"].append(cols, len(block))

    def _append_histograms(self, steps: list[Step]) -> None:
        if steps:
            cols = histogram_rows(steps, self.bins, self.act_range, self.grad_log10_range)
            self._tables["histogram"].append(cols, len(steps))

    # ------------------------------------------------------------------ cap and rewind
    def _enforce_cap(self) -> None:
        tables = sum(t.nbytes for t in self._tables.values())
        while tables + self._detail.nbytes > self._max_bytes and self._detail.steps:
            self._detail.thin()

    def truncate(self, step: int) -> None:
        """Forget step ``step`` and every later one (summaries, histograms, detail); metrics
        recorded at ``step`` (the state the step started from) and before are kept."""
        step = _check_int("step", step, 0)
        self.flush()
        self._tables["metrics"].truncate(step, keep_equal=True)
        if self._L is None:
            return
        self._tables["summary"].truncate(step, keep_equal=False)
        self._tables["histogram"].truncate(step, keep_equal=False)
        self._detail.truncate(step)
        if self._diverged_step is not None and self._diverged_step >= step:
            self._diverged_step = None
        if self._last_index is not None and self._last_index >= step:
            self._last_index = step - 1 if step > 0 else None

    # ------------------------------------------------------------------ export and import
    def to_csv(self, path_or_buffer) -> None:
        """Write the summaries, one row per recorded step: the scalar columns, then
        ``{column}_L{l}`` for ``l = 1 .. L`` (e.g. ``grad_W_norm_L1``). Floats are written with
        ``repr``, so ``from_csv`` reads back the same bits (``nan``/``inf`` included)."""
        history_io.write_csv(self, path_or_buffer)

    @classmethod
    def from_csv(cls, path_or_buffer, **settings) -> History:
        """A History holding the summaries of a ``to_csv`` file (no detail, histograms or metrics).

        ``settings`` are passed to ``History(...)``; rows beyond its cap are thinned as usual."""
        return history_io.read_csv(cls, path_or_buffer, **settings)

    def save_npz(self, path) -> None:
        """Save summaries, metrics, histograms and every held detail step to one ``.npz``.

        Each distinct array is written once (``arrays__j``); a JSON entry maps every step's
        fields to those arrays, so ``load_npz`` restores equal values and the same sharing.
        """
        history_io.save_npz(self, path)

    @classmethod
    def load_npz(cls, path) -> History:
        """A History as saved by ``save_npz``: the same summaries, metrics, histograms and detail."""
        return history_io.load_npz(cls, path)

    def to_json(self, k: int) -> str:
        """Detail step ``k`` as JSON: its scalars, ``divergence``, and every list field as
        nested lists (``null`` for a missing array and for a non-finite number)."""
        return history_io.step_json(self, k)

    def _load_tables(self, L: int | None, tables: dict[str, dict[str, np.ndarray]]) -> None:
        """Fill the tables from loaded columns (``history_io``) and restore the last/diverged step."""
        if L is not None:
            self._init_tables(L)
        for name, cols in tables.items():
            m = len(cols.get("step", ()))
            if m and name in self._tables:
                self._tables[name].append(cols, m)
        if L is None:
            return
        summary = self._tables["summary"]
        steps = summary.arrays["step"][: summary.n]
        if len(steps):
            self._last_index = int(steps[-1])
            flagged = np.flatnonzero(summary.arrays["diverged"][: summary.n])
            self._diverged_step = int(steps[flagged[0]]) if len(flagged) else None
