"""Compact binary frames for the live view: what the browser needs to redraw one training state.

The live view (``pages/live``) draws in the browser; the server sends it these frames over its
own websocket while training. A frame holds only numbers, never a figure: the decision map and
every unit's map as ``uint8`` grids, edge and unit values as ``float32``, and the *new* points of
the curves since the previous frame. Pure NumPy (no Streamlit), unit-tested.

**Wire format** (little-endian): ``uint32 n``, then ``n`` bytes of UTF-8 JSON (the header),
padded with spaces to a multiple of 4, then the array block. ``header["arrays"]`` lists
``{"name", "dtype", "shape", "offset"}`` for every array (``dtype`` one of ``u1``, ``f4``,
``i4``; ``offset`` from the start of the block, a multiple of 4, so the browser views each
array as a typed array without copying). ``encode_frame`` / ``decode_frame`` are inverses.

**Kinds of frame** (``header["kind"]``):

- ``setup``: what does not change while one network trains: ``sizes``, unit ``names``, the
  ``problem``, the data ``domain``, the colour ramp (``palette``, from ``viz.theme``), the
  input features' maps ``input_maps (n_in, r, r)`` and the points ``train_xy (n, 2)``,
  ``train_y (n,)``, ``test_xy``, ``test_y``. Sent when the stream opens and after a rebuild.
- ``state``: one training state: ``step``, ``epoch``, ``metrics``, ``caption``, ``replaying``,
  ``divergence`` (a sentence or None); arrays ``big (R, R)`` (the selected unit's map, by
  default the output), ``maps (m, r, r)`` (every non-input unit's small map, layer by layer),
  ``map_scale (m + 1, 2)`` (``centre, scale`` of each small map, then of ``big``),
  ``weights``, ``gradients``, ``updates`` (all layers' ``W[l] (n_in, n_out)`` flattened
  row-major and concatenated, ``float32``), ``biases``, ``unit_a`` (each unit's activation
  averaged over the step's batch, inputs included), ``unit_delta`` (``dL/dz`` averaged over
  the batch, non-input units), and the curves' new rows: ``metric_step``, ``train_loss``,
  ``test_loss``, ``train_score``, ``test_score``, ``norm_step``, ``grad_norm (k, L)`` (the per-step
  norms of at most ``NEW_NORM_ROWS`` of the new steps, evenly spread, the latest included).
  With 3+ classes (``setup`` header ``n_classes``, ``class_colours``) the state frame also
  has ``classes (R, R)`` (the class of largest probability on the big grid, ``uint8``) and
  ``confidence (R, R)`` (that probability x 255), and the points' ``train_y``/``test_y`` are
  class indices. ``header["curves"]`` is ``"append"`` (add the rows) or ``"replace"`` (the history was reset
  or rewound: these rows are all there is).

Map bytes: ``q = round(255 * clip((v - centre) / scale, -1, 1) / 2 + 127.5)``, so 0 is
``centre - scale`` (orange), 128 about ``centre`` (grey), 255 ``centre + scale`` (blue):
``viz.raster.map_scale`` gives ``centre, scale`` (a classifier's output: 0.5, 0.5).
"""

from __future__ import annotations

import json
import math
import struct
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from engine.boundary import BoundaryGrid, boundary_grid, evaluate_boundary, unit_map
from engine.network import Step
from engine.trainer import Trainer
from viz import theme
from viz.axes import thin_indices
from viz.raster import map_scale

DTYPES = {"u1": np.uint8, "f4": np.float32, "i4": np.int32}
BIG_RESOLUTION = 100  # the selected unit's map, as TensorFlow Playground's
SMALL_RESOLUTION = 20  # every unit's map in the diagram
RESEND_POINTS = 2000  # at most this many curve rows when the curves are sent afresh
NEW_NORM_ROWS = 16  # at most this many new steps' gradient norms per frame (evenly spread, the last kept)
PALETTE_LEVELS = 256


def encode_frame(header: Mapping, arrays: Mapping[str, np.ndarray]) -> bytes:
    """One frame: ``header`` (JSON-able) plus ``arrays`` (any of ``DTYPES``) in the wire format."""
    specs, blobs, offset = [], [], 0
    for name, array in arrays.items():
        code = next((c for c, dt in DTYPES.items() if array.dtype == dt), None)
        if code is None:
            raise ValueError(f"array {name!r} has dtype {array.dtype}; frames carry {', '.join(DTYPES)}")
        data = np.ascontiguousarray(array).astype(array.dtype.newbyteorder("<"), copy=False).tobytes()
        specs.append({"name": name, "dtype": code, "shape": list(array.shape), "offset": offset})
        pad = -len(data) % 4
        blobs.append(data + b"\0" * pad)
        offset += len(data) + pad
    text = json.dumps({**header, "arrays": specs}, separators=(",", ":"), allow_nan=False).encode()
    text += b" " * (-len(text) % 4)
    return struct.pack("<I", len(text)) + text + b"".join(blobs)


def decode_frame(frame: bytes) -> tuple[dict, dict[str, np.ndarray]]:
    """``(header, arrays)`` of a frame made by ``encode_frame`` (the browser does the same in JS)."""
    (n,) = struct.unpack_from("<I", frame, 0)
    header = json.loads(frame[4 : 4 + n])
    block = memoryview(frame)[4 + n :]
    arrays = {}
    for spec in header.pop("arrays"):
        dtype = np.dtype(DTYPES[spec["dtype"]]).newbyteorder("<")
        count = math.prod(spec["shape"])
        arrays[spec["name"]] = np.frombuffer(block, dtype, count, spec["offset"]).reshape(spec["shape"])
    return header, arrays


def quantize(values: np.ndarray, centre: float, scale: float) -> np.ndarray:
    """Map values as ``uint8`` on the diverging ramp (see the module docstring; NaN -> grey)."""
    with np.errstate(all="ignore"):
        t = np.clip((np.asarray(values, dtype=np.float64) - centre) / scale, -1.0, 1.0)
    t = np.where(np.isfinite(t), t, 0.0)
    return np.rint(t * 127.5 + 127.5).astype(np.uint8)


def palette() -> list[str]:
    """The ``PALETTE_LEVELS`` colours of map byte values 0..255, as ``#rrggbb`` (``theme.DIVERGING``:
    the light theme's ``theme.ramp``)."""
    return theme.ramp("light", PALETTE_LEVELS)


def _finite(value: float) -> float | None:
    return float(value) if value is not None and math.isfinite(value) else None


def _flat(arrays: Sequence[np.ndarray]) -> np.ndarray:
    if not arrays:
        return np.empty(0, dtype=np.float32)
    return np.concatenate([np.ravel(a) for a in arrays]).astype(np.float32)


@dataclass
class Shown:
    """The training state a frame shows: after ``steps`` steps, drawn with ``weights``/``biases``
    and the recorded ``step`` (None before the first), its ``epoch``, the evaluation ``metrics``
    shown, whether it is a ``replaying`` of the past, a ``caption``, a ``divergence`` sentence
    (or None) and a ``notice`` (e.g. why training stopped, or None)."""

    steps: int
    epoch: int
    weights: list[np.ndarray]
    biases: list[np.ndarray]
    step: Step | None
    metrics: Mapping[str, float]
    replaying: bool = False
    caption: str = ""
    divergence: str | None = None
    notice: str | None = None


@dataclass
class FrameBuilder:
    """Frames for one network trained on 2-D data (the Playground). Remembers which curve rows
    the browser already has, so that every frame carries only the new ones.

    ``selected``: the unit ``(layer, index)`` whose map is drawn large (None: the output)."""

    features: tuple[str, ...]
    classification: bool
    probability_output: bool = True  # False: a tanh output for -1/+1 labels (TF compatible), scaled about 0
    big: BoundaryGrid = field(init=False)
    small: BoundaryGrid = field(init=False)
    selected: tuple[int, int] | None = None
    _metric_step: int = field(default=-1, init=False)
    _norm_step: int = field(default=-1, init=False)
    _fresh_curves: bool = field(default=True, init=False)

    def __post_init__(self) -> None:
        self.big = boundary_grid(self.features, BIG_RESOLUTION)
        self.small = boundary_grid(self.features, SMALL_RESOLUTION)

    @property
    def _probability(self) -> bool:
        return self.classification and self.probability_output

    def restart_curves(self) -> None:
        """The next frame sends the curves afresh (after a reset, a rebuild or a rewind)."""
        self._fresh_curves = True
        self._metric_step = self._norm_step = -1

    # ---------------------------------------------------------------- setup
    def setup_frame(self, trainer: Trainer, names: Sequence[Sequence[str]]) -> bytes:
        """The ``setup`` frame for ``trainer``'s network and data."""
        net, data = trainer.network, trainer.dataset
        inputs = evaluate_boundary(net, self.small).maps[0]
        scales = [map_scale(m) for m in inputs]
        header = {
            "kind": "setup",
            "sizes": list(net.sizes),
            "names": [list(layer) for layer in names],
            "problem": "classification" if self.classification else "regression",
            "domain": [float(self.big.domain[0]), float(self.big.domain[1])],
            "palette": palette(),
            "colours": {"train": theme.TRAIN, "test": theme.TEST, "text": theme.TEXT},
            "n_classes": self._n_classes(trainer),
            "class_colours": list(theme.CLASS_COLOURS[: self._n_classes(trainer)]),
        }
        arrays = {
            "input_maps": np.stack([quantize(m, c, s) for m, (c, s) in zip(inputs, scales)]),
            "train_xy": np.asarray(data.raw_train, dtype=np.float32),
            "train_y": point_values(data.Y_train),
            "test_xy": np.asarray(data.raw_test, dtype=np.float32),
            "test_y": point_values(data.Y_test),
        }
        return encode_frame(header, arrays)

    # ---------------------------------------------------------------- state
    def _maps(self, trainer: Trainer, shown: Shown) -> dict[str, np.ndarray]:
        net = trainer.network
        small = evaluate_boundary(net, self.small, *_parameters(shown))
        L = len(net.sizes) - 1
        unit = self.selected if self.selected is not None else (L, 0)
        if not (0 <= unit[0] <= L and 0 <= unit[1] < net.sizes[unit[0]]):
            unit = (L, 0)
        big_map = self._big_map(trainer, shown, unit)
        maps, scales = [], []
        for k in range(1, L + 1):
            for values in small.maps[k]:
                centre, scale = map_scale(values, self._probability and k == L)
                maps.append(quantize(values, centre, scale))
                scales.append((centre, scale))
        big_scale = map_scale(big_map, self._probability and unit[0] == L)
        scales.append(big_scale)
        arrays = {
            "big": quantize(big_map, *big_scale),
            "maps": np.stack(maps),
            "map_scale": np.asarray(scales, dtype=np.float32),
            "big_unit": np.asarray(unit, dtype=np.int32),
        }
        if self._n_classes(trainer) > 2:  # the boundary coloured per class: argmax and its probability
            outputs = evaluate_boundary(net, self.big, *_parameters(shown)).maps[L]
            arrays["classes"] = np.argmax(outputs, axis=0).astype(np.uint8)
            arrays["confidence"] = np.rint(255 * np.clip(outputs.max(axis=0), 0, 1)).astype(np.uint8)
        return arrays

    @staticmethod
    def _n_classes(trainer: Trainer) -> int:
        """2 for one output column (binary or regression), else the number of output columns."""
        return max(2, trainer.network.sizes[-1])

    def _big_map(self, trainer: Trainer, shown: Shown, unit: tuple[int, int]) -> np.ndarray:
        return unit_map(trainer.network, self.big, unit, *_parameters(shown))

    def _curves(self, trainer: Trainer) -> tuple[str, dict[str, np.ndarray]]:
        history = trainer.history
        mode = "replace" if self._fresh_curves else "append"
        metrics = history.metrics_after(self._metric_step)
        norms = history.summaries_after(self._norm_step, ("grad_W_norm",))
        if self._fresh_curves:  # a whole history: thinned, the latest rows kept
            metrics = {k: v[thin_indices(len(v), RESEND_POINTS)] for k, v in metrics.items()}
            norms = {k: v[thin_indices(len(v), RESEND_POINTS)] for k, v in norms.items()}
            self._fresh_curves = False
        else:  # a frame's new steps: at most NEW_NORM_ROWS of them (the curve cannot show more)
            norms = {k: v[thin_indices(len(v), NEW_NORM_ROWS)] for k, v in norms.items()}
        if len(metrics["step"]):
            self._metric_step = int(metrics["step"][-1])
        if len(norms["step"]):
            self._norm_step = int(norms["step"][-1])
        score = "accuracy" if self.classification else "r2"
        grad = norms["grad_W_norm"]
        return mode, {
            "metric_step": metrics["step"].astype(np.int32),
            "train_loss": metrics["train_loss"].astype(np.float32),
            "test_loss": metrics["test_loss"].astype(np.float32),
            "train_score": metrics[f"train_{score}"].astype(np.float32),
            "test_score": metrics[f"test_{score}"].astype(np.float32),
            "norm_step": norms["step"].astype(np.int32),
            "grad_norm": grad.astype(np.float32).reshape(len(norms["step"]), len(trainer.network.sizes) - 1),
        }

    def state_frame(
        self, trainer: Trainer, shown: Shown, seq: int = 0, extra: Mapping | None = None
    ) -> bytes:
        """The ``state`` frame for ``shown`` (curves: the rows the browser does not have yet)."""
        step = shown.step
        edges_w = _flat(shown.weights)
        if step is None:
            grads = updates = np.zeros_like(edges_w)
            unit_a = np.full(sum(trainer.network.sizes), np.nan, dtype=np.float32)
            unit_delta = np.full(sum(trainer.network.sizes[1:]), np.nan, dtype=np.float32)
        else:
            grads, updates = _flat(step.grad_W), _flat(step.update_W)
            unit_a = _flat([a.mean(axis=0) for a in step.a])
            unit_delta = _flat([d.mean(axis=0) for d in step.delta])
        mode, curves = self._curves(trainer)
        header = {
            "kind": "state",
            "seq": int(seq),
            "step": int(shown.steps),
            "epoch": int(shown.epoch),
            "metrics": {k: _finite(v) for k, v in shown.metrics.items()},
            "replaying": bool(shown.replaying),
            "caption": shown.caption,
            "divergence": shown.divergence,
            "notice": shown.notice,
            "curves": mode,
            **(extra or {}),
        }
        arrays = {
            **self._maps(trainer, shown),
            "weights": edges_w,
            "gradients": grads.astype(np.float32),
            "updates": updates.astype(np.float32),
            "biases": _flat(shown.biases),
            "unit_a": unit_a,
            "unit_delta": unit_delta,
            **curves,
        }
        return encode_frame(header, arrays)


def point_values(Y: np.ndarray) -> np.ndarray:
    """The value a point is coloured by, ``float32 (n,)``: its target (one column) or its class
    index (one-hot rows: ``argmax``)."""
    Y = np.asarray(Y)
    return (Y[:, 0] if Y.shape[1] == 1 else np.argmax(Y, axis=1)).astype(np.float32)


def _parameters(shown: Shown) -> tuple:
    """The parameters to draw with: a replayed step's own, else the network's (no copy)."""
    return (shown.weights, shown.biases) if shown.replaying else (None, None)
