"""Turning what a person typed into numbers, with messages that say what is wrong."""

from __future__ import annotations

import math

MAX_MAGNITUDE = 1e3  # weights, inputs and targets a person types; larger is almost surely a typo


def parse_number(text, where: str, limit: float = MAX_MAGNITUDE) -> float:
    """Parse one cell. Raises ValueError naming ``where`` for text, empty, NaN/inf or |x| > limit."""
    if text is None or (isinstance(text, str) and not text.strip()):
        raise ValueError(f"{where} is empty: type a number")
    if isinstance(text, float) and math.isnan(text):
        raise ValueError(f"{where} is empty: type a number")
    try:
        value = float(str(text).strip().replace(",", ".") if isinstance(text, str) else text)
    except (TypeError, ValueError):
        shown = str(text)[:20]
        raise ValueError(f"{where}: {shown!r} is not a number") from None
    if math.isnan(value) or math.isinf(value):
        raise ValueError(f"{where}: {text!r} is not a finite number")
    if abs(value) > limit:
        raise ValueError(f"{where}: {value:g} is too large; use values between -{limit:g} and {limit:g}")
    return value
