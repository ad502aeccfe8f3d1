"""The kinds of value a Playground setting has (``Setting.kind`` in ``playground_settings.SETTINGS``):
for each, how a value is checked against the setting's ``domain``, how messages say what is
allowed, and how it is written in a link and read back. Validation (``playground_validate``) and
the URL codec (``playground_url``) are loops over the settings table that call these. Pure Python.

Kinds: ``int`` and ``float`` (``domain = (lo, hi)``, inclusive; a float must be finite),
``choice`` (one of ``domain``, of the same type), ``bool``, ``subset`` (one or more distinct names
of ``domain``: the input features), ``widths`` (``domain = (max layers, max width)``: the hidden
widths, ``none`` for no hidden layer), ``per_layer`` (names of ``domain``, one per hidden layer:
the count is checked against ``hidden`` by ``validate``), ``controls`` (distinct names of
``domain``, possibly none: the hidden controls). Decoders raise ``ValueError`` on text that does
not parse.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

TRUE_WORDS = ("1", "true", "yes", "on")
FALSE_WORDS = ("0", "false", "no", "off")


@dataclass(frozen=True)
class Kind:
    """``check(domain, value) -> bool``, ``allowed(domain) -> words``, ``encode(value) -> text``,
    ``decode(domain, stripped text) -> value`` (raises ValueError)."""

    check: Callable[[tuple, Any], bool]
    allowed: Callable[[tuple], str]
    encode: Callable[[Any], str]
    decode: Callable[[tuple, str], Any]


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _decode_int(text: str) -> int:
    if not re.fullmatch(r"[+-]?\d{1,12}", text):
        raise ValueError
    return int(text)


def _decode_float(text: str) -> float:
    if len(text) > 40:
        raise ValueError
    return float(text)  # "nan"/"inf" parse, and are then rejected as out of range


def _decode_bool(text: str) -> bool:
    if text.lower() in TRUE_WORDS:
        return True
    if text.lower() in FALSE_WORDS:
        return False
    raise ValueError


def _decode_widths(domain: tuple, text: str) -> tuple[int, ...]:
    if text.lower() in ("", "none", "0"):
        return ()
    parts = text.split(",")
    if len(parts) > domain[0] or not all(re.fullmatch(r"\d{1,3}", p.strip()) for p in parts):
        raise ValueError
    return tuple(int(p) for p in parts)


def _names(text: str) -> tuple[str, ...]:
    return tuple(p.strip() for p in text.split(",")) if text else ()


def _distinct_of(domain: tuple, value: Any) -> bool:
    return (
        isinstance(value, tuple)
        and all(isinstance(v, str) and v in domain for v in value)
        and len(set(value)) == len(value)
    )


def _float_ok(domain: tuple, value: Any) -> bool:
    return (
        isinstance(value, (int, float))
        and not isinstance(value, bool)
        and math.isfinite(value)
        and domain[0] <= value <= domain[1]
    )


def _widths_ok(domain: tuple, value: Any) -> bool:
    return (
        isinstance(value, tuple)
        and len(value) <= domain[0]
        and all(_is_int(n) and 1 <= n <= domain[1] for n in value)
    )


_join = ",".join
KINDS: dict[str, Kind] = {
    "int": Kind(
        check=lambda d, v: _is_int(v) and d[0] <= v <= d[1],
        allowed=lambda d: f"a whole number from {d[0]} to {d[1]}",
        encode=str,
        decode=lambda d, text: _decode_int(text),
    ),
    "float": Kind(
        check=_float_ok,
        allowed=lambda d: f"a number from {d[0]:g} to {d[1]:g}",
        encode=lambda v: repr(float(v)),
        decode=lambda d, text: _decode_float(text),
    ),
    "choice": Kind(
        check=lambda d, v: v in d and type(v) is type(d[0]),
        allowed=lambda d: "one of " + ", ".join(str(c) for c in d),
        encode=str,
        decode=lambda d, text: _decode_int(text) if _is_int(d[0]) else text,
    ),
    "bool": Kind(
        check=lambda d, v: isinstance(v, bool),
        allowed=lambda d: "0 or 1",
        encode=lambda v: "1" if v else "0",
        decode=lambda d, text: _decode_bool(text),
    ),
    "subset": Kind(
        check=lambda d, v: _distinct_of(d, v) and len(v) >= 1,
        allowed=lambda d: "a comma-separated list of " + ", ".join(d),
        encode=_join,
        decode=lambda d, text: _names(text),
    ),
    "widths": Kind(
        check=_widths_ok,
        allowed=lambda d: f"up to {d[0]} widths from 1 to {d[1]}, comma-separated (or 'none')",
        encode=lambda v: _join(map(str, v)) if v else "none",
        decode=_decode_widths,
    ),
    "per_layer": Kind(
        check=lambda d, v: isinstance(v, tuple) and all(a in d for a in v),
        allowed=lambda d: "one activation per hidden layer, comma-separated, from " + ", ".join(d),
        encode=_join,
        decode=lambda d, text: _names(text),
    ),
    "controls": Kind(
        check=_distinct_of,
        allowed=lambda d: "a comma-separated list of " + ", ".join(d),
        encode=_join,
        decode=lambda d, text: tuple(dict.fromkeys(p.strip() for p in text.split(",") if p.strip())),
    ),
}
