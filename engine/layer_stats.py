"""Per-entry views of a deep network's per-layer History columns, and its histograms' range.

``History`` records Frobenius norms per layer; a layer with 2 inputs has 32 times fewer
weights than a 64-wide one, so its norm is smaller even when every weight's gradient is as
large. Divided by the square root of the number of entries they compare across layers, each
``(L,)`` for ``sizes = [n_0, ..., n_L]``:

- ``grad_W_rms = ||dL/dW[l]|| / sqrt(n_l n_{l+1})``: root mean square gradient per weight
- ``delta_rms = delta_norm[l] / sqrt(n_{l+1}) = ||delta[l]|| / sqrt(B n_{l+1})``: root mean
  square of ``dL/dz`` per unit and sample
- ``act_var = act_std ** 2``: the variance of the layer's output entries

NumPy only.
"""

from __future__ import annotations

import numpy as np

from engine import checks
from engine.activations import ACTIVATIONS

# quantity -> the History column it comes from (``update_ratio`` is already per layer and scale-free)
RMS_SOURCES = {"grad_W_rms": "grad_W_norm", "delta_rms": "delta_norm", "update_ratio": "update_ratio"}
BOUNDED_RANGE = 1.05  # histogram half-width for |f| <= 1 (saturation shows in fine bins)
UNBOUNDED_RANGE = 3.0


def per_entry_sizes(sizes) -> dict[str, np.ndarray]:
    """The divisors, ``(L,)`` each: ``sqrt(n_l n_{l+1})`` weights per layer for ``grad_W_norm``,
    ``sqrt(n_{l+1})`` units per layer for ``delta_norm``."""
    sizes = np.asarray(sizes, dtype=np.float64)
    return {"grad_W_norm": np.sqrt(sizes[:-1] * sizes[1:]), "delta_norm": np.sqrt(sizes[1:])}


def rms_row(row: dict, sizes) -> dict:
    """A copy of a summary row (``History.summary``) with ``grad_W_rms``, ``delta_rms`` and
    ``act_var`` added (module docstring)."""
    row = dict(row)
    div = per_entry_sizes(sizes)
    row["grad_W_rms"] = np.asarray(row["grad_W_norm"]) / div["grad_W_norm"]
    row["delta_rms"] = np.asarray(row["delta_norm"]) / div["delta_norm"]
    row["act_var"] = np.asarray(row["act_std"]) ** 2
    return row


def rms_values(quantity: str, values: np.ndarray, sizes) -> np.ndarray:
    """Rows ``(n, L)`` of the History column ``RMS_SOURCES[quantity]`` as ``quantity``."""
    checks.choice("quantity", quantity, RMS_SOURCES)
    values = np.asarray(values, dtype=np.float64)
    if quantity == "update_ratio" or not values.size:
        return values
    return values / per_entry_sizes(sizes)[RMS_SOURCES[quantity]]


def histogram_range(activation: str, residual: bool = False) -> float:
    """Half-width of the activation histograms: ``BOUNDED_RANGE`` for a bounded activation
    (the record's ``bounded``: ``|f| <= 1``, as sigmoid and tanh) unless residual sums make its
    layers' outputs unbounded; else ``UNBOUNDED_RANGE``."""
    return BOUNDED_RANGE if ACTIVATIONS[activation].bounded and not residual else UNBOUNDED_RANGE
