"""Training history: a summary of every step, histograms and full detail at strides, under a memory cap.

``History.record(step)`` takes the ``Step`` returned by ``Network.train_step``. Recording is
cheap: steps wait in a short queue and are summarized a block at a time (a few vectorized
NumPy calls per block instead of dozens per step). Every public accessor flushes the queue
first, so what you read is always up to date.

**Summaries** (every step, one row each). With ``L`` weight layers, ``l = 0 .. L-1`` (shown
1-based as ``L1 .. LL`` in CSV headers), ``B`` the batch's number of rows, ``||x||`` the
Frobenius norm (root of the sum of squares of all entries):

=====================  ==============  ============================================================
column                 shape           value
=====================  ==============  ============================================================
step                   (n,) int64      ``Step.index``
epoch, position        (n,) int64      the epoch of the batch and its first sample's offset in it
batch_size             (n,) int64      ``B`` (rows of ``a[0]``)
diverged               (n,) bool       ``Step.divergence is not None``
loss                   (n,) float64    ``Step.loss`` (the batch's data loss before the update)
lr                     (n,) float64    the learning rate the step used (``Step.lr``)
grad_norm_before_clip  (n,) float64    the Step's global gradient norm before clipping by norm
grad_norm_after_clip   (n,) float64    ... and after (both NaN when the optimizer does not clip
                                       by norm, and for a diverged step)
penalty                (n,) float64    the L1/L2 penalty's value
W_norm                 (n, L)          ``||W[l]||`` (the weights the step started from)
grad_W_norm            (n, L)          ``||dL/dW[l]||`` (data loss only)
update_W_norm          (n, L)          ``||update_W[l]||`` (what was added to ``W[l]``)
update_ratio           (n, L)          ``||update_W[l]|| / ||W[l]||`` (NaN where ``||W[l]|| = 0``)
delta_norm             (n, L)          ``||delta[l]|| / sqrt(B)``: ``delta[l] = dL/dz[l]`` is (B, n_out),
                                       so this is the root mean square over the batch of the
                                       per-sample row norms; it does not grow with ``B``
act_mean, act_std      (n, L)          mean and (population) standard deviation of all entries
                                       of ``a[l+1]`` (the layer's output, B x n_out)
dead_fraction          (n, L)          for a ReLU layer (``Activation.dies``), the fraction of its units whose
                                       activation ``h = max(s, 0)`` is exactly 0 for every row of
                                       the batch (i.e. ``s <= 0`` throughout); NaN for other
                                       layers (and for all layers when the activation names are
                                       unknown)
=====================  ==============  ============================================================

A diverged step's values may be infinite or NaN; that is recorded as is, without warnings.

**Histograms** (steps whose index is a multiple of ``histogram_every``): per layer, counts
in ``bins`` fixed bins of ``a[l+1]`` on ``activation_edges = linspace(-act_range, act_range,
bins + 1)`` and of ``log10|dL/dW[l]|`` on ``gradient_log10_edges = linspace(lo, hi, bins +
1)``. Bin ``j`` holds ``[edge_j, edge_j+1)`` (the last bin also its upper edge); values
beyond the ends are counted in the end bins (a zero gradient, ``log10 0 = -inf``, in the
first); NaN is not counted.

**Detail** (the ``Step`` object itself, by reference: the network never changes a parameter
array in place, so nothing is copied): the most recent ``keep_recent`` steps always, and
steps whose index is a multiple of the detail stride (``detail_every`` at first).

**Memory cap.** ``nbytes`` is the sum of ``ndarray.nbytes`` over every array held, each
array counted once however many steps share it (the full-batch ``X``, or the parameters a
resumed step starts from); a view counts as its base array. Python's own overhead (about
100 bytes per array object, a few KB per ``Step`` with its lists) is not counted: for tiny
networks it roughly doubles the real footprint of the detail steps. The summary, metric and
histogram tables are preallocated and grow by doubling, but together never past
``summary_share * max_bytes``: when one is full, its older half is thinned (every other row
dropped; the newer half is kept). When the total passes ``max_bytes``, old strided detail
is thinned first (the stride doubles and the steps off the new stride are dropped, the
recent ones never), then, only if still needed, the oldest recent steps go. The cap is hard:
``nbytes <= max_bytes`` holds after every ``flush`` (so after every ``Trainer.run``); a
single step larger than what the tables leave is not kept as detail at all. Queued steps
(at most one block, sized to stay below ``max_bytes / 8``) are held until the next flush.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import math
from collections import deque
from collections.abc import Sequence
from numbers import Integral, Real

import numpy as np

from engine.activations import ACTIVATIONS
from engine.network import Divergence, Step

SCALAR_COLUMNS: dict[str, type] = {
    "step": np.int64,
    "epoch": np.int64,
    "position": np.int64,
    "batch_size": np.int64,
    "diverged": np.bool_,
    "loss": np.float64,
    "lr": np.float64,
    "grad_norm_before_clip": np.float64,
    "grad_norm_after_clip": np.float64,
    "penalty": np.float64,
}
LAYER_COLUMNS = (
    "W_norm",
    "grad_W_norm",
    "update_W_norm",
    "update_ratio",
    "delta_norm",
    "act_mean",
    "act_std",
    "dead_fraction",
)
METRIC_COLUMNS = ("step", "train_loss", "test_loss", "train_accuracy", "test_accuracy", "train_r2", "test_r2")


def _step_fields() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Names of the Step dataclass's list-of-arrays fields and of its number fields (read
    from the dataclass, so a field added to Step is saved too). ``divergence`` is neither."""
    lists, scalars = [], []
    for f in dataclasses.fields(Step):
        if f.name != "divergence":
            (lists if "list" in str(f.type) else scalars).append(f.name)
    return tuple(lists), tuple(scalars)


STEP_LIST_FIELDS, STEP_SCALAR_FIELDS = _step_fields()
_OPTIONAL_FIELDS = tuple(
    f.name for f in dataclasses.fields(Step) if f.name in STEP_LIST_FIELDS and f.default is None
)
_SHARED_FIELDS = ("weights", "biases", "gammas", "betas")  # plus a[0], the batch
_OWN_FIELDS = tuple(f for f in STEP_LIST_FIELDS if f not in _SHARED_FIELDS)

MIN_ROWS = 4  # every table must hold at least this many rows within its budget
MAX_BLOCK = 256  # steps summarized together (and at most max_bytes / 8 of them)
TABLE_SPLIT = {"summary": 0.5, "histogram": 0.4, "metrics": 0.1}  # of summary_share * max_bytes


def _root(array: np.ndarray) -> np.ndarray:
    """The array that owns ``array``'s memory (itself unless it is a view)."""
    while isinstance(array.base, np.ndarray):
        array = array.base
    return array


def _check_int(name: str, value, minimum: int, allow_none: bool = False):
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, Integral) or value < minimum:
        extra = " or None" if allow_none else ""
        raise ValueError(f"{name} must be an integer >= {minimum}{extra}, got {value!r}")
    return int(value)


def _starts(sizes: np.ndarray) -> np.ndarray:
    """Offsets of consecutive segments of the given sizes: ``[0, s0, s0 + s1, ...]`` minus the total."""
    starts = np.zeros(len(sizes), dtype=np.intp)
    np.cumsum(sizes[:-1], out=starts[1:])
    return starts


# ---------------------------------------------------------------------------- tables
class _Table:
    """Named columns in preallocated arrays of ``capacity`` rows, of which ``n`` are filled.

    Capacity doubles as rows arrive, up to ``max_rows = budget // row_bytes``; a full table
    thins its older half (``thin``) instead of growing. Rows are sorted by ``step``.
    """

    def __init__(self, specs: dict[str, tuple[tuple[int, ...], type]], budget: int, name: str) -> None:
        self.specs = specs
        self.name = name
        self.row_bytes = sum(
            int(np.prod(shape, dtype=np.int64)) * np.dtype(dt).itemsize for shape, dt in specs.values()
        )
        self.n = 0
        self.arrays = {k: np.empty((0, *shape), dtype=dt) for k, (shape, dt) in specs.items()}
        self.set_budget(budget)

    @property
    def capacity(self) -> int:
        return len(self.arrays["step"])

    @property
    def nbytes(self) -> int:
        return sum(a.nbytes for a in self.arrays.values())

    def set_budget(self, budget: int) -> None:
        max_rows = budget // self.row_bytes
        if max_rows < MIN_ROWS:
            raise ValueError(
                f"max_bytes is too small: the {self.name} table needs at least {MIN_ROWS * self.row_bytes} "
                f"bytes ({MIN_ROWS} rows of {self.row_bytes}) but its share of the cap is {budget}; "
                f"raise max_bytes or summary_share"
            )
        self.max_rows = max_rows
        while self.n > max_rows:
            self.thin()
        if self.capacity > max_rows:
            self._resize(max_rows)

    def _resize(self, capacity: int) -> None:
        for k, a in self.arrays.items():
            new = np.empty((capacity, *a.shape[1:]), dtype=a.dtype)
            new[: self.n] = a[: self.n]
            self.arrays[k] = new

    def thin(self) -> None:
        """Drop every other row of the older half (rows ``0, 2, 4, ...`` of it stay)."""
        half = self.n // 2
        keep = np.concatenate([np.arange(0, half, 2), np.arange(half, self.n)])
        for a in self.arrays.values():
            a[: len(keep)] = a[keep]
        self.n = len(keep)

    def append(self, columns: dict[str, np.ndarray], m: int) -> None:
        """Add ``m`` rows (``columns[k]`` has ``m`` leading entries), thinning if full."""
        chunk = max(1, self.max_rows // 4)
        for lo in range(0, m, chunk):
            hi = min(m, lo + chunk)
            need = self.n + hi - lo
            if need > self.capacity:
                if self.capacity < self.max_rows:
                    self._resize(min(self.max_rows, max(2 * self.capacity, need, 16)))
                while self.n + hi - lo > self.capacity:
                    self.thin()
            for k, a in self.arrays.items():
                a[self.n : self.n + hi - lo] = columns[k][lo:hi]
            self.n += hi - lo

    def column(self, name: str) -> np.ndarray:
        return self.arrays[name][: self.n].copy()

    def rows_after(self, step: int, names: Sequence[str]) -> dict[str, np.ndarray]:
        """Copies of columns ``names`` (and ``step``) for the rows with a step above ``step``."""
        i = int(np.searchsorted(self.arrays["step"][: self.n], step, side="right"))
        return {k: self.arrays[k][i : self.n].copy() for k in ("step", *names)}

    def find(self, step: int) -> int | None:
        steps = self.arrays["step"][: self.n]
        i = int(np.searchsorted(steps, step))
        return i if i < self.n and steps[i] == step else None

    def truncate(self, step: int, keep_equal: bool) -> None:
        """Drop rows with ``step >= step`` (``> step`` when ``keep_equal``)."""
        side = "right" if keep_equal else "left"
        self.n = int(np.searchsorted(self.arrays["step"][: self.n], step, side=side))


# ---------------------------------------------------------------------------- block summaries
def _summarize(block: list[Step], relu: list[bool]) -> dict[str, np.ndarray]:
    """The per-layer summary columns, each ``(k, L)``, of ``k`` steps of an ``L``-layer network.

    One concatenation per layer and kind (parameter-shaped or batch-shaped) covers the whole
    block; per-step sums are then row-segment sums (``np.add.reduceat``).
    """
    k, L = len(block), len(block[0].grad_W)
    rows = np.fromiter((st.a[0].shape[0] for st in block), dtype=np.intp, count=k)
    starts = _starts(rows)
    R = int(rows.sum())
    out = {name: np.empty((k, L)) for name in LAYER_COLUMNS}
    dead = out["dead_fraction"]
    for l in range(L):
        # W, dL/dW, update: (3k n_in, n_out) -> squared norms (3, k). (einsum and BLAS
        # matrix-vector products: much faster than .sum(axis=1) over short rows.)
        params = np.concatenate(
            [st.weights[l] for st in block]
            + [st.grad_W[l] for st in block]
            + [st.update_W[l] for st in block]
        ).reshape(3, k, -1)
        sq = np.einsum("ijk,ijk->ij", params, params)
        out["W_norm"][:, l], out["grad_W_norm"][:, l], out["update_W_norm"][:, l] = np.sqrt(sq)
        # delta[l] and a[l+1]: (2R, n_out)
        batch = np.concatenate([st.delta[l] for st in block] + [st.a[l + 1] for st in block])
        delta, act = batch[:R], batch[R:]
        width = act.shape[1]
        ones = np.ones(width)
        count = rows * width
        out["delta_norm"][:, l] = np.sqrt(np.add.reduceat(np.einsum("ij,ij->i", delta, delta), starts) / rows)
        mean = np.add.reduceat(act @ ones, starts) / count
        centered = act - np.repeat(mean, rows)[:, None]
        out["act_mean"][:, l] = mean
        out["act_std"][:, l] = np.sqrt(
            np.add.reduceat(np.einsum("ij,ij->i", centered, centered), starts) / count
        )
        if relu[l]:
            s = np.concatenate([st.s[l] for st in block])
            peak = np.maximum.reduceat(s, starts, axis=0)  # (k, n_out); NaN stays NaN (alive)
            dead[:, l] = np.count_nonzero(peak <= 0.0, axis=1) / width
        else:
            dead[:, l] = np.nan
    ratio = out["update_ratio"]
    ratio.fill(np.nan)
    np.divide(out["update_W_norm"], out["W_norm"], out=ratio, where=out["W_norm"] > 0)
    return out


def _bin_counts(arrays, lo: float, width: float, bins: int, groups: int, log: bool) -> np.ndarray:
    """Counts ``(groups, bins)``: array ``i`` goes to group ``i``; see the module docstring."""
    sizes = np.fromiter((x.size for x in arrays), dtype=np.intp, count=len(arrays))
    flat = np.concatenate(arrays, axis=None)
    if log:
        flat = np.log10(np.abs(flat))
    position = (flat - lo) / width
    np.clip(position, 0, bins - 1, out=position)
    group = np.repeat(np.arange(groups, dtype=np.intp), sizes)
    counted = ~np.isnan(position)
    if not counted.all():
        position, group = position[counted], group[counted]
    index = group * bins + position.astype(np.intp)
    return np.bincount(index, minlength=groups * bins).reshape(groups, bins)


# ---------------------------------------------------------------------------- History
class History:
    """Everything recorded about a training run; see the module docstring.

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
        if not (isinstance(act_range, Real) and math.isfinite(act_range) and act_range > 0):
            raise ValueError(f"act_range must be a positive finite number, got {act_range!r}")
        lo, hi = (float(v) for v in grad_log10_range)
        if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi):
            raise ValueError(f"grad_log10_range must be two finite numbers lo < hi, got {grad_log10_range!r}")
        if not (isinstance(summary_share, Real) and 0 < summary_share < 1):
            raise ValueError(f"summary_share must be a number in (0, 1), got {summary_share!r}")
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
        self._details: dict[int, Step] = {}  # index -> Step, in increasing index order
        self._meta: dict[int, tuple[int, int]] = {}  # index -> (epoch, position)
        self._recent: deque[int] = deque()
        self._stride = self.detail_every
        self._held: dict[
            int, tuple[int, dict[int, np.ndarray]]
        ] = {}  # index -> (own bytes, shared roots by id)
        self._refs: dict[int, list[int]] = {}  # id(root) -> [count, nbytes]
        self._own_cache: dict[tuple, int] = {}
        self._layout: tuple | None = None
        self._detail_bytes = 0
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
        return self._stride

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
        return sum(t.nbytes for t in self._tables.values()) + self._detail_bytes

    @property
    def detail_nbytes(self) -> int:
        """The detail steps' share of ``nbytes``."""
        self.flush()
        return self._detail_bytes

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
        self._store_details(block, meta)
        self._enforce_cap()
        last = block[-1]
        per_step = self._own_bytes(last) + _root(last.a[0]).nbytes + sum(w.nbytes for w in last.weights)
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
        k = len(block)
        cols = _summarize(block, self._relu_mask())
        cols["step"] = np.fromiter((st.index for st in block), dtype=np.int64, count=k)
        cols["epoch"] = np.fromiter((m[0] for m in meta), dtype=np.int64, count=k)
        cols["position"] = np.fromiter((m[1] for m in meta), dtype=np.int64, count=k)
        cols["batch_size"] = np.fromiter((st.a[0].shape[0] for st in block), dtype=np.int64, count=k)
        diverged = [st.divergence is not None for st in block]
        cols["diverged"] = np.array(diverged, dtype=bool)
        for name in ("loss", "lr", "grad_norm_before_clip", "grad_norm_after_clip", "penalty"):
            cols[name] = np.fromiter((getattr(st, name) for st in block), dtype=np.float64, count=k)
        if any(diverged):
            self._diverged_step = block[diverged.index(True)].index
        self._tables["summary"].append(cols, k)

    def _append_histograms(self, steps: list[Step]) -> None:
        if not steps:
            return
        L, B = self._L, self.bins
        groups = len(steps) * L
        act = _bin_counts(
            [x for st in steps for x in st.a[1:]],
            -self.act_range,
            2 * self.act_range / B,
            B,
            groups,
            log=False,
        )
        lo, hi = self.grad_log10_range
        grad = _bin_counts([x for st in steps for x in st.grad_W], lo, (hi - lo) / B, B, groups, log=True)
        cols = {
            "step": np.array([st.index for st in steps], dtype=np.int64),
            "activation": act.reshape(len(steps), L, B),
            "gradient": grad.reshape(len(steps), L, B),
        }
        self._tables["histogram"].append(cols, len(steps))

    # ------------------------------------------------------------------ detail and bytes
    def _pinned(self, index: int) -> bool:
        return self._stride is not None and index % self._stride == 0

    def _store_details(self, block: list[Step], meta: list[tuple[int, int]]) -> None:
        self._check_layout(block[0])
        first_recent = len(block) - self.keep_recent  # earlier block steps leave the window at once
        for i, (st, m) in enumerate(zip(block, meta)):
            recent = i >= first_recent
            if not recent and not self._pinned(st.index):
                continue
            self._add_detail(st, m)
            if recent:
                self._recent.append(st.index)
        while len(self._recent) > self.keep_recent:
            old = self._recent.popleft()
            if not self._pinned(old):
                self._remove_detail(old)

    def _check_layout(self, st: Step) -> None:
        """Forget the cached per-step byte counts if ``st``'s layout (shapes, which fields
        alias which) differs from the steps seen so far."""
        layout = (
            tuple(w.shape for w in st.weights),
            tuple(x is y for x, y in zip(st.s, st.z)),
            tuple(x is y for x, y in zip(st.a[1:], st.z)),
            tuple(x is y for x, y in zip(st.delta_s, st.delta)),
            tuple(g is None for g in st.grad_gamma),
        )
        if layout != self._layout:
            self._layout = layout
            self._own_cache = {}

    def _own_bytes(self, st: Step) -> int:
        """Bytes of the arrays only this step holds (all but the parameters and ``a[0]``).

        These arrays are new at every step, so steps of one layout (``_check_layout``) with
        the same batch rows and divergence state hold the same bytes: counted once, reused.
        """
        key = (st.a[0].shape[0], st.divergence is None, *(getattr(st, f) is None for f in _OPTIONAL_FIELDS))
        own = self._own_cache.get(key)
        if own is None:
            seen: dict[int, int] = {}
            for name in _OWN_FIELDS:
                values = getattr(st, name) or ()
                for x in values[1:] if name == "a" else values:
                    if x is not None:
                        root = _root(x)
                        seen[id(root)] = root.nbytes
            own = sum(seen.values())
            self._own_cache[key] = own
        return own

    def _add_detail(self, st: Step, meta: tuple[int, int]) -> None:
        """Hold ``st`` as detail and count its bytes; the batch ``a[0]`` and the parameters
        may be shared with other steps, so they are counted once per array (by ``id``)."""
        own = self._own_bytes(st)
        shared = [st.a[0], *st.weights, *st.biases]
        if st.gammas and any(g is not None for g in st.gammas):
            shared += [x for x in (*st.gammas, *st.betas) if x is not None]
        unique = {}
        for x in shared:
            root = x if x.base is None else _root(x)
            unique[id(root)] = root
        refs = self._refs
        added = own
        for key, root in unique.items():
            entry = refs.get(key)
            if entry is None:
                refs[key] = [1, root.nbytes]
                added += root.nbytes
            else:
                entry[0] += 1
        self._held[st.index] = (own, unique)
        self._details[st.index] = st
        self._meta[st.index] = meta
        self._detail_bytes += added

    def _remove_detail(self, index: int) -> None:
        own, unique = self._held.pop(index)
        del self._details[index]
        del self._meta[index]
        removed = own
        refs = self._refs
        for key in unique:
            entry = refs[key]
            entry[0] -= 1
            if entry[0] == 0:
                del refs[key]
                removed += entry[1]
        self._detail_bytes -= removed

    def _enforce_cap(self) -> None:
        tables = sum(t.nbytes for t in self._tables.values())
        while tables + self._detail_bytes > self._max_bytes and self._details:
            self._thin_details()

    def _thin_details(self) -> None:
        """Free some detail: old strided steps first (the stride doubles), then the oldest recent."""
        recent = set(self._recent)
        old = [i for i in self._details if i not in recent]
        if len(old) >= 2 and self._stride is not None:
            stride = self._stride
            drop: list[int] = []
            while not drop:
                stride *= 2
                drop = [i for i in old if i % stride]
            self._stride = stride
        elif old:
            drop = old
        else:
            drop = [self._recent.popleft()]
        for i in drop:
            self._remove_detail(i)

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
        for i in [i for i in self._details if i >= step]:
            self._remove_detail(i)
        self._recent = deque(i for i in self._recent if i < step)
        if self._diverged_step is not None and self._diverged_step >= step:
            self._diverged_step = None
        if self._last_index is not None and self._last_index >= step:
            self._last_index = step - 1 if step > 0 else None

    # ------------------------------------------------------------------ reading
    def detail(self, k: int) -> Step | None:
        """The recorded ``Step`` with index ``k`` (the very object ``train_step`` returned), or None."""
        self.flush()
        return self._details.get(k)

    def detail_meta(self, k: int) -> tuple[int, int] | None:
        """``(epoch, position)`` of detail step ``k``'s batch, or None if ``k`` is not held."""
        self.flush()
        return self._meta.get(k)

    def detail_steps(self) -> list[int]:
        """Indices of all steps held in detail, increasing."""
        self.flush()
        return list(self._details)

    def nearest_detail(self, k: int) -> Step | None:
        """The held detail step closest to ``k`` (the earlier one on a tie), or None if none."""
        self.flush()
        if not self._details:
            return None
        best = min(self._details, key=lambda i: (abs(i - k), i))
        return self._details[best]

    def summaries(self) -> dict[str, np.ndarray]:
        """Every summary column (copies): scalars ``(n,)``, per-layer ``(n, L)``; see the module docstring."""
        self.flush()
        if self._L is None:
            return {}
        table = self._tables["summary"]
        return {k: table.column(k) for k in table.arrays}

    def column(self, name: str) -> np.ndarray:
        """One summary column (a copy)."""
        self.flush()
        allowed = (*SCALAR_COLUMNS, *LAYER_COLUMNS)
        if name not in allowed:
            raise ValueError(f"unknown summary column {name!r}; choose one of: {', '.join(allowed)}")
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
        allowed = (*SCALAR_COLUMNS, *LAYER_COLUMNS)
        for name in names:
            if name not in allowed:
                raise ValueError(f"unknown summary column {name!r}; choose one of: {', '.join(allowed)}")
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

    # ------------------------------------------------------------------ CSV
    def to_csv(self, path_or_buffer) -> None:
        """Write the summaries, one row per recorded step: the scalar columns, then
        ``{column}_L{l}`` for ``l = 1 .. L`` (e.g. ``grad_W_norm_L1``). Floats are written with
        ``repr``, so ``from_csv`` reads back the same bits (``nan``/``inf`` included)."""
        cols = self.summaries()
        L = self._L or 0
        header = list(SCALAR_COLUMNS) + [f"{name}_L{l + 1}" for name in LAYER_COLUMNS for l in range(L)]
        n = len(cols["step"]) if cols else 0
        data = []
        for name in SCALAR_COLUMNS:
            values = cols[name].tolist() if cols else []
            data.append(
                [int(v) for v in values]
                if SCALAR_COLUMNS[name] is not np.float64
                else [repr(v) for v in values]
            )
        for name in LAYER_COLUMNS:
            for l in range(L):
                data.append([repr(v) for v in cols[name][:, l].tolist()])

        def write(handle):
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(header)
            writer.writerows(zip(*data) if n else [])

        if hasattr(path_or_buffer, "write"):
            write(path_or_buffer)
        else:
            with open(path_or_buffer, "w", newline="") as handle:
                write(handle)

    @classmethod
    def from_csv(cls, path_or_buffer, **settings) -> History:
        """A History holding the summaries of a ``to_csv`` file (no detail, histograms or metrics).

        ``settings`` are passed to ``History(...)``; rows beyond its cap are thinned as usual."""
        if hasattr(path_or_buffer, "read"):
            text = path_or_buffer.read()
        else:
            with open(path_or_buffer, newline="") as handle:
                text = handle.read()
        rows = list(csv.reader(io.StringIO(text)))
        if not rows:
            raise ValueError("the CSV is empty; expected a header row written by History.to_csv")
        header, body = rows[0], rows[1:]
        missing = [c for c in SCALAR_COLUMNS if c not in header]
        if missing:
            raise ValueError(
                f"the CSV lacks the column(s) {missing}; expected a file written by History.to_csv"
            )
        L = sum(1 for c in header if c.startswith("W_norm_L"))
        expected = list(SCALAR_COLUMNS) + [f"{name}_L{l + 1}" for name in LAYER_COLUMNS for l in range(L)]
        if header != expected or (L < 1 and body):
            raise ValueError(f"unexpected CSV header; expected the columns {expected}")
        history = cls(**settings)
        if not body:
            return history
        if any(len(r) != len(header) for r in body):
            raise ValueError(f"every CSV row must have {len(header)} fields")
        columns = list(zip(*body))
        try:
            cols = {}
            for j, name in enumerate(SCALAR_COLUMNS):
                dtype = SCALAR_COLUMNS[name]
                cols[name] = np.array(
                    [float(v) if dtype is np.float64 else int(v) for v in columns[j]], dtype=dtype
                )
            j = len(SCALAR_COLUMNS)
            for name in LAYER_COLUMNS:
                cols[name] = np.array([[float(v) for v in columns[j + l]] for l in range(L)]).T.copy()
                j += L
        except ValueError:
            raise ValueError("the CSV holds a value that is not a number") from None
        history._load_tables(L, {"summary": cols})
        return history

    def _load_tables(self, L: int | None, tables: dict[str, dict[str, np.ndarray]]) -> None:
        if L is not None:
            self._init_tables(L)
        for name, cols in tables.items():
            m = len(cols.get("step", ()))
            if m and name in self._tables:
                self._tables[name].append(cols, m)
        if L is None:
            return
        steps = self._tables["summary"].arrays["step"][: self._tables["summary"].n]
        if len(steps):
            self._last_index = int(steps[-1])
            flagged = np.flatnonzero(self._tables["summary"].arrays["diverged"][: self._tables["summary"].n])
            self._diverged_step = int(steps[flagged[0]]) if len(flagged) else None

    # ------------------------------------------------------------------ NPZ
    def save_npz(self, path) -> None:
        """Save summaries, metrics, histograms and every held detail step to one ``.npz``.

        Each distinct array is written once (``arrays__j``); a JSON entry maps every step's
        fields to those arrays, so ``load_npz`` restores equal values and the same sharing.
        """
        self.flush()
        data: dict[str, np.ndarray] = {}
        for name, table in self._tables.items():
            for col in table.arrays:
                data[f"{name}__{col}"] = table.column(col)
        index_of: dict[int, int] = {}
        steps_meta = []
        for k, st in self._details.items():
            fields = {}
            for name in STEP_LIST_FIELDS:
                values = getattr(st, name)
                if values is None:  # e.g. no penalty gradients
                    fields[name] = None
                    continue
                refs = []
                for x in values:
                    if x is None:
                        refs.append(None)
                        continue
                    if id(x) not in index_of:
                        index_of[id(x)] = len(index_of)
                        data[f"arrays__{index_of[id(x)]}"] = np.asarray(x)
                    refs.append(index_of[id(x)])
                fields[name] = refs
            div = st.divergence
            steps_meta.append(
                {
                    **{f: _json_float(getattr(st, f)) for f in STEP_SCALAR_FIELDS},
                    "divergence": None if div is None else [div.quantity, div.layer, div.message],
                    "meta": list(self._meta[k]),
                    "fields": fields,
                }
            )
        config = {
            "max_bytes": self._max_bytes,
            "keep_recent": self.keep_recent,
            "detail_every": self.detail_every,
            "histogram_every": self.histogram_every,
            "bins": self.bins,
            "act_range": self.act_range,
            "grad_log10_range": list(self.grad_log10_range),
            "summary_share": self.summary_share,
            "activation_names": self.activation_names,
            "n_layers": self._L,
            "stride": self._stride,
            "last_index": self._last_index,
            "recent": list(self._recent),
            "steps": steps_meta,
        }
        data["config"] = np.array(json.dumps(config))
        np.savez_compressed(path, **data)

    @classmethod
    def load_npz(cls, path) -> History:
        """A History as saved by ``save_npz``: the same summaries, metrics, histograms and detail."""
        with np.load(path, allow_pickle=False) as npz:
            if "config" not in npz.files:
                raise ValueError(
                    "not a History file: the .npz has no 'config' entry (write it with save_npz)"
                )
            config = json.loads(str(npz["config"]))
            files = {name: npz[name] for name in npz.files}
        settings = {
            k: config[k]
            for k in (
                "max_bytes",
                "keep_recent",
                "detail_every",
                "histogram_every",
                "bins",
                "act_range",
                "grad_log10_range",
                "summary_share",
                "activation_names",
            )
        }
        history = cls(**settings)
        tables = {
            name: {col.split("__", 1)[1]: arr for col, arr in files.items() if col.startswith(name + "__")}
            for name in ("summary", "histogram", "metrics")
        }
        history._load_tables(config["n_layers"], tables)
        history._stride = config["stride"]
        for entry in config["steps"]:
            lists = {
                name: None if refs is None else [None if j is None else files[f"arrays__{j}"] for j in refs]
                for name, refs in entry["fields"].items()
            }
            scalars = {f: _from_json_float(entry[f]) for f in STEP_SCALAR_FIELDS}
            scalars["index"] = int(scalars["index"])
            div = entry["divergence"]
            step = Step(**scalars, **lists, divergence=None if div is None else Divergence(*div))
            history._check_layout(step)
            history._add_detail(step, tuple(entry["meta"]))
        history._recent = deque(i for i in config["recent"] if i in history._details)
        if config["last_index"] is not None:
            history._last_index = config["last_index"]
        history._enforce_cap()
        return history

    # ------------------------------------------------------------------ JSON
    def to_json(self, k: int) -> str:
        """Detail step ``k`` as JSON: its scalars, ``divergence``, and every list field as
        nested lists (``null`` for a missing array and for a non-finite number)."""
        st = self.detail(k)
        if st is None:
            raise ValueError(f"step {k} is not held in detail; held steps: {self._describe_held()}")
        return json.dumps(step_to_dict(st), allow_nan=False)

    def _describe_held(self) -> str:
        held = list(self._details)
        if not held:
            return "none"
        return (
            ", ".join(map(str, held))
            if len(held) <= 12
            else f"{len(held)} steps from {held[0]} to {held[-1]}"
        )


def _json_float(value):
    value = float(value)
    return value if math.isfinite(value) else repr(value)


def _from_json_float(value) -> float:
    return float(value)


def _jsonable(array: np.ndarray):
    if np.isfinite(array).all():
        return array.tolist()
    values = array.astype(object)
    values[~np.isfinite(array)] = None
    return values.tolist()


def step_to_dict(step: Step) -> dict:
    """A JSON-ready dict of a Step: scalars (non-finite as None), ``divergence`` (dict or
    None, layer 0-based) and each list field as a list of nested lists (None for no array)."""
    out: dict = {f: getattr(step, f) for f in STEP_SCALAR_FIELDS}
    out = {k: (v if isinstance(v, int) or math.isfinite(v) else None) for k, v in out.items()}
    div = step.divergence
    out["divergence"] = (
        None if div is None else {"quantity": div.quantity, "layer": div.layer, "message": div.message}
    )
    for name in STEP_LIST_FIELDS:
        public = name.lstrip("_")  # a private field is exposed by a property of that name
        out[public] = [None if x is None else _jsonable(x) for x in getattr(step, public)]
    return out


def metrics_at(history: History, step: int, finite: bool = False) -> dict[str, float]:
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


def summary_at(history: History, step: int) -> dict | None:
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
