"""Compact binary frames for the Vanishing page's live A/B view (``pages/live/deep_view.js``).

The same wire format as the Playground's (``viz.frames.encode_frame``): a JSON header and
typed arrays. Pure NumPy, no Streamlit, unit-tested. What the page's state module computes
(``pages.vanishing_state``: per-entry norms, shown steps, scores) comes in as ``Panel``s; this
module only packs it, and remembers which rows of the curves each panel's browser already has,
so that a frame carries only the new ones.

Every per-layer size and loss is sent as ``log10`` in ``float32``: the charts draw them on log
axes, and a vanishing gradient (1e-50) or a loss on its way to diverging (1e40) would leave
``float32``'s range as a plain value. ``log10 0 = -inf`` and NaN travel as they are.

**Kinds of frame** (``header["kind"]``):

- ``setup``: ``runs`` (per configuration: ``name``, ``label``, ``layers`` ``L``, ``colour``,
  ``symbol``), the heatmap's ``quantity`` / ``quantity_label`` / ``mode`` (``relative`` or
  ``absolute``, as ``viz.gradients.layer_step_heatmap``), ``min_half_range`` and the colour
  ramp ``palette`` (256 ``#rrggbb``: the theme's diverging ramp for ``relative``, the
  sequential blues for ``absolute``). Sent when the stream opens and after a rebuild.
- ``state``: ``seq``, ``step`` (the step every running configuration shows), ``epoch``,
  ``replaying``, ``can_train``, ``curves`` (``"append"`` or ``"replace"``), ``truncate`` (None,
  or a step: the browser drops its rows after it, the runs went back there), and ``runs``, per
  configuration: ``name``, ``step`` (its shown step), ``loss`` (the batch loss of that step),
  ``score`` (``{"name", "value", "step"}`` or None), ``divergence`` (a sentence or None).
  Arrays per configuration ``X``: ``X.grad (L,)`` = log10 rms ``dL/dW`` per layer at its
  shown step, ``X.delta (L,)`` = log10 rms ``dL/dz``; the new rows ``X.steps (m,)`` (int32),
  ``X.heat (m, L)`` = the heatmap's values (``viz.gradients.log_values`` of the quantity, so
  relative mode is already minus each step's median layer), ``X.loss (m,)`` = log10 batch loss.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from plotly.colors import sample_colorscale

from viz import theme
from viz.frames import encode_frame, palette
from viz.gradients import HEATMAP_MODES, MIN_HALF_RANGE, QUANTITIES, SERIES_STYLES, log_values

RESEND_ROWS = 600  # at most this many rows per configuration when the curves are sent afresh


@dataclass
class Panel:
    """One configuration's part of a state frame (numbers from ``pages.vanishing_state``).

    ``grad_W_rms`` / ``delta_rms`` ``(L,)`` at the shown ``step``; ``rows`` = ``(steps (m,),
    values (m, L), loss (m,))``, the recorded steps after ``DeepFrameBuilder.after(name)``
    (``vanishing_state.layer_rows_after``)."""

    name: str
    step: int
    grad_W_rms: np.ndarray
    delta_rms: np.ndarray
    loss: float
    rows: tuple[np.ndarray, np.ndarray, np.ndarray]
    score: Mapping | None = None
    divergence: str | None = None


def log10(values) -> np.ndarray:
    """``log10`` as ``float32``: 0 -> ``-inf``, negative or NaN -> NaN, ``+inf`` stays ``+inf``."""
    with np.errstate(all="ignore"):
        return np.log10(np.asarray(values, dtype=np.float64)).astype(np.float32)


def heat_palette(mode: str) -> list[str]:
    """The 256 colours of the heatmap: ``viz.frames.palette`` (orange-grey-blue) for
    ``relative``, Plotly's ``Blues`` (``theme.SEQUENTIAL``) for ``absolute``."""
    if mode not in HEATMAP_MODES:
        raise ValueError(f"unknown heatmap mode {mode!r}; choose one of: {', '.join(HEATMAP_MODES)}")
    if mode == "relative":
        return palette()
    out = []
    for text in sample_colorscale(theme.SEQUENTIAL, list(np.linspace(0.0, 1.0, 256))):
        r, g, b = (round(float(v)) for v in text[text.index("(") + 1 : -1].split(","))
        out.append(f"#{r:02x}{g:02x}{b:02x}")
    return out


def _finite(value) -> float | None:
    return float(value) if value is not None and math.isfinite(value) else None


def _thin(n: int, limit: int = RESEND_ROWS) -> np.ndarray:
    """At most ``limit`` of ``n`` row indices, evenly spread, the first and last included."""
    if n <= limit:
        return np.arange(n)
    return np.unique(np.linspace(0, n - 1, limit).round().astype(np.int64))


@dataclass
class DeepFrameBuilder:
    """Frames for the A/B view. ``quantity`` and ``mode`` choose the heatmap (as the page's
    radios); ``after(name)`` is the last step whose row that configuration's browser has (-1:
    none), so the model asks its state module for the rows after it."""

    quantity: str = "grad_W_rms"
    mode: str = "relative"
    _after: dict[str, int] = field(default_factory=dict, init=False)
    _fresh: bool = field(default=True, init=False)
    _truncate: int | None = field(default=None, init=False)

    def __post_init__(self) -> None:
        if self.quantity not in QUANTITIES:
            raise ValueError(f"unknown quantity {self.quantity!r}; choose one of: {', '.join(QUANTITIES)}")
        heat_palette(self.mode)  # checks the mode

    def after(self, name: str) -> int:
        return self._after.get(name, -1)

    def restart(self) -> None:
        """The next frame sends the curves afresh (a rebuild, a reset, another heatmap)."""
        self._after.clear()
        self._fresh, self._truncate = True, None

    def truncate(self, step: int) -> None:
        """The runs went back to ``step`` (a rewind): the browser drops its rows after it."""
        if self._fresh:
            return
        self._after = {name: min(k, int(step)) for name, k in self._after.items()}
        self._truncate = int(step) if self._truncate is None else min(self._truncate, int(step))

    def setup_frame(self, runs: Sequence[tuple[str, str, int]]) -> bytes:
        """``runs``: ``(name, label, L)`` per configuration, in the page's order."""
        header = {
            "kind": "setup",
            "runs": [
                {"name": name, "label": label, "layers": int(L), **SERIES_STYLES[i % len(SERIES_STYLES)]}
                for i, (name, label, L) in enumerate(runs)
            ],
            "quantity": self.quantity,
            "quantity_label": QUANTITIES[self.quantity],
            "mode": self.mode,
            "min_half_range": MIN_HALF_RANGE,
            "palette": heat_palette(self.mode),
            "colours": {"text": theme.TEXT, "muted": theme.MUTED, "highlight": theme.HIGHLIGHT},
        }
        return encode_frame(header, {})

    def state_frame(
        self,
        panels: Sequence[Panel],
        *,
        step: int,
        epoch: int,
        replaying: bool = False,
        can_train: bool = True,
        seq: int = 0,
        extra: Mapping | None = None,
    ) -> bytes:
        """The ``state`` frame of ``panels`` (see the module docstring)."""
        mode = "replace" if self._fresh else "append"
        arrays: dict[str, np.ndarray] = {}
        runs = []
        for panel in panels:
            steps, values, loss = (np.asarray(a) for a in panel.rows)
            if self._fresh:
                keep = _thin(len(steps))
                steps, values, loss = steps[keep], values[keep], loss[keep]
            if len(steps):
                self._after[panel.name] = int(steps[-1])
            L = len(panel.grad_W_rms)
            heat = log_values(values.reshape(len(steps), L), self.mode) if len(steps) else np.zeros((0, L))
            arrays[f"{panel.name}.grad"] = log10(panel.grad_W_rms)
            arrays[f"{panel.name}.delta"] = log10(panel.delta_rms)
            arrays[f"{panel.name}.steps"] = steps.astype(np.int32)
            arrays[f"{panel.name}.heat"] = heat.astype(np.float32)
            arrays[f"{panel.name}.loss"] = log10(loss)
            score = None
            if panel.score is not None:
                score = {
                    "name": str(panel.score["name"]),
                    "value": _finite(panel.score["value"]),
                    "step": int(panel.score["step"]),
                }
            runs.append(
                {
                    "name": panel.name,
                    "step": int(panel.step),
                    "loss": _finite(panel.loss),
                    "score": score,
                    "divergence": panel.divergence,
                }
            )
        header = {
            "kind": "state",
            "seq": int(seq),
            "step": int(step),
            "epoch": int(epoch),
            "replaying": bool(replaying),
            "can_train": bool(can_train),
            "curves": mode,
            "truncate": None if self._fresh else self._truncate,
            "runs": runs,
            **(extra or {}),
        }
        self._fresh, self._truncate = False, None
        return encode_frame(header, arrays)
