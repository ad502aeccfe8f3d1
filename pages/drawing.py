"""The drawing grid (``st.components.v2``, ``drawing.js``): a 32 x 32 pad downsampled to 8 x 8
counts of 0..16 as scikit-learn's digits were made. ``drawing(key, on_change)`` mounts it; the
drawn counts arrive as its state value ``pixels`` (64 ints, row by row), which ``on_change``
copies where the page keeps its drawing (``pixels_of(key)`` reads it)."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

_HERE = Path(__file__).parent

_DRAWING = st.components.v2.component(
    "backprop_lab.drawing",
    html="",
    css=(_HERE / "drawing.css").read_text(encoding="utf-8"),
    js=(_HERE / "drawing.js").read_text(encoding="utf-8"),
)


def drawing(key: str, on_change) -> None:
    """Mount (or keep) the drawing pad under ``key``."""
    _DRAWING(key=key, on_pixels_change=on_change, width="stretch")


def pixels_of(key: str):
    """The pad's last ``pixels`` (None before any drawing)."""
    value = st.session_state.get(key)
    try:
        return value.get("pixels") if value is not None else None
    except AttributeError:
        return None
