"""Compact binary frames for the Image recognition page's live view (``pages/live/digits_view.js``).

The same wire format as the Playground's (``viz.frames.encode_frame``): a JSON header and
typed arrays. Pure NumPy, no Streamlit, unit-tested.

**Kinds of frame** (``header["kind"]``):

- ``setup``: ``sizes``, ``classes`` (``"0"`` .. ``"9"``), ``palette`` (256 ``#rrggbb``, the
  theme's orange-grey-blue ramp) and ``colours``. Sent when the stream opens and after a rebuild.
- ``state``: ``seq``, ``step``, ``epoch``, ``metrics`` (``test_accuracy``, ``test_loss``,
  ``train_accuracy``, ``train_loss`` of the shown state; None when not finite), ``w_scale``
  (the weight that the ramp's ends stand for), ``can_train``, ``divergence``, ``curves``
  (``"append"`` or ``"replace"``), and arrays:
  ``weights (h1, 8, 8)`` uint8: every first-layer unit's 64 incoming weights ``W[0][:, j]`` as
  an 8 x 8 image, ``viz.frames.quantize``d around 0 with ``w_scale`` (0 orange = ``-w_scale``,
  128 grey = 0, 255 blue = ``+w_scale``); ``confusion (10, 10)`` int32 of the test set (row =
  true digit, column = predicted, ``engine.classification.confusion``); and the curves' new rows
  ``metric_step (m,)`` int32, ``test_accuracy``, ``train_accuracy``, ``test_loss``,
  ``train_loss (m,)`` float32.

``w_scale`` is the 99th percentile of ``|W[0]|`` (never below ``MIN_W_SCALE``): a few large
weights do not wash the others out to grey.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from engine.classification import confusion, labels
from engine.trainer import Trainer
from viz import theme
from viz.frames import encode_frame, palette, quantize

MIN_W_SCALE = 1e-3
RESEND_ROWS = 1000  # at most this many curve rows when the curves are sent afresh
CURVES = ("test_accuracy", "train_accuracy", "test_loss", "train_loss")


def weight_images(W0: np.ndarray, side: int = 8) -> tuple[np.ndarray, float]:
    """``(images (h1, side, side) uint8, w_scale)`` of the first layer's weights ``W0 (side^2, h1)``:
    image ``j`` is column ``j`` (unit ``j``'s incoming weights), row by row, as the pixels."""
    W0 = np.asarray(W0, dtype=np.float64)
    finite = np.abs(W0[np.isfinite(W0)])
    scale = max(float(np.percentile(finite, 99)) if finite.size else 0.0, MIN_W_SCALE)
    images = quantize(W0.T.reshape(-1, side, side), 0.0, scale)
    return images, scale


def confusion_of(trainer: Trainer, weights=None, biases=None) -> np.ndarray:
    """The test set's ``(10, 10)`` confusion matrix now (or with ``weights``/``biases``)."""
    data, net = trainer.dataset, trainer.network
    if weights is not None:
        net = net.copy()
        net.set_parameters(weights, biases)
    scores = net.predict(data.X_test)
    return confusion(labels(data.Y_test), labels(scores), data.n_outputs)


def _finite(value) -> float | None:
    return float(value) if value is not None and math.isfinite(value) else None


def _thin(n: int, limit: int = RESEND_ROWS) -> np.ndarray:
    if n <= limit:
        return np.arange(n)
    return np.unique(np.linspace(0, n - 1, limit).round().astype(np.int64))


@dataclass
class DigitFrameBuilder:
    """Frames for one digits classifier; remembers the last curve row the browser has."""

    _metric_step: int = field(default=-1, init=False)
    _fresh: bool = field(default=True, init=False)

    def restart_curves(self) -> None:
        """The next frame sends the curves afresh (a rebuild, a reset, a rewind)."""
        self._fresh, self._metric_step = True, -1

    def setup_frame(self, trainer: Trainer) -> bytes:
        header = {
            "kind": "setup",
            "sizes": list(trainer.network.sizes),
            "classes": [str(c) for c in (trainer.dataset.class_labels or range(trainer.dataset.n_outputs))],
            "palette": palette(),
            "colours": {"train": theme.TRAIN, "test": theme.TEST, "text": theme.TEXT, "muted": theme.MUTED},
        }
        return encode_frame(header, {})

    def _curves(self, trainer: Trainer) -> tuple[str, dict[str, np.ndarray]]:
        mode = "replace" if self._fresh else "append"
        rows = trainer.history.metrics_after(self._metric_step)
        if self._fresh:
            keep = _thin(len(rows["step"]))
            rows = {k: v[keep] for k, v in rows.items()}
            self._fresh = False
        if len(rows["step"]):
            self._metric_step = int(rows["step"][-1])
        out = {"metric_step": rows["step"].astype(np.int32)}
        out.update({name: rows[name].astype(np.float32) for name in CURVES})
        return mode, out

    def state_frame(
        self,
        trainer: Trainer,
        seq: int = 0,
        extra: Mapping | None = None,
        divergence: str | None = None,
    ) -> bytes:
        """The ``state`` frame of the trainer's network now (see the module docstring)."""
        images, scale = weight_images(trainer.network.weights[0])
        metrics = trainer.last_metrics or {}
        mode, curves = self._curves(trainer)
        header = {
            "kind": "state",
            "seq": int(seq),
            "step": int(trainer.step),
            "epoch": int(trainer.epoch),
            "metrics": {name: _finite(metrics.get(name)) for name in CURVES},
            "w_scale": scale,
            "can_train": trainer.divergence is None,
            "divergence": divergence,
            "curves": mode,
            **(extra or {}),
        }
        arrays = {
            "weights": images,
            "confusion": confusion_of(trainer).astype(np.int32),
            **curves,
        }
        return encode_frame(header, arrays)
