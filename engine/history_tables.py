"""The History's tables: named columns in preallocated arrays, and the block summaries that fill them.

``SCALAR_COLUMNS`` / ``LAYER_COLUMNS`` / ``METRIC_COLUMNS`` name the columns (their meaning
below). ``_Table`` holds one table (capacity grows by doubling up to
its byte budget; a full table thins its older half). ``_summarize`` turns a block of ``k``
steps into the ``(k, L)`` per-layer columns in a few vectorized calls; ``_bin_counts`` counts
the histograms.

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

"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from engine import checks
from engine.network import Step

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


MIN_ROWS = 4  # every table must hold at least this many rows within its budget
MAX_BLOCK = 256  # steps summarized together (and at most max_bytes / 8 of them)
TABLE_SPLIT = {"summary": 0.5, "histogram": 0.4, "metrics": 0.1}  # of summary_share * max_bytes


def _check_int(name: str, value, minimum: int, allow_none: bool = False):
    """``checks.integer``: an integer >= ``minimum`` (or None with ``allow_none``)."""
    return checks.integer(name, value, minimum, none_ok=allow_none)


def _starts(sizes: np.ndarray) -> np.ndarray:
    """Offsets of consecutive segments of the given sizes: ``[0, s0, s0 + s1, ...]`` minus the total."""
    starts = np.zeros(len(sizes), dtype=np.intp)
    np.cumsum(sizes[:-1], out=starts[1:])
    return starts


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


def summary_rows(block: list[Step], meta: list[tuple[int, int]], relu: list[bool]) -> dict[str, np.ndarray]:
    """Every summary column of ``k`` steps (``meta``: their ``(epoch, position)``): scalars
    ``(k,)`` and the ``(k, L)`` per-layer columns of ``_summarize``."""
    k = len(block)
    cols = _summarize(block, relu)
    cols["step"] = np.fromiter((st.index for st in block), dtype=np.int64, count=k)
    cols["epoch"] = np.fromiter((m[0] for m in meta), dtype=np.int64, count=k)
    cols["position"] = np.fromiter((m[1] for m in meta), dtype=np.int64, count=k)
    cols["batch_size"] = np.fromiter((st.a[0].shape[0] for st in block), dtype=np.int64, count=k)
    cols["diverged"] = np.array([st.divergence is not None for st in block], dtype=bool)
    for name in ("loss", "lr", "grad_norm_before_clip", "grad_norm_after_clip", "penalty"):
        cols[name] = np.fromiter((getattr(st, name) for st in block), dtype=np.float64, count=k)
    return cols


def histogram_rows(
    steps: list[Step], bins: int, act_range: float, grad_log10_range: tuple[float, float]
) -> dict[str, np.ndarray]:
    """The histogram rows of ``m`` steps: ``step (m,)``, ``activation`` and ``gradient``
    counts ``(m, L, bins)`` on the fixed edges described above."""
    L, m = len(steps[0].grad_W), len(steps)
    act = _bin_counts(
        [x for st in steps for x in st.a[1:]], -act_range, 2 * act_range / bins, bins, m * L, log=False
    )
    lo, hi = grad_log10_range
    grad = _bin_counts([x for st in steps for x in st.grad_W], lo, (hi - lo) / bins, bins, m * L, log=True)
    return {
        "step": np.array([st.index for st in steps], dtype=np.int64),
        "activation": act.reshape(m, L, bins),
        "gradient": grad.reshape(m, L, bins),
    }
